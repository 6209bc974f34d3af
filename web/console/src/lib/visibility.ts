/// The page's visibility, for refreshing what may have changed while the person was in another tab (an address
/// confirmed from a mailed link, a session ended elsewhere).

export type VisibilitySource = Pick<Document, 'visibilityState' | 'addEventListener' | 'removeEventListener'>;

/// Calls `fn` each time the page becomes visible again after being hidden (the person comes back to the tab).
/// Returns the function that stops listening.
export function onVisibleAgain(doc: VisibilitySource, fn: () => void): () => void {
    let hidden = doc.visibilityState === 'hidden';
    const listener = () => {
        if (doc.visibilityState === 'hidden') {
            hidden = true;
        } else if (hidden) {
            hidden = false;
            fn();
        }
    };
    doc.addEventListener('visibilitychange', listener);
    return () => doc.removeEventListener('visibilitychange', listener);
}

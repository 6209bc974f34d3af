import { describe, expect, it, vi } from 'vitest';

import { onVisibleAgain } from '../src/lib/visibility';

/// A document whose visibility the test sets, firing `visibilitychange` as a browser does.
class FakeDocument extends EventTarget {
    visibilityState: DocumentVisibilityState = 'visible';
    set(state: DocumentVisibilityState) {
        this.visibilityState = state;
        this.dispatchEvent(new Event('visibilitychange'));
    }
}

describe('onVisibleAgain', () => {
    it('calls back each time the page comes back from hidden, not while it stays visible', () => {
        const doc = new FakeDocument();
        const fn = vi.fn();
        onVisibleAgain(doc as unknown as Document, fn);
        doc.set('visible');
        expect(fn).not.toHaveBeenCalled();
        doc.set('hidden');
        expect(fn).not.toHaveBeenCalled();
        doc.set('visible');
        expect(fn).toHaveBeenCalledTimes(1);
        doc.set('visible');
        expect(fn).toHaveBeenCalledTimes(1);
        doc.set('hidden');
        doc.set('visible');
        expect(fn).toHaveBeenCalledTimes(2);
    });

    it('counts a page opened in the background as hidden', () => {
        const doc = new FakeDocument();
        doc.visibilityState = 'hidden';
        const fn = vi.fn();
        onVisibleAgain(doc as unknown as Document, fn);
        doc.set('visible');
        expect(fn).toHaveBeenCalledTimes(1);
    });

    it('stops when asked', () => {
        const doc = new FakeDocument();
        const fn = vi.fn();
        const stop = onVisibleAgain(doc as unknown as Document, fn);
        stop();
        doc.set('hidden');
        doc.set('visible');
        expect(fn).not.toHaveBeenCalled();
    });
});

import { API_URL } from '../api/client';

/** Whether the browser asks not to be tracked (Do Not Track, or Global Privacy Control). */
export function doNotTrack(): boolean {
  const nav = navigator as Navigator & { globalPrivacyControl?: boolean };
  const win = window as Window & { doNotTrack?: string };
  return nav.doNotTrack === '1' || win.doNotTrack === '1' || nav.globalPrivacyControl === true;
}

/**
 * Counts a view of `path` (POST /api/analytics/pageview): the path only — no query, cookie or
 * token — unless the browser asks not to be tracked. Failures are ignored: counting never gets in
 * the way of the page.
 */
export function sendPageView(path: string): void {
  if (doNotTrack()) return;
  fetch(`${API_URL}/api/analytics/pageview`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ path }),
    credentials: 'omit',
    keepalive: true,
  }).catch(() => undefined);
}

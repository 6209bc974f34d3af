import { afterEach, describe, expect, it, vi } from 'vitest';
import { sendPageView } from './pageViews';

function stubFetch() {
  const fetchMock = vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) => new Response(null, { status: 204 }));
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

describe('page views', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('posts the path, without credentials', () => {
    const fetchMock = stubFetch();
    sendPageView('/things');
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe('/api/analytics/pageview');
    expect(init?.method).toBe('POST');
    expect(init?.body).toBe('{"path":"/things"}');
    expect(init?.credentials).toBe('omit');
    expect((init?.headers as Record<string, string>).Authorization).toBeUndefined();
  });

  it('sends nothing when the browser asks not to be tracked', () => {
    const fetchMock = stubFetch();
    Object.defineProperty(navigator, 'doNotTrack', { value: '1', configurable: true });
    try {
      sendPageView('/things');
    } finally {
      delete (navigator as { doNotTrack?: string }).doNotTrack;
    }
    expect(fetchMock).not.toHaveBeenCalled();
  });
});

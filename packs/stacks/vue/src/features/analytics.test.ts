import { describe, expect, it, vi } from 'vitest';
import { entities } from '../entities';
import { byText, findBy, mockApi } from '../test/fixtures';
import { renderApp, t } from '../test/renderApp';

describe('page views', () => {
  const pageViews = (calls: ReturnType<typeof mockApi>['calls']) =>
    calls.filter((call) => call.path === '/api/analytics/pageview').map((call) => call.body);

  it('sends one for each page shown', async () => {
    const { calls } = mockApi();
    const { root } = await renderApp('/');
    expect(pageViews(calls)).toEqual([{ path: '/' }]);
    const entity = entities[0];
    byText(root.querySelector(`nav[aria-label="${t('nav.main')}"]`)!, 'a', entity.pluralTitle)!.click();
    await vi.waitFor(() => expect(pageViews(calls)).toEqual([{ path: '/' }, { path: entity.path }]));
  });

  it('sends none when the browser asks not to be tracked', async () => {
    const { calls } = mockApi();
    Object.defineProperty(navigator, 'doNotTrack', { value: '1', configurable: true });
    try {
      const { root } = await renderApp('/');
      await findBy(() => byText(root, 'h1', t('home.title')));
    } finally {
      delete (navigator as { doNotTrack?: string }).doNotTrack;
    }
    expect(pageViews(calls)).toEqual([]);
  });
});

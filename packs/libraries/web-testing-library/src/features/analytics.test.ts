import { describe, expect, it } from 'vitest';
import { entities } from '../entities';
import { fireEvent, mockApi, screen, waitFor, within } from '../test/fixtures';
import { renderApp, t } from '../test/renderApp';

describe('page views', () => {
  const pageViews = (calls: ReturnType<typeof mockApi>['calls']) =>
    calls.filter((call) => call.path === '/api/analytics/pageview').map((call) => call.body);

  it('sends one for each page shown', async () => {
    const { calls } = mockApi();
    renderApp('/');
    await waitFor(() => expect(pageViews(calls)).toEqual([{ path: '/' }]));
    const entity = entities[0];
    const menu = within(screen.getByRole('navigation', { name: t('nav.main') }));
    await fireEvent.click(menu.getByRole('link', { name: entity.pluralTitle }));
    await waitFor(() => expect(pageViews(calls)).toEqual([{ path: '/' }, { path: entity.path }]));
  });

  it('sends none when the browser asks not to be tracked', async () => {
    const { calls } = mockApi();
    Object.defineProperty(navigator, 'doNotTrack', { value: '1', configurable: true });
    try {
      renderApp('/');
      expect(await screen.findByRole('heading', { level: 1, name: t('home.title') })).toBeTruthy();
    } finally {
      delete (navigator as { doNotTrack?: string }).doNotTrack;
    }
    expect(pageViews(calls)).toEqual([]);
  });
});

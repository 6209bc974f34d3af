import { describe, expect, it } from 'vitest';
import { fireEvent, mockApi, queriesOf, searchCases, searchNeedle, screen, waitFor } from '../test/fixtures';
import { renderApp, t } from '../test/renderApp';

describe('search', () => {
  const { searchable, others } = searchCases();

  it.each(searchable)(
    'searches the %s with ?q= and shows what matches',
    async (_title, entity) => {
      const { fetchMock } = mockApi();
      renderApp(entity.path);
      expect(await screen.findAllByRole('row')).toHaveLength(2);
      const box = screen.getByRole('searchbox', { name: t('search.label') });
      await fireEvent.input(box, { target: { value: 'no such text' } });
      await fireEvent.submit(screen.getByRole('search'));
      expect(await screen.findByText(t('search.none', { q: 'no such text' }))).toBeTruthy();
      expect(queriesOf(fetchMock, entity.route).at(-1)?.get('q')).toBe('no such text');

      // The sample row's text is found again; clearing the search lists everything.
      await fireEvent.input(box, { target: { value: searchNeedle(entity) } });
      await fireEvent.submit(screen.getByRole('search'));
      await waitFor(() => expect(queriesOf(fetchMock, entity.route).at(-1)?.get('q')).toBe(searchNeedle(entity)));
      expect(await screen.findAllByRole('row')).toHaveLength(2);
      await fireEvent.click(screen.getByRole('button', { name: t('search.clear') }));
      await waitFor(() => expect(queriesOf(fetchMock, entity.route).at(-1)?.has('q')).toBe(false));
      expect(await screen.findAllByRole('row')).toHaveLength(2);
    },
  );

  it.each(searchable)(
    'opens the %s with the search of the address',
    async (_title, entity) => {
      const { fetchMock } = mockApi();
      renderApp(`${entity.path}?q=abc`);
      expect(await screen.findByText(t('search.none', { q: 'abc' }))).toBeTruthy();
      expect((screen.getByRole('searchbox', { name: t('search.label') }) as HTMLInputElement).value).toBe('abc');
      expect(queriesOf(fetchMock, entity.route)[0].get('q')).toBe('abc');
    },
  );

  it('offers no search where there is no text to search in', async () => {
    mockApi();
    for (const entity of others) {
      const { unmount } = renderApp(entity.path);
      expect(await screen.findByRole('heading', { level: 1, name: entity.pluralTitle })).toBeTruthy();
      expect(screen.queryByRole('search')).toBeNull();
      unmount();
    }
  });
});

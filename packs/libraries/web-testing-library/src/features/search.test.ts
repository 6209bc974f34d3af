import { describe, expect, it } from 'vitest';
import { entities } from '../entities';
import type { EntityDef } from '../entities/types';
import { isSearchable, SEARCHED_TYPES } from '../fields';
import { fireEvent, mockApi, queriesOf, samples, screen, waitFor } from '../test/fixtures';
import { renderApp, t } from '../test/renderApp';

/** Part of the sample row's first searched field, in capitals: the search finds the row again. */
function needle(entity: EntityDef): string {
  const field = entity.fields.find((candidate) => SEARCHED_TYPES.has(candidate.type))!;
  return String(samples[entity.route][field.name]).slice(0, 4).toUpperCase();
}

describe('search', () => {
  const searchable = entities.filter(isSearchable);
  const others = entities.filter((entity) => !isSearchable(entity));

  it.each(searchable.map((entity) => [entity.pluralTitle, entity] as const))(
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
      await fireEvent.input(box, { target: { value: needle(entity) } });
      await fireEvent.submit(screen.getByRole('search'));
      await waitFor(() => expect(queriesOf(fetchMock, entity.route).at(-1)?.get('q')).toBe(needle(entity)));
      expect(await screen.findAllByRole('row')).toHaveLength(2);
      await fireEvent.click(screen.getByRole('button', { name: t('search.clear') }));
      await waitFor(() => expect(queriesOf(fetchMock, entity.route).at(-1)?.has('q')).toBe(false));
      expect(await screen.findAllByRole('row')).toHaveLength(2);
    },
  );

  it.each(searchable.map((entity) => [entity.pluralTitle, entity] as const))(
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

import { describe, expect, it, vi } from 'vitest';
import { byText, findBy, mockApi, queriesOf, searchCases, searchNeedle, typeInto } from '../test/fixtures';
import { renderApp, t } from '../test/renderApp';

function searchForm(root: Element) {
  return root.querySelector<HTMLFormElement>('form[role="search"]');
}

describe('search', () => {
  const { searchable, others } = searchCases();

  it.each(searchable)(
    'searches the %s with ?q= and shows what matches',
    async (_title, entity) => {
      const { fetchMock } = mockApi();
      const { root, router } = await renderApp(entity.path);
      await findBy(() => root.querySelector('tbody tr'));
      const box = searchForm(root)!.querySelector<HTMLInputElement>('input[type="search"]')!;
      expect(box.labels?.[0]?.textContent?.trim()).toBe(t('search.label'));
      await typeInto(box, 'no such text');
      searchForm(root)!.requestSubmit();
      await findBy(() => byText(root, 'p', t('search.none', { q: 'no such text' })));
      expect(router.currentRoute.value.query.q).toBe('no such text');
      expect(queriesOf(fetchMock, entity.route).at(-1)?.get('q')).toBe('no such text');

      // The sample row's text is found again; clearing the search lists everything.
      await typeInto(box, searchNeedle(entity));
      searchForm(root)!.requestSubmit();
      await findBy(() => root.querySelector('tbody tr'));
      expect(queriesOf(fetchMock, entity.route).at(-1)?.get('q')).toBe(searchNeedle(entity));
      byText(root, 'button', t('search.clear'))!.click();
      await vi.waitFor(() => expect(queriesOf(fetchMock, entity.route).at(-1)?.has('q')).toBe(false));
      expect(router.currentRoute.value.query.q).toBeUndefined();
    },
  );

  it.each(searchable)(
    'opens the %s with the search of the address',
    async (_title, entity) => {
      const { fetchMock } = mockApi();
      const { root } = await renderApp(`${entity.path}?q=abc`);
      await findBy(() => byText(root, 'p', t('search.none', { q: 'abc' })));
      expect(searchForm(root)!.querySelector<HTMLInputElement>('input')!.value).toBe('abc');
      expect(queriesOf(fetchMock, entity.route)[0].get('q')).toBe('abc');
    },
  );

  it('offers no search where there is no text to search in', async () => {
    mockApi();
    for (const entity of others) {
      const { root, wrapper } = await renderApp(entity.path);
      await findBy(() => byText(root, 'h1', entity.pluralTitle));
      expect(searchForm(root)).toBeNull();
      wrapper.unmount();
    }
  });
});

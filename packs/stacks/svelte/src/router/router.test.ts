import { describe, expect, it } from 'vitest';
import { location, matchPath, navigate, searchParam } from './router.svelte';

describe('router', () => {
  it('matches paths with parameters', () => {
    expect(matchPath('/things/:id/edit', '/things/12/edit')).toEqual({ id: '12' });
    expect(matchPath('/things', '/things/')).toEqual({});
    expect(matchPath('/things/new', '/things/12')).toBeNull();
    expect(matchPath('/', '/other')).toBeNull();
  });

  it('navigates with the History API', () => {
    navigate('/things?page=3', { state: { from: '/' } });
    expect(window.location.pathname).toBe('/things');
    expect(location.pathname).toBe('/things');
    expect(searchParam('page')).toBe('3');
    expect(location.state).toEqual({ from: '/' });
    navigate('/', { replace: true });
    expect(location.search).toBe('');
  });
});

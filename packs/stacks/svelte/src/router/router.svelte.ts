/**
 * A small router on the History API: the address is reactive state, `navigate` changes it,
 * and <Link> turns clicks on links into navigations without reloading the page.
 */

export interface Location {
  pathname: string;
  search: string;
  /** What `navigate(..., { state })` attached to the history entry. */
  state: unknown;
}

function current(): Location {
  return { pathname: window.location.pathname, search: window.location.search, state: history.state };
}

/** The address being shown; read it in components and it stays up to date. */
export const location: Location = $state(current());

function sync(): void {
  Object.assign(location, current());
}

// Back and forward buttons.
window.addEventListener('popstate', sync);

export interface NavigateOptions {
  /** Replace the current history entry instead of adding one. */
  replace?: boolean;
  state?: unknown;
}

/** Shows `to` (a path with an optional ?query), adding a history entry unless `replace`. */
export function navigate(to: string, { replace = false, state = null }: NavigateOptions = {}): void {
  if (replace) history.replaceState(state, '', to);
  else history.pushState(state, '', to);
  sync();
}

/** A query parameter of the current address. */
export function searchParam(name: string): string | null {
  return new URLSearchParams(location.search).get(name);
}

/**
 * The parameters of `pathname` if it matches `pattern` ("/patients/:id/edit"), else null.
 * Segments are compared exactly; a trailing slash is ignored.
 */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const split = (path: string) => path.split('/').filter((segment) => segment !== '');
  const want = split(pattern);
  const have = split(pathname);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i += 1) {
    if (want[i].startsWith(':')) {
      try {
        params[want[i].slice(1)] = decodeURIComponent(have[i]);
      } catch {
        return null;
      }
    } else if (want[i] !== have[i]) {
      return null;
    }
  }
  return params;
}

import { APP_ID } from '../config';

/** The signed-in user's bearer token, kept in localStorage and shared by every tab. */
const STORAGE_KEY = `${APP_ID}.token`;
const listeners = new Set<() => void>();

/** The claims of a JWT, unverified (the API checks the signature; the interface only reads them). */
function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (!payload) return {};
  try {
    const claims: unknown = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
    return claims !== null && typeof claims === 'object' ? (claims as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function isExpired(token: string): boolean {
  const { exp } = claimsOf(token);
  return typeof exp === 'number' && exp * 1000 <= Date.now();
}

/** The role the API put in the token (its `role` claim), or null. */
export function tokenRole(token: string | null): string | null {
  const role = token ? claimsOf(token).role : undefined;
  return typeof role === 'string' ? role : null;
}

export function getToken(): string | null {
  const token = localStorage.getItem(STORAGE_KEY);
  return token && !isExpired(token) ? token : null;
}

export function setToken(token: string | null): void {
  if (token) localStorage.setItem(STORAGE_KEY, token);
  else localStorage.removeItem(STORAGE_KEY);
  listeners.forEach((listener) => listener());
}

/** Calls `listener` when the token changes, here or in another tab; returns the unsubscribe. */
export function subscribe(listener: () => void): () => void {
  const onStorage = (event: StorageEvent) => {
    if (event.key === STORAGE_KEY) listener();
  };
  listeners.add(listener);
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

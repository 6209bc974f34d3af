import { APP_ID } from '../config';

/** The signed-in user's bearer token, kept in localStorage and shared by every tab. */
const STORAGE_KEY = `${APP_ID}.token`;
const listeners = new Set<() => void>();

function isExpired(token: string): boolean {
  const payload = token.split('.')[1];
  if (!payload) return false;
  try {
    const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown };
    return typeof claims.exp === 'number' && claims.exp * 1000 <= Date.now();
  } catch {
    return false;
  }
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

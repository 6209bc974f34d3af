import { useCallback, useSyncExternalStore } from 'react';
import { login as requestToken } from '../api/client';
import { getToken, setToken, subscribe, tokenRole } from './token';

export interface Auth {
  token: string | null;
  signedIn: boolean;
  /** The signed-in user's role (the token's `role` claim), or null. */
  role: string | null;
  login(email: string, password: string): Promise<void>;
  logout(): void;
}

/** The session: the current token and its role, and login/logout. */
export function useAuth(): Auth {
  const token = useSyncExternalStore(subscribe, getToken, () => null);
  const login = useCallback(async (email: string, password: string) => {
    setToken(await requestToken(email, password));
  }, []);
  const logout = useCallback(() => setToken(null), []);
  return { token, signedIn: token !== null, role: tokenRole(token), login, logout };
}

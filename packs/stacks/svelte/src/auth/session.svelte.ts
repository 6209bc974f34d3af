import { login as requestToken } from '../api/client';
import { getToken, setToken, subscribe, tokenRole } from './token';

// Bumped whenever the token changes (here or in another tab): readers of `auth` re-read it.
const state = $state({ version: 0 });
subscribe(() => {
  state.version += 1;
});

/** The session: the current token and its role, and login/logout. */
export const auth = {
  get token(): string | null {
    void state.version;
    return getToken();
  },
  get signedIn(): boolean {
    return this.token !== null;
  },
  /** The signed-in user's role (the token's `role` claim), or null. */
  get role(): string | null {
    return tokenRole(this.token);
  },
  async login(email: string, password: string): Promise<void> {
    setToken(await requestToken(email, password));
  },
  logout(): void {
    setToken(null);
  },
};

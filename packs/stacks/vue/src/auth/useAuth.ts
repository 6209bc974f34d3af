import { computed, onScopeDispose, ref, type ComputedRef, type Ref } from 'vue';
import { login as requestToken } from '../api/client';
import { getToken, setToken, subscribe, tokenRole } from './token';

export interface Auth {
  token: Readonly<Ref<string | null>>;
  signedIn: ComputedRef<boolean>;
  /** The signed-in user's role (the token's `role` claim), or null. */
  role: ComputedRef<string | null>;
  login(email: string, password: string): Promise<void>;
  logout(): void;
}

/** The session: the current token (kept in step with other tabs), and login/logout. */
export function useAuth(): Auth {
  const token = ref(getToken());
  onScopeDispose(subscribe(() => (token.value = getToken())));
  return {
    token,
    signedIn: computed(() => token.value !== null),
    role: computed(() => tokenRole(token.value)),
    async login(email, password) {
      setToken(await requestToken(email, password));
    },
    logout: () => setToken(null),
  };
}

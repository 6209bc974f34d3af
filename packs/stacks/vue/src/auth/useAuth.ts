import { computed, onScopeDispose, ref, type ComputedRef, type Ref } from 'vue';
import { login as requestToken } from '../api/client';
import { getToken, setToken, subscribe } from './token';

export interface Auth {
  token: Readonly<Ref<string | null>>;
  signedIn: ComputedRef<boolean>;
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
    async login(email, password) {
      setToken(await requestToken(email, password));
    },
    logout: () => setToken(null),
  };
}

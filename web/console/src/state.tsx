// The console's shared state: the API client and session, the language, the catalog, the signed-in user, the
// current address. Pages read it with useApp().

import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';

import { ApiClient, ApiError } from './lib/api';
import { detectLanguage, dirOf, kLangKey, translate, type Lang, type MessageKey } from './lib/i18n';
import { navigation } from './lib/navigation';
import { Session } from './lib/session';
import type { Catalog, User } from './lib/types';

export interface Location {
    pathname: string;
    search: string;
    hash: string;
}

export interface AppState {
    api: ApiClient;
    session: Session;
    lang: Lang;
    setLang: (lang: Lang) => void;
    t: (key: MessageKey, params?: Record<string, string | number>) => string;
    catalog: Catalog | null;
    catalogError: ApiError | Error | null;
    user: User | null;
    /// True until the first check of the session is done.
    userLoading: boolean;
    reloadUser: () => Promise<User | null>;
    location: Location;
    navigate: (to: string, options?: { replace?: boolean }) => void;
}

const AppContext = createContext<AppState | null>(null);

export function useApp(): AppState {
    const ctx = useContext(AppContext);
    if (!ctx) throw new Error('useApp outside <AppProvider>');
    return ctx;
}

function storage(kind: 'localStorage' | 'sessionStorage'): Storage | null {
    try {
        return window[kind];
    } catch {
        return null;
    }
}

function currentLocation(): Location {
    return { pathname: window.location.pathname, search: window.location.search, hash: window.location.hash };
}

export function AppProvider({ children }: { children: ReactNode }) {
    const [lang, setLangState] = useState<Lang>(() =>
        detectLanguage({
            search: window.location.search,
            stored: storage('localStorage')?.getItem(kLangKey) ?? null,
            browser: navigator.languages ?? [navigator.language],
        }),
    );
    const langRef = useRef(lang);
    langRef.current = lang;

    const session = useMemo(
        () =>
            new Session({
                fetch: window.fetch.bind(window),
                local: storage('localStorage'),
                session: storage('sessionStorage'),
                locks: navigator.locks ? { request: <T,>(name: string, fn: () => Promise<T>) => navigator.locks.request(name, fn) as unknown as Promise<T> } : null,
            }),
        [],
    );
    const api = useMemo(() => new ApiClient({ fetch: window.fetch.bind(window), session, language: () => langRef.current }), [session]);

    const [location, setLocation] = useState<Location>(currentLocation);
    useEffect(() => {
        const onPop = () => setLocation(currentLocation());
        window.addEventListener('popstate', onPop);
        return () => window.removeEventListener('popstate', onPop);
    }, []);
    const navigate = useCallback((to: string, options?: { replace?: boolean }) => {
        const url = new URL(to, window.location.href);
        if (url.origin !== window.location.origin) {
            window.location.assign(url.href);
            return;
        }
        const target = url.pathname + url.search + url.hash;
        navigation.moved = true;
        if (options?.replace) window.history.replaceState(null, '', target);
        else window.history.pushState(null, '', target);
        setLocation(currentLocation());
    }, []);

    const setLang = useCallback((next: Lang) => {
        setLangState(next);
        try {
            storage('localStorage')?.setItem(kLangKey, next);
        } catch {
            // not kept: the language lasts until the page is left
        }
        // An explicit ?lang= would contradict the choice on the next load: follow it.
        const url = new URL(window.location.href);
        if (url.searchParams.has('lang')) {
            url.searchParams.set('lang', next);
            window.history.replaceState(null, '', url.pathname + url.search + url.hash);
            setLocation(currentLocation());
        }
    }, []);

    useEffect(() => {
        document.documentElement.lang = lang;
        document.documentElement.dir = dirOf(lang);
    }, [lang]);

    const t = useCallback((key: MessageKey, params?: Record<string, string | number>) => translate(lang, key, params), [lang]);

    const [catalog, setCatalog] = useState<Catalog | null>(null);
    const [catalogError, setCatalogError] = useState<ApiError | Error | null>(null);
    useEffect(() => {
        api.json<Catalog>('/api/v1/catalog', { auth: 'none' }).then(setCatalog, (e: Error) => setCatalogError(e));
    }, [api]);

    const [user, setUser] = useState<User | null>(null);
    const [userLoading, setUserLoading] = useState(true);
    const reloadUser = useCallback(async () => {
        if (!session.signedIn) {
            setUser(null);
            return null;
        }
        try {
            const me = await api.json<User>('/api/v1/users/me', { auth: 'required' });
            setUser(me);
            return me;
        } catch (e) {
            if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
                session.clear();
                setUser(null);
            }
            return null;
        }
    }, [api, session]);

    useEffect(() => {
        reloadUser().finally(() => setUserLoading(false));
        const off = session.onChange((signedIn) => {
            if (!signedIn) setUser(null);
        });
        const onStorage = (e: StorageEvent) => session.storageChanged(e.key);
        window.addEventListener('storage', onStorage);
        return () => {
            off();
            window.removeEventListener('storage', onStorage);
        };
    }, [reloadUser, session]);

    const value = useMemo<AppState>(
        () => ({ api, session, lang, setLang, t, catalog, catalogError, user, userLoading, reloadUser, location, navigate }),
        [api, session, lang, setLang, t, catalog, catalogError, user, userLoading, reloadUser, location, navigate],
    );
    return <AppContext.Provider value={value}>{children}</AppContext.Provider>;
}

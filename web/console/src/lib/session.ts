// The signed-in session: the access token lives in memory only (never in storage, never in a URL sent to the
// server), the refresh token in sessionStorage (this tab, until it closes) or, when the person asked to stay
// signed in, in localStorage (every tab of this origin). Refresh tokens rotate and a spent one ends the session
// on the server (reuse detection), so refreshes are serialised: within the tab by one promise, across tabs by a
// Web Lock, and the token is read from storage inside the lock, where another tab may have rotated it.
// docs/console.md says why the refresh token is kept there.

import type { Tokens } from './types';

export const kRefreshKey = 'dihya.refresh';
/// Refresh this long before the access token expires.
const kEarlyMs = 30_000;

export interface LockLike {
    request<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

export interface SessionDeps {
    fetch: typeof fetch;
    local?: Storage | null;
    session?: Storage | null;
    locks?: LockLike | null;
    now?: () => number;
}

export type SessionListener = (signedIn: boolean) => void;

export class Session {
    private access: string | null = null;
    private accessExpiresAt = 0;
    private inflight: Promise<boolean> | null = null;
    private listeners = new Set<SessionListener>();
    private readonly deps: Required<Omit<SessionDeps, 'locks'>> & { locks: LockLike | null };

    constructor(deps: SessionDeps) {
        this.deps = {
            fetch: deps.fetch,
            local: deps.local ?? null,
            session: deps.session ?? null,
            locks: deps.locks ?? null,
            now: deps.now ?? (() => Date.now()),
        } as Required<Omit<SessionDeps, 'locks'>> & { locks: LockLike | null };
    }

    /// True while there is an access token or a refresh token to get one with.
    get signedIn(): boolean {
        return this.access !== null || this.storedRefresh() !== null;
    }

    /// Whether the refresh token is kept in localStorage (the person asked to stay signed in).
    get persistent(): boolean {
        return this.read(this.deps.local) !== null;
    }

    onChange(fn: SessionListener): () => void {
        this.listeners.add(fn);
        return () => this.listeners.delete(fn);
    }

    /// Keeps the tokens of a sign-in (or of a refresh): the access token in memory, the refresh token in storage.
    setTokens(tokens: Tokens, persistent = this.persistent): void {
        this.access = tokens.access_token;
        this.accessExpiresAt = this.deps.now() + Math.max(0, tokens.expires_in) * 1000;
        this.write(tokens.refresh_token, persistent);
        this.emit(true);
    }

    /// An access token valid for a while yet, refreshing first when needed; null when signed out.
    async accessToken(): Promise<string | null> {
        if (this.access && this.deps.now() < this.accessExpiresAt - kEarlyMs) return this.access;
        if (this.storedRefresh() === null) {
            if (this.access) this.clear();
            return null;
        }
        return (await this.refresh()) ? this.access : null;
    }

    /// Trades the stored refresh token for new tokens; false (and signed out) when the server refuses it.
    refresh(): Promise<boolean> {
        if (this.inflight) return this.inflight;
        const run = async () => {
            const token = this.storedRefresh();
            if (token === null) {
                this.clear();
                return false;
            }
            let res: Response;
            try {
                res = await this.deps.fetch('/api/v1/auth/refresh', {
                    method: 'POST',
                    headers: { 'content-type': 'application/json', accept: 'application/json' },
                    body: JSON.stringify({ refresh_token: token }),
                });
            } catch {
                return false; // offline: keep the refresh token for later
            }
            if (res.status === 401 || res.status === 400) {
                this.clear();
                return false;
            }
            if (!res.ok) return false;
            this.setTokens((await res.json()) as Tokens, this.persistentFor(token));
            return true;
        };
        const locks = this.deps.locks;
        this.inflight = (locks ? locks.request('dihya-refresh', run) : run()).finally(() => {
            this.inflight = null;
        });
        return this.inflight;
    }

    /// Ends the session on the server (its refresh token) and forgets the tokens here.
    async signOut(): Promise<void> {
        const token = this.storedRefresh();
        const access = this.access;
        this.clear();
        if (token === null) return;
        try {
            await this.deps.fetch('/api/v1/auth/logout', {
                method: 'POST',
                headers: {
                    'content-type': 'application/json',
                    ...(access ? { authorization: `Bearer ${access}` } : {}),
                },
                body: JSON.stringify({ refresh_token: token }),
            });
        } catch {
            // the server forgets it at expiry
        }
    }

    /// Forgets the tokens without telling the server (it refused them, or another tab signed out).
    clear(): void {
        const was = this.signedIn;
        this.access = null;
        this.accessExpiresAt = 0;
        this.remove(this.deps.local);
        this.remove(this.deps.session);
        if (was) this.emit(false);
    }

    /// Called when another tab changed the stored refresh token (the `storage` event).
    storageChanged(key: string | null): void {
        if (key !== null && key !== kRefreshKey) return;
        if (this.storedRefresh() === null && this.access !== null) {
            this.access = null;
            this.emit(false);
        }
    }

    private storedRefresh(): string | null {
        return this.read(this.deps.session) ?? this.read(this.deps.local);
    }

    private persistentFor(token: string): boolean {
        return this.read(this.deps.local) === token;
    }

    private write(token: string, persistent: boolean): void {
        const [keep, drop] = persistent ? [this.deps.local, this.deps.session] : [this.deps.session, this.deps.local];
        this.remove(drop);
        try {
            keep?.setItem(kRefreshKey, token);
        } catch {
            // storage full or refused: the session lasts as long as the access token
        }
    }

    private read(storage: Storage | null): string | null {
        try {
            return storage?.getItem(kRefreshKey) ?? null;
        } catch {
            return null;
        }
    }

    private remove(storage: Storage | null): void {
        try {
            storage?.removeItem(kRefreshKey);
        } catch {
            // nothing to remove
        }
    }

    private emit(signedIn: boolean): void {
        for (const fn of this.listeners) fn(signedIn);
    }
}

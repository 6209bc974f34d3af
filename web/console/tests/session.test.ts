import { describe, expect, it, vi } from 'vitest';

import { ApiClient, ApiError } from '../src/lib/api';
import { Session, kRefreshKey, type LockLike } from '../src/lib/session';

class MemoryStorage implements Storage {
    private m = new Map<string, string>();
    get length() {
        return this.m.size;
    }
    clear() {
        this.m.clear();
    }
    getItem(k: string) {
        return this.m.get(k) ?? null;
    }
    key(i: number) {
        return [...this.m.keys()][i] ?? null;
    }
    removeItem(k: string) {
        this.m.delete(k);
    }
    setItem(k: string, v: string) {
        this.m.set(k, v);
    }
}

function json(status: number, body: unknown, headers: Record<string, string> = {}) {
    return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

/// A fake server's refresh endpoint: each refresh token works once (rotation), a spent one is a 401.
function refreshServer() {
    let n = 0;
    const spent = new Set<string>();
    const calls: string[] = [];
    const fetch = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
        const path = String(url);
        calls.push(path);
        if (path === '/api/v1/auth/refresh') {
            const { refresh_token } = JSON.parse(String(init?.body));
            if (spent.has(refresh_token) || !refresh_token.startsWith('r')) return json(401, { title: 'Unauthorized', status: 401 });
            spent.add(refresh_token);
            n++;
            return json(200, { access_token: `a${n}`, refresh_token: `r${n}`, token_type: 'Bearer', expires_in: 900, refresh_expires_in: 100 });
        }
        if (path === '/api/v1/auth/logout') return new Response(null, { status: 204 });
        return json(404, { title: 'Not found', status: 404 });
    });
    return { fetch: fetch as unknown as typeof globalThis.fetch, calls, spent };
}

const tokens = (a: string, r: string, expires = 900) => ({ access_token: a, refresh_token: r, token_type: 'Bearer', expires_in: expires });

describe('Session', () => {
    it('keeps the access token in memory and the refresh token in sessionStorage, or localStorage when asked', () => {
        const local = new MemoryStorage();
        const session = new MemoryStorage();
        const s = new Session({ fetch: refreshServer().fetch, local, session });
        s.setTokens(tokens('a0', 'r0'));
        expect(session.getItem(kRefreshKey)).toBe('r0');
        expect(local.getItem(kRefreshKey)).toBeNull();
        expect(JSON.stringify([...Array(session.length)].map((_, i) => session.getItem(session.key(i)!)))).not.toContain('a0');
        s.setTokens(tokens('a1', 'r1'), true);
        expect(local.getItem(kRefreshKey)).toBe('r1');
        expect(session.getItem(kRefreshKey)).toBeNull();
        expect(s.persistent).toBe(true);
    });

    it('refreshes once for many callers, and before the access token expires', async () => {
        let now = 0;
        const server = refreshServer();
        const s = new Session({ fetch: server.fetch, session: new MemoryStorage(), now: () => now });
        s.setTokens(tokens('a0', 'r0', 900));
        expect(await s.accessToken()).toBe('a0');
        now = 880_000; // 20 s before expiry: refresh first
        const got = await Promise.all([s.accessToken(), s.accessToken(), s.accessToken()]);
        expect(got).toEqual(['a1', 'a1', 'a1']);
        expect(server.calls.filter((c) => c === '/api/v1/auth/refresh')).toHaveLength(1);
    });

    it('reads the refresh token inside the lock, where another tab may have rotated it', async () => {
        const server = refreshServer();
        const local = new MemoryStorage();
        let chain = Promise.resolve();
        const locks: LockLike = {
            request: <T,>(_: string, fn: () => Promise<T>) => {
                const run = chain.then(fn);
                chain = run.then(
                    () => undefined,
                    () => undefined,
                );
                return run;
            },
        };
        const tabA = new Session({ fetch: server.fetch, local, locks });
        const tabB = new Session({ fetch: server.fetch, local, locks });
        tabA.setTokens(tokens('a0', 'r0'), true);
        const [a, b] = await Promise.all([tabA.refresh(), tabB.refresh()]);
        expect([a, b]).toEqual([true, true]);
        // r0 was spent once, then B used the r1 that A stored: no reuse, the session lives on.
        expect([...server.spent]).toEqual(['r0', 'r1']);
        expect(local.getItem(kRefreshKey)).toBe('r2');
    });

    it('signs out when the server refuses the refresh token, and tells listeners', async () => {
        const server = refreshServer();
        const session = new MemoryStorage();
        const s = new Session({ fetch: server.fetch, session });
        const seen: boolean[] = [];
        s.onChange((v) => seen.push(v));
        s.setTokens(tokens('a0', 'spent'), false);
        expect(await s.refresh()).toBe(false);
        expect(s.signedIn).toBe(false);
        expect(session.getItem(kRefreshKey)).toBeNull();
        expect(seen).toEqual([true, false]);
    });

    it('signs out on the server with the refresh token', async () => {
        const server = refreshServer();
        const s = new Session({ fetch: server.fetch, session: new MemoryStorage() });
        s.setTokens(tokens('a0', 'r0'));
        await s.signOut();
        expect(server.calls).toEqual(['/api/v1/auth/logout']);
        expect(s.signedIn).toBe(false);
        expect(await s.accessToken()).toBeNull();
    });

    it('forgets the access token when another tab signed out', () => {
        const local = new MemoryStorage();
        const s = new Session({ fetch: refreshServer().fetch, local });
        s.setTokens(tokens('a0', 'r0'), true);
        local.removeItem(kRefreshKey);
        s.storageChanged(kRefreshKey);
        expect(s.signedIn).toBe(false);
    });
});

describe('ApiClient', () => {
    it('sends the bearer token and the language, refreshes once on a 401 and retries', async () => {
        const server = refreshServer();
        const seen: { auth: string | null; lang: string | null }[] = [];
        const fetch = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
            if (String(url) !== '/api/v1/users/me') return server.fetch(url, init);
            const h = new Headers(init?.headers);
            seen.push({ auth: h.get('authorization'), lang: h.get('accept-language') });
            return h.get('authorization') === 'Bearer a1' ? json(200, { id: 'u1' }) : json(401, { title: 'Unauthorized', status: 401 });
        }) as unknown as typeof globalThis.fetch;
        const session = new Session({ fetch, session: new MemoryStorage() });
        session.setTokens(tokens('stale', 'r0'));
        const api = new ApiClient({ fetch, session, language: () => 'ar' });
        expect(await api.json('/api/v1/users/me')).toEqual({ id: 'u1' });
        expect(seen).toEqual([
            { auth: 'Bearer stale', lang: 'ar' },
            { auth: 'Bearer a1', lang: 'ar' },
        ]);
    });

    it('throws the problem+json with its field errors and Retry-After', async () => {
        const fetch = vi.fn(async () =>
            json(400, { type: '/docs/problems#invalid-argument', title: 'Invalid request', status: 400, detail: 'model: entities[0].fields[1].type: unknown type', instance: 'rid', errors: [{ field: 'entities[0].fields[1].type', reason: 'unknown type' }] }),
        ) as unknown as typeof globalThis.fetch;
        const api = new ApiClient({ fetch, session: new Session({ fetch }), language: () => 'en' });
        const err = (await api.json('/api/v1/projects', { body: {} }).catch((e: unknown) => e)) as ApiError;
        expect(err).toBeInstanceOf(ApiError);
        expect(err.status).toBe(400);
        expect(err.message).toBe('model: entities[0].fields[1].type: unknown type');
        expect(err.fieldErrors).toEqual([{ field: 'entities[0].fields[1].type', reason: 'unknown type' }]);

        const limited = vi.fn(async () => json(429, { title: 'Too Many Requests', status: 429 }, { 'retry-after': '3' })) as unknown as typeof globalThis.fetch;
        const e2 = (await new ApiClient({ fetch: limited, session: new Session({ fetch: limited }), language: () => 'en' }).json('/x').catch((e: unknown) => e)) as ApiError;
        expect(e2.retryAfter).toBe(3);
    });

    it('refuses to call a signed-in route without a session', async () => {
        const fetch = vi.fn() as unknown as typeof globalThis.fetch;
        const api = new ApiClient({ fetch, session: new Session({ fetch }), language: () => 'en' });
        await expect(api.json('/api/v1/projects', { auth: 'required' })).rejects.toMatchObject({ status: 401 });
        expect(fetch).not.toHaveBeenCalled();
    });
});

// JSON over fetch with the signed-in session: the bearer token on every call when there is one, one refresh
// and retry on a 401, errors as ApiError carrying the server's problem+json (RFC 9457) and its field errors.

import type { FieldError, Problem } from './types';
import type { Session } from './session';

export class ApiError extends Error {
    readonly status: number;
    readonly problem: Problem;
    readonly retryAfter?: number;

    constructor(status: number, problem: Problem, retryAfter?: number) {
        super(problem.detail || problem.title || `HTTP ${status}`);
        this.name = 'ApiError';
        this.status = status;
        this.problem = problem;
        this.retryAfter = retryAfter;
    }

    get fieldErrors(): FieldError[] {
        return Array.isArray(this.problem.errors) ? this.problem.errors.filter((e) => e && typeof e.field === 'string') : [];
    }
}

/// The problem of a failed answer; answers that are not problem+json get one made from their status.
export async function problemOf(res: Response): Promise<Problem> {
    const text = await res.text().catch(() => '');
    try {
        const value = JSON.parse(text) as Problem;
        if (value && typeof value === 'object') return { status: res.status, ...value };
    } catch {
        // not JSON
    }
    return { status: res.status, title: res.statusText || `HTTP ${res.status}` };
}

export interface RequestOptions {
    method?: string;
    body?: unknown;
    headers?: Record<string, string>;
    signal?: AbortSignal;
    /// Send the access token: when signed in (default), always (a 401 otherwise), or never.
    auth?: 'optional' | 'required' | 'none';
}

export interface ApiClientDeps {
    fetch: typeof fetch;
    session: Session;
    language: () => string;
}

export class ApiClient {
    constructor(private readonly deps: ApiClientDeps) {}

    /// The raw answer of a successful call (2xx or 304); throws ApiError otherwise.
    async response(path: string, opts: RequestOptions = {}): Promise<Response> {
        const auth = opts.auth ?? 'optional';
        let token = auth === 'none' ? null : await this.deps.session.accessToken();
        if (auth === 'required' && token === null) {
            throw new ApiError(401, { status: 401, title: 'Unauthorized', detail: 'sign in first' });
        }
        let res = await this.send(path, opts, token);
        if (res.status === 401 && token !== null) {
            // The token may have been revoked or expired early: one refresh, one retry.
            token = (await this.deps.session.refresh()) ? await this.deps.session.accessToken() : null;
            if (token !== null) res = await this.send(path, opts, token);
        }
        if (!res.ok && res.status !== 304) {
            const retry = Number(res.headers.get('retry-after'));
            throw new ApiError(res.status, await problemOf(res), Number.isFinite(retry) && retry > 0 ? retry : undefined);
        }
        return res;
    }

    async json<T>(path: string, opts: RequestOptions = {}): Promise<T> {
        const res = await this.response(path, opts);
        if (res.status === 204) return undefined as T;
        const text = await res.text();
        return (text ? JSON.parse(text) : undefined) as T;
    }

    async text(path: string, opts: RequestOptions = {}): Promise<{ text: string; contentType: string }> {
        const res = await this.response(path, opts);
        return { text: await res.text(), contentType: res.headers.get('content-type') ?? '' };
    }

    async blob(path: string, opts: RequestOptions = {}): Promise<{ blob: Blob; filename: string | null; contentType: string }> {
        const res = await this.response(path, opts);
        return {
            blob: await res.blob(),
            filename: filenameOf(res.headers.get('content-disposition')),
            contentType: res.headers.get('content-type') ?? '',
        };
    }

    private send(path: string, opts: RequestOptions, token: string | null): Promise<Response> {
        const headers: Record<string, string> = { accept: 'application/json, */*;q=0.5', 'accept-language': this.deps.language() };
        if (opts.body !== undefined) headers['content-type'] = 'application/json';
        if (token) headers.authorization = `Bearer ${token}`;
        return this.deps.fetch(path, {
            method: opts.method ?? (opts.body === undefined ? 'GET' : 'POST'),
            headers: { ...headers, ...opts.headers },
            body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
            signal: opts.signal,
            credentials: 'omit',
            cache: 'no-store',
        });
    }
}

/// The file name of a Content-Disposition header (filename*=UTF-8'' first, then filename=).
export function filenameOf(header: string | null): string | null {
    if (!header) return null;
    const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
    if (star) {
        try {
            return decodeURIComponent(star[1].trim());
        } catch {
            // fall through
        }
    }
    const plain = /filename\s*=\s*"([^"]*)"|filename\s*=\s*([^;\s]+)/.exec(header);
    return plain ? (plain[1] ?? plain[2] ?? null) : null;
}

/// A query string from the defined, non-empty values.
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) {
        if (v === undefined || v === null || v === '') continue;
        q.set(k, String(v));
    }
    const s = q.toString();
    return s ? `?${s}` : '';
}

// Accounts over the real HTTP API: JSON calls with a bearer token, registration with consent, sign-in.

import assert from 'node:assert/strict';

import { runDihya } from './server.mjs';

export const kPassword = 'violet tapestry under rain';
export const kConsent = { policy_version: '1', accepted: ['terms', 'privacy'] };

/// Fast Argon2id and no per-IP rate limit: suites make many sign-ins from one address.
export const kFastAuth = {
    auth: { argon2_ops_limit: 1, argon2_memory_kib: 8192 },
    rate_limit: { enabled: false },
};

/// fetch with JSON in and out. Resolves {status, headers, json, text}.
export async function api(srv, path, { method = 'GET', token, body, headers = {} } = {}) {
    const h = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    if (body !== undefined) h['content-type'] = 'application/json';
    const res = await fetch(`${srv.url}${path}`, {
        method,
        headers: h,
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        redirect: 'manual',
    });
    const text = await res.text();
    let json;
    try {
        json = text ? JSON.parse(text) : undefined;
    } catch {
        json = undefined;
    }
    return { status: res.status, headers: res.headers, json, text };
}

export async function register(srv, email, { password = kPassword, display_name } = {}) {
    const r = await api(srv, '/api/v1/auth/register', {
        method: 'POST',
        body: { email, password, display_name, consent: kConsent },
    });
    assert.equal(r.status, 201, `register ${email}: ${r.text}`);
    return r.json;
}

export async function login(srv, email, password = kPassword) {
    const r = await api(srv, '/api/v1/auth/login', { method: 'POST', body: { email, password } });
    assert.equal(r.status, 200, `login ${email}: ${r.text}`);
    return r.json;
}

/// Registers and signs in; resolves {user, tokens, token}.
export async function signUp(srv, email, options) {
    const user = await register(srv, email, options);
    const tokens = await login(srv, email, options?.password);
    return { user, tokens, token: tokens.access_token };
}

/// Creates an admin with `dihya user create` on the server's data directory (and its database when `database_url`
/// is given), then signs in; resolves the access token.
export async function adminToken(srv, { database_url } = {}, email = 'root@example.org') {
    const made = await runDihya(['user', 'create', '--email', email, '--role', 'admin', '--password-stdin', '--dev',
        '--data-dir', srv.dataDir, ...(database_url ? ['--database', database_url] : [])], { input: `${kPassword}\n` });
    assert.equal(made.code, 0, made.stderr);
    return (await login(srv, email)).access_token;
}

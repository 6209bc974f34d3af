// Sign-in with OAuth2 / OpenID Connect against a local provider that speaks the real protocol
// (lib/oauth-provider.mjs): the server's own code path — libcurl token exchange, discovery, JWKS, ID-token
// checks — on every test. The browser is played by hand with fetch (redirect: 'manual'): start → provider →
// redirect URI. The server's public_url is http://dihya.test (as behind a reverse proxy); the "browser" sends
// what is addressed there to the server under test.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { assertProblem } from './lib/http.mjs';
import { startProvider } from './lib/oauth-provider.mjs';
import { runDihya, startServer } from './lib/server.mjs';
import { parseMessage, tokenOf } from './lib/smtp.mjs';

const T = { timeout: 60_000 };
const kPublic = 'http://dihya.test';
const kApp = 'http://app.test';
const kSecret = 'mock-client-secret-' + crypto.randomBytes(8).toString('hex');
const kGithubSecret = 'gh-client-secret-' + crypto.randomBytes(8).toString('hex');
const kPassword = 'Qv7#tLp2!wZr9@kM';

const idp = await startProvider({
    clients: [
        { id: 'dihya-mock', secret: kSecret, redirectUris: [`${kPublic}/api/v1/auth/oauth/mock/callback`] },
        { id: 'dihya-gh', secret: kGithubSecret, redirectUris: [`${kPublic}/api/v1/auth/oauth/gh/callback`] },
    ],
});

const srv = await startServer({
    config: {
        public_url: kPublic,
        rate_limit: { enabled: false },
        auth: { argon2_memory_kib: 8192, argon2_ops_limit: 1 },
        cors: { allowed_origins: [kApp] },
        oauth: {
            mock: { kind: 'oidc', title: 'Mock ID', client_id: 'dihya-mock', client_secret: kSecret, issuer: idp.url },
            gh: {
                kind: 'github',
                client_id: 'dihya-gh',
                client_secret: kGithubSecret,
                authorization_endpoint: `${idp.url}/login/oauth/authorize`,
                token_endpoint: `${idp.url}/login/oauth/access_token`,
                api_url: idp.url,
            },
        },
    },
});

/// Values that must never reach the server's logs.
const secrets = new Set([kSecret, kGithubSecret, kPassword]);

function email(tag) {
    const e = `${tag}-${crypto.randomBytes(4).toString('hex')}@example.org`;
    secrets.add(e);
    return e;
}

function subject() {
    return 'sub-' + crypto.randomBytes(6).toString('hex');
}

/// The browser following a Location addressed to the server's public URL.
function toServer(location) {
    const u = new URL(location);
    assert.equal(u.origin, kPublic, `redirect to the public URL expected: ${location}`);
    return `${srv.url}${u.pathname}${u.search}`;
}

async function get(url, headers = {}) {
    const res = await fetch(url, { redirect: 'manual', headers });
    const text = await res.text();
    return { res, status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}

/// start → provider → callback. Returns the callback's answer and the URLs on the way.
async function flow({ provider = 'mock', returnTo, user, mode, headers = {}, link } = {}) {
    if (user) idp.user = user;
    if (mode) idp.mode = mode;
    const q = new URLSearchParams();
    if (returnTo !== undefined) q.set('return_to', returnTo);
    if (link) q.set('link', 'true');
    const start = await get(`${srv.url}/api/v1/auth/oauth/${provider}/start?${q}`, headers);
    assert.equal(start.status, 302, `start: ${start.text}`);
    const authorization = start.headers.get('location');
    const atProvider = await get(authorization);
    assert.equal(atProvider.status, 302, `provider: ${atProvider.text}`);
    const callback = atProvider.headers.get('location');
    const cb = new URL(callback);
    for (const k of ['state', 'code']) if (cb.searchParams.get(k)) secrets.add(cb.searchParams.get(k));
    // The browser brings back the cookie set by start (it ties the flow to this browser).
    const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0];
    assert.match(cookie, /^dihya_oauth=/, 'start sets the flow cookie');
    const done = await get(toServer(callback), { cookie });
    for (const k of ['access_token', 'refresh_token']) {
        if (done.status === 200 && done.json()[k]) secrets.add(done.json()[k]);
    }
    return { ...done, authorization, callback, start, cookie };
}

async function me(accessToken) {
    const r = await get(`${srv.url}/api/v1/users/me`, { authorization: `Bearer ${accessToken}` });
    assert.equal(r.status, 200, r.text);
    return r.json();
}

async function register(address) {
    const res = await fetch(`${srv.url}/api/v1/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: address, password: kPassword, consent: { policy_version: '1', accepted: ['terms', 'privacy'] } }),
    });
    return { status: res.status, text: await res.text() };
}

/// Registers, then confirms the address with the link from the mail (the server writes it to its outbox).
async function registerVerified(address) {
    const reg = await register(address);
    assert.equal(reg.status, 201, reg.text);
    const dir = path.join(srv.dataDir, 'outbox');
    let token;
    while (!token) {
        for (const f of existsSync(dir) ? readdirSync(dir) : []) {
            const msg = parseMessage(readFileSync(path.join(dir, f), 'utf8'));
            if (msg.headers.to === address) token = tokenOf(msg);
        }
        if (!token) await new Promise((r) => setTimeout(r, 50));
    }
    const res = await fetch(`${srv.url}/api/v1/auth/verify-email`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token }),
    });
    assert.equal(res.status, 204, await res.text());
    return reg;
}

async function passwordLogin(address) {
    const res = await fetch(`${srv.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: address, password: kPassword }),
    });
    const body = await res.json();
    assert.equal(res.status, 200, JSON.stringify(body));
    secrets.add(body.access_token);
    secrets.add(body.refresh_token);
    return body;
}

function tokensOf(r) {
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    const t = r.json();
    assert.equal(t.token_type, 'Bearer');
    assert.ok(t.access_token && t.refresh_token && t.expires_in > 0, r.text);
    return t;
}

test('the configured providers are listed with their start URLs', T, async () => {
    const r = await get(`${srv.url}/api/v1/auth/providers`);
    assert.equal(r.status, 200, r.text);
    const items = r.json().items;
    assert.deepEqual(
        items.map((p) => [p.name, p.title, p.kind, p.start_url]),
        [
            ['mock', 'Mock ID', 'oidc', `${kPublic}/api/v1/auth/oauth/mock/start`],
            ['gh', 'GitHub', 'github', `${kPublic}/api/v1/auth/oauth/gh/start`],
        ],
    );
    assert.ok(!r.text.includes(kSecret) && !r.text.includes('dihya-mock-'), 'no secret in the list');
});

test('start redirects to the discovered authorization endpoint with state, PKCE S256 and nonce', T, async () => {
    const r = await get(`${srv.url}/api/v1/auth/oauth/mock/start`);
    assert.equal(r.status, 302, r.text);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    const u = new URL(r.headers.get('location'));
    assert.equal(`${u.origin}${u.pathname}`, `${idp.url}/authorize`);
    const p = Object.fromEntries(u.searchParams);
    assert.equal(p.response_type, 'code');
    assert.equal(p.client_id, 'dihya-mock');
    assert.equal(p.redirect_uri, `${kPublic}/api/v1/auth/oauth/mock/callback`);
    assert.deepEqual(p.scope.split(' ').sort(), ['email', 'openid', 'profile']);
    assert.equal(p.code_challenge_method, 'S256');
    assert.match(p.code_challenge, /^[A-Za-z0-9_-]{43}$/);
    assert.match(p.state, /^[A-Za-z0-9_-]{43,}$/);
    assert.match(p.nonce, /^[A-Za-z0-9_-]{22,}$/);
    secrets.add(p.state);
    // Each start is a fresh flow.
    const again = new URL((await get(`${srv.url}/api/v1/auth/oauth/mock/start`)).headers.get('location'));
    assert.notEqual(again.searchParams.get('state'), p.state);
    assert.notEqual(again.searchParams.get('code_challenge'), p.code_challenge);
    assert.notEqual(again.searchParams.get('nonce'), p.nonce);
    secrets.add(again.searchParams.get('state'));
    // With Accept: application/json, the same as JSON.
    const j = await get(`${srv.url}/api/v1/auth/oauth/mock/start`, { accept: 'application/json' });
    assert.equal(j.status, 200, j.text);
    assert.ok(j.json().authorization_url.startsWith(`${idp.url}/authorize?`));
    secrets.add(new URL(j.json().authorization_url).searchParams.get('state'));
});

test('first OIDC sign-in creates the account; the second finds the same one', T, async () => {
    const address = email('oidc-new');
    const user = { sub: subject(), email: address, email_verified: true, name: 'Ada Lovelace' };
    const first = tokensOf(await flow({ user }));
    const a = await me(first.access_token);
    assert.equal(a.email, address);
    assert.equal(a.email_verified, true);
    assert.equal(a.display_name, 'Ada Lovelace');
    assert.equal(a.has_password, false);
    const second = tokensOf(await flow({ user }));
    assert.notEqual(second.access_token, first.access_token);
    assert.equal((await me(second.access_token)).id, a.id);
    // PKCE was checked by the provider on both exchanges, with client_secret_basic.
    const calls = idp.tokenCalls.slice(-2);
    assert.deepEqual(calls.map((c) => [c.pkce, c.ok, c.auth]), [['ok', true, 'client_secret_basic'], ['ok', true, 'client_secret_basic']]);
});

test('return_to: a path gets the tokens in the fragment; an allowed origin too; others are refused', T, async () => {
    const user = { sub: subject(), email: email('rt'), email_verified: true, name: 'Return' };
    const r = await flow({ user, returnTo: '/app/welcome?tab=1' });
    assert.equal(r.status, 302, r.text);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    const loc = r.headers.get('location');
    assert.ok(loc.startsWith('/app/welcome?tab=1#'), loc);
    const frag = new URLSearchParams(loc.slice(loc.indexOf('#') + 1));
    assert.equal(frag.get('token_type'), 'Bearer');
    assert.ok(Number(frag.get('expires_in')) > 0);
    secrets.add(frag.get('access_token'));
    secrets.add(frag.get('refresh_token'));
    assert.equal((await me(frag.get('access_token'))).email, user.email);

    const abs = await flow({ user, returnTo: `${kApp}/signed-in` });
    assert.equal(abs.status, 302, abs.text);
    const absLoc = abs.headers.get('location');
    assert.ok(absLoc.startsWith(`${kApp}/signed-in#access_token=`), absLoc);
    const absFrag = new URLSearchParams(absLoc.slice(absLoc.indexOf('#') + 1));
    secrets.add(absFrag.get('access_token'));
    secrets.add(absFrag.get('refresh_token'));

    for (const bad of ['https://evil.example/x', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', 'app', '/a#b']) {
        const s = await get(`${srv.url}/api/v1/auth/oauth/mock/start?return_to=${encodeURIComponent(bad)}`);
        const p = assertProblem(s, 400);
        assert.match(p.detail, /return_to/, bad);
    }
});

test('with return_to, a failed sign-in goes back there with #error=… (no tokens), not to an API error page', T, async () => {
    const denied = await flow({ mode: 'deny', returnTo: '/app/login' });
    assert.equal(denied.status, 302, denied.text);
    const loc = denied.headers.get('location');
    assert.ok(loc.startsWith('/app/login#'), loc);
    const frag = new URLSearchParams(loc.slice(loc.indexOf('#') + 1));
    assert.equal(frag.get('error'), 'unauthenticated');
    assert.equal(frag.get('status'), '401');
    assert.match(frag.get('error_description'), /did not authorize the sign-in \(access_denied\)/);
    assert.ok(frag.get('request_id'));
    assert.ok(!loc.includes('access_token') && !loc.includes('refresh_token'), loc);

    const address = email('rt-unverified');
    assert.equal((await register(address)).status, 201);
    const clash = await flow({ user: { sub: subject(), email: address, email_verified: false, name: 'M' }, returnTo: `${kApp}/signed-in` });
    assert.equal(clash.status, 302, clash.text);
    const clashLoc = clash.headers.get('location');
    assert.ok(clashLoc.startsWith(`${kApp}/signed-in#error=conflict&`), clashLoc);
    assert.equal(new URLSearchParams(clashLoc.slice(clashLoc.indexOf('#') + 1)).get('status'), '409');
    assert.ok(!clashLoc.includes('access_token'), clashLoc);
});

test('a password account with the same email is linked when the provider verified the email', T, async () => {
    const address = email('linked');
    const reg = await registerVerified(address);
    assert.equal(reg.status, 201, reg.text);
    const id = JSON.parse(reg.text).id;
    const t = tokensOf(await flow({ user: { sub: subject(), email: address, email_verified: true, name: 'Linked' } }));
    const a = await me(t.access_token);
    assert.equal(a.id, id);
    assert.equal(a.has_password, true);
    // The password still works.
    assert.equal((await me((await passwordLogin(address)).access_token)).id, id);
});

test('an unverified email matching an existing account is refused (409) and nothing is linked', T, async () => {
    const address = email('unverified');
    assert.equal((await register(address)).status, 201);
    const user = { sub: subject(), email: address, email_verified: false, name: 'Mallory' };
    const r = await flow({ user });
    const p = assertProblem(r, 409);
    assert.match(p.detail, /did not confirm/);
    assert.ok(!r.text.includes('access_token') && !r.text.includes('refresh_token'), r.text);
    // Had the identity been linked, this would now sign in through it.
    const again = await flow({ user });
    assert.equal(again.status, 409, again.text);
});

test('a verified provider email is not linked to an account whose own address was never confirmed', T, async () => {
    const address = email('squatted');
    const reg = await register(address); // someone registered the address and never confirmed it
    assert.equal(reg.status, 201, reg.text);
    const r = await flow({ user: { sub: subject(), email: address, email_verified: true, name: 'Owner' } });
    const p = assertProblem(r, 409);
    assert.match(p.detail, /never confirmed/);
    assert.ok(!r.text.includes('access_token'), r.text);
});

test('a flow started in one browser cannot be finished in another (login CSRF)', T, async () => {
    idp.user = { sub: subject(), email: email('csrf'), email_verified: true, name: 'Attacker' };
    const start = await get(`${srv.url}/api/v1/auth/oauth/mock/start`);
    assert.equal(start.status, 302, start.text);
    const set = start.headers.get('set-cookie') ?? '';
    assert.match(set, /HttpOnly/);
    assert.match(set, /SameSite=Lax/);
    assert.match(set, /Path=\/api\/v1\/auth\/oauth\/mock\/callback/);
    const callback = (await get(start.headers.get('location'))).headers.get('location');
    const cb = new URL(callback);
    secrets.add(cb.searchParams.get('state'));
    secrets.add(cb.searchParams.get('code'));
    // The victim's browser follows the attacker's callback link without the attacker's cookie.
    const victim = await get(toServer(callback), { cookie: 'dihya_oauth=someone-elses' });
    const p = assertProblem(victim, 400);
    assert.match(p.detail, /another browser/);
    assert.ok(!victim.text.includes('access_token'));
    assertProblem(await get(toServer(callback)), 400); // and the state is spent
});

test('a used state is refused; a tampered state is refused and spends nothing', T, async () => {
    const user = { sub: subject(), email: email('state'), email_verified: true, name: 'State' };
    const r = await flow({ user });
    tokensOf(r);
    const replay = await get(toServer(r.callback));
    const p = assertProblem(replay, 400);
    assert.match(p.detail, /unknown, expired or already/);

    idp.user = user;
    const start = await get(`${srv.url}/api/v1/auth/oauth/mock/start`);
    const back = new URL((await get(start.headers.get('location'))).headers.get('location'));
    const state = back.searchParams.get('state');
    secrets.add(state);
    secrets.add(back.searchParams.get('code'));
    const tampered = new URL(back);
    tampered.searchParams.set('state', (state[0] === 'A' ? 'B' : 'A') + state.slice(1));
    const t = await get(toServer(tampered.toString()));
    assertProblem(t, 400);
    const noState = new URL(back);
    noState.searchParams.delete('state');
    const n = await get(toServer(noState.toString()));
    assertProblem(n, 400);
    // The genuine callback still works: the attempts did not spend the state or the code.
    tokensOf(await get(toServer(back.toString()), { cookie: (start.headers.get('set-cookie') ?? '').split(';')[0] }));
});

test('PKCE: the provider enforces the S256 challenge, and a mismatched verifier fails the sign-in', T, async () => {
    // The provider really checks: a wrong verifier for a fresh code is refused by it.
    idp.user = { sub: subject(), email: email('pkce-direct'), email_verified: true, name: 'P' };
    const start = await get(`${srv.url}/api/v1/auth/oauth/mock/start`);
    const back = new URL((await get(start.headers.get('location'))).headers.get('location'));
    secrets.add(back.searchParams.get('state'));
    secrets.add(back.searchParams.get('code'));
    const direct = await fetch(`${idp.url}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
            grant_type: 'authorization_code',
            code: back.searchParams.get('code'),
            redirect_uri: `${kPublic}/api/v1/auth/oauth/mock/callback`,
            code_verifier: crypto.randomBytes(32).toString('base64url'),
            client_id: 'dihya-mock',
            client_secret: kSecret,
        }),
    });
    assert.equal(direct.status, 400);
    assert.equal((await direct.json()).error, 'invalid_grant');
    assert.equal(idp.tokenCalls.at(-1).pkce, 'mismatch');

    // A code whose challenge is not the one the server sent (an injected code): the server's verifier fails.
    const address = email('pkce');
    const r = await flow({ user: { sub: subject(), email: address, email_verified: true, name: 'P' }, mode: 'swap-challenge' });
    const p = assertProblem(r, 401);
    assert.match(p.detail, /refused the authorization code \(invalid_grant\)/);
    assert.equal(idp.tokenCalls.at(-1).pkce, 'mismatch');
    assert.equal((await register(address)).status, 201, 'no account was created');
});

for (const [mode, why] of [
    ['wrong-nonce', /wrong nonce/],
    ['wrong-aud', /wrong audience/],
    ['wrong-iss', /wrong issuer/],
    ['expired', /expired/],
    ['alg-none', /RS256 or ES256/],
    ['hs256', /RS256 or ES256/],
    ['bad-signature', /bad signature/],
    ['unknown-kid', /no key/],
]) {
    test(`an ID token with ${mode} is refused (401) and no account is created`, T, async () => {
        const address = email(mode);
        const fetchesBefore = idp.jwksFetches;
        const r = await flow({ user: { sub: subject(), email: address, email_verified: true, name: 'X' }, mode });
        const p = assertProblem(r, 401);
        assert.match(p.detail, why);
        assert.ok(!r.text.includes('access_token'), r.text);
        if (mode === 'unknown-kid') assert.equal(idp.jwksFetches, fetchesBefore + 1, 'JWKS fetched again once for the unknown kid');
        assert.equal((await register(address)).status, 201, 'no account was created');
    });
}

test('a rotated provider key is picked up (JWKS fetched again on the unknown kid)', T, async () => {
    const user = { sub: subject(), email: email('rotate'), email_verified: true, name: 'R' };
    tokensOf(await flow({ user }));
    const before = idp.jwksFetches;
    idp.rotateKey();
    tokensOf(await flow({ user }));
    assert.equal(idp.jwksFetches, before + 1);
    tokensOf(await flow({ user }));
    assert.equal(idp.jwksFetches, before + 1, 'the new key set is cached');
});

test('an ID token without email claims: the email comes from the userinfo endpoint', T, async () => {
    const address = email('userinfo');
    const t = tokensOf(await flow({ user: { sub: subject(), email: address, email_verified: true, name: 'U' }, mode: 'no-email-claims' }));
    assert.equal((await me(t.access_token)).email, address);
    // email_verified missing from the ID token: asked from userinfo, so an existing account still gets linked.
    const existing = email('userinfo-verified');
    const reg = await registerVerified(existing);
    assert.equal(reg.status, 201, reg.text);
    const u = tokensOf(await flow({ user: { sub: subject(), email: existing, email_verified: true, name: 'V' }, mode: 'no-email-verified-claim' }));
    assert.equal((await me(u.access_token)).id, JSON.parse(reg.text).id);
});

test('the provider refusing (error=access_denied), unknown providers and a missing code are clear problems', T, async () => {
    const r = await flow({ mode: 'deny' });
    const p = assertProblem(r, 401);
    assert.match(p.detail, /did not authorize the sign-in \(access_denied\)/);
    assert.ok(!r.text.includes('The user said no'), 'the provider text is not echoed');
    // The state of that flow is spent.
    assert.equal((await get(toServer(r.callback))).status, 400);

    for (const path of ['start', 'callback?code=x&state=y']) {
        const u = await get(`${srv.url}/api/v1/auth/oauth/nope/${path}`);
        const q = assertProblem(u, 404);
        assert.match(q.detail, /no OAuth provider named nope/);
    }
    idp.user = { sub: subject(), email: email('nocode'), email_verified: true, name: 'N' };
    const start = await get(`${srv.url}/api/v1/auth/oauth/mock/start`);
    const back = new URL((await get(start.headers.get('location'))).headers.get('location'));
    secrets.add(back.searchParams.get('state'));
    secrets.add(back.searchParams.get('code'));
    back.searchParams.delete('code');
    const m = await get(toServer(back.toString()), { cookie: (start.headers.get('set-cookie') ?? '').split(';')[0] });
    const mp = assertProblem(m, 400);
    assert.match(mp.detail, /code is missing/);
});

test('GitHub: token with Accept: application/json, /user and /user/emails; the primary verified email', T, async () => {
    const primary = email('octo');
    const other = email('octo-other');
    idp.githubUser = {
        id: 987654,
        login: 'octo',
        name: 'Octo Cat',
        emails: [
            { email: other, primary: false, verified: true, visibility: null },
            { email: primary, primary: true, verified: true, visibility: 'public' },
        ],
    };
    const r = await flow({ provider: 'gh' });
    const authz = new URL(r.authorization);
    assert.equal(`${authz.origin}${authz.pathname}`, `${idp.url}/login/oauth/authorize`);
    assert.equal(authz.searchParams.get('scope'), 'read:user user:email');
    assert.equal(authz.searchParams.get('code_challenge_method'), 'S256');
    const t = tokensOf(r);
    const a = await me(t.access_token);
    assert.equal(a.email, primary);
    assert.equal(a.email_verified, true);
    assert.equal(a.display_name, 'Octo Cat');
    const call = idp.tokenCalls.at(-1);
    assert.deepEqual([call.auth, call.pkce, call.ok], ['client_secret_post', 'ok', true]);
    // The same GitHub user (numeric id) again: the same account.
    assert.equal((await me(tokensOf(await flow({ provider: 'gh' })).access_token)).id, a.id);
});

test('link=true with a bearer token links the identity to the signed-in account', T, async () => {
    const address = email('linker');
    assert.equal((await register(address)).status, 201);
    const session = await passwordLogin(address);
    const mine = await me(session.access_token);
    // Without a token, link=true is refused.
    const anon = await get(`${srv.url}/api/v1/auth/oauth/mock/start?link=true`);
    assertProblem(anon, 401);

    const other = { sub: subject(), email: email('linked-elsewhere'), email_verified: false, name: 'L' };
    idp.user = other;
    const start = await get(`${srv.url}/api/v1/auth/oauth/mock/start?link=true&return_to=%2Fsettings`, {
        authorization: `Bearer ${session.access_token}`,
        accept: 'application/json',
    });
    assert.equal(start.status, 200, start.text);
    const back = (await get(start.json().authorization_url)).headers.get('location');
    const cb = new URL(back);
    secrets.add(cb.searchParams.get('state'));
    secrets.add(cb.searchParams.get('code'));
    const done = await get(toServer(back), { cookie: (start.headers.get('set-cookie') ?? '').split(';')[0] });
    assert.equal(done.status, 302, done.text);
    assert.equal(done.headers.get('location'), '/settings#linked=mock');
    // Signing in with that identity now lands in the linking account, whatever its email.
    const t = tokensOf(await flow({ user: other }));
    assert.equal((await me(t.access_token)).id, mine.id);
});

test('a provider URL that is plain http:// to another host stops the server at start-up', T, async () => {
    const r = await runDihya(['serve', '--listen', '127.0.0.1:0', '--data-dir', '{tmp}/data', '--dev', '--config', '{config}'], {
        config: { oauth: { sso: { kind: 'oidc', client_id: 'c', client_secret: 's', issuer: 'http://sso.example.org' } } },
    });
    assert.equal(r.code, 2, `stderr: ${r.stderr}`);
    assert.match(r.stderr, /oauth\.sso\.issuer: must be an https:\/\/ URL/);
});

test('no code, token, state, secret or email reaches the server logs', T, async () => {
    const logs = srv.logs();
    for (const v of idp.issued) secrets.add(v);
    assert.ok(secrets.size > 40, `collected ${secrets.size} values`);
    for (const s of secrets) {
        if (!s) continue;
        assert.ok(!logs.includes(s), `the server logs contain a secret value (${s.slice(0, 6)}...)`);
    }
    // The failures were logged, naming the provider and the reason.
    const failures = srv.records().filter((r) => r.msg === 'oauth sign-in failed');
    assert.ok(failures.length >= 8, `failures logged: ${failures.length}`);
    assert.ok(failures.every((r) => r.provider === 'mock' || r.provider === 'gh'));
});

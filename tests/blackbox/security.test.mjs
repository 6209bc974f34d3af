// Security of sign-in and tokens, black-box, on SQLite and (as blackbox.pg.security) on PostgreSQL: forged
// tokens (alg=none, HS256 signed with our public key, a foreign key, a flipped signature, another audience, an
// expired token) are rejected; a reused refresh token ends its session; one user cannot touch another's
// resources; guests get 401; brute force meets the throttle; credentials in query strings are refused; and no
// password, token or email reaches the logs.

import assert from 'node:assert/strict';
import { createHmac, createPublicKey, generateKeyPairSync, sign as signData } from 'node:crypto';
import { test } from 'node:test';

import { api, kFastAuth, kPassword, login, signUp } from './lib/accounts.mjs';
import { assertProblem, request } from './lib/http.mjs';
import { backend, freshDatabase } from './lib/pg.mjs';
import { startServer } from './lib/server.mjs';

const T = { timeout: 120_000 };
const b64 = (x) => Buffer.from(typeof x === 'string' ? x : JSON.stringify(x)).toString('base64url');
const parts = (jwt) => jwt.split('.');
const claimsOf = (jwt) => JSON.parse(Buffer.from(parts(jwt)[1], 'base64url').toString('utf8'));
const headerOf = (jwt) => JSON.parse(Buffer.from(parts(jwt)[0], 'base64url').toString('utf8'));

function server(extra = {}) {
    const database_url = freshDatabase();
    return startServer({ config: { ...kFastAuth, ...(database_url ? { database_url } : {}), ...extra } });
}

const srv = await server();
const secrets = new Set([kPassword]);
const alice = await signUp(srv, 'alice@example.org');
const bob = await signUp(srv, 'bob@example.org');
for (const s of [alice.token, alice.tokens.refresh_token, bob.token, bob.tokens.refresh_token, 'alice@example.org', 'bob@example.org']) {
    secrets.add(s);
}

test(`[${backend}] forged and misused tokens are rejected`, T, async () => {
    assert.equal((await api(srv, '/api/v1/users/me', { token: alice.token })).status, 200);
    const header = headerOf(alice.token);
    assert.equal(header.alg, 'ES256');
    assert.ok(header.kid);
    const claims = claimsOf(alice.token);
    assert.equal(claims.aud, 'dihya-api');

    const [h, p, s] = parts(alice.token);
    const forgeries = {
        'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${p}.`,
        'alg none with kid': `${b64({ ...header, alg: 'none' })}.${p}.`,
        'flipped signature': `${h}.${p}.${s.slice(0, -3)}${s.slice(-3) === 'AAA' ? 'BBB' : 'AAA'}`,
        'changed claims': `${h}.${b64({ ...claims, role: 'admin', sub: claimsOf(bob.token).sub })}.${s}`,
        'unknown kid': `${b64({ ...header, kid: 'nope' })}.${p}.${s}`,
        garbage: 'not-a-token',
    };
    // HS256 with the server's public key as the HMAC secret (algorithm confusion).
    const jwks = await api(srv, '/.well-known/jwks.json');
    assert.equal(jwks.status, 200);
    const jwk = jwks.json.keys.find((k) => k.kid === header.kid);
    assert.ok(jwk, 'the signing key is published');
    const pem = createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    for (const [alg, hash] of [['HS256', 'sha256'], ['HS384', 'sha384']]) {
        const head = b64({ alg, typ: 'JWT', kid: header.kid });
        const mac = createHmac(hash, pem).update(`${head}.${p}`).digest('base64url');
        forgeries[`${alg} keyed with the public key`] = `${head}.${p}.${mac}`;
    }
    // ES256 with a key of our own under the server's kid.
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const head = b64({ alg: 'ES256', typ: 'JWT', kid: header.kid });
    const sig = signData('sha256', Buffer.from(`${head}.${p}`), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    forgeries['a foreign ES256 key'] = `${head}.${p}.${sig}`;

    for (const [name, token] of Object.entries(forgeries)) {
        const r = await api(srv, '/api/v1/users/me', { token });
        assertProblem(r, 401);
        assert.match(r.headers.get('www-authenticate') ?? '', /^Bearer/, name);
        assert.ok(!r.text.includes('alice@'), `${name}: no data`);
    }
    // A realtime ticket is a token for another audience: not an API credential.
    const ticket = await api(srv, '/api/v1/auth/ticket', { method: 'POST', token: alice.token });
    assert.equal(ticket.status, 200, ticket.text);
    secrets.add(ticket.json.ticket);
    assert.equal(claimsOf(ticket.json.ticket).aud, 'dihya-realtime');
    assertProblem(await api(srv, '/api/v1/users/me', { token: ticket.json.ticket }), 401);
    // Credentials are never taken from the query string.
    assertProblem(await api(srv, `/api/v1/users/me?access_token=${alice.token}`), 400);
    assertProblem(await api(srv, '/api/v1/users/me', { headers: { authorization: `Basic ${b64('a:b')}` } }), 401);
});

test(`[${backend}] expired access tokens are rejected`, T, async () => {
    const short = await server({ auth: { ...kFastAuth.auth, access_ttl_seconds: 1 } });
    const { token } = await signUp(short, 'brief@example.org');
    assert.equal((await api(short, '/api/v1/users/me', { token })).status, 200);
    const { exp } = claimsOf(token);
    // Wait for the clock to pass exp (no timing is asserted: the token's own expiry is the event).
    while (Date.now() / 1000 < exp + 1) await new Promise((r) => setTimeout(r, 200));
    const r = await api(short, '/api/v1/users/me', { token });
    const doc = assertProblem(r, 401);
    assert.match(doc.detail, /expired/);
});

test(`[${backend}] a reused refresh token ends the whole session`, T, async () => {
    const t0 = await login(srv, 'alice@example.org');
    const r1 = await api(srv, '/api/v1/auth/refresh', { method: 'POST', body: { refresh_token: t0.refresh_token } });
    assert.equal(r1.status, 200, r1.text);
    for (const s of [t0.access_token, t0.refresh_token, r1.json.access_token, r1.json.refresh_token]) secrets.add(s);
    assert.notEqual(r1.json.refresh_token, t0.refresh_token);
    const replay = await api(srv, '/api/v1/auth/refresh', { method: 'POST', body: { refresh_token: t0.refresh_token } });
    assertProblem(replay, 401);
    assertProblem(await api(srv, '/api/v1/auth/refresh', { method: 'POST', body: { refresh_token: r1.json.refresh_token } }), 401);
    assertProblem(await api(srv, '/api/v1/users/me', { token: r1.json.access_token }), 401);
    assert.equal((await api(srv, '/api/v1/users/me', { token: alice.token })).status, 200, 'other sessions are untouched');
});

test(`[${backend}] one user cannot read, change or delete another's resources`, T, async () => {
    const bobKey = await api(srv, '/api/v1/users/me/api-keys', { method: 'POST', token: bob.token, body: { name: 'b', scopes: ['account:read'] } });
    assert.equal(bobKey.status, 201);
    secrets.add(bobKey.json.key);
    const bobSessions = await api(srv, '/api/v1/users/me/sessions', { token: bob.token });
    const bobSession = bobSessions.json.items[0].id;

    assertProblem(await api(srv, `/api/v1/users/me/api-keys/${bobKey.json.api_key.id}`, { method: 'DELETE', token: alice.token }), 404);
    assertProblem(await api(srv, `/api/v1/users/me/sessions/${bobSession}`, { method: 'DELETE', token: alice.token }), 404);
    const bobId = claimsOf(bob.token).sub;
    for (const [method, body] of [['GET'], ['PATCH', { role: 'admin' }]]) {
        const r = await api(srv, `/api/v1/admin/users/${bobId}`, { method, token: alice.token, body });
        assertProblem(r, 403);
        assert.ok(!r.text.includes('bob@'), 'no data in the refusal');
    }
    const aliceKeys = await api(srv, '/api/v1/users/me/api-keys', { token: alice.token });
    assert.ok(!aliceKeys.text.includes(bobKey.json.api_key.id));
    assert.equal((await api(srv, '/api/v1/users/me', { token: bobKey.json.key })).json.email, 'bob@example.org', "Bob's key still works");
    assert.equal((await api(srv, '/api/v1/users/me', { token: bob.token })).status, 200, "Bob's session still works");
});

test(`[${backend}] guests are limited to public operations`, T, async () => {
    for (const [method, path] of [['GET', '/api/v1/users/me'], ['PATCH', '/api/v1/users/me'], ['GET', '/api/v1/users/me/sessions'],
        ['POST', '/api/v1/users/me/api-keys'], ['GET', '/api/v1/admin/users'], ['POST', '/api/v1/auth/ticket']]) {
        const r = await api(srv, path, { method, body: method === 'GET' ? undefined : {} });
        assertProblem(r, 401);
        assert.match(r.headers.get('www-authenticate') ?? '', /^Bearer/);
    }
    assert.equal((await api(srv, '/api/v1/catalog')).status, 200);
    const analyze = await api(srv, '/api/v1/analyze', { method: 'POST', body: { text: 'A shop with products and orders' } });
    assert.equal(analyze.status, 200, analyze.text);
    assertProblem(await api(srv, '/api/v1/admin/users', { token: alice.token }), 403);
});

test(`[${backend}] one token has one spelling: non-canonical encodings are refused`, T, async () => {
    const [h, p, sig] = parts(alice.token);
    const raw = Buffer.from(sig, 'base64url');
    assert.equal(raw.length, 64);
    const n = BigInt('0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551');
    const s = BigInt('0x' + raw.subarray(32).toString('hex'));
    assert.ok(s <= n / 2n, 'our signatures are low-S');
    const twin = Buffer.concat([raw.subarray(0, 32), Buffer.from((n - s).toString(16).padStart(64, '0'), 'hex')]);
    const last = sig[sig.length - 1];
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const strayBits = alphabet[alphabet.indexOf(last) | 1]; // 86 characters: the last one's low 4 bits are unused
    const variants = {
        'high-S twin': `${h}.${p}.${twin.toString('base64url')}`,
        'padding': `${h}.${p}.${sig}==`,
        'standard alphabet': await (async () => {
            // A token whose signature has a '-' or '_' (most do), spelled with '+' and '/'.
            for (let i = 0; i < 30; i++) {
                const t = i === 0 ? alice.token : (await login(srv, 'alice@example.org')).access_token;
                secrets.add(t);
                const q = parts(t);
                if (/[-_]/.test(q[2])) return `${q[0]}.${q[1]}.${q[2].replaceAll('-', '+').replaceAll('_', '/')}`;
            }
            throw new Error('no signature with - or _ in 30 tokens');
        })(),
        'trailing dot': `${alice.token}.`,
        'stray bits': `${h}.${p}.${sig.slice(0, -1)}${strayBits}`,
        'padded header': `${h}==.${p}.${sig}`,
    };
    for (const [what, token] of Object.entries(variants)) {
        assert.notEqual(token, alice.token, what);
        const r = await api(srv, '/api/v1/users/me', { token });
        assert.equal(r.status, 401, `${what}: ${r.status} ${r.text}`);
    }
    assert.equal((await api(srv, '/api/v1/users/me', { token: alice.token })).status, 200, 'the canonical token still works');
});

test(`[${backend}] brute force meets the throttle (known and unknown accounts)`, T, async () => {
    for (const email of ['bob@example.org', 'nobody-here@example.org']) {
        let throttled;
        for (let i = 0; i < 10 && !throttled; i++) {
            const r = await api(srv, '/api/v1/auth/login', { method: 'POST', body: { email, password: `guess number ${i} here` } });
            if (r.status === 429) throttled = r;
            else assertProblem(r, 401);
        }
        assert.ok(throttled, `${email}: no 429 after 10 failures`);
        assert.ok(Number(throttled.headers.get('retry-after')) >= 1);
        assertProblem(await api(srv, '/api/v1/auth/login', { method: 'POST', body: { email, password: kPassword } }), 429);
    }
    assert.equal((await api(srv, '/api/v1/users/me', { token: bob.token })).status, 200, 'existing sessions keep working');
    // The owner, from another address, is not locked out by a stranger's guesses.
    const owner = await request(`${srv.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'bob@example.org', password: kPassword }),
        localAddress: '127.0.0.2',
    });
    assert.equal(owner.status, 200, owner.text);
    secrets.add(owner.json().access_token);
    secrets.add(owner.json().refresh_token);
    // ... while the guesser stays throttled, on that account and on others.
    assertProblem(await api(srv, '/api/v1/auth/login', { method: 'POST', body: { email: 'bob@example.org', password: kPassword } }), 429);
});

test(`[${backend}] no password, token or email appears in the logs`, T, async () => {
    const logs = srv.logs() + srv.stdout();
    for (const s of secrets) assert.ok(!logs.includes(s), `the log contains a secret or an email (${s.slice(0, 8)}…)`);
});

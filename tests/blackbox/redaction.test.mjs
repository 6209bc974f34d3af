// Secrets never reach the logs: Authorization, Cookie and API-key headers, sensitive query
// parameters and request bodies, on successful, failing and malformed requests alike.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';

import { request } from './lib/http.mjs';
import { RawClient, rawRequest } from './lib/raw.mjs';
import { startServer } from './lib/server.mjs';

const T = { timeout: 30_000 };
const srv = await startServer({ config: { log: { level: 'debug' } } });

const secrets = new Map(); // value → where it was sent
const secret = (where) => {
    const v = `s3cr3t${randomUUID().replaceAll('-', '')}`;
    secrets.set(v, where);
    return v;
};

test('requests full of secrets get answered', T, async () => {
    // 1. Sensitive query parameters and headers on a real route.
    const qs = new URLSearchParams({
        token: secret('query token'),
        password: secret('query password'),
        access_token: secret('query access_token'),
        refresh_token: secret('query refresh_token'),
        code: secret('query code'),
        secret: secret('query secret'),
        api_key: secret('query api_key'),
        PASSWORD: secret('query PASSWORD (upper case)'),
        ticket: secret('query ticket (the WebSocket/SSE credential)'),
        key: secret('query key'),
        q: secret('query search text (may name a person)'),
        id_hint: secret('query parameter nobody declared'),
        page: 'visible-marker',
    });
    const rid = randomUUID();
    let res = await request(`${srv.url}/api/v1/catalog?${qs}`, {
        headers: {
            'X-Request-Id': rid,
            Authorization: `Bearer ${secret('Authorization bearer')}`,
            Cookie: `session=${secret('Cookie session')}; theme=dark`,
            'X-Api-Key': secret('X-Api-Key header'),
        },
    });
    // Credentials in a query string are refused (400) before anything else; the access line is written all the same.
    assert.equal(res.status, 400);
    // The realtime ticket is the one credential allowed in a URL: accepted or not, never logged.
    res = await request(`${srv.url}/api/v1/catalog?ticket=${secret('ticket on an allowed request')}&key=${secret('key on an allowed request')}&limit=3`);
    assert.ok(res.status < 500, `status ${res.status}`);

    // 2. JSON bodies with passwords: wrong method, unknown route, invalid JSON.
    res = await request(`${srv.url}/api/v1/catalog`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: 'someone@example.org', password: secret('body password (405)') }),
    });
    assert.equal(res.status, 405);
    res = await request(`${srv.url}/api/v1/auth/login?password=${secret('query on login')}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${secret('Authorization on login')}` },
        body: JSON.stringify({ email: 'someone@example.org', password: secret('body password (login)') }),
    });
    assert.ok(res.status < 500, `status ${res.status}`);
    res = await request(`${srv.url}/api/v1/analyze`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: `{"password": "${secret('body password in invalid JSON')}", oops`,
    });
    assert.ok(res.status < 500, `status ${res.status}`);

    // 3. Basic credentials (raw and base64) and HEAD.
    const basicPassword = secret('Basic password');
    const basic = Buffer.from(`admin:${basicPassword}`).toString('base64');
    secrets.set(basic, 'Basic credentials (base64)');
    res = await request(`${srv.url}/healthz?password=${secret('query on HEAD')}`, {
        method: 'HEAD',
        headers: { Authorization: `Basic ${basic}` },
    });
    assert.equal(res.status, 200);

    // 4. Malformed and oversized requests, whose handling must not dump the raw request.
    const bad = await RawClient.connect(srv.port);
    await bad.tryWrite(
        `GET /x?token=${secret('query in malformed request')} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
            `Authorization: Bearer ${secret('Authorization in malformed request')}\r\nBroken header line\r\n\r\n`,
    );
    // Status codes here are limits.test.mjs's business; this test only needs them handled.
    await bad.readResponse().catch(() => null);
    bad.destroy();

    const big = await RawClient.connect(srv.port);
    await big.tryWrite(
        rawRequest('GET', `/healthz?token=${secret('query in oversized request')}`, {
            Authorization: `Bearer ${secret('Authorization in oversized request')}`,
            'X-Filler': 'f'.repeat(20_000),
        }),
    );
    await big.readResponse().catch(() => null);
    big.destroy();

    // The access line of the first request exists; if it shows the query, values are redacted.
    const line = await srv.waitForLog((r) => r.msg === 'request' && r.request_id === rid);
    const text = JSON.stringify(line);
    if (text.includes('token=')) assert.match(text, /token=\[redacted\]/);
});

test('after stopping, no secret appears anywhere in the output', T, async () => {
    const exit = await srv.stop('SIGTERM');
    assert.equal(exit.code, 0, srv.describe());
    const output = srv.logs() + '\n' + srv.stdout();
    assert.ok(srv.records().filter((r) => r.msg === 'request').length >= 5, 'the requests were logged');
    const leaks = [...secrets].filter(([value]) => output.includes(value)).map(([, where]) => where);
    assert.deepEqual(leaks, [], `secrets leaked into the logs: ${leaks.join(', ')}`);
    // Not even parts of them (e.g. a truncated token).
    const partial = [...secrets].filter(([value]) => value.startsWith('s3cr3t') && output.includes(value.slice(0, 20)));
    assert.deepEqual(partial.map(([, where]) => where), [], 'no prefix of a secret appears either');
});

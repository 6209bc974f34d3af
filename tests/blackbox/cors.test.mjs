// CORS with an allow-list: preflights and simple requests from allowed and denied origins.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { assertProblem, headerList, request } from './lib/http.mjs';
import { startServer } from './lib/server.mjs';

const T = { timeout: 30_000 };
const kAllowed = 'https://app.example';
const kDenied = 'https://evil.example';
const srv = await startServer({ config: { cors: { allowed_origins: [kAllowed] } } });
const api = `${srv.url}/api/v1/catalog`;

test('a preflight from an allowed origin is 204 with the CORS headers', T, async () => {
    const res = await request(api, {
        method: 'OPTIONS',
        headers: {
            Origin: kAllowed,
            'Access-Control-Request-Method': 'GET',
            'Access-Control-Request-Headers': 'content-type',
        },
    });
    assert.equal(res.status, 204);
    assert.equal(res.body.length, 0);
    assert.equal(res.headers['access-control-allow-origin'], kAllowed);
    const methods = headerList(res.headers['access-control-allow-methods']);
    assert.ok(methods.includes('get'), `Access-Control-Allow-Methods: ${res.headers['access-control-allow-methods']}`);
    const allowHeaders = headerList(res.headers['access-control-allow-headers']);
    assert.ok(allowHeaders.includes('content-type') || allowHeaders.includes('*'), `Access-Control-Allow-Headers: ${res.headers['access-control-allow-headers']}`);
    assert.ok(headerList(res.headers.vary).includes('origin'), `Vary: ${res.headers.vary}`);
});

test('a preflight from a denied origin is a 403 problem without CORS headers', T, async () => {
    const res = await request(api, {
        method: 'OPTIONS',
        headers: { Origin: kDenied, 'Access-Control-Request-Method': 'GET' },
    });
    assertProblem(res, 403);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
    assert.equal(res.headers['access-control-allow-methods'], undefined);
    assert.equal(res.headers['access-control-allow-credentials'], undefined);
});

test('origins are compared exactly (no prefix, suffix or scheme tricks)', T, async () => {
    for (const origin of ['https://app.example.evil.example', 'http://app.example', 'https://xapp.example', 'null']) {
        const res = await request(api, {
            method: 'OPTIONS',
            headers: { Origin: origin, 'Access-Control-Request-Method': 'GET' },
        });
        assert.equal(res.status, 403, `preflight from ${origin}`);
        assert.equal(res.headers['access-control-allow-origin'], undefined, `no ACAO for ${origin}`);
    }
});

test('a simple GET from an allowed origin gets Access-Control-Allow-Origin and Vary', T, async () => {
    const res = await fetch(api, { headers: { Origin: kAllowed } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), kAllowed);
    assert.ok(headerList(res.headers.get('vary')).includes('origin'), `Vary: ${res.headers.get('vary')}`);
    await res.arrayBuffer();
});

test('a simple GET from a denied origin gets no Access-Control-Allow-Origin', T, async () => {
    const res = await fetch(api, { headers: { Origin: kDenied } });
    assert.equal(res.headers.get('access-control-allow-origin'), null);
    await res.arrayBuffer();
});

test('without Origin there are no CORS headers and never a wildcard', T, async () => {
    const res = await request(api);
    assert.equal(res.status, 200);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
    for (const origin of [kAllowed, kDenied]) {
        const r = await request(api, { headers: { Origin: origin } });
        assert.notEqual(r.headers['access-control-allow-origin'], '*');
    }
});

test('errors to an allowed origin are readable by it (404 carries ACAO)', T, async () => {
    const res = await request(`${srv.url}/api/v1/no-such-thing`, { headers: { Origin: kAllowed } });
    assertProblem(res, 404);
    assert.equal(res.headers['access-control-allow-origin'], kAllowed);
});

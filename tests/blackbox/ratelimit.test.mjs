// Per-client-IP token bucket on /api/ routes: RateLimit-* headers, 429 problem with
// Retry-After, exempt operational endpoints, independent buckets per address, refill.

import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { test } from 'node:test';

import { assertProblem, request } from './lib/http.mjs';
import { startServer } from './lib/server.mjs';

const T = { timeout: 30_000 };
const kBurst = 3;
const srv = await startServer({ config: { rate_limit: { enabled: true, requests_per_second: 1, burst: kBurst } } });
const api = `${srv.url}/api/v1/catalog`;

const int = (v) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : NaN);

/// Sends requests from `localAddress` until one is 429; returns all responses.
async function exhaust(localAddress, max = 30) {
    const out = [];
    for (let i = 0; i < max; i++) {
        const res = await request(api, { localAddress });
        out.push(res);
        if (res.status === 429) break;
    }
    return out;
}

test('/api responses carry RateLimit headers; the bucket empties into 429 with Retry-After', T, async () => {
    const responses = await exhaust('127.0.0.1');
    const last = responses.at(-1);
    assert.equal(last.status, 429, `no 429 after ${responses.length} requests`);
    const ok = responses.slice(0, -1);
    assert.ok(ok.length >= kBurst, `the first ${kBurst} requests (the burst) succeed; got ${ok.length}`);
    for (const res of ok) assert.equal(res.status, 200);

    for (const res of responses) {
        const limit = int(res.headers['ratelimit-limit']);
        const remaining = int(res.headers['ratelimit-remaining']);
        const reset = int(res.headers['ratelimit-reset']);
        assert.ok(limit >= 1, `RateLimit-Limit: ${res.headers['ratelimit-limit']}`);
        assert.ok(remaining >= 0 && remaining <= limit, `RateLimit-Remaining: ${res.headers['ratelimit-remaining']}`);
        assert.ok(reset >= 0, `RateLimit-Reset: ${res.headers['ratelimit-reset']}`);
    }
    assert.equal(int(ok[0].headers['ratelimit-limit']), kBurst, 'RateLimit-Limit is the burst size');
    assert.ok(int(ok[0].headers['ratelimit-remaining']) < kBurst, 'the first request used a token');
    assert.equal(int(last.headers['ratelimit-remaining']), 0);

    const doc = assertProblem(last, 429);
    assert.ok(doc.detail.length > 0);
    const retryAfter = last.headers['retry-after'];
    assert.match(retryAfter ?? '', /^\d+$/, `Retry-After must be integer seconds: ${retryAfter}`);
    assert.ok(Number(retryAfter) >= 1);
});

test('/healthz, /readyz and /metrics are exempt while the bucket is empty', T, async () => {
    const responses = await exhaust('127.0.0.1');
    assert.equal(responses.at(-1).status, 429);
    for (const path of ['/healthz', '/readyz', '/metrics']) {
        for (let i = 0; i < kBurst * 3; i++) {
            const res = await request(`${srv.url}${path}`);
            assert.equal(res.status, 200, `${path} request ${i + 1}: ${res.status}`);
        }
    }
});

test('buckets are per client address', T, async () => {
    const responses = await exhaust('127.0.0.1');
    assert.equal(responses.at(-1).status, 429);
    // Another loopback address is another client.
    const other = await request(api, { localAddress: '127.0.0.2' });
    assert.equal(other.status, 200, 'a different client IP has its own bucket');
    assert.ok(int(other.headers['ratelimit-remaining']) >= 0);
});

test('X-Forwarded-For from an untrusted peer does not select another bucket', T, async () => {
    const responses = await exhaust('127.0.0.3');
    assert.equal(responses.at(-1).status, 429);
    const spoofed = await request(api, { localAddress: '127.0.0.3', headers: { 'X-Forwarded-For': '203.0.113.9' } });
    assert.equal(spoofed.status, 429, 'a client cannot escape its bucket with a forged X-Forwarded-For');
});

test('behind a trusted proxy, X-Forwarded-For names the client: one bucket per client, the chain read from the right', T, async (t) => {
    const proxied = await startServer({
        t,
        config: { trusted_proxies: ['127.0.0.5', '10.0.0.0/8'], rate_limit: { enabled: true, requests_per_second: 1, burst: kBurst } },
    });
    const url = `${proxied.url}/api/v1/catalog`;
    const via = (xff) => request(url, { localAddress: '127.0.0.5', headers: { 'X-Forwarded-For': xff } });
    let last;
    for (let i = 0; i < 30 && last?.status !== 429; i++) last = await via('203.0.113.1');
    assert.equal(last.status, 429, 'the client behind the proxy has a bucket of its own');
    assert.equal((await via('203.0.113.2')).status, 200, 'another client behind the same proxy is not limited');
    assert.equal((await via('6.6.6.6, 203.0.113.1')).status, 429, 'what the client wrote to the left is not believed');
    assert.equal((await via('203.0.113.1, 10.1.2.3')).status, 429, 'a chain of trusted proxies is walked');
    assert.equal((await request(url, { localAddress: '127.0.0.5' })).status, 200, 'no header: the proxy itself');
    // From a peer that is not a trusted proxy the header changes nothing.
    last = undefined;
    for (let i = 0; i < 30 && last?.status !== 429; i++) last = await request(url, { localAddress: '127.0.0.6' });
    const forged = await request(url, { localAddress: '127.0.0.6', headers: { 'X-Forwarded-For': '203.0.113.77' } });
    assert.equal(forged.status, 429);
    // The access log records the client's address (truncated), not the proxy's.
    await proxied.waitForLog((r) => r.msg === 'request' && r.remote === '203.0.113.0');
});

test('a trusted_proxies entry that is not an address stops the start, naming it', T, async () => {
    const { runDihya } = await import('./lib/server.mjs');
    const r = await runDihya(['serve', '--listen', '127.0.0.1:0', '--dev', '--data-dir', '{tmp}/d', '--config', '{config}'],
        { config: { trusted_proxies: ['proxy.example.org'] } });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /trusted_proxies: 'proxy\.example\.org' is not an IP address or CIDR range/);
});

test('after Retry-After seconds a token is available again', T, async () => {
    const responses = await exhaust('127.0.0.4');
    const last = responses.at(-1);
    assert.equal(last.status, 429);
    const wait = Number(last.headers['retry-after']);
    assert.ok(wait >= 1 && wait <= 5, `Retry-After ${wait} for 1 request/s`);
    // Waiting at least as long as told is always enough: no upper-bound timing here.
    await delay(wait * 1000 + 100);
    const res = await request(api, { localAddress: '127.0.0.4' });
    assert.equal(res.status, 200, 'Retry-After was honest');
});

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

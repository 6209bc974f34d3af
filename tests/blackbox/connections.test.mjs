// Connection caps (per client address and in total) and keep-alive behaviour.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { test } from 'node:test';

import { assertProblem, request } from './lib/http.mjs';
import { RawClient, rawRequest } from './lib/raw.mjs';
import { startServer } from './lib/server.mjs';

const T = { timeout: 30_000 };

/// Opens a connection from `localAddress` and proves the server serves it (one keep-alive
/// request), so that it is counted as open.
async function openServed(port, localAddress = '127.0.0.1') {
    const c = await RawClient.connect(port, { localAddress });
    await c.write(rawRequest('GET', '/healthz'));
    const res = await c.readResponse();
    assert.equal(res.status, 200, 'a connection within the caps is served');
    return c;
}

/// A connection over the cap must be refused: either a 503 problem, or closed without a
/// response. Returns what happened.
async function expectRefused(port, localAddress = '127.0.0.1') {
    let c;
    try {
        c = await RawClient.connect(port, { localAddress });
    } catch (err) {
        // Reset during the handshake is a refusal too.
        return `connect failed: ${err.code}`;
    }
    try {
        // A refusal may come straight away, before any request: give it a moment, and only
        // then send a request (a server may also read it first and then refuse).
        if (!(await c.waitActivity(1000))) await c.tryWrite(rawRequest('GET', '/healthz'));
        let res;
        try {
            res = await c.readResponse();
        } catch (err) {
            assert.equal(err.code, 'ERR_CLOSED_EARLY', err.message);
            return 'closed';
        }
        assertProblem(res, 503);
        return '503';
    } finally {
        c.destroy();
    }
}

/// A new connection from `localAddress` is served again once a slot is free. Closing our
/// side is asynchronous for the server, so retry until served (bounded by the test timeout).
async function eventuallyServed(port, localAddress = '127.0.0.1') {
    for (;;) {
        const c = await RawClient.connect(port, { localAddress }).catch(() => null);
        if (c) {
            await c.tryWrite(rawRequest('GET', '/healthz', { Connection: 'close' }));
            const res = await c.readResponse().catch(() => null);
            c.destroy();
            if (res && res.status === 200) return;
        }
        await new Promise((r) => setTimeout(r, 20));
    }
}

test('max_connections_per_ip: a third simultaneous connection from one address is refused', T, async (t) => {
    const srv = await startServer({ t, config: { limits: { max_connections_per_ip: 2 } } });
    const a = await openServed(srv.port);
    const b = await openServed(srv.port);
    try {
        const outcome = await expectRefused(srv.port);
        t.diagnostic(`third connection: ${outcome}`);

        // Another address is not affected.
        const other = await request(`${srv.url}/healthz`, { localAddress: '127.0.0.2' });
        assert.equal(other.status, 200);

        // The first two still work.
        await a.write(rawRequest('GET', '/healthz'));
        assert.equal((await a.readResponse()).status, 200);
    } finally {
        b.destroy();
    }
    // Freeing one slot lets a new connection in.
    await eventuallyServed(srv.port);
    a.destroy();
});

test('max_connections: the total is capped across addresses', T, async (t) => {
    const srv = await startServer({ t, config: { limits: { max_connections: 3, max_connections_per_ip: 2 } } });
    const open = [
        await openServed(srv.port, '127.0.0.1'),
        await openServed(srv.port, '127.0.0.1'),
        await openServed(srv.port, '127.0.0.2'),
    ];
    try {
        const outcome = await expectRefused(srv.port, '127.0.0.3');
        t.diagnostic(`fourth connection: ${outcome}`);
    } finally {
        open.pop().destroy();
    }
    await eventuallyServed(srv.port, '127.0.0.3');
    for (const c of open) c.destroy();
});

test('keep-alive: several sequential requests over one socket', T, async (t) => {
    const srv = await startServer({ t });
    const c = await RawClient.connect(srv.port);
    try {
        for (const path of ['/healthz', '/readyz', '/api/v1/catalog', '/api/v1/nope', '/healthz']) {
            await c.write(rawRequest('GET', path));
            const res = await c.readResponse();
            assert.equal(res.status, path === '/api/v1/nope' ? 404 : 200, path);
            assert.ok(!/\bclose\b/i.test(res.headers.connection ?? ''), `${path}: the server keeps the connection`);
        }
        // A 405 with a body to skip also keeps the connection usable.
        await c.write(rawRequest('POST', '/healthz', { 'Content-Type': 'application/json' }, '{"a":1}'));
        assert.equal((await c.readResponse()).status, 405);
        await c.write(rawRequest('GET', '/healthz'));
        assert.equal((await c.readResponse()).status, 200);
    } finally {
        c.destroy();
    }
});

test('keep-alive: pipelined requests are answered in order', T, async (t) => {
    const srv = await startServer({ t });
    const c = await RawClient.connect(srv.port);
    try {
        const paths = ['/healthz', '/api/v1/nope-1', '/readyz', '/api/v1/nope-2', '/healthz'];
        const ids = paths.map(() => randomUUID());
        await c.write(paths.map((p, i) => rawRequest('GET', p, { 'X-Request-Id': ids[i] })).join(''));
        for (const [i, p] of paths.entries()) {
            const res = await c.readResponse();
            assert.equal(res.headers['x-request-id'], ids[i], 'responses come back in request order');
            assert.equal(res.status, p.startsWith('/api/v1/nope') ? 404 : 200);
        }
    } finally {
        c.destroy();
    }
});

test('keep-alive with a stock client reuses the socket', T, async (t) => {
    const srv = await startServer({ t });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
        const reused = [];
        for (let i = 0; i < 5; i++) {
            await new Promise((resolve, reject) => {
                const req = http.get(`${srv.url}/healthz`, { agent }, (res) => {
                    reused.push(req.reusedSocket);
                    res.resume();
                    res.on('end', resolve);
                    res.on('error', reject);
                });
                req.on('error', reject);
            });
        }
        assert.deepEqual(reused, [false, true, true, true, true]);
    } finally {
        agent.destroy();
    }
});

test('Connection: close and HTTP/1.0 close the connection after the response', T, async (t) => {
    const srv = await startServer({ t });
    const c = await RawClient.connect(srv.port);
    await c.write(rawRequest('GET', '/healthz', { Connection: 'close' }));
    assert.equal((await c.readResponse()).status, 200);
    assert.equal(await c.waitServerClose(), true);

    const d = await RawClient.connect(srv.port);
    await d.write('GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n');
    const res = await d.readResponse();
    assert.equal(res.status, 200);
    assert.equal(res.json().status, 'ok');
    assert.equal(await d.waitServerClose(), true);
});

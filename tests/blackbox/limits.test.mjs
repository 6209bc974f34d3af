// Request limits and hostile input over raw sockets: oversized headers (431), oversized bodies
// (413, with Content-Length and chunked), slow clients (header and body timeouts), malformed
// HTTP (400). The server must survive all of it.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { assertProblem, assertSecurityHeaders, request } from './lib/http.mjs';
import { RawClient, rawRequest } from './lib/raw.mjs';
import { startServer } from './lib/server.mjs';

const T = { timeout: 20_000 };
const kMaxHeader = 8192;
const kMaxBody = 1024;
const srv = await startServer({
    config: {
        limits: {
            max_header_bytes: kMaxHeader,
            max_body_bytes: kMaxBody,
            header_timeout_ms: 300,
            body_timeout_ms: 300,
        },
    },
});
// A documented POST route (see API.md); the body limit applies before any handler runs.
const kPost = '/api/v1/analyze';

/// Sends `data` on a new connection (tolerating a server that answers and closes before it
/// has read everything) and reads one response. `serverCloses()` then resolves once the server
/// has closed the connection (the upper bound is the test timeout); call it after checking
/// the response, so that a wrong answer fails fast instead of waiting for a timeout.
async function exchange(t, data) {
    const c = await RawClient.connect(srv.port);
    t.after(() => c.destroy());
    await c.tryWrite(data);
    let res;
    try {
        res = await c.readResponse();
    } catch (err) {
        if (err.code === 'ERR_CLOSED_EARLY' && c.error?.code === 'ECONNRESET') {
            throw new Error(
                `${err.message}. The server reset the connection instead of answering: it must send the ` +
                    'error response and close gracefully (read or shut down the rest of the input first).',
            );
        }
        throw err;
    }
    res.serverCloses = async () => {
        assert.equal(await c.waitServerClose(), true);
        assert.equal((await c.closed).by, 'server');
    };
    return res;
}

const filler = (n) => 'a'.repeat(n);

test('a header block within max_header_bytes is accepted', T, async (t) => {
    const res = await exchange(t, rawRequest('GET', '/healthz', { 'X-Filler': filler(kMaxHeader - 1024), Connection: 'close' }));
    assert.equal(res.status, 200);
});

test('one header over max_header_bytes → 431 problem and the connection closes', T, async (t) => {
    const res = await exchange(t, rawRequest('GET', '/healthz', { 'X-Filler': filler(kMaxHeader + 2048) }));
    assertProblem(res, 431);
    assertSecurityHeaders(res, '431');
    await res.serverCloses();
});

test('many headers adding up to more than max_header_bytes → 431', T, async (t) => {
    const headers = {};
    for (let i = 0; i < 100; i++) headers[`X-Many-${i}`] = filler(100);
    const res = await exchange(t, rawRequest('GET', '/healthz', headers));
    assertProblem(res, 431);
    await res.serverCloses();
});

test('an oversized request target is refused (431 or 414) and the connection closes', T, async (t) => {
    const res = await exchange(t, rawRequest('GET', `/healthz?q=${filler(kMaxHeader + 2048)}`));
    assert.ok([414, 431].includes(res.status), `status ${res.status}`);
    assertProblem(res, res.status);
    await res.serverCloses();
});

test('Content-Length over max_body_bytes → 413 problem before the body is sent', T, async () => {
    const c = await RawClient.connect(srv.port);
    try {
        // Only the head: the server must decide from Content-Length alone.
        await c.write(rawRequest('POST', kPost, { 'Content-Type': 'application/json', 'Content-Length': String(kMaxBody * 4) }));
        const res = await c.readResponse();
        assertProblem(res, 413);
    } finally {
        c.destroy();
    }
});

test('a body of exactly max_body_bytes is not refused for its size', T, async (t) => {
    const body = JSON.stringify({ text: filler(kMaxBody - '{"text":""}'.length) });
    assert.equal(Buffer.byteLength(body), kMaxBody);
    const res = await exchange(t, rawRequest('POST', kPost, { 'Content-Type': 'application/json', Connection: 'close' }, body));
    assert.notEqual(res.status, 413, res.text);
    assert.ok(res.status < 500, `status ${res.status}: ${res.text}`);
});

test('a chunked body growing over max_body_bytes → 413 problem', T, async () => {
    const c = await RawClient.connect(srv.port);
    try {
        const head = rawRequest('POST', kPost, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
        // 1000 + 100 bytes > 1024; no final chunk: the server must stop reading on its own.
        const chunk = (s) => `${Buffer.byteLength(s).toString(16)}\r\n${s}\r\n`;
        await c.tryWrite(head + chunk(filler(1000)) + chunk(filler(100)));
        const res = await c.readResponse();
        assertProblem(res, 413);
    } finally {
        c.destroy();
    }
});

test('a client stalling in the headers is disconnected after header_timeout_ms', T, async () => {
    const c = await RawClient.connect(srv.port);
    try {
        await c.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
        // Wait for the server to close; the test timeout is the upper bound.
        assert.equal(await c.waitServerClose(), true);
        const closed = await c.closed;
        assert.equal(closed.by, 'server');
        if (c.buffer.length > 0) {
            // A 408 before closing is fine; anything else is not.
            const res = await c.readResponse().catch(() => null);
            assert.ok(res, `unparseable bytes before close: ${c.buffer.toString('latin1').slice(0, 200)}`);
            assert.equal(res.status, 408);
        }
    } finally {
        c.destroy();
    }
});

test('a connection that sends nothing is disconnected too', T, async () => {
    const c = await RawClient.connect(srv.port);
    try {
        assert.equal(await c.waitServerClose(), true);
        assert.equal((await c.closed).by, 'server');
    } finally {
        c.destroy();
    }
});

test('a client stalling in the body is disconnected after body_timeout_ms', T, async () => {
    const c = await RawClient.connect(srv.port);
    try {
        await c.write(rawRequest('POST', kPost, { 'Content-Type': 'application/json', 'Content-Length': '100' }) + '{"text":"');
        assert.equal(await c.waitServerClose(), true);
        assert.equal((await c.closed).by, 'server');
        if (c.buffer.length > 0) {
            const res = await c.readResponse().catch(() => null);
            assert.ok(res, `unparseable bytes before close: ${c.buffer.toString('latin1').slice(0, 200)}`);
            assert.equal(res.status, 408);
        }
    } finally {
        c.destroy();
    }
});

const kMalformed = {
    'garbage line': 'GARBAGE\r\n\r\n',
    'header without a colon': 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nNo colon here\r\n\r\n',
    'non-numeric Content-Length': 'POST /api/v1/analyze HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n',
    'conflicting Content-Length': 'POST /api/v1/analyze HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!',
    'bad chunk size': 'POST /api/v1/analyze HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n',
    'NUL in a header': 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Bad: a\0b\r\n\r\n',
    'two Host headers (RFC 9112 §3.2)': 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n\r\n',
    'HTTP/1.1 without Host': 'GET /healthz HTTP/1.1\r\nAccept: */*\r\n\r\n',
};

for (const [name, data] of Object.entries(kMalformed)) {
    test(`malformed HTTP (${name}) → 400 and the connection closes`, T, async (t) => {
        const res = await exchange(t, data);
        assertProblem(res, 400);
        await res.serverCloses();
    });
}

test('binary noise does not hurt the server', T, async () => {
    const c = await RawClient.connect(srv.port);
    try {
        const noise = Buffer.alloc(2048);
        for (let i = 0; i < noise.length; i++) noise[i] = (i * 131 + 7) % 256;
        await c.tryWrite(noise);
        assert.equal(await c.waitServerClose(), true);
    } finally {
        c.destroy();
    }
});

test('after all of that the server still answers', T, async () => {
    assert.equal(srv.exited(), undefined, `the server exited\n${srv.logs()}`);
    const res = await request(`${srv.url}/healthz`);
    assert.equal(res.status, 200);
    assert.equal(res.json().status, 'ok');
});

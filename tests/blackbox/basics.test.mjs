// HTTP foundation: health, readiness, metrics, request ids, security headers, problem+json
// errors (404, 405), HEAD and OPTIONS, structured logs with one access line per request.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { promisify } from 'node:util';

import { assertProblem, assertSecurityHeaders, headerList, parsePrometheus, request } from './lib/http.mjs';
import { RawClient, rawRequest } from './lib/raw.mjs';
import { startServer } from './lib/server.mjs';

const T = { timeout: 30_000 };
const srv = await startServer();

test('GET /healthz answers 200 {"status":"ok"} as JSON', T, async () => {
    const res = await fetch(`${srv.url}/healthz`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json\b/);
    assert.equal((await res.json()).status, 'ok');
});

test('GET /readyz reports the SQLite database and its schema version', T, async () => {
    const res = await fetch(`${srv.url}/readyz`);
    const body = await res.json();
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.match(res.headers.get('content-type') ?? '', /^application\/json\b/);
    assert.equal(body.status, 'ready');
    assert.equal(typeof body.database, 'object');
    assert.equal(body.database.dialect, 'sqlite');
    assert.equal(typeof body.database.schema_version, 'number');
    assert.ok(Number.isInteger(body.database.schema_version) && body.database.schema_version >= 0);
});

test('every response carries the security headers and no HSTS over plain HTTP', T, async () => {
    const cases = [
        ['GET', '/healthz'],
        ['GET', '/readyz'],
        ['GET', '/metrics'],
        ['GET', '/api/v1/catalog'],
        ['GET', '/no/such/route'],
        ['POST', '/healthz'],
        ['HEAD', '/healthz'],
        ['OPTIONS', '/healthz'],
    ];
    for (const [method, path] of cases) {
        const res = await request(`${srv.url}${path}`, { method });
        assertSecurityHeaders(res, `${method} ${path} → ${res.status}`);
    }
});

test('X-Request-Id is generated, unique, and a valid incoming one is echoed', T, async () => {
    const a = await request(`${srv.url}/healthz`);
    const b = await request(`${srv.url}/healthz`);
    const ida = a.headers['x-request-id'];
    const idb = b.headers['x-request-id'];
    assert.ok(ida && idb, 'generated request ids');
    assert.notEqual(ida, idb, 'each request gets its own id');

    const mine = randomUUID();
    const c = await request(`${srv.url}/healthz`, { headers: { 'X-Request-Id': mine } });
    assert.equal(c.headers['x-request-id'], mine, 'a valid incoming X-Request-Id is kept');

    // Ids that could forge log lines or bloat them are replaced, not echoed.
    for (const bad of ['x'.repeat(1000), 'a"b<c>{d}']) {
        const d = await request(`${srv.url}/healthz`, { headers: { 'X-Request-Id': bad } });
        assert.equal(d.status, 200);
        assert.ok(d.headers['x-request-id'], 'a request id is still generated');
        assert.notEqual(d.headers['x-request-id'], bad, `invalid request id ${JSON.stringify(bad.slice(0, 20))} must not be echoed`);
    }
});

test('unknown routes are 404 problem+json with the request id as instance', T, async () => {
    for (const path of ['/api/no/such/route', '/api/v1/no-such-thing', '/api/v2/catalog', '/docs/nope.js', '/account/nope']) {
        const res = await request(`${srv.url}${path}`);
        const doc = assertProblem(res, 404);
        assert.ok(doc.title.length > 0);
    }
    const rid = randomUUID();
    const res = await request(`${srv.url}/api/nope`, { headers: { 'X-Request-Id': rid } });
    assert.equal(assertProblem(res, 404).instance, rid);
    // Other paths are the web console's pages (index.html when it is built, a page saying how to build it else),
    // and a method the console does not take there is still a 404, not a 405.
    const page = await request(`${srv.url}/no/such/page`);
    assert.ok([200, 503].includes(page.status), `${page.status}`);
    assert.match(page.headers['content-type'], /^text\/html/);
    assert.match(page.headers['content-security-policy'], /script-src 'self'/);
    assertProblem(await request(`${srv.url}/no/such/page`, { method: 'POST' }), 404);
});

test('a known path with the wrong method is 405 with Allow', T, async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
        const res = await request(`${srv.url}/healthz`, {
            method,
            headers: { 'Content-Type': 'application/json' },
            body: '{}',
        });
        assertProblem(res, 405);
        const allow = headerList(res.headers.allow);
        assert.ok(allow.includes('get'), `Allow should list GET: ${res.headers.allow}`);
        assert.ok(allow.includes('head'), `Allow should list HEAD: ${res.headers.allow}`);
        assert.ok(!allow.includes(method.toLowerCase()), `Allow must not list ${method}`);
    }
});

test('HEAD on a GET route answers like GET without a body (checked on the wire)', T, async () => {
    const c = await RawClient.connect(srv.port);
    try {
        // HEAD then GET pipelined: if HEAD sent a body, the second response would not parse.
        await c.write(rawRequest('HEAD', '/healthz') + rawRequest('GET', '/healthz'));
        const head = await c.readResponse({ head: true });
        assert.equal(head.status, 200);
        assert.match(head.headers['content-type'] ?? '', /^application\/json\b/);
        const get = await c.readResponse();
        assert.equal(get.status, 200);
        assert.equal(get.json().status, 'ok');
        if (head.headers['content-length'] !== undefined) {
            assert.equal(head.headers['content-length'], String(get.body.length), 'HEAD Content-Length matches GET');
        }
    } finally {
        c.destroy();
    }
    // And with a stock client.
    const { stdout } = await promisify(execFile)('curl', ['-sS', '-I', '--max-time', '10', `${srv.url}/healthz`]);
    assert.match(stdout, /^HTTP\/1\.1 200/);
    assert.match(stdout, /x-request-id:/i);
});

test('OPTIONS on a route without CORS is 204 with Allow', T, async () => {
    const res = await request(`${srv.url}/healthz`, { method: 'OPTIONS' });
    assert.equal(res.status, 204);
    assert.equal(res.body.length, 0);
    const allow = headerList(res.headers.allow);
    assert.ok(allow.includes('get') && allow.includes('head'), `Allow: ${res.headers.allow}`);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
});

test('GET /metrics is Prometheus text with the HTTP, connection and pool metrics', T, async () => {
    // Make sure there is traffic to count.
    for (let i = 0; i < 3; i++) await request(`${srv.url}/healthz`);
    const res = await request(`${srv.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'] ?? '', /^text\/plain\b/);
    const text = res.text;
    for (const needle of [
        'dihya_http_requests_total{',
        'dihya_http_request_duration_seconds_bucket{',
        'dihya_http_open_connections',
        'dihya_db_pool_connections',
    ]) {
        assert.ok(text.includes(needle), `metrics should contain ${needle}\n${text}`);
    }
    const { samples, types } = parsePrometheus(text);
    assert.equal(types.dihya_http_requests_total, 'counter');
    assert.equal(types.dihya_http_request_duration_seconds, 'histogram');

    const healthz = samples.filter(
        (s) => s.name === 'dihya_http_requests_total' && s.labels.route === '/healthz' && s.labels.method === 'GET' && s.labels.status === '200',
    );
    assert.equal(healthz.length, 1, 'one counter for route="/healthz",method="GET",status="200"');
    assert.ok(healthz[0].value >= 3);

    const open = samples.find((s) => s.name === 'dihya_http_open_connections');
    assert.ok(open && open.value >= 1, 'the connection asking for /metrics is open');
    assert.ok(samples.some((s) => s.name.startsWith('dihya_db_pool_connections')));

    const inf = samples.find((s) => s.name === 'dihya_http_request_duration_seconds_bucket' && s.labels.le === '+Inf');
    assert.ok(inf, 'histogram has an le="+Inf" bucket');
});

test('the request counter grows with traffic', T, async () => {
    const count = async () => {
        const { samples } = parsePrometheus((await request(`${srv.url}/metrics`)).text);
        const s = samples.find(
            (x) => x.name === 'dihya_http_requests_total' && x.labels.route === '/readyz' && x.labels.method === 'GET' && x.labels.status === '200',
        );
        return s ? s.value : 0;
    };
    const before = await count();
    for (let i = 0; i < 4; i++) await request(`${srv.url}/readyz`);
    // Access accounting may finish just after the response is sent: wait for it by polling.
    let after = await count();
    while (after < before + 4) after = await count();
    assert.ok(after >= before + 4);
});

test('unknown paths do not create metric label values (bounded cardinality)', T, async () => {
    const marker = `zz${randomUUID().replaceAll('-', '')}`;
    await request(`${srv.url}/nothing-here/${marker}`);
    await request(`${srv.url}/api/v1/${marker}`);
    const res = await request(`${srv.url}/metrics`);
    assert.ok(!res.text.includes(marker), 'the raw path of a 404 must not become a label value');
});

test('logs are JSON lines with ts, level, msg; each request has an access line', T, async () => {
    const rid = randomUUID();
    const res = await request(`${srv.url}/api/v1/catalog?limit=5`, { headers: { 'X-Request-Id': rid, 'User-Agent': 'blackbox' } });
    assert.equal(res.status, 200);
    const line = await srv.waitForLog((r) => r.msg === 'request' && r.request_id === rid);
    assert.equal(line.method, 'GET');
    assert.equal(typeof line.path, 'string');
    assert.ok(line.path.startsWith('/api/v1/catalog'), `path: ${line.path}`);
    assert.equal(line.status, 200);
    assert.equal(typeof line.duration_ms, 'number');
    assert.ok(line.duration_ms >= 0);
    assert.equal(typeof line.remote, 'string');
    assert.equal(line.remote, '127.0.0.0', 'the client address, truncated to its /24 (personal data)');

    const rid404 = randomUUID();
    await request(`${srv.url}/nope`, { method: 'DELETE', headers: { 'X-Request-Id': rid404 } });
    const l404 = await srv.waitForLog((r) => r.msg === 'request' && r.request_id === rid404);
    assert.equal(l404.status, 404);
    assert.equal(l404.method, 'DELETE');

    for (const r of srv.records()) {
        assert.ok(!r.__raw, `stderr line is not a JSON object: ${r.__raw}`);
        assert.equal(typeof r.ts, 'string', JSON.stringify(r));
        assert.ok(!Number.isNaN(Date.parse(r.ts)), `ts must be a timestamp: ${r.ts}`);
        assert.ok(['debug', 'info', 'warn', 'error'].includes(r.level), JSON.stringify(r));
        assert.equal(typeof r.msg, 'string', JSON.stringify(r));
    }
});

test('problem types resolve to their documentation on this server', T, async () => {
    const res = await fetch(`${srv.url}/api/no/such/route`);
    const problem = await res.json();
    const doc = new URL(problem.type, srv.url);
    assert.equal(doc.origin, new URL(srv.url).origin);
    const page = await fetch(doc);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    const html = await page.text();
    assert.ok(html.includes(`id="${doc.hash.slice(1)}"`), `the page has a section for ${doc.hash}`);
});

test('responses carry an RFC 9110 Date header', T, async () => {
    const res = await fetch(`${srv.url}/healthz`);
    const date = res.headers.get('date') ?? '';
    assert.match(date, /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    assert.ok(Math.abs(Date.parse(date) - Date.now()) < 60_000, 'the date is now');
});

test('the server is still healthy and running', T, async () => {
    assert.equal(srv.exited(), undefined, 'the server must not have exited');
    const res = await request(`${srv.url}/healthz`);
    assert.equal(res.status, 200);
});

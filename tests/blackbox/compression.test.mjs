// Response compression, black-box: gzip and Brotli as real clients ask for them (node:http with Accept-Encoding,
// curl --compressed, Chromium on /docs), decoded with node:zlib and compared with the plain answer; ETags stay the
// content's and revalidate; what must not be compressed (small answers, sign-in, archives, other methods) is not.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import zlib from 'node:zlib';
import { test } from 'node:test';

import { api, kPassword, register } from './lib/accounts.mjs';
import { headerList, request } from './lib/http.mjs';
import { kLibraryModel } from './lib/projects.mjs';
import { startServer } from './lib/server.mjs';

const T = { timeout: 120_000 };
const decode = { gzip: zlib.gunzipSync, br: zlib.brotliDecompressSync };

test('GET answers over 1 KiB come in the coding the client prefers, and decode to the plain answer', T, async (t) => {
    const srv = await startServer({ t });
    for (const path of ['/api/v1/catalog', '/api/v1/openapi.json', '/metrics', '/docs/swagger-ui-bundle.js', '/docs/swagger-ui.css']) {
        const plain = await request(`${srv.url}${path}`);
        assert.equal(plain.status, 200, `${path}: ${plain.text}`);
        assert.equal(plain.headers['content-encoding'], undefined, `${path}: no Accept-Encoding, no coding`);
        assert.ok(headerList(plain.headers.vary).includes('accept-encoding'), `${path}: Vary: ${plain.headers.vary}`);
        for (const [accept, coding] of [
            ['gzip', 'gzip'],
            ['gzip, deflate, br', 'br'],
            ['br;q=0.4, gzip;q=0.9', 'gzip'],
        ]) {
            const res = await request(`${srv.url}${path}`, { headers: { 'Accept-Encoding': accept } });
            assert.equal(res.status, 200);
            assert.equal(res.headers['content-encoding'], coding, `${path} with ${accept}`);
            assert.equal(Number(res.headers['content-length']), res.body.length);
            assert.ok(res.body.length < plain.body.length / 2, `${path}: ${res.body.length} of ${plain.body.length} bytes`);
            const text = decode[coding](res.body).toString('utf8');
            if (path === '/metrics') {
                assert.match(text, /^# HELP /m, 'the metrics move between calls: same format, decoded');
            } else {
                assert.equal(text, plain.text, `${path} with ${accept}`);
            }
        }
        // HEAD says the length of the coded answer GET sends.
        const head = await request(`${srv.url}${path}`, { method: 'HEAD', headers: { 'Accept-Encoding': 'br' } });
        assert.equal(head.headers['content-encoding'], 'br');
        assert.equal(head.body.length, 0);
        if (path !== '/metrics') {
            const get = await request(`${srv.url}${path}`, { headers: { 'Accept-Encoding': 'br' } });
            assert.equal(head.headers['content-length'], String(get.body.length), `${path}: HEAD and GET lengths`);
        }
    }
    // The access log counts the bytes sent.
    const coded = await request(`${srv.url}/api/v1/catalog`, { headers: { 'Accept-Encoding': 'br', 'X-Request-Id': 'coded-catalog' } });
    const line = await srv.waitForLog((r) => r.msg === 'request' && r.request_id === 'coded-catalog');
    assert.equal(line.bytes, coded.body.length);
});

test('the ETag stays the content\'s: a compressed answer revalidates to 304 and is served again byte for byte', T, async (t) => {
    const srv = await startServer({ t });
    const plain = await request(`${srv.url}/api/v1/catalog`);
    const br = await request(`${srv.url}/api/v1/catalog`, { headers: { 'Accept-Encoding': 'br' } });
    assert.match(plain.headers.etag, /^"[0-9a-f]+"$/);
    assert.equal(br.headers.etag, plain.headers.etag);
    const again = await request(`${srv.url}/api/v1/catalog`, { headers: { 'Accept-Encoding': 'br', 'If-None-Match': br.headers.etag } });
    assert.equal(again.status, 304);
    assert.equal(again.body.length, 0);
    assert.ok(headerList(again.headers.vary).includes('accept-encoding'), `304 Vary: ${again.headers.vary}`);
    const br2 = await request(`${srv.url}/api/v1/catalog?anything=${Date.now()}`, { headers: { 'Accept-Encoding': 'br' } });
    assert.deepEqual(br2.body, br.body);
});

test('curl --compressed and Chromium read the coded answers', T, async (t) => {
    const srv = await startServer({ t });
    const out = execFileSync('curl', ['-sS', '--compressed', '-D', '-', `${srv.url}/api/v1/openapi.json`], { encoding: 'utf8' });
    const [head, body] = out.split('\r\n\r\n');
    assert.match(head, /^content-encoding: (br|gzip)\r?$/im, head);
    assert.equal(JSON.parse(body).openapi.startsWith('3.'), true);
    const { withBrowser } = await import('./lib/browser.mjs');
    await withBrowser(srv.port, {}, async (page) => {
        const codings = [];
        page.on('response', (r) => codings.push(r.headers()['content-encoding']));
        await page.goto(`${srv.url}/docs`);
        await page.waitForSelector('.swagger-ui .info', { timeout: 30_000 });
        assert.ok(codings.includes('br'), `Chromium got: ${codings}`);
    });
});

test('small answers, sign-in, other methods and archives are not compressed; compression.enabled turns it off', T, async (t) => {
    const srv = await startServer({ t, config: { rate_limit: { enabled: false } } });
    const br = { 'Accept-Encoding': 'br, gzip' };
    const health = await request(`${srv.url}/healthz`, { headers: br });
    assert.equal(health.headers['content-encoding'], undefined, 'under 1 KiB');
    await register(srv, 'ada@example.org');
    const signIn = await request(`${srv.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { ...br, 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: 'ada@example.org', password: kPassword }),
    });
    assert.equal(signIn.status, 200, signIn.text);
    assert.equal(signIn.headers['content-encoding'], undefined, 'tokens are never compressed');
    const token = signIn.json().access_token;
    const analysis = await request(`${srv.url}/api/v1/analyze`, {
        method: 'POST',
        headers: { ...br, 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({ text: 'A library app: books have a title, an author and a year; members borrow books; '.repeat(20) }),
    });
    assert.equal(analysis.status, 200, analysis.text);
    assert.ok(analysis.body.length > 1024);
    assert.equal(analysis.headers['content-encoding'], undefined, 'only GET and HEAD answers are compressed');
    const created = await api(srv, '/api/v1/projects', { method: 'POST', token, body: { model: kLibraryModel } });
    assert.equal(created.status, 201, created.text);
    const project = created.json;
    const started = await api(srv, `/api/v1/projects/${project.id}/generations`, { method: 'POST', token });
    assert.equal(started.status, 202, started.text);
    const gid = started.json.id;
    await srv.waitForLog((r) => r.msg === 'job finished' && r.job === gid, { timeoutMs: 60_000 });
    const base = `${srv.url}/api/v1/projects/${project.id}/generations/${gid}`;
    const zip = await request(`${base}/archive`, { headers: { ...br, Authorization: `Bearer ${token}` } });
    assert.equal(zip.status, 200, zip.text);
    assert.equal(zip.headers['content-encoding'], undefined, 'an archive goes as it is');
    assert.equal(zip.body.subarray(0, 2).toString('latin1'), 'PK');

    const off = await startServer({ t, config: { compression: { enabled: false } } });
    const plain = await request(`${off.url}/api/v1/catalog`, { headers: br });
    assert.equal(plain.headers['content-encoding'], undefined);
});

// HTTPS: with tls.cert_file and tls.key_file the server speaks TLS only, and sends HSTS.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

import { runDihya, startServer } from './lib/server.mjs';

const T = { timeout: 30_000 };
const dir = mkdtempSync(path.join(tmpdir(), 'dihya-tls-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const cert = path.join(dir, 'cert.pem');
const key = path.join(dir, 'key.pem');
execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
], { stdio: 'ignore' });

const srv = await startServer({ config: { tls: { cert_file: cert, key_file: key } } });
const port = Number(new URL(srv.url).port);

function get(pathname) {
    return new Promise((resolve, reject) => {
        const req = https.get({ host: '127.0.0.1', port, path: pathname, ca: readFileSync(cert) }, (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (c) => (body += c));
            res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
        });
        req.on('error', reject);
    });
}

test('HTTPS answers with HSTS and the usual security headers', T, async () => {
    const res = await get('/healthz');
    assert.equal(res.status, 200);
    assert.equal(JSON.parse(res.body).status, 'ok');
    assert.match(res.headers['strict-transport-security'] ?? '', /max-age=\d+/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
});

test('plain HTTP on the TLS port gets no HTTP answer and the server keeps serving', T, async () => {
    const reply = await new Promise((resolve) => {
        const sock = net.connect(port, '127.0.0.1', () => sock.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'));
        let data = '';
        sock.on('data', (c) => (data += c.toString('latin1')));
        sock.on('close', () => resolve(data));
        sock.on('error', () => resolve(data));
    });
    assert.doesNotMatch(reply, /^HTTP\/1\.1 200/);
    assert.equal((await get('/healthz')).status, 200);
});

test('the log line says the scheme', T, async () => {
    const line = await srv.waitForLog((r) => r.msg === 'listening');
    assert.equal(line.scheme, 'https');
});

test('a missing key file is a configuration error (exit 2) naming the key', T, async () => {
    const r = await runDihya(['serve', '--dev', '--listen', '127.0.0.1:0', '--data-dir', '{tmp}/d', '--config', '{config}'], {
        config: { tls: { cert_file: cert, key_file: path.join(dir, 'missing.pem') } },
    });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /tls\.key_file/);
    const half = await runDihya(['serve', '--dev', '--listen', '127.0.0.1:0', '--data-dir', '{tmp}/d', '--config', '{config}'], {
        config: { tls: { cert_file: cert } },
    });
    assert.equal(half.code, 2, half.stderr);
    assert.match(half.stderr, /tls\.key_file/);
});

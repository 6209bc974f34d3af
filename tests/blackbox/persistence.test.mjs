// A generated Express back end keeps its data in a real database (and its uploaded files on disk): generated
// with every back-end feature, installed (npm ci, cached per lock file) and started as its README says
// (`node src/server.js`, production mode), it migrates its database, takes rows and a file through the API, is
// killed (SIGKILL), and started again on the same database finds them there, its ids going on and its
// constraints enforced. On SQLite (the default
// file data/app.sqlite) always; on PostgreSQL when DIHYA_TEST_PG_URL_FILE names the harness's URL file
// (tests/pg/pg-harness, ctest's blackbox.pg.persistence), where the project's own test suite runs too.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { npmCi } from './lib/npm.mjs';
import { freshDatabase, postgresUrl } from './lib/pg.mjs';
import { runDihya } from './lib/server.mjs';
import { nodeTestSuite } from './lib/toolchains.mjs';

const T = { timeout: 600_000 };
const dir = mkdtempSync(path.join(tmpdir(), 'dihya-persistence-'));
const live = new Set();
after(async () => {
    await Promise.all([...live].map((proc) => stop(proc, 'SIGKILL')));
    rmSync(dir, { recursive: true, force: true });
});
process.on('exit', () => {
    for (const proc of live) proc.kill('SIGKILL');
});

const noPostgres = postgresUrl() ? false : 'no PostgreSQL here: set DIHYA_TEST_PG_URL_FILE (tests/pg/pg-harness start DIR)';

const spec = [
    'title: Library Shelf',
    'features: [auth, search, uploads, admin, notifications, realtime, payments, analytics]',
    'roles: [librarian, reader]',
    'entities:',
    '  - name: Author',
    '    fields:',
    '      - {name: full_name, type: string, required: true}',
    '      - {name: email, type: email, unique: true}',
    '      - {name: born_on, type: date}',
    '  - name: Book',
    '    fields:',
    '      - {name: title, type: string, required: true}',
    '      - {name: published_at, type: datetime}',
    '      - {name: pages, type: int}',
    '      - {name: price, type: float}',
    '      - {name: available, type: bool, required: true}',
    '      - {name: genre, type: enum, values: [novel, poetry, essay]}',
    '      - {name: author, type: ref, ref: Author, required: true}',
    '      - {name: cover, type: file}',
    '',
].join('\n');

const kEnv = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    JWT_SECRET: 'j'.repeat(64),
    LIBRARIAN_PASSWORD: 'librarian pw',
    READER_PASSWORD: 'reader pw',
    PAYMENT_WEBHOOK_SECRET: 'w'.repeat(32),
};

let backend;
before(async () => {
    const file = path.join(dir, 'library.yaml');
    writeFileSync(file, spec);
    const out = path.join(dir, 'library');
    const gen = await runDihya(['generate', file, '--out', out, '--set', 'stacks.frontend=none', '--set', 'stacks.devops='],
        { timeoutMs: 60_000 });
    assert.equal(gen.code, 0, gen.stderr);
    backend = path.join(out, 'backend');
    await npmCi(backend);
});

function freePort() {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const { port } = server.address();
            server.close(() => resolve(port));
        });
    });
}

/// `node src/server.js` in the generated back end; resolves once it listens.
async function startBackend(env) {
    const port = await freePort();
    const childEnv = { ...process.env, ...kEnv, ...env, PORT: String(port) };
    delete childEnv.NODE_TEST_CONTEXT;
    const proc = spawn(process.execPath, ['src/server.js'], { cwd: backend, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(proc);
    let output = '';
    await new Promise((resolve, reject) => {
        const onData = (chunk) => {
            output += chunk;
            if (/API listening on/.test(output)) resolve();
        };
        proc.stdout.on('data', onData);
        proc.stderr.on('data', onData);
        proc.once('exit', (code, signal) => reject(new Error(`the back end exited (${code ?? signal}):\n${output}`)));
    });
    return { proc, base: `http://127.0.0.1:${port}`, output: () => output };
}

function stop(proc, signal) {
    live.delete(proc);
    if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill(signal);
    return exited;
}

async function call(base, method, route, { token, body } = {}) {
    const headers = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(base + route, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    return { status: r.status, json: text ? JSON.parse(text) : null };
}

async function login(base) {
    const r = await call(base, 'POST', '/api/auth/login', { body: { email: 'librarian@example.com', password: 'librarian pw' } });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json.access_token;
}

/// Writes through one process, kills it, reads through the next one on the same database.
async function survivesRestart(env) {
    const first = await startBackend(env);
    assert.match(first.output(), /Database migrated: 20000101000000_initial_schema\.js/);
    let token = await login(first.base);
    const author = await call(first.base, 'POST', '/api/authors', {
        token, body: { full_name: 'Assia Djebar', email: 'assia@example.com', born_on: '1936-06-30' },
    });
    assert.equal(author.status, 201, JSON.stringify(author.json));
    const book = await call(first.base, 'POST', '/api/books', {
        token,
        body: {
            title: "L'Amour, la fantasia", published_at: '1985-03-01T10:15:00.5+01:00', pages: 302, price: 9.5,
            available: true, genre: 'novel', author: author.json.id,
        },
    });
    assert.equal(book.status, 201, JSON.stringify(book.json));
    assert.equal(book.json.published_at, '1985-03-01T09:15:00.500Z');
    const cover = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('a cover')]);
    const uploaded = await fetch(`${first.base}/api/books/${book.json.id}/cover`, {
        method: 'PUT', body: cover, headers: { authorization: `Bearer ${token}`, 'content-type': 'image/jpeg' },
    });
    assert.equal(uploaded.status, 200, await uploaded.clone().text());
    const patched = await call(first.base, 'PATCH', `/api/books/${book.json.id}`, { token, body: { available: false } });
    assert.equal(patched.status, 200);
    assert.equal(patched.json.cover.size, cover.length);
    const pageview = await call(first.base, 'POST', '/api/analytics/pageview', { body: { path: '/books' } });
    assert.equal(pageview.status, 204);
    const before = {
        authors: (await call(first.base, 'GET', '/api/authors')).json,
        books: (await call(first.base, 'GET', '/api/books')).json,
        notifications: (await call(first.base, 'GET', '/api/notifications', { token })).json,
        analytics: (await call(first.base, 'GET', '/api/analytics', { token })).json,
    };
    assert.equal(before.books.total, 1);
    assert.equal(before.notifications.total, 4);
    await stop(first.proc, 'SIGKILL');

    const second = await startBackend(env);
    assert.doesNotMatch(second.output(), /Database migrated/, 'the schema is already there');
    token = await login(second.base);
    assert.deepEqual((await call(second.base, 'GET', '/api/authors')).json, before.authors);
    assert.deepEqual((await call(second.base, 'GET', '/api/books')).json, before.books);
    assert.deepEqual((await call(second.base, 'GET', `/api/books/${book.json.id}`)).json, { ...patched.json });
    const coverAgain = await fetch(`${second.base}/api/books/${book.json.id}/cover`);
    assert.equal(coverAgain.status, 200);
    assert.deepEqual(Buffer.from(await coverAgain.arrayBuffer()), cover);
    assert.deepEqual((await call(second.base, 'GET', '/api/notifications', { token })).json, before.notifications);
    assert.deepEqual((await call(second.base, 'GET', '/api/analytics', { token })).json, before.analytics);

    // Ids go on; the foreign key still holds; unique values stay unique.
    const next = await call(second.base, 'POST', '/api/authors', { token, body: { full_name: 'Mohammed Dib' } });
    assert.equal(next.status, 201);
    assert.ok(next.json.id > author.json.id);
    const duplicate = await call(second.base, 'POST', '/api/authors', { token, body: { full_name: 'X', email: 'assia@example.com' } });
    assert.equal(duplicate.status, 409);
    assert.equal(duplicate.json.errors[0].field, 'email');
    assert.equal((await call(second.base, 'DELETE', `/api/authors/${author.json.id}`, { token })).status, 409);
    assert.equal((await call(second.base, 'DELETE', `/api/books/${book.json.id}`, { token })).status, 204);
    assert.equal((await call(second.base, 'DELETE', `/api/authors/${author.json.id}`, { token })).status, 204);
    await stop(second.proc, 'SIGTERM');
}

test('SQLite (data/app.sqlite): rows written through the API are there after a kill and a restart', T, async () => {
    await survivesRestart({});
    assert.ok(existsSync(path.join(backend, 'data/app.sqlite')), 'the default database file');
    assert.ok(existsSync(path.join(backend, 'uploads/books')), 'the default upload folder');
});

test('PostgreSQL (DATABASE_URL): rows written through the API are there after a kill and a restart', { ...T, skip: noPostgres }, async () => {
    await survivesRestart({ DATABASE_URL: freshDatabase() });
});

test("PostgreSQL (DATABASE_URL): the project's own test suite passes", { ...T, skip: noPostgres }, async () => {
    const { output } = await nodeTestSuite('express / PostgreSQL', backend, { min: 50, env: { DATABASE_URL: freshDatabase() } });
    assert.match(output, /database \(PostgreSQL\)/);
});

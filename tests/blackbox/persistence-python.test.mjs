// The Python back ends keep their data: a generated Flask project under gunicorn (its README's production command)
// writes rows to its default SQLite file (backend/data/app.db), is stopped and started again, and the rows are there,
// references and unique values still enforced; the same for FastAPI under uvicorn on the database DATABASE_URL names.
// With DIHYA_TEST_PG_URL_FILE (ctest's blackbox.pg.persistence-python, a server of tests/pg/pg-harness), that
// database is PostgreSQL, and the generated FastAPI and Flask projects' own pytest suites run against PostgreSQL too.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { backend as databaseKind, freshDatabase } from './lib/pg.mjs';
import { runDihya } from './lib/server.mjs';
import { pytest as runPytest } from './lib/toolchains.mjs';

const T = { timeout: 300_000 };
// Debian's interpreter: python3-flask, -fastapi, -uvicorn, -sqlalchemy, -alembic, -psycopg2, -pytest (the first
// python3 on PATH may not have them).
const python = '/usr/bin/python3';
const dir = mkdtempSync(path.join(tmpdir(), 'dihya-persist-'));
const servers = new Set();
after(async () => {
    await Promise.all([...servers].map(stop));
    rmSync(dir, { recursive: true, force: true });
});

const spec = [
    'title: Lending Library',
    'features: [auth, search]',
    'roles: [librarian, member]',
    'entities:',
    '  - name: Author',
    '    fields:',
    '      - {name: full_name, type: string, required: true}',
    '      - {name: email, type: email, unique: true}',
    '      - {name: born_on, type: date}',
    '  - name: Book',
    '    fields:',
    '      - {name: title, type: string, required: true}',
    '      - {name: added_at, type: datetime}',
    '      - {name: price, type: float}',
    '      - {name: author, type: ref, ref: Author, required: true}',
    '',
].join('\n');

async function generate(name, backend) {
    const file = path.join(dir, `${name}.yaml`);
    writeFileSync(file, spec);
    const out = path.join(dir, name);
    const gen = await runDihya(['generate', file, '--out', out, '--set', `stacks.backend=${backend}`,
        '--set', 'stacks.frontend=none'], { timeoutMs: 60_000 });
    assert.equal(gen.code, 0, gen.stderr);
    return path.join(out, 'backend');
}

async function freePort() {
    const srv = net.createServer();
    await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve));
    const { port } = srv.address();
    await new Promise((resolve) => srv.close(resolve));
    return port;
}

/// Starts a server process; resolves once its output matches `ready` (rejects when it exits first).
function start(cmd, args, { cwd, env, ready }) {
    const proc = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    servers.add(proc);
    let output = '';
    return new Promise((resolve, reject) => {
        const onData = (chunk) => {
            output += chunk;
            if (ready.test(output)) resolve(proc);
        };
        proc.stdout.on('data', onData);
        proc.stderr.on('data', onData);
        proc.on('exit', (code) => reject(new Error(`${cmd} exited (${code}) before it was ready:\n${output}`)));
    });
}

async function stop(proc) {
    servers.delete(proc);
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    await exited;
}

const kEnv = { APP_ENV: 'production', JWT_SECRET: 'p'.repeat(64), LIBRARIAN_PASSWORD: 'correct horse' };

/// The servers as their READMEs say to run them in production, on a free port.
const kServers = {
    flask: async (backend, env) => {
        const port = await freePort();
        const proc = await start('/usr/bin/gunicorn', ['--bind', `127.0.0.1:${port}`, '--workers', '1', '--threads', '8',
            'app:create_app()'], { cwd: backend, env: { ...kEnv, ...env }, ready: /Listening at/ });
        return { proc, base: `http://127.0.0.1:${port}` };
    },
    fastapi: async (backend, env) => {
        const port = await freePort();
        const proc = await start(python, ['-m', 'uvicorn', '--factory', 'app:create_app', '--host', '127.0.0.1',
            '--port', String(port)], { cwd: backend, env: { ...kEnv, ...env }, ready: /Uvicorn running on/ });
        return { proc, base: `http://127.0.0.1:${port}` };
    },
};

async function call(base, method, route, { body, token } = {}) {
    const headers = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(`${base}${route}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    return { status: r.status, json: text ? JSON.parse(text) : null };
}

async function login(base) {
    const r = await call(base, 'POST', '/api/auth/login', { body: { email: 'librarian@example.com', password: 'correct horse' } });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json.access_token;
}

/// Writes rows, restarts the server on the same database, and finds them (and the database's rules) again.
async function survivesARestart(framework, backend, env) {
    let server = await kServers[framework](backend, env);
    let token = await login(server.base);
    const author = await call(server.base, 'POST', '/api/authors', {
        token, body: { full_name: 'Ursula K. Le Guin', email: 'ursula@example.com', born_on: '1929-10-21' },
    });
    assert.equal(author.status, 201, JSON.stringify(author.json));
    const book = await call(server.base, 'POST', '/api/books', {
        token, body: { title: 'The Dispossessed', added_at: '2024-03-01T10:15:00+01:00', price: 9.5, author: author.json.id },
    });
    assert.equal(book.status, 201, JSON.stringify(book.json));
    assert.equal(book.json.added_at, '2024-03-01T09:15:00Z');
    const removed = await call(server.base, 'POST', '/api/books', { token, body: { title: 'Gone', author: author.json.id } });
    assert.equal((await call(server.base, 'DELETE', `/api/books/${removed.json.id}`, { token })).status, 204);
    await stop(server.proc);

    server = await kServers[framework](backend, env);
    token = await login(server.base);
    assert.deepEqual((await call(server.base, 'GET', `/api/authors/${author.json.id}`)).json, author.json);
    assert.deepEqual((await call(server.base, 'GET', `/api/books/${book.json.id}`)).json, book.json);
    const books = await call(server.base, 'GET', '/api/books?q=dispossessed');
    assert.deepEqual([books.json.total, books.json.items], [1, [book.json]]);
    assert.equal((await call(server.base, 'GET', `/api/books/${removed.json.id}`)).status, 404);
    // The rules hold after the restart: unique email, the author still referenced, and ids are not reused.
    const duplicate = await call(server.base, 'POST', '/api/authors', { token, body: { full_name: 'U', email: 'ursula@example.com' } });
    assert.equal(duplicate.status, 409);
    assert.equal((await call(server.base, 'DELETE', `/api/authors/${author.json.id}`, { token })).status, 409);
    const next = await call(server.base, 'POST', '/api/books', { token, body: { title: 'Lavinia', author: author.json.id } });
    assert.equal(next.status, 201);
    assert.ok(next.json.id > removed.json.id, `a new id (${next.json.id}) after the deleted ${removed.json.id}`);
    await stop(server.proc);
}

let flaskBackend;
let fastapiBackend;
before(async () => {
    flaskBackend = await generate('lending-flask', 'flask');
    fastapiBackend = await generate('lending-fastapi', 'fastapi');
});

test('flask under gunicorn: rows written to data/app.db are there after a restart', T, async () => {
    const database = path.join(flaskBackend, 'data', 'app.db');
    assert.ok(!existsSync(database), 'no database before the first start');
    await survivesARestart('flask', flaskBackend, {});
    assert.ok(existsSync(database), 'the default SQLite file');
});

test(`fastapi under uvicorn: rows are there after a restart (DATABASE_URL, ${databaseKind})`, T, async () => {
    const url = freshDatabase() ?? `sqlite:///${path.join(dir, 'fastapi.db')}`;
    await survivesARestart('fastapi', fastapiBackend, { DATABASE_URL: url });
    assert.ok(!existsSync(path.join(fastapiBackend, 'data')), 'DATABASE_URL, not the default file');
});

/// The generated pytest suite (lib/toolchains.mjs), here on PostgreSQL.
function pytest(cwd, env) {
    return runPytest(`${path.basename(path.dirname(cwd))} / PostgreSQL`, cwd, { min: 50, env });
}

test('the generated pytest suites pass on PostgreSQL (TEST_DATABASE_URL)', T, async (t) => {
    const fastapiDb = freshDatabase();
    if (!fastapiDb) {
        t.skip('no PostgreSQL: set DIHYA_TEST_PG_URL_FILE (ctest runs this file as blackbox.pg.persistence-python)');
        return;
    }
    await pytest(fastapiBackend, { TEST_DATABASE_URL: fastapiDb });
    await pytest(flaskBackend, { TEST_DATABASE_URL: freshDatabase() });
});

// `dihya generate` with the fastapi pack: the generated FastAPI project passes its own pytest suite (FastAPI's
// TestClient) on Debian's interpreter, a free-text specification naming FastAPI reaches the pack, and the app
// runs under uvicorn: a real server answering a real client, the same way as the flask pack's app does.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { runDihya } from './lib/server.mjs';
import { pytest as runPytest } from './lib/toolchains.mjs';

const T = { timeout: 300_000 };
// Debian's interpreter: it has python3-fastapi, python3-httpx, python3-uvicorn and python3-pytest (the first
// python3 on PATH may not).
const python = '/usr/bin/python3';
const dir = mkdtempSync(path.join(tmpdir(), 'dihya-fastapi-'));
const servers = new Set();
after(async () => {
    await Promise.all([...servers].map(stop));
    rmSync(dir, { recursive: true, force: true });
});

const spec = [
    'title: Clinic Booking',
    'features: [auth]',
    'roles: [admin, doctor, patient]',
    'entities:',
    '  - name: Patient',
    '    fields:',
    '      - {name: full_name, type: string, required: true}',
    '      - {name: email, type: email, unique: true}',
    '      - {name: birth_date, type: date}',
    '      - {name: notes, type: text}',
    '      - {name: weight, type: float}',
    '      - {name: visits, type: int}',
    '      - {name: insured, type: bool}',
    '      - {name: website, type: url}',
    '  - name: Appointment',
    '    fields:',
    '      - {name: starts_at, type: datetime, required: true}',
    '      - {name: status, type: enum, values: [booked, done, cancelled]}',
    '      - {name: patient, type: ref, ref: Patient, required: true}',
    '',
].join('\n');

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

async function generate(name, text, options) {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    const out = path.join(dir, `${name}.out`);
    const gen = await runDihya(['generate', file, '--out', out, ...options], { timeoutMs: 60_000 });
    assert.equal(gen.code, 0, gen.stderr);
    return { out, backend: path.join(out, 'backend'), answers: readJson(path.join(out, '.dihya/answers.json')) };
}

/// The generated pytest suite (lib/toolchains.mjs): nothing fails, and it ran.
async function pytest(cwd) {
    const { passed } = await runPytest(`fastapi / ${path.basename(path.dirname(cwd))}`, cwd, { min: 10 });
    return passed;
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

/// A new SQLite file for one server: each server starts with an empty database.
const freshDatabase = (port) => ({ SQLITE_FILE: path.join(dir, `server-${port}.db`) });

/// The generated FastAPI app under uvicorn, as its README says to run it (here in production mode).
async function uvicorn(backend, env) {
    const port = await freePort();
    const proc = await start(python, ['-m', 'uvicorn', '--factory', 'app:create_app', '--host', '127.0.0.1',
        '--port', String(port)], { cwd: backend, env: { ...env, ...freshDatabase(port) }, ready: /Uvicorn running on/ });
    return { proc, base: `http://127.0.0.1:${port}` };
}

const kEnv = { APP_ENV: 'production', JWT_SECRET: 's'.repeat(64), ADMIN_PASSWORD: 'correct horse', DOCTOR_PASSWORD: 'doctor pw' };

async function call(base, method, route, { body, token, raw } = {}) {
    const headers = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined || raw !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(`${base}${route}`, { method, headers, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
    const text = await r.text();
    return { status: r.status, type: r.headers.get('content-type'), location: r.headers.get('location'), json: text ? JSON.parse(text) : null };
}

async function login(base, email, password) {
    const r = await call(base, 'POST', '/api/auth/login', { body: { email, password } });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json.access_token;
}

let clinic;
before(async () => {
    clinic = await generate('clinic.yaml', spec, ['--set', 'stacks.backend=fastapi', '--set', 'stacks.frontend=none']);
});

test('a YAML spec (auth, roles, enum, ref, every scalar type) → a FastAPI project whose pytest suite passes', T, async () => {
    assert.equal(clinic.answers.model.stacks.backend, 'fastapi');
    assert.ok(clinic.answers.packs.some((p) => p.name === 'fastapi'));
    for (const f of ['README.md', 'requirements.txt', 'openapi.json', 'app/__init__.py', 'app/auth.py', 'tests/test_patients_api.py',
        'tests/test_appointments_api.py']) {
        assert.ok(existsSync(path.join(clinic.backend, f)), f);
    }
    const requirements = readFileSync(path.join(clinic.backend, 'requirements.txt'), 'utf8');
    assert.match(requirements, /^fastapi>=0\.92,<0\.100$/m);
    assert.match(requirements, /^pydantic>=1\.10,<2$/m);
    assert.match(readFileSync(path.join(clinic.backend, 'README.md'), 'utf8'), /pydantic 1/);
    assert.match(readFileSync(path.join(clinic.backend, 'Dockerfile'), 'utf8'), /"uvicorn", "--factory", "app:create_app"/);
    await pytest(clinic.backend);
});

test('English free text naming FastAPI → the analyser chooses fastapi → its pack is generated and its suite passes', T, async () => {
    const text = 'A lending app for a library: members borrow books, librarians manage loans. '
        + 'Login for librarians and admins. The REST API in FastAPI.\n';
    const lib = await generate('library.txt', text, ['--set', 'stacks.frontend=none']);
    assert.equal(lib.answers.model.stacks.backend, 'fastapi');
    assert.ok(lib.answers.packs.some((p) => p.name === 'fastapi'));
    assert.ok(!lib.answers.packs.some((p) => p.name === 'flask' || p.name === 'express'));
    assert.match(readFileSync(path.join(lib.backend, 'app/__init__.py'), 'utf8'), /^from fastapi import FastAPI$/m);
    await pytest(lib.backend);
});

test('the generated app under uvicorn: /healthz, sign-in, CRUD, validation and roles over real HTTP', T, async () => {
    const { proc, base } = await uvicorn(clinic.backend, kEnv);
    const health = await call(base, 'GET', '/healthz');
    assert.deepEqual([health.status, health.json], [200, { status: 'ok' }]);
    const empty = await call(base, 'GET', '/api/patients');
    assert.equal(empty.status, 200);
    assert.deepEqual(empty.json, { items: [], total: 0, limit: 50, offset: 0 });

    // Production: development passwords do not work, configured ones do.
    const dev = await call(base, 'POST', '/api/auth/login', { body: { email: 'patient@example.com', password: 'patient-password' } });
    assert.equal(dev.status, 401);
    const admin = await login(base, 'admin@example.com', 'correct horse');
    const doctor = await login(base, 'doctor@example.com', 'doctor pw');

    const anonymous = await call(base, 'POST', '/api/patients', { body: { full_name: 'Ada' } });
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.type, 'application/problem+json');

    const created = await call(base, 'POST', '/api/patients', { token: doctor, body: { full_name: 'Ada Lovelace', birth_date: '1815-12-10' } });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    assert.equal(created.location, `/api/patients/${created.json.id}`);
    const list = await call(base, 'GET', '/api/patients?limit=10');
    assert.equal(list.json.total, 1);
    assert.equal(list.json.items[0].full_name, 'Ada Lovelace');

    const invalid = await call(base, 'POST', '/api/appointments', {
        token: admin, body: { starts_at: '2024-01-31T09:30:00', status: 'lost', patient: created.json.id },
    });
    assert.equal(invalid.status, 400);
    assert.equal(invalid.type, 'application/problem+json');
    assert.deepEqual(invalid.json.errors.map((e) => e.field), ['starts_at', 'status']);
    const booked = await call(base, 'POST', '/api/appointments', {
        token: admin, body: { starts_at: '2024-01-31T09:30:00Z', status: 'booked', patient: created.json.id },
    });
    assert.equal(booked.status, 201);

    // Deleting needs the first role; a referenced row cannot go.
    const forbidden = await call(base, 'DELETE', `/api/patients/${created.json.id}`, { token: doctor });
    assert.equal(forbidden.status, 403);
    assert.equal((await call(base, 'DELETE', `/api/patients/${created.json.id}`, { token: admin })).status, 409);
    assert.equal((await call(base, 'DELETE', `/api/appointments/${booked.json.id}`, { token: admin })).status, 204);
    assert.equal((await call(base, 'DELETE', `/api/patients/${created.json.id}`, { token: admin })).status, 204);

    const openapi = await call(base, 'GET', '/api/openapi.json');
    assert.deepEqual(openapi.json, readJson(path.join(clinic.backend, 'openapi.json')));
    await stop(proc);
});

test('the fastapi and flask packs serve the same API: same requests, same answers', T, async () => {
    const flask = await generate('clinic-flask.yaml', spec, ['--set', 'stacks.backend=flask', '--set', 'stacks.frontend=none']);
    const fastapi = await uvicorn(clinic.backend, kEnv);
    const port = await freePort();
    const gunicorn = await start('/usr/bin/gunicorn', ['--bind', `127.0.0.1:${port}`, '--workers', '1', 'app:create_app()'],
        { cwd: flask.backend, env: { ...kEnv, ...freshDatabase(port) }, ready: /Listening at/ });
    const bases = { fastapi: fastapi.base, flask: `http://127.0.0.1:${port}` };
    const tokens = {};
    for (const [name, base] of Object.entries(bases)) {
        tokens[name] = { admin: await login(base, 'admin@example.com', 'correct horse'), doctor: await login(base, 'doctor@example.com', 'doctor pw') };
    }
    const patient = { full_name: 'Ada', email: 'ada@example.com', birth_date: '1815-12-10', notes: 'n', weight: 60.5, visits: 3, insured: true, website: 'https://ada.example' };
    const requests = [
        ['GET', '/api/health'], ['GET', '/api/patients'],
        ['POST', '/api/patients', { body: patient }],
        ['POST', '/api/patients', { body: patient, as: 'doctor' }],
        ['POST', '/api/patients', { body: patient, as: 'admin' }],
        ['POST', '/api/patients', { body: { ...patient, email: 'b@example.com', visits: '3', birth_date: '2023-02-29', extra: 1 }, as: 'admin' }],
        ['POST', '/api/patients', { body: {}, as: 'admin' }],
        ['POST', '/api/patients', { raw: '{"broken": ', as: 'admin' }],
        ['POST', '/api/patients', { raw: '[1]', as: 'admin' }],
        ['GET', '/api/patients/1'], ['GET', '/api/patients/0'], ['GET', '/api/patients/abc'],
        ['GET', '/api/patients?limit=0'], ['GET', '/api/patients?limit=1&offset=1'], ['GET', '/api/patients?limit=9999'],
        ['PATCH', '/api/patients/1', { body: { visits: 4 }, as: 'doctor' }],
        ['PUT', '/api/patients/1', { body: { full_name: 'Ada L' }, as: 'admin' }],
        ['PATCH', '/api/patients/2', { body: { email: 'ada@example.com' }, as: 'admin' }],
        ['POST', '/api/appointments', { body: { starts_at: '2024-01-31T09:30:00Z', status: 'booked', patient: 1 }, as: 'admin' }],
        ['POST', '/api/appointments', { body: { starts_at: '2024-01-31T09:30:00Z', patient: 99 }, as: 'admin' }],
        ['DELETE', '/api/patients/1', { as: 'doctor' }],
        ['DELETE', '/api/patients/1', { as: 'admin' }],
        ['DELETE', '/api/appointments/1', { as: 'admin' }],
        ['DELETE', '/api/patients/1', { as: 'admin' }],
        ['DELETE', '/api/patients/1', { as: 'admin' }],
        ['GET', '/api/auth/me', { as: 'doctor' }], ['GET', '/api/auth/me'],
        ['POST', '/api/auth/login', { body: { email: 'admin@example.com', password: 'wrong' } }],
        ['POST', '/api/auth/login', { body: {} }],
        ['GET', '/api/no-such-route'],
    ];
    for (const [method, route, { as, ...options } = {}] of requests) {
        const [a, b] = await Promise.all(Object.keys(bases).map((name) =>
            call(bases[name], method, route, { ...options, token: as && tokens[name][as] })));
        const what = `${method} ${route}${as ? ` as ${as}` : ''}`;
        assert.equal(a.status, b.status, what);
        assert.equal(a.location, b.location, what);
        if (a.status === 204) continue;
        assert.equal(a.type, b.type, what);
        assert.deepEqual(a.json, b.json, what);
    }
    await Promise.all([stop(fastapi.proc), stop(gunicorn)]);
});

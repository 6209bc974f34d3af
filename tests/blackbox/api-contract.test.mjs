// The API contract's validation cases (packs/libraries/api-contract/validation-cases.json, docs/generated-api.md) hold
// every back end alike: one spec with a field of each type is generated for express, flask, fastapi and django; each
// project carries the library's file byte for byte where its own tests read it; then the four apps are started (express
// `node src/server.js`, flask under gunicorn, fastapi under uvicorn, django migrated then under gunicorn) and every case
// is sent to each over HTTP: a valid value is accepted and answered as the case says, an invalid one gets its status
// with exactly one error naming the field, and each whole-request case its status, detail and error fields — the same
// answers from the four.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { npmCi } from './lib/npm.mjs';
import { freePort, python, runCommand, startService, stopAllServices } from './lib/python.mjs';
import { runDihya } from './lib/server.mjs';

const T = { timeout: 600_000 };
const packsDir = process.env.DIHYA_PACKS_DIR
    || path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'packs');
const casesFile = path.join(packsDir, 'libraries', 'api-contract', 'validation-cases.json');
const cases = JSON.parse(readFileSync(casesFile, 'utf8'));
const dir = mkdtempSync(path.join(tmpdir(), 'dihya-contract-'));
after(async () => {
    await stopAllServices();
    rmSync(dir, { recursive: true, force: true });
});

// A field of each type the contract has cases for, named after it (the enum's values and the ref's target as the
// contract's `field` says: small/large, Thing); none required or unique, so each case stands alone.
const kinds = Object.keys(cases.field_types);
const spec = [
    'title: Contract Check',
    'entities:',
    '  - name: Thing',
    '    fields:',
    '      - {name: label, type: string}',
    '  - name: Sample',
    '    fields:',
    ...kinds.map((type) => {
        const extra = type === 'enum' ? `, values: [${cases.field_types.enum.field.values.join(', ')}]`
            : type === 'ref' ? `, ref: ${cases.field_types.ref.field.ref}` : '';
        return `      - {name: f_${type}, type: ${type}${extra}}`;
    }),
    '',
].join('\n');

// Where each back end's tests read the cases.
const kBackends = { express: 'test', flask: 'tests', fastapi: 'tests', django: 'api/tests' };

const valueOf = (c) => ('repeat' in c ? c.value.repeat(c.repeat) : c.value);
const servers = {};

before(async () => {
    const file = path.join(dir, 'contract.yaml');
    writeFileSync(file, spec);
    const folders = {};
    for (const backend of Object.keys(kBackends)) {
        const out = path.join(dir, backend);
        const gen = await runDihya(['generate', file, '--out', out, '--set', `stacks.backend=${backend}`,
            '--set', 'stacks.frontend=none', '--set', 'stacks.devops='], { timeoutMs: 60_000 });
        assert.equal(gen.code, 0, `${backend}: ${gen.stderr}`);
        folders[backend] = path.join(out, 'backend');
    }
    await npmCi(folders.express);
    const ports = Object.fromEntries(await Promise.all(Object.keys(kBackends).map(async (b) => [b, await freePort()])));
    const env = { ...process.env, APP_ENV: 'production', DATA_DIR: '' };
    const djangoEnv = { ...env, SQLITE_PATH: path.join(dir, 'django.sqlite3') };
    await runCommand('django / contract', python, ['manage.py', 'migrate', '--noinput'], { cwd: folders.django, env: djangoEnv });
    const started = await Promise.all([
        startService('express / contract', process.execPath, ['src/server.js'],
            { cwd: folders.express, env: { ...env, PORT: String(ports.express), HOST: '127.0.0.1', SQLITE_FILE: path.join(dir, 'express.sqlite') }, port: ports.express }),
        startService('flask / contract (gunicorn)', '/usr/bin/gunicorn', ['--bind', `127.0.0.1:${ports.flask}`, 'app:create_app()'],
            { cwd: folders.flask, env: { ...env, SQLITE_FILE: path.join(dir, 'flask.db') }, port: ports.flask }),
        startService('fastapi / contract (uvicorn)', python,
            ['-m', 'uvicorn', '--factory', 'app:create_app', '--host', '127.0.0.1', '--port', String(ports.fastapi)],
            { cwd: folders.fastapi, env: { ...env, SQLITE_FILE: path.join(dir, 'fastapi.db') }, port: ports.fastapi }),
        startService('django / contract (gunicorn)', '/usr/bin/gunicorn', ['--bind', `127.0.0.1:${ports.django}`],
            { cwd: folders.django, env: djangoEnv, port: ports.django }),
    ]);
    Object.keys(kBackends).forEach((backend, i) => {
        servers[backend] = { base: started[i].base, folder: folders[backend] };
    });
});

async function post(base, route, { body, raw, contentType = 'application/json' }) {
    const r = await fetch(`${base}${route}`, {
        method: 'POST', headers: { 'content-type': contentType }, body: raw ?? JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, type: r.headers.get('content-type'), json: text ? JSON.parse(text) : null };
}

test('every back end\'s tests read the library\'s validation-cases.json, byte for byte', () => {
    const library = readFileSync(casesFile);
    for (const [backend, folder] of Object.entries(kBackends)) {
        const copy = readFileSync(path.join(servers[backend].folder, folder, 'validation-cases.json'));
        assert.ok(copy.equals(library), `${backend}: ${folder}/validation-cases.json is the library's`);
    }
});

test('the four back ends answer each field type\'s valid and invalid values as the contract says', T, async () => {
    // A referenced row, id 1 in each back end.
    for (const [backend, { base }] of Object.entries(servers)) {
        const thing = await post(base, '/api/things', { body: { label: 'x' } });
        assert.deepEqual([thing.status, thing.json.id], [201, 1], backend);
    }
    let checked = 0;
    for (const type of kinds) {
        const field = `f_${type}`;
        for (const c of cases.field_types[type].valid) {
            const value = valueOf(c);
            const returned = 'returned' in c ? c.returned : value;
            if (type === 'ref' && value !== 1) continue; // only the row made above exists
            for (const [backend, { base }] of Object.entries(servers)) {
                const r = await post(base, '/api/samples', { body: { [field]: value } });
                const what = `${backend}: ${type} ${JSON.stringify(value).slice(0, 60)}`;
                assert.equal(r.status, 201, `${what}: ${JSON.stringify(r.json).slice(0, 300)}`);
                assert.deepEqual(r.json[field], returned, what);
                checked += 1;
            }
        }
        for (const c of cases.field_types[type].invalid) {
            const value = valueOf(c);
            for (const [backend, { base }] of Object.entries(servers)) {
                const r = await post(base, '/api/samples', { body: { [field]: value } });
                const what = `${backend}: ${type} ${JSON.stringify(value).slice(0, 60)} (${c.why})`;
                assert.equal(r.status, c.status, `${what}: ${JSON.stringify(r.json).slice(0, 300)}`);
                assert.match(r.type, /^application\/problem\+json/, what);
                assert.deepEqual(r.json.errors.map((e) => e.field), [field], what);
                checked += 1;
            }
        }
    }
    assert.ok(checked >= 4 * 50, `${checked} answers checked`);
});

test('the four back ends answer the contract\'s whole-request cases alike', T, async () => {
    for (const c of cases.requests) {
        for (const [backend, { base }] of Object.entries(servers)) {
            const r = 'raw' in c
                ? await post(base, '/api/samples', { raw: c.raw, contentType: c.content_type ?? 'application/json' })
                : await post(base, '/api/samples', { body: { f_string: 'ok', ...c.add } });
            const what = `${backend}: ${c.name}`;
            assert.equal(r.status, c.status, `${what}: ${JSON.stringify(r.json)}`);
            if (c.status >= 400) assert.match(r.type, /^application\/problem\+json/, what);
            if ('detail' in c) assert.equal(r.json.detail, c.detail, what);
            if ('error_fields' in c) assert.deepEqual(r.json.errors.map((e) => e.field), c.error_fields, what);
        }
    }
});

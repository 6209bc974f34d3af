// Saved projects and their generations over the real HTTP API: two users, projects from a model and from French
// text, cursor lists, ownership (404 for others, read-only for admins, 401 for guests), versions with ETag and
// If-Match, Idempotency-Key, limits naming themselves, and a background generation followed to the end: progress,
// log, the zip (checked entry by entry against the file tree and the SHA-256 of the status), tar.gz, previews.
// On SQLite, and (as blackbox.pg.projects) on PostgreSQL.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';

import { api, kFastAuth, kPassword, login, signUp } from './lib/accounts.mjs';
import { assertProblem } from './lib/http.mjs';
import { backend, freshDatabase } from './lib/pg.mjs';
import { runDihya, startServer } from './lib/server.mjs';
import { readZip } from './lib/zip.mjs';

const run = promisify(execFile);
const T = { timeout: 120_000 };
const tmp = mkdtempSync(path.join(tmpdir(), 'dihya-projects-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const database_url = freshDatabase();
const srv = await startServer({ config: { ...kFastAuth, ...(database_url ? { database_url } : {}) } });
const alice = await signUp(srv, 'alice@example.org');
const bob = await signUp(srv, 'bob@example.org');

// Only the express pack on this branch's stacks: no frontend, no devops.
const model = {
    title: 'Clinic Booking',
    description: 'Appointments for a small clinic',
    domain: 'health',
    roles: ['admin', 'doctor', 'patient'],
    entities: [
        {
            name: 'Patient',
            fields: [
                { name: 'full_name', type: 'string', required: true },
                { name: 'email', type: 'email', unique: true },
                { name: 'birth_date', type: 'date' },
            ],
        },
        {
            name: 'Appointment',
            fields: [
                { name: 'starts_at', type: 'datetime', required: true },
                { name: 'status', type: 'enum', values: ['booked', 'done', 'cancelled'] },
                { name: 'patient', type: 'ref', ref: 'Patient' },
            ],
        },
    ],
    stacks: { frontend: 'none', backend: 'express', devops: [] },
};
const frenchText =
    "Application pour une clinique : gestion des patients, des médecins et des rendez-vous, avec connexion pour les "
    + 'médecins et les administrateurs. Interface en français et en arabe.';

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

async function create(token, body, headers = {}) {
    return api(srv, '/api/v1/projects', { method: 'POST', token, body, headers });
}

async function mustCreate(token, body) {
    const r = await create(token, body);
    assert.equal(r.status, 201, r.text);
    return r.json;
}

async function download(urlPath, token, headers = {}) {
    const res = await fetch(`${srv.url}${urlPath}`, { headers: { authorization: `Bearer ${token}`, ...headers } });
    return { res, bytes: Buffer.from(await res.arrayBuffer()) };
}

/// Starts a generation and waits (for the server's "job finished" log line, not for a time) until it ends.
async function generate(token, projectId) {
    const started = await api(srv, `/api/v1/projects/${projectId}/generations`, { method: 'POST', token });
    assert.equal(started.status, 202, started.text);
    const id = started.json.id;
    await srv.waitForLog((r) => r.msg === 'job finished' && r.job === id, { timeoutMs: 60_000 });
    const status = await api(srv, `/api/v1/projects/${projectId}/generations/${id}`, { token });
    assert.equal(status.status, 200, status.text);
    return { started, status: status.json };
}

let clinic; // A's project from the model
let ecole; // A's project from French text

test(`a user saves projects from a structured model and from French free text (${backend})`, T, async () => {
    const r = await create(alice.token, { model });
    assert.equal(r.status, 201, r.text);
    clinic = r.json;
    assert.match(clinic.id, /^[0-9a-f-]{36}$/);
    assert.equal(r.headers.get('location'), `/api/v1/projects/${clinic.id}`);
    assert.equal(r.headers.get('etag'), '"v1"');
    assert.equal(clinic.name, 'clinic-booking');
    assert.equal(clinic.title, 'Clinic Booking');
    assert.equal(clinic.owner_id, alice.user.id);
    assert.equal(clinic.version, 1);
    assert.equal(clinic.entity_count, 2);
    assert.equal(clinic.spec.name, 'clinic-booking', 'the specification comes back normalised');
    assert.deepEqual(clinic.spec.entities.map((e) => e.name), ['Patient', 'Appointment']);
    assert.deepEqual(clinic.assumptions, []);
    assert.equal(clinic.links.generations, `/api/v1/projects/${clinic.id}/generations`);

    ecole = await mustCreate(alice.token, { text: frenchText });
    assert.equal(ecole.source_text, frenchText);
    assert.ok(ecole.assumptions.length > 0, 'the answer says what the analysis assumed');
    assert.ok(ecole.assumptions.every((a) => typeof a.field === 'string' && typeof a.message === 'string'));
    assert.ok(ecole.spec.entities.some((e) => e.name === 'Patient'), JSON.stringify(ecole.spec.entities));
    assert.ok(ecole.spec.locales.includes('fr') && ecole.spec.locales.includes('ar'));

    const got = await api(srv, `/api/v1/projects/${clinic.id}`, { token: alice.token });
    assert.equal(got.status, 200);
    assert.deepEqual(got.json.spec, clinic.spec);
    assert.equal(got.headers.get('etag'), '"v1"');
    const again = await api(srv, `/api/v1/projects/${clinic.id}`, { token: alice.token, headers: { 'if-none-match': '"v1"' } });
    assert.equal(again.status, 304);

    // What GET returns can be sent back as it is.
    const roundTrip = await mustCreate(alice.token, { spec: got.json.spec, title: 'Clinic Copy' });
    assert.equal(roundTrip.title, 'Clinic Copy');
    assert.deepEqual(roundTrip.spec.entities, clinic.spec.entities);
});

test('lists are newest first with a cursor, and only the caller\'s', T, async () => {
    const made = [];
    for (let i = 0; i < 3; i++) made.push((await mustCreate(alice.token, { model: { ...model, title: `Extra ${i}` } })).id);
    await mustCreate(bob.token, { model });
    const seen = [];
    let cursor = '';
    let pages = 0;
    do {
        const r = await api(srv, `/api/v1/projects?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token: alice.token });
        assert.equal(r.status, 200, r.text);
        assert.ok(r.json.items.length <= 2);
        for (const p of r.json.items) {
            assert.equal(p.owner_id, alice.user.id);
            assert.equal(p.spec, undefined, 'list items leave out the specification');
            seen.push(p.id);
        }
        cursor = r.json.next_cursor ?? '';
        pages++;
    } while (cursor && pages < 10);
    assert.equal(new Set(seen).size, seen.length, 'no project twice');
    assert.equal(seen.length, 6);
    assert.deepEqual(seen.slice(0, 3), [...made].reverse(), 'newest first');
    assert.ok(seen.includes(clinic.id) && seen.includes(ecole.id));

    const search = await api(srv, '/api/v1/projects?q=EXTRA%201', { token: alice.token });
    assert.deepEqual(search.json.items.map((p) => p.id), [made[1]]);
    assertProblem(await api(srv, '/api/v1/projects?cursor=bogus', { token: alice.token }), 400);
    assertProblem(await api(srv, '/api/v1/projects?limit=0', { token: alice.token }), 400);
    assertProblem(await api(srv, `/api/v1/projects?owner=${alice.user.id}`, { token: bob.token }), 403);
});

test('guests get 401 on every project route', T, async () => {
    for (const [method, p] of [
        ['GET', '/api/v1/projects'],
        ['POST', '/api/v1/projects'],
        ['GET', `/api/v1/projects/${clinic.id}`],
        ['DELETE', `/api/v1/projects/${clinic.id}`],
        ['POST', `/api/v1/projects/${clinic.id}/generations`],
    ]) {
        const r = await api(srv, p, { method, body: method === 'POST' ? { model } : undefined });
        assertProblem(r, 401);
        assert.ok(r.headers.get('www-authenticate'), `${method} ${p} says how to authenticate`);
    }
});

test('stale If-Match is a 412; PATCH is a JSON merge patch; PUT replaces', T, async () => {
    const p = await mustCreate(alice.token, { model });
    const url = `/api/v1/projects/${p.id}`;
    const res = await fetch(`${srv.url}${url}`, {
        method: 'PATCH',
        headers: {
            authorization: `Bearer ${alice.token}`,
            'if-match': '"v1"',
            'content-type': 'application/merge-patch+json',
        },
        body: JSON.stringify({ title: 'Dental Care', spec: { stacks: { backend: 'flask' } } }),
    });
    const patched = { status: res.status, headers: res.headers, text: await res.text() };
    patched.json = JSON.parse(patched.text);
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.headers.get('etag'), '"v2"');
    assert.equal(patched.json.version, 2);
    assert.equal(patched.json.title, 'Dental Care');
    assert.equal(patched.json.spec.stacks.backend, 'flask');
    assert.equal(patched.json.spec.stacks.frontend, 'none', 'merged, not replaced');

    const stale = await api(srv, url, { method: 'PATCH', token: alice.token, headers: { 'if-match': '"v1"' }, body: { title: 'Late' } });
    const problem = assertProblem(stale, 412);
    assert.ok(problem.errors.some((e) => e.field === 'If-Match'), stale.text);
    assertProblem(await api(srv, url, { method: 'PUT', token: alice.token, headers: { 'if-match': '"v1"' }, body: { model } }), 412);
    assertProblem(await api(srv, url, { method: 'DELETE', token: alice.token, headers: { 'if-match': '"v1"' } }), 412);

    const bad = await api(srv, url, { method: 'PATCH', token: alice.token, body: { colour: 'red' } });
    assert.ok(assertProblem(bad, 400).errors.some((e) => e.field === 'colour'));
    const badStack = await api(srv, url, { method: 'PATCH', token: alice.token, body: { spec: { stacks: { backend: 'cobol' } } } });
    assert.ok(assertProblem(badStack, 400).errors.some((e) => e.field === 'stacks.backend'), badStack.text);

    const put = await api(srv, url, { method: 'PUT', token: alice.token, headers: { 'if-match': '"v2"' }, body: { text: frenchText } });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.json.version, 3);
    assert.equal(put.json.source_text, frenchText);

    const del = await api(srv, url, { method: 'DELETE', token: alice.token, headers: { 'if-match': '"v3"' } });
    assert.equal(del.status, 204);
    assertProblem(await api(srv, url, { token: alice.token }), 404);
});

test('the same Idempotency-Key and body give the same project; another body is a 409', T, async () => {
    const key = { 'idempotency-key': 'create-clinic-0001' };
    const first = await create(alice.token, { model }, key);
    assert.equal(first.status, 201, first.text);
    const replay = await create(alice.token, { model }, key);
    assert.equal(replay.status, 201, replay.text);
    assert.equal(replay.json.id, first.json.id);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    const other = await create(alice.token, { model: { ...model, title: 'Another' } }, key);
    assert.ok(assertProblem(other, 409).errors.some((e) => e.field === 'Idempotency-Key'));
    const bobs = await create(bob.token, { model }, key);
    assert.equal(bobs.status, 201);
    assert.notEqual(bobs.json.id, first.json.id, 'keys belong to their account');
});

test('over-limit specifications are a 400 naming the limit', T, async () => {
    const many = Array.from({ length: 51 }, (_, i) => ({ name: `Thing${i}`, fields: [{ name: 'label', type: 'string' }] }));
    const r = await create(alice.token, { model: { ...model, entities: many } });
    const problem = assertProblem(r, 400);
    const entry = problem.errors.find((e) => e.field === 'entities');
    assert.ok(entry, r.text);
    assert.match(entry.reason, /50/);

    const wide = Array.from({ length: 101 }, (_, i) => ({ name: `field_${i}`, type: 'string' }));
    const w = await create(alice.token, { model: { ...model, entities: [{ name: 'Wide', fields: wide }] } });
    assert.match(assertProblem(w, 400).errors.find((e) => e.field === 'entities[0].fields')?.reason ?? '', /100/, w.text);

    const long = await create(alice.token, { text: 'a'.repeat(100_001) });
    assert.ok(assertProblem(long, 400).errors.some((e) => e.field === 'text'), long.text);
    assertProblem(await create(alice.token, {}), 400);
});

test('a generation runs in the background; its archive matches its file tree and status', T, async () => {
    const { started, status } = await generate(alice.token, clinic.id);
    const gid = started.json.id;
    const base = `/api/v1/projects/${clinic.id}/generations/${gid}`;
    assert.equal(started.headers.get('location'), base);
    assert.ok(['queued', 'running', 'succeeded'].includes(started.json.status));
    assert.deepEqual(started.json.steps.map((s) => s.name), ['validating', 'rendering', 'archiving', 'storing']);

    assert.equal(status.status, 'succeeded', JSON.stringify(status));
    assert.equal(status.project_id, clinic.id);
    assert.equal(status.project_version, 1);
    assert.ok(status.steps.every((s) => s.state === 'done'));
    assert.ok(status.files_total > 0);
    assert.equal(status.files_done, status.files_total);
    assert.equal(status.file_count, status.files_total);
    for (const key of ['created_at', 'started_at', 'finished_at']) assert.match(status[key], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
    assert.ok(status.created_at <= status.started_at && status.started_at <= status.finished_at);
    assert.match(status.archives.zip.sha256, /^[0-9a-f]{64}$/);
    assert.match(status.archives['tar.gz'].sha256, /^[0-9a-f]{64}$/);
    assert.ok(status.log.length >= 4, JSON.stringify(status.log));
    for (const e of status.log) assert.match(e.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    const logText = status.log.map((e) => e.message).join('\n');
    assert.match(logText, /rendered \d+ files/);
    assert.match(logText, /express/);

    const tail = await api(srv, `${base}/log?after=${status.log[1].seq}`, { token: alice.token });
    assert.equal(tail.status, 200);
    assert.deepEqual(tail.json.items, status.log.slice(2));
    assert.equal(tail.json.next_after, status.log.at(-1).seq);

    const list = await api(srv, `/api/v1/projects/${clinic.id}/generations`, { token: alice.token });
    assert.equal(list.json.items[0].id, gid);
    assert.equal(list.json.items[0].log, undefined);

    const files = await api(srv, `${base}/files`, { token: alice.token });
    assert.equal(files.status, 200, files.text);
    assert.equal(files.json.count, status.files_total);
    const byPath = new Map(files.json.items.map((f) => [f.path, f]));
    assert.ok(byPath.has('backend/package.json'), [...byPath.keys()].join(' '));
    assert.ok(byPath.has('.dihya/answers.json'));

    const { res, bytes } = await download(`${base}/archive`, alice.token);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/zip');
    assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename="clinic-booking\.zip"/);
    assert.equal(res.headers.get('x-archive-sha256'), status.archives.zip.sha256);
    assert.equal(sha256(bytes), status.archives.zip.sha256, 'the archive is the one the status names');
    assert.equal(bytes.length, status.archives.zip.size);
    const zipFile = path.join(tmp, 'clinic.zip');
    writeFileSync(zipFile, bytes);
    await run('unzip', ['-tq', zipFile]); // a valid zip for the stock tool
    const entries = readZip(bytes).filter((e) => !e.name.endsWith('/'));
    assert.equal(entries.length, files.json.count);
    for (const e of entries) {
        assert.ok(e.name.startsWith('clinic-booking/'), e.name);
        const f = byPath.get(e.name.slice('clinic-booking/'.length));
        assert.ok(f, `${e.name} is in the file tree`);
        assert.equal(e.size, f.size, e.name);
        assert.equal(sha256(e.data), f.sha256, e.name);
    }
    const notModified = await download(`${base}/archive`, alice.token, { 'if-none-match': res.headers.get('etag') });
    assert.equal(notModified.res.status, 304);

    // Reproducible: the stateless generator gives the same bytes for the same model and packs.
    const stateless = await fetch(`${srv.url}/api/v1/generate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model }),
    });
    assert.equal(stateless.status, 200);
    assert.equal(stateless.headers.get('x-archive-sha256'), status.archives.zip.sha256);
    // format=files: what a generation of the model would hold, without packing it — the generation's files exactly,
    // so comparing the two lists tells which files a regeneration would change.
    const listed = await api(srv, '/api/v1/generate?format=files', { method: 'POST', body: { model } });
    assert.equal(listed.status, 200, listed.text);
    assert.equal(listed.json.count, files.json.count);
    assert.deepEqual(listed.json.items.map(({ path: p, size, sha256: h, executable }) => ({ path: p, size, sha256: h, executable })),
        files.json.items.map(({ path: p, size, sha256: h, executable }) => ({ path: p, size, sha256: h, executable })));
    const edited = structuredClone(model);
    edited.entities[0].fields.push({ name: 'loyalty_code', type: 'string' });
    const after = await api(srv, '/api/v1/generate?format=files', { method: 'POST', body: { model: edited } });
    assert.equal(after.status, 200, after.text);
    const before = new Map(files.json.items.map((f) => [f.path, f.sha256]));
    const changed = after.json.items.filter((f) => before.get(f.path) !== f.sha256).map((f) => f.path);
    assert.ok(changed.includes('.dihya/answers.json'), changed.join(' '));
    assert.ok(changed.some((p) => p.startsWith('backend/')), changed.join(' '));
    assertProblem(await api(srv, '/api/v1/generate?format=rar', { method: 'POST', body: { model } }), 400);

    const tgz = await download(`${base}/archive?format=tar.gz`, alice.token);
    assert.equal(tgz.res.status, 200);
    assert.equal(tgz.res.headers.get('content-type'), 'application/gzip');
    assert.equal(sha256(tgz.bytes), status.archives['tar.gz'].sha256);
    assertProblem(await api(srv, `${base}/archive?format=rar`, { token: alice.token }), 400);

    const pkg = await download(`${base}/files/backend/package.json`, alice.token);
    assert.equal(pkg.res.status, 200);
    assert.equal(pkg.res.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.match(pkg.res.headers.get('content-security-policy') ?? '', /sandbox/);
    assert.equal(sha256(pkg.bytes), byPath.get('backend/package.json').sha256);
    assert.equal(typeof JSON.parse(pkg.bytes.toString('utf8')).name, 'string');
    const readme = await download(`${base}/files/backend/README.md`, alice.token);
    assert.equal(readme.res.headers.get('content-type'), 'text/markdown; charset=utf-8');
    assertProblem(await api(srv, `${base}/files/backend/nothing-here.txt`, { token: alice.token }), 404);

    // Another user sees none of it.
    for (const p of [base, `${base}/archive`, `${base}/files`, `${base}/files/backend/package.json`, `${base}/log`]) {
        assertProblem(await api(srv, p, { token: bob.token }), 404);
    }
});

test('a generation that cannot be made fails and says why', T, async () => {
    // compose without docker, whose images it runs: the compose pack requires the docker pack.
    const p = await mustCreate(alice.token, { model: { ...model, stacks: { ...model.stacks, devops: ['compose'] } } });
    const { status } = await generate(alice.token, p.id);
    assert.equal(status.status, 'failed');
    assert.match(status.error, /compose needs stacks\.devops = docker/);
    assert.match(status.log.at(-1).message, /compose/);
    assert.equal(status.archives, undefined);
    assertProblem(await api(srv, `/api/v1/projects/${p.id}/generations/${status.id}/archive`, { token: alice.token }), 409);
});

test("another user gets 404 on a user's project; an admin may read it but not change it", T, async () => {
    const url = `/api/v1/projects/${clinic.id}`;
    for (const [method, p, body] of [
        ['GET', url],
        ['PATCH', url, { title: 'Mine now' }],
        ['PUT', url, { model }],
        ['DELETE', url],
        ['POST', `${url}/generations`],
        ['GET', `${url}/generations`],
    ]) {
        assertProblem(await api(srv, p, { method, token: bob.token, body }), 404);
    }

    const email = 'root@example.org';
    const args = ['user', 'create', '--email', email, '--role', 'admin', '--password-stdin', '--dev', '--data-dir', srv.dataDir];
    if (database_url) args.push('--database', database_url);
    const made = await runDihya(args, { input: `${kPassword}\n` });
    assert.equal(made.code, 0, made.stderr);
    const admin = (await login(srv, email)).access_token;
    const read = await api(srv, url, { token: admin });
    assert.equal(read.status, 200);
    assert.equal(read.json.owner_id, alice.user.id);
    const all = await api(srv, `/api/v1/projects?owner=${alice.user.id}`, { token: admin });
    assert.ok(all.json.items.some((p) => p.id === clinic.id));
    assertProblem(await api(srv, url, { method: 'PATCH', token: admin, body: { title: 'Admin' } }), 403);
    assertProblem(await api(srv, url, { method: 'DELETE', token: admin }), 403);
    assertProblem(await api(srv, `${url}/generations`, { method: 'POST', token: admin }), 403);
    assert.equal((await api(srv, url, { token: alice.token })).json.title, 'Clinic Booking', 'unchanged');
});

test('deleting a project deletes its generations', T, async () => {
    const p = await mustCreate(alice.token, { model });
    const { status } = await generate(alice.token, p.id);
    assert.equal(status.status, 'succeeded');
    assert.equal((await api(srv, `/api/v1/projects/${p.id}`, { method: 'DELETE', token: alice.token })).status, 204);
    assertProblem(await api(srv, `/api/v1/projects/${p.id}/generations/${status.id}`, { token: alice.token }), 404);
    assertProblem(await api(srv, `/api/v1/projects/${p.id}/generations/${status.id}/archive`, { token: alice.token }), 404);
});

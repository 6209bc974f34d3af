// The catalog features of the django pack over real HTTP, against flask's and fastapi's: one spec asking for search,
// admin, notifications, realtime, payments, analytics and uploads is generated for the three Python back ends, each
// served as its README deploys it in production mode (django: `manage.py migrate`, then gunicorn with the project's
// gunicorn.conf.py — threaded workers; flask under gunicorn; fastapi under uvicorn). A live Server-Sent Events stream
// opened on django with a ticket receives a write and its notification as they happen, while other requests are served
// and a second stream is open; a stream resumes after Last-Event-ID. The same requests on every feature's routes get
// the same statuses and bodies from django as from flask and fastapi (timestamps, checkout URLs and days compared by
// shape), and an uploaded file comes back byte for byte from each.

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { freshDatabase } from './lib/pg.mjs';
import { freePort, python, runCommand, startService, stopAllServices } from './lib/python.mjs';
import { runDihya } from './lib/server.mjs';

const T = { timeout: 300_000 };
const dir = mkdtempSync(path.join(tmpdir(), 'dihya-features-django-'));
after(async () => {
    await stopAllServices();
    rmSync(dir, { recursive: true, force: true });
});

const spec = [
    'title: Clinic Booking',
    'features: [auth, search, admin, notifications, realtime, payments, analytics, uploads]',
    'roles: [admin, doctor]',
    'entities:',
    '  - name: Patient',
    '    fields:',
    '      - {name: full_name, type: string, required: true}',
    '      - {name: email, type: email, unique: true}',
    '      - {name: photo, type: file}',
    '  - name: Visit',
    '    fields:',
    '      - {name: starts_at, type: datetime, required: true}',
    '      - {name: patient, type: ref, ref: Patient, required: true}',
    '',
].join('\n');

const kSecret = 'w'.repeat(40);
// A heartbeat every second: a server thread notices a closed stream within a second (the server then stops at once).
const kEnv = {
    APP_ENV: 'production', JWT_SECRET: 'f'.repeat(64), ADMIN_PASSWORD: 'correct horse', DOCTOR_PASSWORD: 'doctor pw',
    PAYMENT_WEBHOOK_SECRET: kSecret, EVENTS_HEARTBEAT_SECONDS: '1',
};
const kBackends = ['django', 'flask', 'fastapi'];

async function generate(backend) {
    const file = path.join(dir, `${backend}.yaml`);
    writeFileSync(file, spec);
    const out = path.join(dir, backend);
    const gen = await runDihya(['generate', file, '--out', out, '--set', `stacks.backend=${backend}`,
        '--set', 'stacks.frontend=none', '--set', 'stacks.devops='], { timeoutMs: 60_000 });
    assert.equal(gen.code, 0, gen.stderr);
    return path.join(out, 'backend');
}

/// The live stream's route, as the back end's OpenAPI document names it (the path answering text/event-stream).
function livePath(backend) {
    const document = JSON.parse(readFileSync(path.join(backend, 'openapi.json'), 'utf8'));
    const paths = Object.entries(document.paths)
        .filter(([, item]) => item.get?.responses?.['200']?.content?.['text/event-stream']).map(([p]) => p);
    assert.equal(paths.length, 1, `one event stream in ${backend}/openapi.json: ${paths}`);
    return paths[0];
}

async function call(base, method, route, { body, token, raw, headers = {} } = {}) {
    const h = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    if (body !== undefined || raw !== undefined) h['content-type'] = 'application/json';
    const r = await fetch(`${base}${route}`, { method, headers: h, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
    const text = await r.text();
    let json = null;
    try {
        json = text ? JSON.parse(text) : null;
    } catch {
        json = { unparsed: text.slice(0, 300) };
    }
    return { status: r.status, type: r.headers.get('content-type'), cookie: r.headers.get('set-cookie'),
        location: r.headers.get('location'), json };
}

async function login(base, email, password) {
    const r = await call(base, 'POST', '/api/auth/login', { body: { email, password } });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json.access_token;
}

const servers = {};
before(async () => {
    const folders = Object.fromEntries(await Promise.all(kBackends.map(async (name) => [name, await generate(name)])));
    const data = (name) => ({ UPLOAD_DIR: path.join(dir, `${name}-uploads`) });

    // django as its README deploys it: the migrations, then gunicorn reading gunicorn.conf.py — with --workers 2, as
    // the docker pack's image asks, which gunicorn.conf.py turns into one worker (the live events live in one process).
    // (On PostgreSQL when DIHYA_TEST_PG_URL_FILE names ctest's harness.)
    const database = freshDatabase();
    const djangoEnv = { ...process.env, ...kEnv, ...data('django'),
        ...(database ? { DATABASE_URL: database } : { SQLITE_PATH: path.join(dir, 'django.sqlite3') }) };
    await runCommand('django / features', python, ['manage.py', 'migrate', '--noinput'], { cwd: folders.django, env: djangoEnv });
    const ports = { django: await freePort(), flask: await freePort(), fastapi: await freePort() };
    const started = {
        django: await startService('django / features (gunicorn)', '/usr/bin/gunicorn', ['--bind', `127.0.0.1:${ports.django}`, '--workers', '2'],
            { cwd: folders.django, env: djangoEnv, port: ports.django }),
        flask: await startService('flask / features (gunicorn)', '/usr/bin/gunicorn',
            ['--bind', `127.0.0.1:${ports.flask}`, '--workers', '1', '--threads', '8', 'app:create_app()'],
            { cwd: folders.flask, env: { ...process.env, ...kEnv, ...data('flask'), SQLITE_FILE: path.join(dir, 'flask.db') }, port: ports.flask }),
        fastapi: await startService('fastapi / features (uvicorn)', python,
            ['-m', 'uvicorn', '--factory', 'app:create_app', '--host', '127.0.0.1', '--port', String(ports.fastapi)],
            { cwd: folders.fastapi, env: { ...process.env, ...kEnv, ...data('fastapi'), SQLITE_FILE: path.join(dir, 'fastapi.db') }, port: ports.fastapi }),
    };
    assert.match(started.django.output(), /Running 1 worker process, not 2/);
    assert.match(started.django.output(), /Using worker: gthread/);
    for (const name of kBackends) {
        const { base, output } = started[name];
        servers[name] = { base, output, live: livePath(folders[name]), admin: await login(base, 'admin@example.com', 'correct horse'),
            doctor: await login(base, 'doctor@example.com', 'doctor pw') };
    }
});

/// Reads a Server-Sent Events stream (what came after its first line, then its reader) until `enough(events)`;
/// returns the events as {id, event, data}.
async function readEvents(stream, enough) {
    const decoder = new TextDecoder();
    let text = stream.rest;
    const events = [];
    for (;;) {
        let end;
        while ((end = text.indexOf('\n\n')) >= 0) {
            const block = text.slice(0, end);
            text = text.slice(end + 2);
            const fields = Object.fromEntries(block.split('\n').filter((l) => l && !l.startsWith(':'))
                .map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)]));
            if (fields.event) events.push({ id: Number(fields.id), event: fields.event, data: JSON.parse(fields.data) });
        }
        if (enough(events)) break;
        const { value, done } = await stream.reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
    }
    stream.rest = text;
    return events;
}

/// Opens the live stream of `server` (with a ticket of `token`, or `headers`) and waits for its first line.
async function openStream(server, { token, headers = {} }) {
    let route = server.live;
    if (token) {
        const ticket = await call(server.base, 'POST', '/api/auth/ticket', { token });
        assert.equal(ticket.status, 200, JSON.stringify(ticket.json));
        assert.equal(ticket.json.expires_in, 60);
        route += `?ticket=${ticket.json.ticket}`;
    }
    const controller = new AbortController();
    const response = await fetch(`${server.base}${route}`, { signal: controller.signal, headers });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type'), /^text\/event-stream/);
    assert.equal(response.headers.get('cache-control'), 'no-cache');
    const reader = response.body.getReader();
    // The stream is open (its first line arrived) before anything is written.
    const first = new TextDecoder().decode((await reader.read()).value);
    assert.match(first, /^: connected\n\n/);
    return { reader, rest: first.slice(': connected\n\n'.length), close: () => controller.abort(), route };
}

/// Timestamps, checkout URLs and days compared by shape.
function normalise(value) {
    if (Array.isArray(value)) return value.map(normalise);
    if (value && typeof value === 'object') {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => {
            if ((k === 'created_at' || k === 'updated_at') && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/.test(v)) return [k, '<time>'];
            if (k === 'checkout_url' && v.startsWith('https://checkout.invalid/test/')) return [k, '<checkout>'];
            if (k === 'day' && /^\d{4}-\d\d-\d\d$/.test(v)) return [k, '<day>'];
            return [k, normalise(v)];
        }));
    }
    return value;
}

test('django answers the features\' routes as flask and fastapi do', T, async () => {
    const sign = (body) => `sha256=${createHmac('sha256', kSecret).update(body).digest('hex')}`;
    const event = (id, status) => JSON.stringify({ payment_id: id, status });
    const requests = [
        ['POST', '/api/patients', { body: { full_name: 'Ada Lovelace', email: 'ada@example.com' }, as: 'doctor' }],
        ['POST', '/api/patients', { body: { full_name: 'Grace Hopper' }, as: 'doctor' }],
        ['POST', '/api/patients', { body: { full_name: 'Ünal Été', email: 'ete@example.com' }, as: 'doctor' }],
        ['POST', '/api/visits', { body: { starts_at: '2024-05-01T08:00:00.1239+02:00', patient: 1 }, as: 'doctor' }],
        ['GET', '/api/patients?q=LOVE'], ['GET', '/api/patients?q=hop&limit=1'], ['GET', '/api/patients?q=%C3%A9T%C3%A9'],
        ['GET', '/api/patients?q=%25'], ['GET', '/api/patients?q=EXAMPLE.COM&offset=1'], ['GET', '/api/visits?q=x'],
        ['GET', '/api/patients?q=%20&limit=0'], ['GET', `/api/patients?q=${'a'.repeat(256)}`],
        ['GET', '/api/admin/summary'], ['GET', '/api/admin/summary', { as: 'doctor' }], ['GET', '/api/admin/summary', { as: 'admin' }],
        ['GET', '/api/notifications'], ['GET', '/api/notifications', { as: 'doctor' }],
        ['GET', '/api/notifications?limit=2', { as: 'admin' }], ['GET', '/api/notifications?offset=-1', { as: 'admin' }],
        ['POST', '/api/notifications/2/read', { as: 'admin' }], ['POST', '/api/notifications/2/read', { as: 'doctor' }],
        ['POST', '/api/notifications/99/read', { as: 'admin' }], ['POST', '/api/notifications/abc/read', { as: 'admin' }],
        ['POST', '/api/notifications/read-all', { as: 'admin' }], ['GET', '/api/notifications?limit=1', { as: 'admin' }],
        ['POST', '/api/payments', { body: { amount: 4200, currency: 'eur', description: 'Consultation' } }],
        ['POST', '/api/payments', { body: { amount: 4200, currency: 'eur', description: 'Consultation' }, as: 'doctor' }],
        ['POST', '/api/payments', { body: { amount: 99, currency: 'usd' }, as: 'admin' }],
        ['POST', '/api/payments', { body: { amount: -1, currency: 'euro', tip: 1 }, as: 'doctor' }],
        ['POST', '/api/payments', { raw: '[1]', as: 'doctor' }],
        ['GET', '/api/payments/1', { as: 'doctor' }], ['GET', '/api/payments/2', { as: 'doctor' }], ['GET', '/api/payments/1'],
        ['GET', '/api/payments/1', { as: 'admin' }], ['GET', '/api/payments/99', { as: 'admin' }],
        ['GET', '/api/payments/webhook', { as: 'admin' }], ['GET', '/api/payments', { as: 'doctor' }],
        ['POST', '/api/payments/webhook', { raw: event(1, 'succeeded') }],
        ['POST', '/api/payments/webhook', { raw: event(1, 'succeeded'), headers: { 'x-signature': sign('{}') } }],
        ['POST', '/api/payments/webhook', { raw: event(1, 'succeeded'), headers: { 'x-signature': sign(event(1, 'succeeded')) } }],
        ['POST', '/api/payments/webhook', { raw: event(1, 'succeeded'), headers: { 'x-signature': sign(event(1, 'succeeded')) } }],
        ['POST', '/api/payments/webhook', { raw: event(1, 'failed'), headers: { 'x-signature': sign(event(1, 'failed')) } }],
        ['POST', '/api/payments/webhook', { raw: event(2, 'failed'), headers: { 'x-signature': sign(event(2, 'failed')) } }],
        ['POST', '/api/payments/webhook', { raw: event(7, 'failed'), headers: { 'x-signature': sign(event(7, 'failed')) } }],
        ['POST', '/api/payments/webhook', { raw: event(1, 'refunded'), headers: { 'x-signature': sign(event(1, 'refunded')) } }],
        ['POST', '/api/payments/webhook', { raw: '[]', headers: { 'x-signature': sign('[]') } }],
        ['GET', '/api/payments', { as: 'admin' }], ['GET', '/api/payments?limit=1&offset=1', { as: 'admin' }],
        ['POST', '/api/analytics/pageview', { body: { path: '/patients?secret=1' } }],
        ['POST', '/api/analytics/pageview', { body: { path: '/patients#top' } }],
        ['POST', '/api/analytics/pageview', { body: { path: '/visits' }, headers: { dnt: '1' } }],
        ['POST', '/api/analytics/pageview', { body: { path: '/visits' } }],
        ['POST', '/api/analytics/pageview', { body: { path: 'patients' } }],
        ['POST', '/api/analytics/pageview', { raw: '{"path": ' }],
        ['GET', '/api/analytics'], ['GET', '/api/analytics', { as: 'doctor' }], ['GET', '/api/analytics', { as: 'admin' }],
        ['GET', '/api/analytics?days=0', { as: 'admin' }], ['GET', '/api/analytics?days=9999', { as: 'admin' }],
        ['GET', '/api/patients/2/photo'], ['DELETE', '/api/patients/2/photo', { as: 'doctor' }],
        ['DELETE', '/api/patients/2/photo'], ['GET', '/api/patients/2/nothing'], ['GET', '/api/patients/99/photo'],
        ['PUT', '/api/patients/99/photo', { raw: '%PDF-1.4', headers: { 'content-type': 'application/pdf' }, as: 'doctor' }],
    ];
    const statuses = [];
    for (const [method, route, { as, ...options } = {}] of requests) {
        const answers = await Promise.all(kBackends.map((name) =>
            call(servers[name].base, method, route, { ...options, token: as && servers[name][as] })));
        const what = `${method} ${route}${as ? ` as ${as}` : ''}`;
        const [django, ...others] = answers;
        statuses.push(django.status);
        for (const [i, other] of others.entries()) {
            const vs = `${what}: django vs ${kBackends[i + 1]}\n${JSON.stringify(django.json)}\n${JSON.stringify(other.json)}`;
            assert.equal(django.status, other.status, vs);
            assert.equal(django.cookie, null, vs);
            assert.equal(django.location, other.location, vs);
            if (django.status === 204) continue;
            assert.equal(django.type, other.type, vs);
            assert.deepEqual(normalise(django.json), normalise(other.json), vs);
        }
    }
    // The requests do reach their cases (not, say, the same 404 everywhere).
    assert.deepEqual(statuses, [
        201, 201, 201, 201, 200, 200, 200, 200, 200, 200, 400, 400, 401, 403, 200, 401, 200, 200, 400, 200, 404, 404, 404, 204,
        200, 401, 201, 201, 400, 400, 200, 403, 401, 200, 404, 404, 403, 401, 401, 200, 200, 409, 200, 404, 400, 400, 200, 200,
        204, 204, 204, 204, 400, 400, 401, 403, 200, 400, 200, 404, 404, 401, 404, 404, 404,
    ]);

    // An uploaded file: stored, answered in the row, sent back byte for byte; a PDF sent as a PNG is refused.
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(300, 7)]);
    const uploads = await Promise.all(kBackends.map(async (name) => {
        const { base, doctor } = servers[name];
        const put = await fetch(`${base}/api/patients/2/photo`, {
            method: 'PUT', body: png, headers: { authorization: `Bearer ${doctor}`, 'content-type': 'image/png', 'x-filename': 'gr%C3%A2ce.png' },
        });
        const refused = await fetch(`${base}/api/patients/2/photo`, {
            method: 'PUT', body: Buffer.from('%PDF-1.4'), headers: { authorization: `Bearer ${doctor}`, 'content-type': 'image/png' },
        });
        const get = await fetch(`${base}/api/patients/2/photo`);
        const row = await call(base, 'GET', '/api/patients/2');
        return { put: put.status, row: await put.json(), refused: [refused.status, (await refused.json()).detail], get: get.status,
            bytes: Buffer.from(await get.arrayBuffer()), type: get.headers.get('content-type'),
            disposition: get.headers.get('content-disposition'), nosniff: get.headers.get('x-content-type-options'), listed: row.json };
    }));
    assert.deepEqual(uploads[0], uploads[1]);
    assert.deepEqual(uploads[0], uploads[2]);
    assert.deepEqual([uploads[0].put, uploads[0].refused[0], uploads[0].get], [200, 415, 200]);
    assert.deepEqual(uploads[0].row.photo, { name: 'grâce.png', type: 'image/png', size: png.length, url: '/api/patients/2/photo' });
    assert.deepEqual(uploads[0].listed, uploads[0].row);
    assert.ok(uploads[0].bytes.equals(png));
    assert.equal(uploads[0].type, 'image/png');
    assert.equal(uploads[0].nosniff, 'nosniff');
    assert.match(uploads[0].disposition, /^inline; filename="gr_ce\.png"; filename\*=UTF-8''gr%C3%A2ce\.png$/);
    // The file is on disk under UPLOAD_DIR, under a generated name; deleting the row removes it.
    const stored = readdirSync(path.join(dir, 'django-uploads', 'patients'));
    assert.equal(stored.length, 1);
    assert.match(stored[0], /^[0-9a-f]{32}\.png$/);
    const removed = await call(servers.django.base, 'DELETE', '/api/patients/2', { token: servers.django.admin });
    assert.equal(removed.status, 204);
    assert.deepEqual(readdirSync(path.join(dir, 'django-uploads', 'patients')), []);
});

test('django: a live event stream, opened with a ticket, receives each write and its notification as they happen', T, async () => {
    const server = servers.django;
    const { base, admin, doctor } = server;
    assert.equal((await call(base, 'GET', server.live)).status, 401);
    assert.equal((await call(base, 'GET', `${server.live}?ticket=forged`)).status, 401);

    const first = await openStream(server, { token: admin });
    // A second stream (a bearer token this time) and ordinary requests are served while the first one is open: a
    // stream holds a thread, not the worker.
    const second = await openStream(server, { headers: { authorization: `Bearer ${doctor}` } });
    assert.equal((await call(base, 'GET', '/healthz')).status, 200);

    const created = await call(base, 'POST', '/api/patients', { token: doctor, body: { full_name: 'Live Lena' } });
    assert.equal(created.status, 201);
    const patched = await call(base, 'PATCH', `/api/patients/${created.json.id}`, { token: doctor, body: { full_name: 'Live Lena B' } });
    assert.equal(patched.status, 200);
    const events = await readEvents(first, (list) => list.length >= 4);
    assert.deepEqual(events.map((e) => e.event), ['change', 'notification', 'change', 'notification']);
    assert.deepEqual(events[0].data, { entity: 'patients', action: 'created', id: created.json.id });
    assert.deepEqual(events[2].data, { entity: 'patients', action: 'updated', id: created.json.id });
    assert.deepEqual([events[1].data.record_id, events[1].data.action, events[1].data.read], [created.json.id, 'created', false]);
    assert.ok(events.every((e, i) => i === 0 || e.id > events[i - 1].id), 'event ids grow');
    // The doctor's stream gets the changes, not the administrator's notifications.
    const doctors = await readEvents(second, (list) => list.length >= 2);
    assert.deepEqual(doctors.map((e) => [e.event, e.data.action]), [['change', 'created'], ['change', 'updated']]);
    first.close();
    second.close();

    // Resuming after the first event: the ones after it are sent at once.
    const resumed = await openStream(server, { token: admin, headers: { 'last-event-id': String(events[0].id) } });
    const again = await readEvents(resumed, (list) => list.length >= 3);
    resumed.close();
    assert.deepEqual(again.map((e) => e.id), events.slice(1).map((e) => e.id));
    // The ticket was used up.
    assert.equal((await call(base, 'GET', first.route)).status, 401);
});

// The catalog features of the Python back ends over real HTTP: a spec asking for search, admin, notifications,
// realtime, payments, analytics and uploads is generated for flask (under gunicorn) and fastapi (under uvicorn), both in
// production mode. Live events arrive on a Server-Sent Events stream opened with a ticket while rows are written
// (a real streaming response, not a test client), and the same requests on the features' routes get the same answers
// from both back ends (timestamps and checkout URLs compared by shape).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { runDihya } from './lib/server.mjs';

const T = { timeout: 300_000 };
const python = '/usr/bin/python3';
const dir = mkdtempSync(path.join(tmpdir(), 'dihya-features-'));
const servers = new Set();
after(async () => {
    await Promise.all([...servers].map(stop));
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
    // An entity named Event has the route /api/events; the live stream is /api/live.
    '  - name: Event',
    '    fields:',
    '      - {name: starts_at, type: datetime, required: true}',
    '      - {name: patient, type: ref, ref: Patient, required: true}',
    '',
].join('\n');

const kSecret = 'w'.repeat(40);
// A heartbeat every second: a server thread notices a closed stream within a second (gunicorn then stops at once).
const kEnv = {
    APP_ENV: 'production', JWT_SECRET: 'f'.repeat(64), ADMIN_PASSWORD: 'correct horse', DOCTOR_PASSWORD: 'doctor pw',
    PAYMENT_WEBHOOK_SECRET: kSecret, EVENTS_HEARTBEAT_SECONDS: '1', UPLOAD_DIR: path.join(dir, 'uploads'),
};

async function generate(backend) {
    const file = path.join(dir, `${backend}.yaml`);
    writeFileSync(file, spec);
    const out = path.join(dir, backend);
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

async function call(base, method, route, { body, token, raw, headers = {} } = {}) {
    const h = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    if (body !== undefined || raw !== undefined) h['content-type'] = 'application/json';
    const r = await fetch(`${base}${route}`, { method, headers: h, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
    const text = await r.text();
    return { status: r.status, type: r.headers.get('content-type'), cookie: r.headers.get('set-cookie'), json: text ? JSON.parse(text) : null };
}

async function login(base, email, password) {
    const r = await call(base, 'POST', '/api/auth/login', { body: { email, password } });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json.access_token;
}

const servers_ = {};
before(async () => {
    const [flaskDir, fastapiDir] = await Promise.all([generate('flask'), generate('fastapi')]);
    const [p1, p2] = [await freePort(), await freePort()];
    const gunicorn = await start('/usr/bin/gunicorn', ['--bind', `127.0.0.1:${p1}`, '--workers', '1', '--threads', '8',
        'app:create_app()'], { cwd: flaskDir, env: { ...kEnv, SQLITE_FILE: path.join(dir, 'flask.db') }, ready: /Listening at/ });
    const uvicorn = await start(python, ['-m', 'uvicorn', '--factory', 'app:create_app', '--host', '127.0.0.1', '--port', String(p2)],
        { cwd: fastapiDir, env: { ...kEnv, SQLITE_FILE: path.join(dir, 'fastapi.db') }, ready: /Uvicorn running on/ });
    for (const [name, port, proc] of [['flask', p1, gunicorn], ['fastapi', p2, uvicorn]]) {
        const base = `http://127.0.0.1:${port}`;
        servers_[name] = { base, proc, admin: await login(base, 'admin@example.com', 'correct horse'),
            doctor: await login(base, 'doctor@example.com', 'doctor pw') };
    }
});

/// Reads a Server-Sent Events stream until `enough(events)`; returns the events as {id, event, data}.
async function readEvents(response, enough) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const events = [];
    while (!enough(events)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
        let end;
        while ((end = text.indexOf('\n\n')) >= 0) {
            const block = text.slice(0, end);
            text = text.slice(end + 2);
            const fields = Object.fromEntries(block.split('\n').filter((l) => l && !l.startsWith(':'))
                .map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)]));
            if (fields.event) events.push({ id: Number(fields.id), event: fields.event, data: JSON.parse(fields.data) });
        }
    }
    return events;
}

for (const name of ['flask', 'fastapi']) {
    test(`${name}: a live event stream, opened with a ticket, receives each write and its notification`, T, async () => {
        const { base, admin, doctor } = servers_[name];
        assert.equal((await call(base, 'GET', '/api/live')).status, 401);
        // /api/events is the entity Event's list, not the stream.
        const list = await call(base, 'GET', '/api/events');
        assert.equal(list.status, 200);
        assert.match(list.type, /^application\/json/);
        const ticket = await call(base, 'POST', '/api/auth/ticket', { token: admin });
        assert.equal(ticket.status, 200);
        const controller = new AbortController();
        const stream = await fetch(`${base}/api/live?ticket=${ticket.json.ticket}`, { signal: controller.signal });
        assert.equal(stream.status, 200);
        assert.match(stream.headers.get('content-type'), /^text\/event-stream/);
        // The stream is open (its first line arrived) before the write.
        const reader = stream.body.getReader();
        assert.match(new TextDecoder().decode((await reader.read()).value), /^: connected/);
        reader.releaseLock();

        const created = await call(base, 'POST', '/api/patients', { token: doctor, body: { full_name: 'Live Lena' } });
        assert.equal(created.status, 201);
        const events = await readEvents(stream, (list) => list.length >= 2);
        controller.abort();
        assert.deepEqual(events.map((e) => e.event), ['change', 'notification']);
        assert.deepEqual(events[0].data, { entity: 'patients', action: 'created', id: created.json.id });
        assert.equal(events[1].data.record_id, created.json.id);
        assert.ok(events[1].id > events[0].id);
        // The ticket was used up.
        assert.equal((await call(base, 'GET', `/api/live?ticket=${ticket.json.ticket}`)).status, 401);
    });
}

/// Timestamps, checkout URLs and notification messages compared by shape.
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

test('flask and fastapi answer the features\' routes identically', T, async () => {
    const sign = (body) => `sha256=${createHmac('sha256', kSecret).update(body).digest('hex')}`;
    const event = (id, status) => JSON.stringify({ payment_id: id, status });
    const requests = [
        ['POST', '/api/patients', { body: { full_name: 'Ada Lovelace', email: 'ada@example.com' }, as: 'doctor' }],
        ['POST', '/api/patients', { body: { full_name: 'Grace Hopper' }, as: 'doctor' }],
        ['POST', '/api/events', { body: { starts_at: '2024-05-01T08:00:00+02:00', patient: 1 }, as: 'doctor' }],
        ['GET', '/api/patients?q=LOVE'], ['GET', '/api/patients?q=hop&limit=1'], ['GET', '/api/events?q=x'],
        ['GET', `/api/patients?q=${'a'.repeat(256)}`],
        ['GET', '/api/admin/summary'], ['GET', '/api/admin/summary', { as: 'doctor' }], ['GET', '/api/admin/summary', { as: 'admin' }],
        ['GET', '/api/notifications'], ['GET', '/api/notifications', { as: 'doctor' }],
        ['GET', '/api/notifications?limit=2', { as: 'admin' }],
        ['POST', '/api/notifications/2/read', { as: 'admin' }], ['POST', '/api/notifications/2/read', { as: 'doctor' }],
        ['POST', '/api/notifications/99/read', { as: 'admin' }], ['POST', '/api/notifications/read-all', { as: 'admin' }],
        ['GET', '/api/notifications?limit=1', { as: 'admin' }],
        ['POST', '/api/payments', { body: { amount: 4200, currency: 'eur', description: 'Consultation' } }],
        ['POST', '/api/payments', { body: { amount: 4200, currency: 'eur', description: 'Consultation' }, as: 'doctor' }],
        ['POST', '/api/payments', { body: { amount: -1, currency: 'euro', tip: 1 }, as: 'doctor' }],
        ['GET', '/api/payments/1', { as: 'doctor' }], ['GET', '/api/payments', { as: 'doctor' }],
        ['POST', '/api/payments/webhook', { raw: event(1, 'succeeded') }],
        ['POST', '/api/payments/webhook', { raw: event(1, 'succeeded'), headers: { 'x-signature': sign('{}') } }],
        ['POST', '/api/payments/webhook', { raw: event(1, 'succeeded'), headers: { 'x-signature': sign(event(1, 'succeeded')) } }],
        ['POST', '/api/payments/webhook', { raw: event(1, 'failed'), headers: { 'x-signature': sign(event(1, 'failed')) } }],
        ['POST', '/api/payments/webhook', { raw: event(7, 'failed'), headers: { 'x-signature': sign(event(7, 'failed')) } }],
        ['GET', '/api/payments', { as: 'admin' }],
        ['POST', '/api/analytics/pageview', { body: { path: '/patients?secret=1' } }],
        ['POST', '/api/analytics/pageview', { body: { path: '/patients' } }],
        ['POST', '/api/analytics/pageview', { body: { path: '/visits' }, headers: { dnt: '1' } }],
        ['POST', '/api/analytics/pageview', { body: { path: 'patients' } }],
        ['GET', '/api/analytics'], ['GET', '/api/analytics', { as: 'admin' }], ['GET', '/api/analytics?days=0', { as: 'admin' }],
    ];
    for (const [method, route, { as, ...options } = {}] of requests) {
        const [a, b] = await Promise.all(['flask', 'fastapi'].map((name) =>
            call(servers_[name].base, method, route, { ...options, token: as && servers_[name][as] })));
        const what = `${method} ${route}${as ? ` as ${as}` : ''}`;
        assert.equal(a.status, b.status, what);
        assert.equal(a.cookie, null, what);
        if (a.status === 204) continue;
        assert.equal(a.type, b.type, what);
        assert.deepEqual(normalise(a.json), normalise(b.json), what);
    }
    // An uploaded file: stored, answered in the row, sent back byte for byte.
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(300, 7)]);
    const uploads = await Promise.all(['flask', 'fastapi'].map(async (name) => {
        const { base, doctor } = servers_[name];
        const put = await fetch(`${base}/api/patients/2/photo`, {
            method: 'PUT', body: png, headers: { authorization: `Bearer ${doctor}`, 'content-type': 'image/png', 'x-filename': 'gr%C3%A2ce.png' },
        });
        const refused = await fetch(`${base}/api/patients/2/photo`, {
            method: 'PUT', body: Buffer.from('%PDF-1.4'), headers: { authorization: `Bearer ${doctor}`, 'content-type': 'image/png' },
        });
        const get = await fetch(`${base}/api/patients/2/photo`);
        return { put: put.status, row: await put.json(), refused: refused.status, get: get.status, bytes: Buffer.from(await get.arrayBuffer()),
            type: get.headers.get('content-type'), disposition: get.headers.get('content-disposition') };
    }));
    assert.deepEqual(uploads[0], uploads[1]);
    assert.deepEqual([uploads[0].put, uploads[0].refused, uploads[0].get], [200, 415, 200]);
    assert.deepEqual(uploads[0].row.photo, { name: 'grâce.png', type: 'image/png', size: png.length, url: '/api/patients/2/photo' });
    assert.ok(uploads[0].bytes.equals(png));
    assert.equal(uploads[0].type, 'image/png');
    assert.match(uploads[0].disposition, /^inline; filename="gr_ce\.png"; filename\*=UTF-8''gr%C3%A2ce\.png$/);

    const report = await call(servers_.flask.base, 'GET', '/api/analytics', { token: servers_.flask.admin });
    assert.deepEqual(report.json.days.map(({ path: p, views }) => [p, views]), [['/patients', 2]]);
    const payment = await call(servers_.fastapi.base, 'GET', '/api/payments/1', { token: servers_.fastapi.admin });
    assert.equal(payment.json.status, 'succeeded');
});

// Several `dihya serve` nodes on one PostgreSQL database, behind the real nginx: a session, an idempotency key and
// a client's rate limit hold whichever node answers; an event caused on one node reaches WebSocket and server-sent-event clients of the
// other (LISTEN/NOTIFY); a generation queued on a node that runs no jobs is run by another, and when the node
// running it is killed (SIGKILL) in the middle, a third one takes it over and finishes it — its progress reaching
// the first node's clients all along. Needs the PostgreSQL harness (DIHYA_TEST_PG_URL_FILE; ctest's
// blackbox.pg.cluster); skipped without it.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

import { api, kFastAuth, signUp } from './lib/accounts.mjs';
import { until } from './lib/http.mjs';
import { authedSocket, openStream, subscribe } from './lib/live.mjs';
import { freshDatabase, postgresUrl } from './lib/pg.mjs';
import { kLibraryModel } from './lib/projects.mjs';
import { freePort } from './lib/python.mjs';
import { startServer } from './lib/server.mjs';

const T = { timeout: 180_000 };
const skip = postgresUrl() ? false : 'no PostgreSQL here: set DIHYA_TEST_PG_URL_FILE (tests/pg/pg-harness start DIR)';
const env = { DIHYA_SECRET: randomBytes(32).toString('hex') };
const work = mkdtempSync(path.join(tmpdir(), 'dihya-cluster-'));
const children = new Set();
after(() => {
    for (const c of children) c.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
});


/// nginx in front of `nodes` (round robin), with the WebSocket upgrade and unbuffered event streams.
async function startNginx(nodes) {
    const port = await freePort();
    const dir = mkdtempSync(path.join(work, 'nginx-'));
    const conf = path.join(dir, 'nginx.conf');
    writeFileSync(conf, `
daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path ${dir}/body;
    proxy_temp_path ${dir}/proxy;
    upstream dihya { ${nodes.map((n) => `server 127.0.0.1:${n.port};`).join(' ')} }
    map $http_upgrade $connection_upgrade { default upgrade; '' close; }
    server {
        listen 127.0.0.1:${port};
        location / {
            proxy_pass http://dihya;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_buffering off;
            proxy_read_timeout 1h;
        }
    }
}
`);
    const proc = spawn('/usr/sbin/nginx', ['-c', conf, '-p', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
    children.add(proc);
    let stderr = '';
    proc.stderr.on('data', (c) => (stderr += c));
    for (const end = Date.now() + 10_000; ;) {
        const up = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
        if (up) break;
        if (Date.now() > end || proc.exitCode !== null) throw new Error(`nginx did not start: ${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
    }
    return { port, url: `http://127.0.0.1:${port}`, stop: () => proc.kill('SIGKILL') };
}

const node = (t, database_url, jobs) =>
    startServer({ t, env, dev: false, config: { ...kFastAuth, database_url, jobs, realtime: { heartbeat_ms: 60_000 } } });


test('a session, an idempotency key and live events hold whichever node answers', { ...T, skip }, async (t) => {
    const database_url = freshDatabase();
    const a = await node(t, database_url, { workers: 1 });
    const b = await node(t, database_url, { workers: 1 });
    const lb = await startNginx([a, b]);
    t.after(lb.stop);

    // Signed up through nginx; the token works on each node, every request through nginx is answered.
    const { token, user } = await signUp(lb, 'cluster@example.org');
    for (const n of [a, b, lb, lb, lb, lb]) {
        const me = await api(n, '/api/v1/users/me', { token });
        assert.equal(me.status, 200, me.text);
        assert.equal(me.json.id, user.id);
    }

    // One idempotency key: the same project whichever node takes the retry.
    const key = { 'idempotency-key': 'cluster-create-0001' };
    const body = { model: kLibraryModel };
    const first = await api(a, '/api/v1/projects', { method: 'POST', token, body, headers: key });
    assert.equal(first.status, 201, first.text);
    const again = await api(b, '/api/v1/projects', { method: 'POST', token, body, headers: key });
    assert.equal(again.status, 201, again.text);
    assert.equal(again.json.id, first.json.id);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    const list = await api(lb, '/api/v1/projects', { token });
    assert.equal(list.json.items.length, 1);

    // A change made on node A reaches a WebSocket client and an event-stream client of node B (and through nginx).
    const channel = `project:${first.json.id}`;
    const socketB = await authedSocket(b, token);
    assert.equal((await subscribe(socketB, channel)).type, 'subscribed');
    const socketLb = await authedSocket(lb, token);
    assert.equal((await subscribe(socketLb, channel)).type, 'subscribed');
    const streamB = await openStream(b, [channel], { token, names: ['project.updated'] });
    const patched = await api(a, `/api/v1/projects/${first.json.id}`, {
        method: 'PATCH', token, body: { title: 'Seen Everywhere' }, headers: { 'content-type': 'application/merge-patch+json' },
    });
    assert.equal(patched.status, 200, patched.text);
    for (const s of [socketB, socketLb]) {
        const e = await s.next((m) => m.type === 'event' && m.event === 'project.updated', { what: 'project.updated' });
        assert.equal(e.channel, channel);
        assert.deepEqual([e.data.project, e.data.version], [first.json.id, 2], JSON.stringify(e.data));
    }
    const sse = await streamB.next((m) => m.type === 'project.updated', { what: 'project.updated over SSE' });
    assert.equal(sse.data.channel, channel);
    assert.deepEqual([sse.data.data.project, sse.data.data.version], [first.json.id, 2], JSON.stringify(sse.data));
    socketB.close();
    socketLb.close();
    streamB.close();
});

test('a client has one rate limit whichever node answers', { ...T, skip }, async (t) => {
    const database_url = freshDatabase();
    const limited = () => startServer({
        t, env, dev: false,
        config: { ...kFastAuth, database_url, rate_limit: { burst: 6, requests_per_second: 0.01 } },
    });
    const a = await limited();
    const b = await limited();
    const lb = await startNginx([a, b]);
    t.after(lb.stop);
    // Alternating nodes (directly and through nginx): six requests in all get through, then every node refuses.
    const seen = [];
    for (const n of [a, b, lb, a, b, lb, a, b, lb]) {
        const r = await fetch(`${n.url}/api/v1/catalog`);
        await r.arrayBuffer();
        seen.push([r.status, r.headers.get('ratelimit-remaining')]);
    }
    assert.deepEqual(seen.map(([s]) => s), [200, 200, 200, 200, 200, 200, 429, 429, 429], JSON.stringify(seen));
    assert.deepEqual(seen.slice(0, 6).map(([, left]) => left), ['5', '4', '3', '2', '1', '0']);
    const refused = await fetch(`${b.url}/api/v1/catalog`);
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    assert.match(refused.headers.get('content-type'), /application\/problem\+json/);
});

test('a generation queued on a node without workers runs on another; killed mid-way, a third finishes it', { ...T, skip }, async (t) => {
    const database_url = freshDatabase();
    const front = await node(t, database_url, { workers: 0 });
    const worker = await node(t, database_url, { workers: 1, lease_seconds: 3, poll_ms: 100 });
    const { token } = await signUp(front, 'generations@example.org');
    const project = await api(front, '/api/v1/projects', { method: 'POST', token, body: { model: kLibraryModel } });
    assert.equal(project.status, 201, project.text);
    const socket = await authedSocket(front, token);
    assert.equal((await subscribe(socket, `project:${project.json.id}`)).type, 'subscribed');

    // Hold the generation's files back: the worker takes the job, runs it, and waits to write its files.
    const psql = spawn('psql', [database_url, '-v', 'ON_ERROR_STOP=1', '-q'], { stdio: ['pipe', 'pipe', 'pipe'] });
    children.add(psql);
    let psqlOut = '';
    psql.stdout.on('data', (c) => (psqlOut += c));
    psql.stdin.write("BEGIN; LOCK TABLE generation_files IN SHARE MODE; SELECT 'locked';\n");
    await until('the lock', () => psqlOut.includes('locked'));

    const queued = await api(front, `/api/v1/projects/${project.json.id}/generations`, { method: 'POST', token });
    assert.equal(queued.status, 202, queued.text);
    const status = () => api(front, `/api/v1/projects/${project.json.id}/generations/${queued.json.id}`, { token });
    await until('the worker to take it', async () => (await status()).json.status === 'running');
    const running = await socket.next((m) => m.type === 'event' && m.event === 'generation.progress' && m.data.status === 'running',
        { what: 'progress from the worker node' });
    assert.equal(running.channel, `project:${project.json.id}`);

    // The worker dies mid-generation; its lock wait ends with it. Another node takes the job over and finishes.
    worker.proc.kill('SIGKILL');
    await worker.waitForExit();
    psql.stdin.end('COMMIT;\n');
    const rescuer = await node(t, database_url, { workers: 1, lease_seconds: 3, poll_ms: 100 });
    const done = await until('the generation to finish', async () => {
        const r = await status();
        return ['succeeded', 'failed'].includes(r.json.status) ? r.json : null;
    });
    assert.equal(done.status, 'succeeded', JSON.stringify(done));
    const finished = await socket.next((m) => m.type === 'event' && m.event === 'generation.finished',
        { what: 'generation.finished from the rescuing node' });
    assert.equal(finished.data.status, 'succeeded');
    const archive = await fetch(`${front.url}/api/v1/projects/${project.json.id}/generations/${queued.json.id}/archive`,
        { headers: { authorization: `Bearer ${token}` } });
    assert.equal(archive.status, 200);
    assert.ok((await archive.arrayBuffer()).byteLength > 1000);
    assert.ok(rescuer.records().some((r) => r.msg !== undefined), 'the rescuing node logged');
    socket.close();
});

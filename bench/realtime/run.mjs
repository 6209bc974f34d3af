// Realtime capacity of dihya's hub against a Node `ws` peer, side by side in one run (DESIGN.md §8):
// N idle WebSocket connections (default 10,000), authenticated and subscribed to one project channel, the
// server's resident memory with them open, and the fan-out latency of one event to all of them (p50, p99 over
// every connection and every round: from the HTTP call that causes the event to each client's receipt).
//
//   node bench/realtime/run.mjs path/to/dihya     (make bench-realtime)
//
// Knobs (environment): BENCH_CONNECTIONS (10000), BENCH_ROUNDS (10), BENCH_CLIENTS (2: client processes the
// connections are spread over, so one Node process parsing every message is not the floor of the measurement).
// Budgets: 10k connections < 200 MiB, fan-out p99 < 100 ms. Both servers and the clients run on this machine:
// quote the ratio.
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import WebSocket from 'ws';

const N = Number(process.env.BENCH_CONNECTIONS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const CLIENTS = Math.max(1, Number(process.env.BENCH_CLIENTS ?? 2));
/// A clock shared by the processes of this run (epoch-based, sub-millisecond).
const now = () => performance.timeOrigin + performance.now();

/// Opens `count` sockets (in batches), each authenticated and subscribed; resolves the sockets with their inboxes.
async function connect(url, token, channel, isEvent, count) {
    const sockets = [];
    const batch = 500;
    for (let i = 0; i < count; i += batch) {
        const opened = [];
        for (let j = i; j < Math.min(count, i + batch); j++) {
            opened.push(
                new Promise((resolve, reject) => {
                    const ws = new WebSocket(url);
                    const s = { ws, onEvent: null };
                    ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', token })));
                    ws.on('message', (data) => {
                        const m = JSON.parse(String(data));
                        if (m.type === 'ready') ws.send(JSON.stringify({ type: 'subscribe', channel }));
                        else if (m.type === 'subscribed') resolve(s);
                        else if (m.type === 'error') reject(new Error(JSON.stringify(m)));
                        else if (isEvent(m) && s.onEvent) s.onEvent(m);
                    });
                    ws.on('error', reject);
                }),
            );
        }
        sockets.push(...(await Promise.all(opened)));
    }
    return sockets;
}

// A client process: opens its share of the sockets, then for each round reports when each socket got the event.
if (process.argv[2] === '--client') {
    const [url, token, channel, kind] = JSON.parse(process.argv[3]);
    const count = Number(process.argv[4]);
    const isEvent = kind === 'dihya' ? (m) => m.type === 'event' && m.event === 'project.updated' : (m) => m.type === 'event';
    const sockets = await connect(url, token, channel, isEvent, count);
    process.send({ ready: sockets.length });
    process.on('message', (m) => {
        if (m !== 'arm') return;
        const times = [];
        for (const s of sockets) {
            s.onEvent = () => {
                s.onEvent = null;
                times.push(now());
                if (times.length === sockets.length) process.send({ times });
            };
        }
        process.send({ armed: true });
    });
    process.on('disconnect', () => process.exit(0));
} else {
    await main();
}

async function main() {
    const dihya = process.argv[2];
    if (!dihya) {
        console.error('usage: node bench/realtime/run.mjs path/to/dihya');
        process.exit(2);
    }
    const here = path.dirname(new URL(import.meta.url).pathname);
    const tmp = mkdtempSync(path.join(tmpdir(), 'dihya-bench-rt-'));
    const children = [];
    process.on('exit', () => {
        for (const c of children) c.kill('SIGKILL');
        rmSync(tmp, { recursive: true, force: true });
    });

    const rssMiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
    const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

    function start(cmd, args, ready) {
        return new Promise((resolve, reject) => {
            const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
            children.push(child);
            let out = '';
            const onData = (d) => {
                out += d;
                const port = ready(out);
                if (port) resolve({ child, port });
            };
            child.stdout.on('data', onData);
            child.stderr.on('data', onData);
            child.on('exit', (code) => reject(new Error(`${cmd} exited (${code}): ${out.slice(-500)}`)));
        });
    }

    async function json(base, p, { method = 'GET', token, body } = {}) {
        const r = await fetch(`${base}${p}`, {
            method,
            headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
            body: body ? JSON.stringify(body) : undefined,
        });
        const text = await r.text();
        if (r.status >= 300) throw new Error(`${method} ${p}: ${r.status} ${text}`);
        return text ? JSON.parse(text) : null;
    }

    /// Starts the client processes, each with its share of the N sockets; resolves them once all are connected.
    async function startClients(args) {
        const clients = [];
        for (let c = 0; c < CLIENTS; c++) {
            const share = Math.floor(N / CLIENTS) + (c < N % CLIENTS ? 1 : 0);
            const child = fork(new URL(import.meta.url).pathname, ['--client', JSON.stringify(args), String(share)], { stdio: 'inherit' });
            children.push(child);
            clients.push(new Promise((resolve, reject) => {
                child.once('message', (m) => (m.ready === share ? resolve(child) : reject(new Error(JSON.stringify(m)))));
                child.once('exit', (code) => reject(new Error(`client exited (${code})`)));
            }));
        }
        return Promise.all(clients);
    }

    function nextMessage(child, key) {
        return new Promise((resolve) => {
            const on = (m) => {
                if (m[key] === undefined) return;
                child.off('message', on);
                resolve(m[key]);
            };
            child.on('message', on);
        });
    }

    /// ROUNDS times: arm every client, cause one event, wait until every socket has it; the latencies in ms, sorted.
    async function fanOut(clients, cause) {
        const all = [];
        for (let r = 0; r < ROUNDS; r++) {
            const armed = clients.map((c) => nextMessage(c, 'armed'));
            for (const c of clients) c.send('arm');
            await Promise.all(armed);
            const received = clients.map((c) => nextMessage(c, 'times'));
            const t0 = now();
            await cause(r);
            for (const times of await Promise.all(received)) for (const t of times) all.push(t - t0);
        }
        return all.sort((a, b) => a - b);
    }

    function stopClients(clients) {
        for (const c of clients) c.kill('SIGKILL');
    }

    const results = [];
    const summary = (name, pid, idle, loaded, lat) => {
        const r = { name, idle_rss_mib: idle, rss_mib: loaded, per_connection_kib: ((loaded - idle) * 1024) / N, p50_ms: pct(lat, 50), p99_ms: pct(lat, 99), max_ms: lat.at(-1) };
        results.push(r);
        console.log(JSON.stringify(r));
    };

    // dihya: one user's project channel; the event is project.updated, caused by a PATCH of its title.
    {
        const config = path.join(tmp, 'dihya.yaml');
        writeFileSync(
            config,
            `rate_limit: {enabled: false}\nlog: {level: info}\nlimits: {max_connections: ${N + 1000}, max_connections_per_ip: ${N + 1000}}\n` +
                'auth: {argon2_ops_limit: 1, argon2_memory_kib: 8192}\n',
        );
        const { child, port } = await start(dihya, ['serve', '--dev', '--listen', '127.0.0.1:0', '--data-dir', path.join(tmp, 'data'), '--config', config], (out) => {
            const m = /"msg":"listening"[^\n]*"address":"127\.0\.0\.1:(\d+)"/.exec(out);
            return m ? Number(m[1]) : null;
        });
        child.stderr.removeAllListeners('data');
        child.stderr.resume();
        const base = `http://127.0.0.1:${port}`;
        const consent = { policy_version: '1', accepted: ['terms', 'privacy'] };
        await json(base, '/api/v1/auth/register', { method: 'POST', body: { email: 'bench@example.org', password: 'violet tapestry under rain', consent } });
        const token = (await json(base, '/api/v1/auth/login', { method: 'POST', body: { email: 'bench@example.org', password: 'violet tapestry under rain' } })).access_token;
        const project = await json(base, '/api/v1/projects', {
            method: 'POST',
            token,
            body: { model: { title: 'Bench', entities: [{ name: 'Item', fields: [{ name: 'label', type: 'string' }] }], stacks: { frontend: 'none', backend: 'express', devops: [] } } },
        });
        const idle = rssMiB(child.pid);
        const t = performance.now();
        const clients = await startClients([`ws://127.0.0.1:${port}/api/v1/ws`, token, `project:${project.id}`, 'dihya']);
        console.error(`dihya: ${N} connections in ${Math.round(performance.now() - t)} ms (${CLIENTS} client processes)`);
        const loaded = rssMiB(child.pid);
        const lat = await fanOut(clients, (r) => json(base, `/api/v1/projects/${project.id}`, { method: 'PATCH', token, body: { title: `Bench ${r}` } }));
        summary('dihya', child.pid, idle, loaded, lat);
        stopClients(clients);
        child.kill('SIGTERM');
    }

    // the peer: a Node ws server; the event is a POST /publish.
    {
        const { child, port } = await start(process.execPath, [path.join(here, 'peer.mjs')], (out) => {
            const m = /"port":(\d+)/.exec(out);
            return m ? Number(m[1]) : null;
        });
        const base = `http://127.0.0.1:${port}`;
        const idle = rssMiB(child.pid);
        const clients = await startClients([`ws://127.0.0.1:${port}/ws`, 'x', 'c', 'peer']);
        const loaded = rssMiB(child.pid);
        const lat = await fanOut(clients, (r) =>
            fetch(`${base}/publish`, { method: 'POST', body: JSON.stringify({ type: 'event', channel: 'c', event: 'project.updated', id: r, data: { project: 'p', version: r } }) }),
        );
        summary('node ws', child.pid, idle, loaded, lat);
        stopClients(clients);
        child.kill('SIGTERM');
    }

    const [d, n] = results;
    console.log(
        JSON.stringify({
            connections: N,
            rounds: ROUNDS,
            client_processes: CLIENTS,
            rss_ratio: d.rss_mib / n.rss_mib,
            p50_ratio: d.p50_ms / n.p50_ms,
            p99_ratio: d.p99_ms / n.p99_ms,
            budget_rss: d.rss_mib < 200 ? 'met' : 'MISSED',
            budget_p99: d.p99_ms < 100 ? 'met' : 'MISSED',
        }),
    );
    process.exit(0);
}

// The realtime hub with real clients (npm `ws` and `eventsource`): a WebSocket that authenticates with its first
// message (token or ticket, never in the URL), subscribes to channels it may read and is refused the others,
// receives a generation's progress and end and a project's changes, sees who views a project (presence), gets
// pings and answers pongs, and is closed with clear codes for a bad first message, silence, binary or oversized
// messages, and at shutdown (1001); server-sent events on the same channels with Authorization or a ticket,
// heartbeats, Last-Event-ID resumption from the event log, and a `reset` when that log does not reach back.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { api, kFastAuth, kPassword, login, signUp } from './lib/accounts.mjs';
import { assertProblem } from './lib/http.mjs';
import { authedSocket, openSocket, openStream, subscribe } from './lib/live.mjs';
import { runDihya, startServer } from './lib/server.mjs';
import { kLibraryModel } from './lib/projects.mjs';

const T = { timeout: 120_000 };
const kHeartbeatMs = 300;
const srv = await startServer({ config: { ...kFastAuth, realtime: { heartbeat_ms: kHeartbeatMs, max_message_bytes: 4096 } } });
const alice = await signUp(srv, 'alice@example.org');
const bob = await signUp(srv, 'bob@example.org');

const model = kLibraryModel;

async function newProject(token, title = model.title) {
    const r = await api(srv, '/api/v1/projects', { method: 'POST', token, body: { model: { ...model, title } } });
    assert.equal(r.status, 201, r.text);
    return r.json;
}

async function ticketOf(token) {
    const r = await api(srv, '/api/v1/auth/ticket', { method: 'POST', token });
    assert.equal(r.status, 200, r.text);
    return r.json.ticket;
}

const isEvent = (name, channel) => (m) => m.type === 'event' && m.event === name && (!channel || m.channel === channel);

test('a generation is followed live over WebSocket and server-sent events, then replayed with Last-Event-ID', T, async () => {
    const project = await newProject(alice.token);
    const pc = `project:${project.id}`;
    const uc = `user:${alice.user.id}`;
    const socket = await authedSocket(srv, alice.token);
    assert.equal(socket.user, alice.user.id);
    assert.equal((await subscribe(socket, pc)).type, 'subscribed');
    const stream = await openStream(srv, [pc, uc], {
        token: alice.token,
        names: ['generation.progress', 'generation.finished'],
    });

    const started = await api(srv, `/api/v1/projects/${project.id}/generations`, { method: 'POST', token: alice.token });
    assert.equal(started.status, 202, started.text);
    const gid = started.json.id;

    // Over the WebSocket: progress (queued, running, rendering files), then the end.
    const first = await socket.next(isEvent('generation.progress', pc), { what: 'generation.progress' });
    assert.equal(first.data.generation, gid);
    assert.equal(first.data.project, project.id);
    assert.ok(Number.isInteger(first.id));
    const finished = await socket.next(isEvent('generation.finished', pc), { what: 'generation.finished' });
    assert.equal(finished.data.status, 'succeeded');
    assert.ok(finished.id > first.id, 'ids increase');
    const progress = socket.inbox.items.filter(isEvent('generation.progress', pc)).map((m) => m.data);
    const rendering = [first.data, ...progress].filter((p) => p.step === 'rendering' && p.total > 0);
    assert.ok(rendering.length > 0, `files done of total are told: ${JSON.stringify(progress)}`);
    assert.ok(rendering.every((p) => p.done <= p.total));

    // Over server-sent events, the same on the project's channel, and the end on the owner's channel.
    const sseFirst = await stream.next((e) => e.type === 'generation.progress', { what: 'SSE progress' });
    assert.equal(Number(sseFirst.lastEventId), first.id, 'the same event has the same id on both transports');
    assert.deepEqual(sseFirst.data, first, 'the data of an SSE event is the WebSocket event message');
    const sseEnd = await stream.next((e) => e.type === 'generation.finished' && e.data.channel === pc);
    assert.equal(sseEnd.data.data.status, 'succeeded');
    const mine = await stream.next((e) => e.type === 'generation.finished' && e.data.channel === uc);
    assert.equal(mine.data.data.generation, gid);
    stream.close();

    // Resuming on generation:{id} just before its first event replays all of it, log lines included, in order.
    const log = await api(srv, `/api/v1/projects/${project.id}/generations/${gid}/log`, { token: alice.token });
    assert.equal(log.status, 200, log.text);
    const lines = (log.json.items ?? log.json.events ?? log.json).map((e) => e.message);
    assert.ok(lines.length > 0);
    const replay = await openStream(srv, [`generation:${gid}`], {
        token: alice.token,
        headers: { 'last-event-id': String(first.id - 2) },
        names: ['generation.progress', 'generation.log', 'generation.finished'],
    });
    const end = await replay.next((e) => e.type === 'generation.finished', { what: 'the replayed end' });
    const replayed = replay.inbox.items;
    assert.ok(!replayed.some((e) => e.type === 'reset'), 'the log still holds these events: no reset');
    assert.deepEqual(replayed.filter((e) => e.type === 'generation.log').map((e) => e.data.data.message), lines);
    const ids = [...replayed, end].map((e) => Number(e.lastEventId));
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'replayed in order');
    replay.close();

    // An id older than the log (or from before a restart) gets `reset` first, then what the log holds.
    const old = await openStream(srv, [`generation:${gid}`], { token: alice.token, query: 'lastEventId=1', names: ['generation.finished'] });
    assert.equal((await old.next()).type, 'reset');
    assert.equal((await old.next()).type, 'generation.finished');
    old.close();
    socket.close();
});

test('channels are authorised: your own user, projects you may read, nothing else', T, async () => {
    const project = await newProject(alice.token, 'Private');
    const s = await authedSocket(srv, bob.token);
    const cases = [
        [`project:${project.id}`, 404],
        [`user:${alice.user.id}`, 403],
        ['nowhere:1', 400],
        ['project:', 400],
        ['project:../../etc', 400],
        ['marketplace:x', 400],
    ];
    for (const [channel, status] of cases) {
        const answer = await subscribe(s, channel);
        assert.equal(answer.type, 'error', channel);
        assert.equal(answer.status, status, `${channel}: ${JSON.stringify(answer)}`);
        assert.ok(answer.detail.length > 0);
    }
    assert.equal((await subscribe(s, `user:${bob.user.id}`)).type, 'subscribed');
    assert.equal((await subscribe(s, 'marketplace')).type, 'subscribed');
    s.send({ type: 'ping' });
    await s.next((m) => m.type === 'pong', { what: 'pong' });
    s.send({ type: 'dance' });
    const unknown = await s.next((m) => m.type === 'error', { what: 'unknown type error' });
    assert.match(unknown.detail, /auth, subscribe, unsubscribe or ping/);
    s.send('not json');
    assert.equal((await s.next((m) => m.type === 'error')).status, 400);
    s.send({ type: 'unsubscribe', channel: 'marketplace' });
    await s.next((m) => m.type === 'unsubscribed' && m.channel === 'marketplace');
    s.close();

    // The same rules on the event stream, as problem+json before it starts.
    const url = (channels) => `/api/v1/events?channels=${encodeURIComponent(channels)}`;
    assertProblem(await api(srv, url(`project:${project.id}`), { token: bob.token }), 404);
    assertProblem(await api(srv, url(`user:${alice.user.id}`), { token: bob.token }), 403);
    assertProblem(await api(srv, url('nowhere:1'), { token: bob.token }), 400);
    assertProblem(await api(srv, '/api/v1/events', { token: bob.token }), 400);
    assertProblem(await api(srv, url(`user:${bob.user.id}`)), 401);
    assertProblem(await api(srv, url(`user:${bob.user.id}`), { token: bob.token, headers: { 'last-event-id': 'x' } }), 400);
    assertProblem(await api(srv, `${url(`user:${bob.user.id}`)}&ticket=forged`), 401);
    assertProblem(await api(srv, `${url(`user:${bob.user.id}`)}&access_token=${bob.token}`), 400);
});

test('tickets authenticate a browser EventSource and a WebSocket; the server never logs them', T, async () => {
    const ticket = await ticketOf(alice.token);
    const project = await newProject(alice.token, 'Ticketed');
    const stream = await openStream(srv, [`project:${project.id}`], {
        query: `ticket=${encodeURIComponent(ticket)}`,
        names: ['project.updated'],
    });
    const socket = await authedSocket(srv, { ticket: await ticketOf(alice.token) });
    assert.equal((await subscribe(socket, `project:${project.id}`)).type, 'subscribed');

    const patched = await api(srv, `/api/v1/projects/${project.id}`, {
        method: 'PATCH',
        token: alice.token,
        body: { title: 'Ticketed Again' },
    });
    assert.equal(patched.status, 200, patched.text);
    const viaStream = await stream.next((e) => e.type === 'project.updated', { what: 'project.updated over SSE' });
    assert.equal(viaStream.data.data.version, 2);
    const viaSocket = await socket.next(isEvent('project.updated'), { what: 'project.updated over WebSocket' });
    assert.equal(viaSocket.data.project, project.id);
    stream.close();
    socket.close();
    assert.ok(!srv.logs().includes(ticket), 'tickets stay out of the logs');
    assert.ok(!srv.logs().includes(alice.token), 'tokens stay out of the logs');
});

test('presence: viewers of a project join and leave', T, async () => {
    const project = await newProject(alice.token, 'Watched');
    const pc = `project:${project.id}`;
    const email = 'root@example.org';
    const made = await runDihya(['user', 'create', '--email', email, '--role', 'admin', '--password-stdin', '--dev', '--data-dir', srv.dataDir], {
        input: `${kPassword}\n`,
    });
    assert.equal(made.code, 0, made.stderr);
    const admin = (await login(srv, email)).access_token;

    const a = await authedSocket(srv, alice.token);
    await subscribe(a, pc);
    const self = await a.next(isEvent('presence', pc), { what: 'own join' });
    assert.deepEqual(self.data, { user: alice.user.id, state: 'join', viewers: [alice.user.id] });

    const root = await authedSocket(srv, admin);
    await subscribe(root, pc);
    const joined = await a.next(isEvent('presence', pc), { what: "the admin's join" });
    assert.equal(joined.data.state, 'join');
    assert.equal(joined.data.viewers.length, 2);
    assert.ok(joined.data.viewers.includes(alice.user.id));

    // A second tab of the same user is not a new viewer; closing the last one is a leave.
    const a2 = await authedSocket(srv, alice.token);
    await subscribe(a2, pc);
    a2.close();
    root.close();
    const left = await a.next(isEvent('presence', pc), { what: "the admin's leave" });
    assert.equal(left.data.state, 'leave');
    assert.deepEqual(left.data.viewers, [alice.user.id], 'alice still views it (one tab left)');
    a.close();
});

test('heartbeats: WebSocket pings, event-stream comments', T, async () => {
    const s = await authedSocket(srv, alice.token);
    await s.pings.next(() => true, { what: 'a WebSocket ping' });
    s.close();

    const res = await fetch(`${srv.url}/api/v1/events?channels=user:${alice.user.id}`, {
        headers: { authorization: `Bearer ${alice.token}` },
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/event-stream/);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const reader = res.body.getReader();
    let text = '';
    while (!text.includes(': heartbeat\n\n')) {
        const { value, done } = await reader.read();
        assert.ok(!done, `the stream ended before a heartbeat: ${text}`);
        text += new TextDecoder().decode(value);
    }
    await reader.cancel();
});

test('the WebSocket closes with clear codes', T, async () => {
    const plain = await api(srv, '/api/v1/ws');
    assertProblem(plain, 426);
    assert.equal(plain.headers.get('upgrade'), 'websocket');

    const silent = await openSocket(srv);
    const c1 = await silent.closed;
    assert.equal(c1.code, 1008);
    assert.match(c1.reason, /authenticate/);

    const early = await openSocket(srv);
    early.send({ type: 'subscribe', channel: 'marketplace' });
    assert.equal((await early.closed).code, 1008);

    const forged = await openSocket(srv);
    forged.send({ type: 'auth', token: 'forged' });
    assert.equal((await forged.closed).code, 4401);

    const staleTicket = await openSocket(srv);
    staleTicket.send({ type: 'auth', ticket: alice.token }); // an access token is not a ticket
    assert.equal((await staleTicket.closed).code, 4401);

    const binary = await authedSocket(srv, alice.token);
    binary.ws.send(Buffer.from([1, 2, 3]));
    assert.equal((await binary.closed).code, 1003);

    const big = await authedSocket(srv, alice.token);
    big.send({ type: 'ping', pad: 'x'.repeat(5000) });
    assert.equal((await big.closed).code, 1009); // the WebSocket layer closes it itself, without a reason
});

test('a shutdown closes live connections cleanly (1001, end of stream) and the server exits', T, async () => {
    const own = await startServer({ config: { ...kFastAuth, realtime: { heartbeat_ms: 60_000 } } });
    const user = await signUp(own, 'carol@example.org');
    const s = await authedSocket(own, user.token);
    await subscribe(s, `user:${user.user.id}`);
    const res = await fetch(`${own.url}/api/v1/events?channels=user:${user.user.id}`, {
        headers: { authorization: `Bearer ${user.token}` },
    });
    assert.equal(res.status, 200);
    const exited = own.stop('SIGTERM');
    assert.equal((await s.closed).code, 1001);
    const body = await res.text(); // ends: the last chunk came
    assert.match(body, /retry: 2000/);
    const { code } = await exited;
    assert.equal(code, 0);
});

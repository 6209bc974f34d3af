// Collaborative editing of a project's specification with the real npm `yjs` and `y-websocket` clients: the
// document starts as the project's specification (YAML); two editors edit concurrently (random inserts and
// deletes, Arabic and emoji included, one of them offline for a while) and converge on the same text as the
// server reads it; a third joins later and gets everything; awareness (cursors, names) is relayed and removed when
// a client leaves; a viewer follows but its edits are refused; a non-member and a signed-out client are refused
// before the upgrade; a member removed while connected is disconnected at once; saving makes the text the
// project's specification (and a broken text is refused with spec:line); the stored document survives a
// restart, compacted.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

import { api, kFastAuth, signUp } from './lib/accounts.mjs';
import { startServer } from './lib/server.mjs';
import { kLibraryModel } from './lib/projects.mjs';

const T = { timeout: 180_000 };
const config = { ...kFastAuth, realtime: { collab_compact_bytes: 2048 } };
let srv = await startServer({ config });
const owner = await signUp(srv, 'owner@example.org', { display_name: 'Owner' });
const editor = await signUp(srv, 'editor@example.org', { display_name: 'Editor' });
const viewer = await signUp(srv, 'viewer@example.org');
const stranger = await signUp(srv, 'stranger@example.org');

const model = kLibraryModel;

/** A WebSocket class for y-websocket that signs in with Authorization (Node clients; browsers use ?ticket=). */
function withToken(token) {
    return class extends WebSocket {
        constructor(url, protocols) {
            super(url, protocols, { headers: { Authorization: `Bearer ${token}` } });
        }
    };
}

const clients = [];
function connect(projectId, token, { ticket, name } = {}) {
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(`ws://127.0.0.1:${srv.port}/api/v1/collab`, projectId, doc, {
        WebSocketPolyfill: ticket ? WebSocket : withToken(token),
        params: ticket ? { ticket } : {},
        disableBc: true,
        maxBackoffTime: 200,
    });
    if (name) provider.awareness.setLocalStateField('user', { name });
    const c = { doc, provider, text: doc.getText('spec') };
    clients.push(c);
    return c;
}

function close(c) {
    c.provider.destroy();
    c.doc.destroy();
}

/** Resolves once `check()` is true; polls the clients' state (no timing assertion: the test's timeout bounds it). */
async function until(check, what) {
    for (let i = 0; ; i++) {
        if (await check()) return;
        if (i > 1500) throw new Error(`never happened: ${what}`);
        await new Promise((r) => setTimeout(r, 20));
    }
}

const synced = (c) => until(() => c.provider.synced, 'sync');

async function serverText(projectId, token = owner.token) {
    const r = await api(srv, `/api/v1/projects/${projectId}/collab`, { token });
    assert.equal(r.status, 200, r.text);
    return r.json;
}

async function newProject(token = owner.token) {
    const r = await api(srv, '/api/v1/projects', { method: 'POST', token, body: { model } });
    assert.equal(r.status, 201, r.text);
    return r.json;
}

async function share(projectId, email, role, token = owner.token) {
    return api(srv, `/api/v1/projects/${projectId}/members`, { method: 'POST', token, body: { email, role } });
}

/** Random edits: inserts (ASCII, Arabic, emoji) and deletes at random places, from a seeded generator. */
function randomEdits(text, seed, count) {
    let s = seed;
    const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
    const pieces = ['a', 'Book', ' ', '\n', 'كتاب', '😀', '# note', 'é'];
    for (let i = 0; i < count; i++) {
        const len = text.length;
        if (len > 0 && rnd() < 0.35) {
            const at = Math.floor(rnd() * len);
            text.delete(at, Math.min(len - at, 1 + Math.floor(rnd() * 3)));
        } else {
            text.insert(Math.floor(rnd() * (len + 1)), pieces[Math.floor(rnd() * pieces.length)]);
        }
    }
}

test('sharing: owner shares by email with roles; members list; shared projects; only the owner shares', T, async () => {
    const project = await newProject();
    assert.equal(project.role, 'owner');
    assert.equal((await share(project.id, 'editor@example.org', 'editor')).status, 200);
    const v = await share(project.id, 'viewer@example.org', 'viewer');
    assert.equal(v.status, 200, v.text);
    assert.equal(v.json.user_id, viewer.user.id);
    assert.equal(v.json.role, 'viewer');

    const members = await api(srv, `/api/v1/projects/${project.id}/members`, { token: viewer.token });
    assert.equal(members.status, 200, members.text);
    assert.deepEqual(members.json.items.map((m) => m.role), ['owner', 'editor', 'viewer']);
    assert.equal(members.json.items[0].display_name, 'Owner');

    const shared = await api(srv, '/api/v1/projects?shared=true', { token: editor.token });
    assert.equal(shared.status, 200, shared.text);
    assert.ok(shared.json.items.some((p) => p.id === project.id && p.role === 'editor'));
    const asViewer = await api(srv, `/api/v1/projects/${project.id}`, { token: viewer.token });
    assert.equal(asViewer.status, 200);
    assert.equal(asViewer.json.role, 'viewer');

    // A viewer reads but does not change; an editor changes but does not share or delete; strangers see nothing.
    const put = { method: 'PATCH', body: { description: 'changed' } };
    assert.equal((await api(srv, `/api/v1/projects/${project.id}`, { ...put, token: viewer.token })).status, 403);
    assert.equal((await api(srv, `/api/v1/projects/${project.id}`, { ...put, token: editor.token })).status, 200);
    assert.equal((await share(project.id, 'stranger@example.org', 'viewer', editor.token)).status, 403);
    assert.equal((await api(srv, `/api/v1/projects/${project.id}`, { method: 'DELETE', token: editor.token })).status, 403);
    assert.equal((await api(srv, `/api/v1/projects/${project.id}`, { token: stranger.token })).status, 404);

    // Bad requests name the field.
    const badRole = await share(project.id, 'viewer@example.org', 'admin');
    assert.equal(badRole.status, 400);
    assert.ok(badRole.json.errors?.role || JSON.stringify(badRole.json).includes('role'), badRole.text);
    assert.equal((await share(project.id, 'nobody@example.org', 'viewer')).status, 404);
    assert.equal((await share(project.id, 'owner@example.org', 'viewer')).status, 400);

    // The member is told (in-app notification of kind project.shared).
    const notes = await api(srv, '/api/v1/notifications', { token: viewer.token });
    assert.equal(notes.status, 200, notes.text);
    assert.ok(notes.json.items.some((n) => n.kind === 'project.shared' && n.title.includes('Library Loans')), notes.text);

    // A member leaves; the owner removes another.
    assert.equal((await api(srv, `/api/v1/projects/${project.id}/members/${viewer.user.id}`, { method: 'DELETE', token: viewer.token })).status, 204);
    assert.equal((await api(srv, `/api/v1/projects/${project.id}`, { token: viewer.token })).status, 404);
    assert.equal((await api(srv, `/api/v1/projects/${project.id}/members/${editor.user.id}`, { method: 'DELETE', token: owner.token })).status, 204);
    assert.equal((await api(srv, `/api/v1/projects/${project.id}/members/${editor.user.id}`, { method: 'DELETE', token: owner.token })).status, 404);
});

test('two editors converge through the server, a late joiner gets it all, awareness is relayed, saving makes it the spec', T, async () => {
    const project = await newProject();
    await share(project.id, 'editor@example.org', 'editor');
    const before = await serverText(project.id);
    assert.equal(before.updates, 0);
    assert.match(before.text, /title: Library Loans/);

    const a = connect(project.id, owner.token, { name: 'Owner' });
    const ticket = (await api(srv, '/api/v1/auth/ticket', { method: 'POST', token: editor.token })).json.ticket;
    const b = connect(project.id, null, { ticket, name: 'Editor' });
    await synced(a);
    await synced(b);
    assert.equal(a.text.toString(), before.text, 'the document starts as the specification in YAML');
    assert.equal(b.text.toString(), before.text);

    // Awareness: each sees the other's name.
    await until(() => [...a.provider.awareness.getStates().values()].some((s) => s.user?.name === 'Editor'), 'awareness');

    // Concurrent edits, then B goes offline, edits more, and comes back.
    randomEdits(a.text, 7, 60);
    randomEdits(b.text, 11, 60);
    await until(() => a.text.toString() === b.text.toString(), 'A and B converge');
    b.provider.disconnect();
    randomEdits(b.text, 13, 30);
    randomEdits(a.text, 17, 30);
    b.provider.connect();
    await until(() => a.text.toString() === b.text.toString(), 'A and B converge after B was offline');
    await until(async () => (await serverText(project.id)).text === a.text.toString(), 'the server reads the same text');

    // A late joiner gets the whole document.
    const c = connect(project.id, owner.token);
    await synced(c);
    await until(() => c.text.toString() === a.text.toString(), 'C has it all');

    // B leaves: its awareness state goes away for A.
    const bClient = b.doc.clientID;
    close(b);
    await until(() => !a.provider.awareness.getStates().has(bClient), 'B\'s awareness removed');

    // Saving a broken text names the line; a valid one becomes the project's specification.
    a.text.delete(0, a.text.length);
    a.text.insert(0, 'title: Shared Library\ndomain: education\nentities:\n  - name: Book\n    fields:\n      - {name: title, type: text}\n  - name: Member\n    fields: [{name: 42, type: string}]\n');
    await until(async () => (await serverText(project.id)).text === a.text.toString(), 'server has the new text');
    const broken = await api(srv, `/api/v1/projects/${project.id}/collab/save`, { method: 'POST', token: editor.token });
    assert.equal(broken.status, 400, broken.text);
    assert.match(broken.text, /spec:8/);
    a.text.delete(0, a.text.length);
    a.text.insert(0, 'title: Shared Library\ndomain: education\nentities:\n  - name: Book\n    fields:\n      - {name: title, type: string, required: true}\n      - {name: isbn, type: string}\nstacks: {frontend: none, backend: express, devops: []}\n');
    await until(async () => (await serverText(project.id)).text === a.text.toString(), 'server has the fixed text');
    const stale = await api(srv, `/api/v1/projects/${project.id}/collab/save`, { method: 'POST', token: editor.token, headers: { 'If-Match': '"v99"' } });
    assert.equal(stale.status, 412, stale.text);
    const saved = await api(srv, `/api/v1/projects/${project.id}/collab/save`, { method: 'POST', token: editor.token, headers: { 'If-Match': `"v${project.version}"` } });
    assert.equal(saved.status, 200, saved.text);
    assert.equal(saved.json.version, project.version + 1);
    const got = await api(srv, `/api/v1/projects/${project.id}`, { token: owner.token });
    assert.equal(got.json.title, 'Shared Library');
    assert.deepEqual(got.json.spec.entities[0].fields.map((f) => f.name), ['title', 'isbn']);
    close(a);
    close(c);
});

test('viewers follow but cannot edit; non-members and signed-out clients are refused; removal disconnects', T, async () => {
    const project = await newProject();
    await share(project.id, 'viewer@example.org', 'viewer');
    await share(project.id, 'editor@example.org', 'editor');
    const a = connect(project.id, owner.token);
    const v = connect(project.id, viewer.token);
    await synced(a);
    await synced(v);
    a.text.insert(0, '# from the owner\n');
    await until(() => v.text.toString().startsWith('# from the owner\n'), 'the viewer follows');

    // The viewer's own edit stays local: the server refuses it and nobody else sees it.
    const denied = [];
    const orig = console.warn;
    console.warn = (...args) => denied.push(args.join(' '));
    v.text.insert(0, 'VIEWER WAS HERE ');
    await until(() => denied.some((d) => d.includes('read-only')), 'permission denied told to the viewer');
    console.warn = orig;
    a.text.insert(0, '# again\n');
    await until(() => v.text.toString().includes('# again\n'), 'the viewer still follows');
    assert.ok(!a.text.toString().includes('VIEWER WAS HERE'));
    assert.ok(!(await serverText(project.id)).text.includes('VIEWER WAS HERE'));
    const viewerSave = await api(srv, `/api/v1/projects/${project.id}/collab/save`, { method: 'POST', token: viewer.token });
    assert.equal(viewerSave.status, 403, viewerSave.text);

    // Refused before the upgrade: a stranger (404), nobody (401), a bad ticket (401).
    const refused = (headers, query = '') =>
        new Promise((resolve) => {
            const ws = new WebSocket(`ws://127.0.0.1:${srv.port}/api/v1/collab/${project.id}${query}`, { headers });
            ws.on('unexpected-response', (_req, res) => resolve(res.statusCode));
            ws.on('open', () => resolve('opened'));
            ws.on('error', () => {});
        });
    assert.equal(await refused({ Authorization: `Bearer ${stranger.token}` }), 404);
    assert.equal(await refused({}), 401);
    assert.equal(await refused({}, '?ticket=not-a-ticket'), 401);

    // A malformed message closes the connection with 1007.
    const raw = new WebSocket(`ws://127.0.0.1:${srv.port}/api/v1/collab/${project.id}`, { headers: { Authorization: `Bearer ${owner.token}` } });
    const code = await new Promise((resolve) => {
        raw.on('open', () => raw.send(Buffer.from([0, 2, 5, 1, 2])));
        raw.on('close', (c) => resolve(c));
    });
    assert.equal(code, 1007);

    // Removing the editor while connected ends their connection (4403); demoting one makes it read-only.
    const e = connect(project.id, editor.token);
    await synced(e);
    const closed = new Promise((resolve) => e.provider.ws.on('close', (c) => resolve(c)));
    e.provider.shouldConnect = false;
    assert.equal((await api(srv, `/api/v1/projects/${project.id}/members/${editor.user.id}`, { method: 'DELETE', token: owner.token })).status, 204);
    assert.equal(await closed, 4403);
    close(e);
    close(a);
    close(v);
});

test('the document is stored, compacted, and survives a restart', T, async () => {
    const project = await newProject();
    const a = connect(project.id, owner.token);
    await synced(a);
    for (let i = 0; i < 40; i++) randomEdits(a.text, 100 + i, 10);
    const expected = a.text.toString();
    await until(async () => (await serverText(project.id)).text === expected, 'stored');
    const info = await serverText(project.id);
    assert.ok(info.bytes < 40 * 1024, `compacted: ${info.bytes} bytes in ${info.updates} updates`);
    close(a);
    await until(async () => (await serverText(project.id)).peers === 0, 'a left');
    const merged = await serverText(project.id);
    assert.equal(merged.updates, 1, 'merged into one update when the last client left');

    await srv.stop();
    srv = await startServer({ config, dataDir: srv.dataDir });
    const b = connect(project.id, owner.token);
    await synced(b);
    await until(() => b.text.toString() === expected, 'the same text after a restart');
    close(b);
});

test.after(async () => {
    for (const c of clients) c.provider.destroy();
    await srv.stop();
});

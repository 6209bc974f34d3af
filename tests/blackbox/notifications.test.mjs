// Notifications with real clients: a finished generation notifies its owner in the console's list (in the
// account's language), live over the WebSocket on user:{id} with the unread count, and by mail through a real
// SMTP server once the user chose mail for that kind; read state, read-all, delete, cursor pages, preferences
// that name their mistakes, and nobody reads another's notifications. Mail waits in the database while the SMTP
// server is down, survives a restart, and arrives exactly once when the server is back.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { api, kConsent, kFastAuth, kPassword, login, register, signUp } from './lib/accounts.mjs';
import { assertProblem } from './lib/http.mjs';
import { authedSocket, subscribe } from './lib/live.mjs';
import { startServer } from './lib/server.mjs';
import { freePort } from './lib/python.mjs';
import { startSmtp } from './lib/smtp.mjs';

const T = { timeout: 120_000 };
const smtp = await startSmtp();
const srv = await startServer({
    config: { ...kFastAuth, mail: { smtp_url: smtp.url, from: 'Dihya <no-reply@dihya.test>' }, public_url: 'https://dihya.test' },
});

const model = {
    title: 'Atelier Vélo',
    domain: 'commerce',
    entities: [{ name: 'Repair', fields: [{ name: 'bike', type: 'string', required: true }] }],
    stacks: { frontend: 'none', backend: 'express', devops: [] },
};

async function generate(token) {
    const p = await api(srv, '/api/v1/projects', { method: 'POST', token, body: { model } });
    assert.equal(p.status, 201, p.text);
    const g = await api(srv, `/api/v1/projects/${p.json.id}/generations`, { method: 'POST', token });
    assert.equal(g.status, 202, g.text);
    return { project: p.json, generation: g.json };
}

test('a finished generation notifies its owner: live, listed, then mailed once chosen', T, async () => {
    const reg = await api(srv, '/api/v1/auth/register', {
        method: 'POST',
        body: { email: 'claire@example.org', password: kPassword, consent: kConsent, locale: 'fr' },
    });
    assert.equal(reg.status, 201, reg.text);
    const token = (await login(srv, 'claire@example.org')).access_token;
    const socket = await authedSocket(srv, token);
    assert.equal((await subscribe(socket, `user:${socket.user}`)).type, 'subscribed');

    const { project, generation } = await generate(token);
    const live = await socket.next((m) => m.type === 'event' && m.event === 'notification.created', { what: 'notification.created' });
    assert.equal(live.data.unread, 1);
    const n = live.data.notification;
    assert.equal(n.kind, 'generation.succeeded');
    assert.equal(n.title, 'Atelier Vélo : génération terminée', 'in the account language (fr)');
    assert.equal(n.link, `/projects/${project.id}/generations/${generation.id}`);
    assert.equal(n.data.generation, generation.id);
    assert.ok(n.data.files > 0);
    assert.equal(n.read, false);

    const list = await api(srv, '/api/v1/notifications', { token });
    assert.equal(list.status, 200, list.text);
    assert.equal(list.headers.get('cache-control'), 'no-store');
    assert.equal(list.json.unread, 1);
    assert.deepEqual(list.json.items.map((x) => x.id), [n.id]);
    assert.equal((await api(srv, '/api/v1/notifications/unread-count', { token })).json.unread, 1);
    assert.ok(!smtp.messages.some((m) => m.to === 'claire@example.org' && /génération/.test(m.subject)), 'no mail by default for a success');

    // Choose mail for successes: the next one is mailed, in French, with the link to the generation.
    const prefs = await api(srv, '/api/v1/notifications/preferences', { token });
    const succeededMail = prefs.json.items.find((p) => p.kind === 'generation.succeeded' && p.channel === 'email');
    assert.deepEqual(succeededMail, { kind: 'generation.succeeded', channel: 'email', enabled: false, by_default: false });
    const set = await api(srv, '/api/v1/notifications/preferences', {
        method: 'PUT',
        token,
        body: { items: [{ kind: 'generation.succeeded', channel: 'email', enabled: true }] },
    });
    assert.equal(set.status, 200, set.text);
    assert.equal(set.json.items.find((p) => p.kind === 'generation.succeeded' && p.channel === 'email').enabled, true);
    const second = await generate(token);
    const mail = await smtp.waitFor((m) => m.to === 'claire@example.org' && m.subject.includes('génération terminée'));
    assert.equal(mail.subject, 'Atelier Vélo : génération terminée');
    assert.ok(mail.text.includes(`https://dihya.test/projects/${second.project.id}/generations/${second.generation.id}`), mail.text);
    const again = await socket.next((m) => m.type === 'event' && m.event === 'notification.created', { what: 'the second' });
    assert.equal(again.data.unread, 2);

    // Read one (live: notification.read with the count), page, read all, delete.
    const read = await api(srv, `/api/v1/notifications/${n.id}/read`, { method: 'POST', token });
    assert.equal(read.status, 200, read.text);
    assert.equal(read.json.read, true);
    assert.match(read.json.read_at, /^\d{4}-\d\d-\d\dT/);
    const told = await socket.next((m) => m.type === 'event' && m.event === 'notification.read', { what: 'notification.read' });
    assert.equal(told.data.unread, 1);
    const page1 = await api(srv, '/api/v1/notifications?limit=1', { token });
    assert.equal(page1.json.items.length, 1);
    assert.equal(page1.json.items[0].id, again.data.notification.id, 'newest first');
    const page2 = await api(srv, `/api/v1/notifications?limit=1&cursor=${encodeURIComponent(page1.json.next_cursor)}`, { token });
    assert.deepEqual(page2.json.items.map((x) => x.id), [n.id]);
    assert.equal(page2.json.next_cursor, undefined);
    assert.equal((await api(srv, '/api/v1/notifications?unread=true', { token })).json.items.length, 1);
    const all = await api(srv, '/api/v1/notifications/read-all', { method: 'POST', token });
    assert.equal(all.json.marked, 1);
    assert.equal((await api(srv, '/api/v1/notifications/unread-count', { token })).json.unread, 0);
    assert.equal((await api(srv, `/api/v1/notifications/${n.id}`, { method: 'DELETE', token })).status, 204);
    assertProblem(await api(srv, `/api/v1/notifications/${n.id}/read`, { method: 'POST', token }), 404);
    socket.close();
});

test("notifications are their owner's only; bad preferences and queries name their field", T, async () => {
    const alice = await signUp(srv, 'alice@example.org');
    const bob = await signUp(srv, 'bob@example.org');
    await generate(alice.token);
    const socket = await authedSocket(srv, alice.token);
    await subscribe(socket, `user:${alice.user.id}`);
    let list;
    for (;;) {
        list = await api(srv, '/api/v1/notifications', { token: alice.token });
        if (list.json.items.length > 0) break;
        await socket.next((m) => m.type === 'event' && m.event === 'notification.created', { what: "alice's notification" });
    }
    socket.close();
    const id = list.json.items[0].id;
    assert.equal(list.json.items[0].title, 'Atelier Vélo: generation finished', 'English by default');
    assert.equal((await api(srv, '/api/v1/notifications', { token: bob.token })).json.items.length, 0);
    assertProblem(await api(srv, `/api/v1/notifications/${id}/read`, { method: 'POST', token: bob.token }), 404);
    assertProblem(await api(srv, `/api/v1/notifications/${id}`, { method: 'DELETE', token: bob.token }), 404);
    assertProblem(await api(srv, '/api/v1/notifications'), 401);

    const badKind = await api(srv, '/api/v1/notifications/preferences', {
        method: 'PUT',
        token: alice.token,
        body: { items: [{ kind: 'generation.exploded', channel: 'email', enabled: true }] },
    });
    assertProblem(badKind, 400);
    assert.match(badKind.text, /items\[0\]\.kind/);
    const badChannel = await api(srv, '/api/v1/notifications/preferences', {
        method: 'PUT',
        token: alice.token,
        body: { items: [{ kind: 'generation.failed', channel: 'pigeon', enabled: true }] },
    });
    assertProblem(badChannel, 400);
    assert.match(badChannel.text, /in_app/);
    assertProblem(await api(srv, '/api/v1/notifications?limit=0', { token: alice.token }), 400);
    assertProblem(await api(srv, '/api/v1/notifications?unread=maybe', { token: alice.token }), 400);
    assertProblem(await api(srv, '/api/v1/notifications?cursor=nonsense', { token: alice.token }), 400);
});

test('mail queued while the SMTP server is down survives a restart and arrives exactly once', T, async () => {
    const port = await freePort();
    const config = { ...kFastAuth, mail: { smtp_url: `smtp://127.0.0.1:${port}`, retry_base_ms: 100, retry_max_ms: 300 } };
    const first = await startServer({ config });
    await register(first, 'dana@example.org');
    const failed = await first.waitForLog((r) => r.msg === 'mail not delivered; will retry' && r.kind === 'verify_email');
    assert.ok(!JSON.stringify(failed).includes('dana@'), 'the log names the kind of mail, never the recipient');
    const stopped = await first.stop('SIGTERM');
    assert.equal(stopped.code, 0);

    const down = await startSmtp({ port });
    const second = await startServer({ config, dataDir: first.dataDir });
    const mail = await down.waitFor((m) => m.to === 'dana@example.org');
    assert.match(mail.text, /#token=/);
    // A later mail to the same person arrives after it: by then a second copy of the first would have come too.
    const token = (await login(second, 'dana@example.org')).access_token;
    const resent = await api(second, '/api/v1/auth/verify-email/resend', { method: 'POST', token });
    assert.ok(resent.status < 300, resent.text);
    await down.waitFor((m) => m.to === 'dana@example.org' && m.text !== mail.text);
    assert.equal(down.messages.filter((m) => m.text === mail.text).length, 1, 'the queued mail arrived exactly once');
    assert.equal(down.messages.filter((m) => m.to === 'dana@example.org').length, 2);
});

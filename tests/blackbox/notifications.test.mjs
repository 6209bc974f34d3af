// Notifications with real clients: a finished generation notifies its owner in the console's list (in the
// account's language), live over the WebSocket on user:{id} with the unread count, and by mail through a real
// SMTP server once the user chose mail for that kind; read state, read-all, delete, cursor pages, preferences
// that name their mistakes, and nobody reads another's notifications. Mail waits in the database while the SMTP
// server is down, survives a restart, and arrives exactly once when the server is back. Web Push reaches a
// subscribed browser through a local push service that checks the VAPID signature and decrypts the message with
// npm's http_ece (RFC 8291), and a subscription the push service calls gone (410) is forgotten; a push the push
// service did not take waits in the database, is retried, survives a restart and arrives exactly once.

import assert from 'node:assert/strict';
import { createECDH, createPublicKey, randomBytes, verify } from 'node:crypto';
import http from 'node:http';
import { after, test } from 'node:test';

import ece from 'http_ece';

import { api, kConsent, kFastAuth, kPassword, login, register, signUp } from './lib/accounts.mjs';
import { assertProblem, until } from './lib/http.mjs';
import { authedSocket, subscribe } from './lib/live.mjs';
import { runDihya, startServer } from './lib/server.mjs';
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

test('the daily digest mails those who chose it what is unread since the last one, in their language', T, async () => {
    const made = await runDihya(['user', 'create', '--email', 'digest.admin@example.org', '--role', 'admin', '--password-stdin',
        '--dev', '--data-dir', srv.dataDir], { input: `${kPassword}\n` });
    assert.equal(made.code, 0, made.stderr);
    const admin = (await login(srv, 'digest.admin@example.org')).access_token;
    const reg = await api(srv, '/api/v1/auth/register', {
        method: 'POST',
        body: { email: 'dalia@example.org', password: kPassword, consent: kConsent, locale: 'ar' },
    });
    assert.equal(reg.status, 201, reg.text);
    const token = (await login(srv, 'dalia@example.org')).access_token;
    const choice = (await api(srv, '/api/v1/notifications/preferences', { token })).json.items.find((p) => p.kind === 'digest');
    assert.deepEqual(choice, { kind: 'digest', channel: 'email', enabled: false, by_default: false });
    const set = await api(srv, '/api/v1/notifications/preferences', {
        method: 'PUT', token, body: { items: [{ kind: 'digest', channel: 'email', enabled: true }] },
    });
    assert.equal(set.status, 200, set.text);

    const runDigest = async () => {
        const queued = await api(srv, '/api/v1/admin/jobs/notification-digest/run', { method: 'POST', token: admin });
        assert.equal(queued.status, 202, queued.text);
        for (const end = Date.now() + 60_000; Date.now() < end;) {
            const runs = await api(srv, '/api/v1/admin/jobs/notification-digest/runs', { token: admin });
            const run = runs.json.items.find((r) => r.id === queued.json.id);
            if (run && run.status !== 'queued' && run.status !== 'running') return run;
            await new Promise((r) => setTimeout(r, 100));
        }
        assert.fail('the digest did not run');
    };
    await generate(token);
    await until('the notification', async () => (await api(srv, '/api/v1/notifications/unread-count', { token })).json.unread === 1);
    const run = await runDigest();
    assert.equal(run.status, 'succeeded', JSON.stringify(run));
    assert.ok(run.result.users >= 1, JSON.stringify(run));
    const mail = await smtp.waitFor((m) => m.to === 'dalia@example.org' && m.subject.startsWith('Dihya:'));
    assert.equal(mail.subject, 'Dihya: إشعارات غير مقروءة (1)');
    assert.ok(mail.text.includes('• Atelier Vélo: اكتمل التوليد'), mail.text);
    assert.ok(mail.text.includes('https://dihya.test/notifications'), mail.text);

    // Nothing unread since: no second digest.
    const count = () => smtp.messages.filter((m) => m.to === 'dalia@example.org' && m.subject.startsWith('Dihya:')).length;
    const quiet = await runDigest();
    assert.equal(quiet.status, 'succeeded');
    assert.equal(quiet.result.users, 0, JSON.stringify(quiet));
    assert.equal(count(), 1);
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

/// A local push service (RFC 8030): records each push, answers `status`.
async function startPushService() {
    const pushes = [];
    const waiters = new Set();
    const service = { status: 201, pushes };
    const server = http.createServer((req, res) => {
        const chunks = [];
        req.on('data', (c) => chunks.push(c));
        req.on('end', () => {
            pushes.push({ url: req.url, headers: req.headers, body: Buffer.concat(chunks) });
            res.writeHead(service.status);
            res.end();
            for (const w of [...waiters]) w();
        });
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    after(() => new Promise((resolve) => server.close(resolve)));
    service.port = server.address().port;
    service.next = (count) =>
        new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`no push ${count} after 30 s (got ${pushes.length})`)), 30_000);
            const check = () => {
                if (pushes.length < count) return;
                clearTimeout(timer);
                waiters.delete(check);
                resolve(pushes[count - 1]);
            };
            waiters.add(check);
            check();
        });
    return service;
}

test('Web Push: a subscribed browser gets the notification, encrypted (RFC 8291) and signed with VAPID', T, async () => {
    const pushService = await startPushService();
    const user = await signUp(srv, 'pia@example.org');
    const key = await api(srv, '/api/v1/notifications/push/key');
    assert.equal(key.status, 200, key.text);
    const k = Buffer.from(key.json.public_key, 'base64url');
    assert.equal(k.length, 65);

    const browser = createECDH('prime256v1');
    browser.generateKeys();
    const authSecret = randomBytes(16);
    const endpoint = `http://127.0.0.1:${pushService.port}/push/abc-123`;
    const subscription = { endpoint, keys: { p256dh: browser.getPublicKey('base64url'), auth: authSecret.toString('base64url') }, expirationTime: null };
    const sub = await api(srv, '/api/v1/notifications/push/subscriptions', { method: 'POST', token: user.token, body: subscription });
    assert.equal(sub.status, 201, sub.text);
    assert.equal(sub.json.push_service, `http://127.0.0.1:${pushService.port}`);
    const again = await api(srv, '/api/v1/notifications/push/subscriptions', { method: 'POST', token: user.token, body: subscription });
    assert.equal(again.status, 201);
    assert.equal((await api(srv, '/api/v1/notifications/push/subscriptions', { token: user.token })).json.items.length, 1, 'the same browser once');

    await generate(user.token);
    const push = await pushService.next(1);
    assert.equal(push.url, '/push/abc-123');
    assert.equal(push.headers['content-encoding'], 'aes128gcm');
    assert.ok(Number(push.headers.ttl) > 0);
    const m = /^vapid t=([^,]+), k=(.+)$/.exec(push.headers.authorization);
    assert.ok(m, push.headers.authorization);
    assert.equal(m[2], key.json.public_key);
    const [h, p, sig] = m[1].split('.');
    const publicKey = createPublicKey({
        key: { kty: 'EC', crv: 'P-256', x: k.subarray(1, 33).toString('base64url'), y: k.subarray(33).toString('base64url') },
        format: 'jwk',
    });
    assert.ok(verify('sha256', Buffer.from(`${h}.${p}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(sig, 'base64url')), 'VAPID signature');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
    assert.equal(claims.aud, `http://127.0.0.1:${pushService.port}`);
    assert.ok(claims.exp > Date.now() / 1000 && claims.exp <= Date.now() / 1000 + 24 * 3600);
    assert.match(claims.sub, /^mailto:/);

    const plain = ece.decrypt(push.body, { version: 'aes128gcm', privateKey: browser, authSecret });
    const message = JSON.parse(plain.toString('utf8'));
    assert.equal(message.kind, 'generation.succeeded');
    assert.equal(message.title, 'Atelier Vélo: generation finished');
    assert.match(message.link, /^\/projects\/[0-9a-f-]+\/generations\/[0-9a-f-]+$/);

    // The push service says the subscription is gone: it is forgotten.
    pushService.status = 410;
    await generate(user.token);
    await pushService.next(2);
    await srv.waitForLog((r) => r.msg === 'push subscription gone: removed');
    assert.equal((await api(srv, '/api/v1/notifications/push/subscriptions', { token: user.token })).json.items.length, 0);

    // Subscriptions that cannot work are refused, naming the field.
    const bad = async (body, field) => {
        const r = await api(srv, '/api/v1/notifications/push/subscriptions', { method: 'POST', token: user.token, body });
        assertProblem(r, 400);
        assert.ok(r.text.includes(field), `${field}: ${r.text}`);
    };
    await bad({ ...subscription, endpoint: 'ftp://push.example.net/x' }, 'endpoint');
    await bad({ ...subscription, endpoint: 'http://push.example.net/x' }, 'endpoint');
    await bad({ ...subscription, keys: { ...subscription.keys, p256dh: 'AAAA' } }, 'keys.p256dh');
    await bad({ ...subscription, keys: { ...subscription.keys, auth: 'c2hvcnQ' } }, 'keys.auth');
    assertProblem(await api(srv, '/api/v1/notifications/push/subscriptions', { method: 'POST', body: subscription }), 401);
});

test('a push the push service did not take is retried, survives a restart and arrives exactly once', T, async () => {
    const config = { ...kFastAuth, push: { retry_base_ms: 100, retry_max_ms: 300 } };
    const first = await startServer({ config });
    const pushService = await startPushService();
    pushService.status = 503;  // busy: the push waits in the database
    const user = await signUp(first, 'ravi@example.org');
    const browser = createECDH('prime256v1');
    browser.generateKeys();
    const authSecret = randomBytes(16);
    const subscription = {
        endpoint: `http://127.0.0.1:${pushService.port}/push/ravi`,
        keys: { p256dh: browser.getPublicKey('base64url'), auth: authSecret.toString('base64url') },
    };
    assert.equal((await api(first, '/api/v1/notifications/push/subscriptions', { method: 'POST', token: user.token, body: subscription })).status, 201);
    const p = await api(first, '/api/v1/projects', { method: 'POST', token: user.token, body: { model } });
    assert.equal((await api(first, `/api/v1/projects/${p.json.id}/generations`, { method: 'POST', token: user.token })).status, 202);
    const retried = await first.waitForLog((r) => r.msg === 'push not delivered; will retry' && r.kind === 'generation.succeeded');
    assert.match(retried.error, /503/);
    assert.ok(!JSON.stringify(retried).includes('/push/ravi'), 'the log never names the endpoint (a capability URL)');
    assert.equal((await first.stop('SIGTERM')).code, 0);

    // Restarted; the push service is back: the push arrives once, readable by the browser.
    const before = pushService.pushes.length;
    pushService.status = 201;
    const second = await startServer({ config, dataDir: first.dataDir });
    const push = await pushService.next(before + 1);
    const message = JSON.parse(ece.decrypt(push.body, { version: 'aes128gcm', privateKey: browser, authSecret }).toString('utf8'));
    assert.equal(message.kind, 'generation.succeeded');
    await second.waitForLog((r) => r.msg === 'push sent' && r.kind === 'generation.succeeded');
    // A later push comes after it: by then a second copy of the first would have come too.
    const token = (await login(second, 'ravi@example.org')).access_token;
    const p2 = await api(second, '/api/v1/projects', { method: 'POST', token, body: { model } });
    assert.equal((await api(second, `/api/v1/projects/${p2.json.id}/generations`, { method: 'POST', token })).status, 202);
    await pushService.next(before + 2);
    assert.equal(pushService.pushes.length - before, 2, 'the first push once, then the second');
});

test('API keys reach notifications and live channels only with their scopes', T, async () => {
    const owner = await signUp(srv, 'keys@example.org');
    const keyWith = async (scopes) => {
        const r = await api(srv, '/api/v1/users/me/api-keys', { method: 'POST', token: owner.token, body: { name: scopes.join('+'), scopes } });
        assert.equal(r.status, 201, r.text);
        return r.json.key;
    };
    const projectsOnly = await keyWith(['projects:read']);
    const notes = await keyWith(['notifications', 'realtime']);
    assertProblem(await api(srv, '/api/v1/notifications', { token: projectsOnly }), 403);
    assertProblem(await api(srv, '/api/v1/notifications/preferences', { token: projectsOnly }), 403);
    assert.equal((await api(srv, '/api/v1/notifications', { token: notes })).status, 200);
    const channel = encodeURIComponent(`user:${owner.user.id}`);
    assertProblem(await api(srv, `/api/v1/events?channels=${channel}`, { token: projectsOnly }), 403);
    const ok = new AbortController();
    const stream = await fetch(`${srv.url}/api/v1/events?channels=${channel}`, { headers: { authorization: `Bearer ${notes}` }, signal: ok.signal });
    assert.equal(stream.status, 200);
    ok.abort();
    const s = await authedSocket(srv, projectsOnly);
    const refused = await subscribe(s, `user:${owner.user.id}`);
    assert.equal(refused.type, 'error');
    assert.equal(refused.status, 403);
    assert.match(refused.detail, /realtime/);
    s.close();
});

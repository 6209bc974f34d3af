// GDPR end to end (SQLite; also blackbox.pg.gdpr on PostgreSQL): the export job's archive holds every piece of
// personal data (profile, sessions, consents, API keys, audit entries) and no secret; erasure removes the account,
// deletes its archives and pseudonymises its audit entries while `dihya audit verify` stays green; the last admin
// cannot leave; `dihya keys rotate` re-encrypts personal data under a new key.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { api, kFastAuth, kPassword, login, signUp } from './lib/accounts.mjs';
import { assertProblem } from './lib/http.mjs';
import { backend, freshDatabase } from './lib/pg.mjs';
import { runDihya, startServer } from './lib/server.mjs';

const T = { timeout: 120_000 };
const keyA = 'a1'.repeat(32);
const keyB = 'b2'.repeat(32);

function dbConfig() {
    const database_url = freshDatabase();
    return database_url ? { database_url } : {};
}

/// Polls the export's status until it has finished (the job's end is the event; nothing is timed).
/// Waits (polling, bounded) until the outbox holds a mail to `address`: mail is written by a queue after the request.
async function waitForMail(srv, address) {
    const outbox = path.join(srv.dataDir, 'outbox');
    for (let i = 0; i < 200; i++) {
        let files = [];
        try { files = readdirSync(outbox); } catch { /* not created yet */ }
        if (files.some((f) => readFileSync(path.join(outbox, f), 'utf8').includes(address))) return;
        await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`no mail to ${address} in ${outbox}`);
}

async function waitForExport(srv, token, id) {
    for (;;) {
        const r = await api(srv, `/api/v1/users/me/exports/${id}`, { token });
        assert.equal(r.status, 200, r.text);
        if (['succeeded', 'failed'].includes(r.json.status)) return r.json;
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
}

/// The entries of a zip, with their text (Debian's unzip).
function unzipAll(buffer) {
    const dir = mkdtempSync(path.join(tmpdir(), 'dihya-export-'));
    try {
        const file = path.join(dir, 'export.zip');
        writeFileSync(file, buffer);
        const names = execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' }).split('\n').filter(Boolean);
        const out = {};
        for (const n of names.filter((x) => !x.endsWith('/'))) out[n] = execFileSync('unzip', ['-p', file, n], { encoding: 'utf8' });
        return out;
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

test(`[${backend}] export: a background job, an archive of everything held about the user, nothing secret`, T, async () => {
    const srv = await startServer({ config: { ...kFastAuth, ...dbConfig() } });
    const { token, tokens, user } = await signUp(srv, 'export.me@example.org', { display_name: 'Exporte Moi' });
    await waitForMail(srv, 'export.me@example.org');
    const key = await api(srv, '/api/v1/users/me/api-keys', { method: 'POST', token, body: { name: 'cli', scopes: ['account:read'] } });
    const other = await signUp(srv, 'someone.else@example.org');
    const project = await api(srv, '/api/v1/projects', { method: 'POST', token, body: { text: 'Une boutique en ligne : produits et commandes' } });
    assert.equal(project.status, 201, project.text);

    const started = await api(srv, '/api/v1/users/me/export', { method: 'POST', token });
    assert.equal(started.status, 202, started.text);
    assert.equal(started.headers.get('location'), `/api/v1/users/me/exports/${started.json.id}`);
    assertProblem(await api(srv, `/api/v1/users/me/exports/${started.json.id}`, { token: other.token }), 404);
    const done = await waitForExport(srv, token, started.json.id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done));
    assert.match(done.sha256, /^[0-9a-f]{64}$/);
    assertProblem(await api(srv, `${done.archive_url}`, { token: other.token }), 404);

    const res = await fetch(`${srv.url}${done.archive_url}`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/zip');
    const files = unzipAll(Buffer.from(await res.arrayBuffer()));
    assert.deepEqual(Object.keys(files).sort(), ['personal-data/README.md', 'personal-data/account.json', 'personal-data/audit.json',
        'personal-data/export.json', 'personal-data/mail.json', 'personal-data/marketplace.json', 'personal-data/notifications.json',
        'personal-data/packs.json', 'personal-data/plugins.json', 'personal-data/projects.json']);
    assert.deepEqual(JSON.parse(files['personal-data/packs.json']), { imported: [] });
    assert.deepEqual(JSON.parse(files['personal-data/marketplace.json']), { items: [], reviews: [], installs: [] });
    assert.deepEqual(JSON.parse(files['personal-data/plugins.json']), { installed: [] });
    const notes = JSON.parse(files['personal-data/notifications.json']);
    assert.ok(Array.isArray(notes.notifications) && Array.isArray(notes.preferences), files['personal-data/notifications.json']);
    // Without an SMTP server, the copies of the mail sent to the user (the outbox) are personal data too.
    const mail = JSON.parse(files['personal-data/mail.json']);
    assert.ok(mail.some((m) => m.kind === 'verify_email' && /^\d{4}-\d\d-\d\dT/.test(m.sent_at)), files['personal-data/mail.json']);
    assert.ok(files['personal-data/projects.json'].includes(project.json.id), 'the saved project is in the export');
    const account = JSON.parse(files['personal-data/account.json']);
    assert.equal(account.profile.email, 'export.me@example.org');
    assert.equal(account.profile.display_name, 'Exporte Moi');
    assert.deepEqual(account.consents[0].accepted, ['terms', 'privacy']);
    assert.equal(account.api_keys[0].name, 'cli');
    assert.ok(account.sessions.length >= 1);
    const audit = JSON.parse(files['personal-data/audit.json']);
    assert.ok(audit.some((e) => e.action === 'auth.register'), files['personal-data/audit.json']);
    assert.ok(audit.some((e) => e.action === 'auth.login'));
    assert.ok(audit.every((e) => e.actor_id === user.id || e.target_id === user.id), 'only entries about this user');
    const all = Object.values(files).join('\n');
    for (const secret of [kPassword, tokens.access_token, tokens.refresh_token, key.json.key, 'someone.else@example.org', '$argon2id$']) {
        assert.ok(!all.includes(secret), `the export holds a secret or someone else's data: ${secret.slice(0, 10)}…`);
    }
    assert.match(files['personal-data/README.md'], /account\.json/);
    assert.equal(JSON.parse(files['personal-data/export.json']).user_id, user.id);
});

test(`[${backend}] erasure: the account and its data go, audit entries are pseudonymised, the chain verifies`, T, async () => {
    const db = dbConfig();
    const srv = await startServer({ config: { ...kFastAuth, ...db } });
    const { token, user } = await signUp(srv, 'erase.me@example.org', { display_name: 'Efface Moi' });
    await waitForMail(srv, 'erase.me@example.org');
    const project = await api(srv, '/api/v1/projects', { method: 'POST', token, body: { text: 'A library with books and loans' } });
    assert.equal(project.status, 201, project.text);
    const started = await api(srv, '/api/v1/users/me/export', { method: 'POST', token });
    await waitForExport(srv, token, started.json.id);

    assertProblem(await api(srv, '/api/v1/users/me', { method: 'DELETE', token }), 400); // password required
    assertProblem(await api(srv, '/api/v1/users/me', { method: 'DELETE', token, body: { password: 'not my password at all' } }), 403);
    const erased = await api(srv, '/api/v1/users/me', { method: 'DELETE', token, body: { password: kPassword } });
    assert.equal(erased.status, 204, erased.text);

    assertProblem(await api(srv, '/api/v1/users/me', { token }), 401);
    assertProblem(await api(srv, '/api/v1/auth/login', { method: 'POST', body: { email: 'erase.me@example.org', password: kPassword } }), 401);
    if (!db.database_url) {
        const exportsDir = path.join(srv.dataDir, 'exports');
        assert.deepEqual(readdirSync(exportsDir).filter((f) => f.startsWith(started.json.id)), [], 'archives deleted');
    }
    const outbox = path.join(srv.dataDir, 'outbox');
    const copies = readdirSync(outbox).map((f) => readFileSync(path.join(outbox, f), 'utf8'));
    assert.ok(!copies.some((c) => c.includes('erase.me@example.org')), 'the copies of mail to the erased user are deleted');
    // The address can register again: nothing of the old account is left to collide with.
    await signUp(srv, 'erase.me@example.org');

    const adminEmail = 'gdpr.admin@example.org';
    const made = await runDihya(['user', 'create', '--email', adminEmail, '--role', 'admin', '--password-stdin', '--dev', '--data-dir', srv.dataDir,
        ...(db.database_url ? ['--database', db.database_url] : [])], { input: `${kPassword}\n` });
    assert.equal(made.code, 0, made.stderr);
    const admin = (await login(srv, adminEmail)).access_token;
    const entries = [];
    let cursor = '';
    for (;;) {
        const page = await api(srv, `/api/v1/admin/audit?limit=200${cursor ? `&cursor=${cursor}` : ''}`, { token: admin });
        assert.equal(page.status, 200, page.text);
        entries.push(...page.json.items);
        if (!page.json.next_cursor) break;
        cursor = page.json.next_cursor;
    }
    assert.ok(entries.length > 3);
    assert.ok(!JSON.stringify(entries).includes(user.id), 'the erased user is named nowhere in the audit log');
    const erasure = entries.find((e) => e.action === 'gdpr.erasure');
    assert.ok(erasure && erasure.actor_id === null, JSON.stringify(erasure));
    const pseudonymised = entries.filter((e) => e.pseudonymised);
    assert.ok(pseudonymised.length >= 2, 'register and login entries were pseudonymised');
    assert.ok(pseudonymised.every((e) => e.ip === null && /^erased-/.test(e.actor_id ?? e.target_id)));
    const projects = await api(srv, '/api/v1/projects?owner=*', { token: admin });
    assert.equal(projects.status, 200, projects.text);
    assert.ok(!projects.text.includes(project.json.id), 'the erased user\'s projects are gone');
    const filtered = await api(srv, '/api/v1/admin/audit?action=gdpr.', { token: admin });
    assert.ok(filtered.json.items.every((e) => e.action.startsWith('gdpr.')));

    const verify = await runDihya(['audit', 'verify', '--data-dir', srv.dataDir, ...(db.database_url ? ['--database', db.database_url] : [])]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /audit log verified/);

    // The last admin cannot erase their account.
    assertProblem(await api(srv, '/api/v1/users/me', { method: 'DELETE', token: admin, body: { password: kPassword } }), 409);
});

test(`[${backend}] dihya keys rotate re-encrypts personal data; the old key can then go`, T, async () => {
    const db = dbConfig();
    const dbArgs = db.database_url ? ['--database', db.database_url] : [];
    const secret = `rotation-secret-${'x'.repeat(40)}`;
    const base = { ...kFastAuth, ...db, secret };
    const first = await startServer({ dev: false, config: { ...base, encryption: { key: keyA } } });
    await signUp(first, 'rotate.me@example.org', { display_name: 'Rotate Me' });
    await first.stop();

    // Key B without A: the data cannot be read.
    const without = await startServer({ dev: false, config: { ...base, encryption: { key: keyB } } });
    assert.equal((await api(without, '/api/v1/auth/login', { method: 'POST', body: { email: 'rotate.me@example.org', password: kPassword } })).status, 401);
    await without.stop();

    const dataDir = first.dataDir;
    const rotate = await runDihya(['keys', 'rotate', '--signing-key', '--data-dir', dataDir, '--config', '{config}', ...dbArgs], {
        config: { ...base, encryption: { key: keyB, previous_keys: [keyA] } },
    });
    assert.equal(rotate.code, 0, rotate.stderr);
    assert.match(rotate.stdout, /re-encrypted [1-9]\d* values/);
    assert.match(rotate.stdout, /new token signing key/);

    const after = await startServer({ dev: false, config: { ...base, encryption: { key: keyB } }, args: ['--data-dir', dataDir] });
    const t = await login(after, 'rotate.me@example.org');
    const me = await api(after, '/api/v1/users/me', { token: t.access_token });
    assert.equal(me.json.email, 'rotate.me@example.org');
    assert.equal(me.json.display_name, 'Rotate Me');
    const again = await runDihya(['keys', 'rotate', '--data-dir', dataDir, '--config', '{config}', ...dbArgs], {
        config: { ...base, encryption: { key: keyB } },
    });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /re-encrypted 0 values/);
});

// `dihya audit verify` and GET /api/v1/admin/audit/verify on a real SQLite database: entries written from outside by an independent
// implementation of the chain described in docs/audit.md (lib/audit_db.py), then tampered with by hand.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { api, kFastAuth, kPassword, login, signUp } from './lib/accounts.mjs';
import { runDihya, startServer } from './lib/server.mjs';

const T = { timeout: 60_000 };
const kPython = '/usr/bin/python3';
const kEditor = path.join(path.dirname(new URL(import.meta.url).pathname), 'lib', 'audit_db.py');

/// A migrated data directory of its own, removed after the test.
async function migratedDataDir(t) {
    const dir = mkdtempSync(path.join(tmpdir(), 'dihya-audit-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const r = await runDihya(['migrate', '--data-dir', dir]);
    assert.equal(r.code, 0, `migrate failed\nstderr: ${r.stderr}`);
    return { dir, db: path.join(dir, 'dihya.db') };
}

function edit(db, command, arg) {
    return execFileSync(kPython, [kEditor, db, command, String(arg)], { encoding: 'utf8' }).trim();
}

async function verify(dir) {
    const r = await runDihya(['audit', 'verify', '--data-dir', dir]);
    assert.equal(r.timedOut, false);
    return r;
}

function assertBroken(r, needle) {
    const where = `stdout: ${r.stdout}\nstderr: ${r.stderr}`;
    assert.equal(r.code, 1, `exit code\n${where}`);
    assert.ok(r.stdout.includes(needle), `should say ${JSON.stringify(needle)}\n${where}`);
}

test('an empty log verifies', T, async (t) => {
    const { dir } = await migratedDataDir(t);
    const r = await verify(dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'audit log verified: 0 entries, head 0000000000000000\n');
});

test('appended entries verify, and the head printed is the last hash', T, async (t) => {
    const { dir, db } = await migratedDataDir(t);
    const head = edit(db, 'append', 6);
    assert.match(head, /^[0-9a-f]{64}$/);
    const r = await verify(dir);
    assert.equal(r.code, 0, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
    assert.equal(r.stdout, `audit log verified: 6 entries, head ${head.slice(0, 16)}\n`);
    // The same through --database.
    const byUrl = await runDihya(['audit', 'verify', '--database', `sqlite://${db}`]);
    assert.equal(byUrl.code, 0, byUrl.stderr);
    assert.equal(byUrl.stdout, r.stdout);
});

test('an entry edited by hand is named as modified', T, async (t) => {
    const { dir, db } = await migratedDataDir(t);
    edit(db, 'append', 6);
    assert.equal(edit(db, 'sql', `UPDATE audit_log SET details = '{"from":"user","to":"user"}' WHERE seq = 5`), '1');
    assertBroken(await verify(dir), 'entry 5: modified');
});

test('a personal field edited by hand is caught through its digest', T, async (t) => {
    const { dir, db } = await migratedDataDir(t);
    edit(db, 'append', 6);
    assert.equal(edit(db, 'sql', `UPDATE audit_log SET actor_id = 'someone-else' WHERE seq = 4`), '1');
    assertBroken(await verify(dir), 'entry 4: modified');
});

test('a deleted entry is a gap', T, async (t) => {
    const { dir, db } = await migratedDataDir(t);
    edit(db, 'append', 6);
    assert.equal(edit(db, 'sql', 'DELETE FROM audit_log WHERE seq = 3'), '1');
    assertBroken(await verify(dir), 'entry 3: missing (gap after 2)');
});

test('deleting the last entries is caught by the head', T, async (t) => {
    const { dir, db } = await migratedDataDir(t);
    edit(db, 'append', 6);
    assert.equal(edit(db, 'sql', 'DELETE FROM audit_log WHERE seq >= 5'), '2');
    assertBroken(await verify(dir), 'entry 5: tail deleted: head says 6');
});

test('a changed link is a broken chain', T, async (t) => {
    const { dir, db } = await migratedDataDir(t);
    edit(db, 'append', 6);
    edit(db, 'sql', `UPDATE audit_log SET prev_hash = '${'0'.repeat(64)}' WHERE seq = 2`);
    assertBroken(await verify(dir), 'entry 2: chain broken');
});

test('pseudonymised entries still verify; a pseudonymised mark over personal data does not', T, async (t) => {
    const { dir, db } = await migratedDataDir(t);
    edit(db, 'append', 6);
    // What erasure does to entry 2 (admin-1 changed user-1's role): pseudonyms in, ip and salt out.
    edit(db, 'sql', `UPDATE audit_log SET actor_id = 'erased-0123456789abcdef', target_id = 'erased-fedcba9876543210',
                     ip = NULL, pii_salt = NULL, pseudonymised_at = '2025-01-01T00:00:00.000Z' WHERE seq = 2`);
    const ok = await verify(dir);
    assert.equal(ok.code, 0, `stdout: ${ok.stdout}\nstderr: ${ok.stderr}`);
    edit(db, 'sql', `UPDATE audit_log SET pseudonymised_at = '2025-01-01T00:00:00.000Z' WHERE seq = 4`);
    assertBroken(await verify(dir), 'entry 4: pseudonymised but holds personal data');
});

test('no database: exit 1 and none is created', T, async (t) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dihya-audit-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const r = await verify(path.join(dir, 'data'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no database at/);
    assert.equal(existsSync(path.join(dir, 'data', 'dihya.db')), false);
});

test('bad usage exits 2', T, async () => {
    assert.equal((await runDihya(['audit'])).code, 2);
    assert.equal((await runDihya(['audit', 'check'])).code, 2);
    const r = await runDihya(['audit', 'verify', '--nope']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option --nope/);
});

test('GET /api/v1/admin/audit/verify: admins see the chain verified, then the entry edited by hand', T, async (t) => {
    const srv = await startServer({ t, config: { ...kFastAuth } });
    await signUp(srv, 'someone@example.org');
    const made = await runDihya(['user', 'create', '--email', 'chain.admin@example.org', '--role', 'admin', '--password-stdin',
        '--dev', '--data-dir', srv.dataDir], { input: `${kPassword}\n` });
    assert.equal(made.code, 0, made.stderr);
    const admin = (await login(srv, 'chain.admin@example.org')).access_token;
    const user = (await login(srv, 'someone@example.org')).access_token;

    const ok = await api(srv, '/api/v1/admin/audit/verify', { token: admin });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.ok, true, ok.text);
    assert.ok(ok.json.entries >= 3, ok.text); // registration, user creation, sign-ins
    assert.match(ok.json.head_hash, /^[0-9a-f]{64}$/);
    assert.equal(ok.json.failure, null);
    // The head is the newest entry's hash.
    const newest = await api(srv, '/api/v1/admin/audit?limit=1', { token: admin });
    assert.equal(newest.json.items[0].hash, ok.json.head_hash);

    assert.equal((await api(srv, '/api/v1/admin/audit/verify', { token: user })).status, 403);
    assert.equal((await api(srv, '/api/v1/admin/audit/verify')).status, 401);

    assert.equal(edit(path.join(srv.dataDir, 'dihya.db'), 'sql', `UPDATE audit_log SET action = 'auth.nothing' WHERE seq = 2`), '1');
    const broken = await api(srv, '/api/v1/admin/audit/verify', { token: admin });
    assert.equal(broken.status, 200, broken.text);
    assert.equal(broken.json.ok, false, broken.text);
    assert.equal(broken.json.failure.seq, 2, broken.text);
    assert.match(broken.json.failure.reason, /modified/);
    assert.equal(broken.json.entries, 1, 'the entries before it verified');
});

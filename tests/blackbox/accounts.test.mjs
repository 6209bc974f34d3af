// Accounts end to end with real clients: registration, the verification mail through a real SMTP server, sign-in,
// profile, password change and reset by mail, sessions, API keys, consents, the first admin from the CLI, the
// admin API; personal data encrypted in the database file; nothing secret or personal in the logs.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { api, kConsent, kFastAuth, kPassword, login, register, signUp } from './lib/accounts.mjs';
import { assertProblem } from './lib/http.mjs';
import { runDihya, startServer } from './lib/server.mjs';
import { startSmtp, tokenOf } from './lib/smtp.mjs';

const T = { timeout: 120_000 };
const smtp = await startSmtp();
const srv = await startServer({
    config: { ...kFastAuth, mail: { smtp_url: smtp.url, from: 'Dihya <no-reply@dihya.test>' }, public_url: 'https://dihya.test' },
});
const secrets = new Set(); // every password, token and email of the run: none may reach the logs

test('register → verification mail over SMTP → verify → sign in → profile', T, async () => {
    const email = 'ada.lovelace@example.org';
    secrets.add(email);
    secrets.add(kPassword);
    const weak = await api(srv, '/api/v1/auth/register', {
        method: 'POST',
        body: { email, password: 'password2024!', consent: kConsent },
    });
    const doc = assertProblem(weak, 400);
    assert.ok(doc.errors.some((e) => e.field === 'password'), weak.text);
    assert.ok(!weak.text.includes('password2024'), 'the password is not echoed');

    const noConsent = await api(srv, '/api/v1/auth/register', { method: 'POST', body: { email, password: kPassword } });
    assertProblem(noConsent, 400);

    const user = await register(srv, email, { display_name: 'Ada' });
    assert.equal(user.email, email);
    assert.equal(user.email_verified, false);
    // The same address again: the same answer as for a new one (no account enumeration); the owner is mailed.
    const again = await api(srv, '/api/v1/auth/register', { method: 'POST', body: { email: 'ADA.lovelace@example.org', password: kPassword, consent: kConsent, display_name: 'Ada' } });
    assert.equal(again.status, 201, again.text);
    assert.deepEqual(Object.keys(again.json).sort(), Object.keys(user).sort());
    assert.equal(again.json.email, email);
    assert.equal(again.json.email_verified, false);
    assert.notEqual(again.json.id, user.id);
    const exists = await smtp.waitFor((m) => m.to === email && /already have an account/i.test(m.subject));
    assert.match(exists.text, /https:\/\/dihya\.test\/account\/reset#token=/);
    assert.ok(!exists.text.includes(kPassword));

    const mail = await smtp.waitFor((m) => m.to === email && /confirm/i.test(m.subject));
    assert.equal(mail.from, 'no-reply@dihya.test');
    assert.match(mail.text, /https:\/\/dihya\.test\/account\/verify#token=/);
    const token = tokenOf(mail);
    secrets.add(token);
    assertProblem(await api(srv, '/api/v1/auth/verify-email', { method: 'POST', body: { token: 'nope' } }), 400);
    assert.equal((await api(srv, '/api/v1/auth/verify-email', { method: 'POST', body: { token } })).status, 204);
    assertProblem(await api(srv, '/api/v1/auth/verify-email', { method: 'POST', body: { token } }), 400);

    const tokens = await login(srv, 'Ada.Lovelace@Example.org');
    secrets.add(tokens.access_token);
    secrets.add(tokens.refresh_token);
    assert.equal(tokens.token_type, 'Bearer');
    assert.ok(tokens.expires_in > 0 && tokens.refresh_expires_in > tokens.expires_in);
    const me = await api(srv, '/api/v1/users/me', { token: tokens.access_token });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.json.email_verified, true);
    assert.equal(me.json.display_name, 'Ada');
    assert.equal(me.headers.get('cache-control'), 'no-store');

    const patched = await api(srv, '/api/v1/users/me', {
        method: 'PATCH',
        token: tokens.access_token,
        body: { display_name: 'Ada L.', locale: 'fr', avatar_url: 'https://img.example.org/a.png' },
    });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.json.locale, 'fr');
    const cleared = await api(srv, '/api/v1/users/me', { method: 'PATCH', token: tokens.access_token, body: { display_name: null } });
    assert.equal(cleared.json.display_name, undefined);
    assertProblem(await api(srv, '/api/v1/users/me', { method: 'PATCH', token: tokens.access_token, body: { role: 'admin' } }), 400);
    assertProblem(await api(srv, '/api/v1/users/me', { method: 'PATCH', token: tokens.access_token, body: { avatar_url: 'javascript:x' } }), 400);
});

test('display names refuse line breaks, control and bidi-override characters; mails carry one plain line', T, async () => {
    const email = 'mallory.names@example.org';
    secrets.add(email);
    const hostile = [
        'Eve\r\n\r\nClick https://evil.example/login to keep your account',
        'Eve\nBcc: victim@example.org',
        'Eve\u0000',
        'Eve \u202Egnp.exe',
        'Eve\u2066x\u2069',
        'Eve\u2028next line',
        '\u200B',
        '   ',
    ];
    for (const display_name of hostile) {
        const r = await api(srv, '/api/v1/auth/register', {
            method: 'POST',
            body: { email, password: kPassword, consent: kConsent, display_name },
        });
        const doc = assertProblem(r, 400);
        assert.ok(doc.errors.some((e) => e.field === 'display_name'), r.text);
        assert.ok(!r.text.includes('evil.example') && !r.text.includes('gnp'), 'the refused text is not echoed');
    }
    // Arabic with its marks, accents and emoji with joiners are names.
    const fine = await register(srv, email, { display_name: 'مريم \u200F Zoë 👩\u200D💻' });
    assert.equal(fine.display_name, 'مريم \u200F Zoë 👩\u200D💻');
    const mail = await smtp.waitFor((m) => m.to === email && /confirm/i.test(m.subject));
    assert.ok(mail.text.split('\n')[0].includes('مريم'), mail.text);
    assert.equal((await api(srv, '/api/v1/auth/verify-email', { method: 'POST', body: { token: tokenOf(mail) } })).status, 204);
    const tokens = await login(srv, email);
    secrets.add(tokens.access_token);
    for (const display_name of hostile) {
        const r = await api(srv, '/api/v1/users/me', { method: 'PATCH', token: tokens.access_token, body: { display_name } });
        assertProblem(r, 400);
    }
    const me = await api(srv, '/api/v1/users/me', { token: tokens.access_token });
    assert.equal(me.json.display_name, 'مريم \u200F Zoë 👩\u200D💻');
});

test('password change ends the other sessions; reset by mail ends them all', T, async () => {
    const email = 'grace@example.org';
    secrets.add(email);
    const { token } = await signUp(srv, email);
    const other = await login(srv, email);
    secrets.add(token);
    secrets.add(other.access_token);
    const wrong = await api(srv, '/api/v1/users/me/password', {
        method: 'POST',
        token,
        body: { current_password: 'not the password at all', new_password: 'an entirely new passphrase' },
    });
    assertProblem(wrong, 403);
    const changed = await api(srv, '/api/v1/users/me/password', {
        method: 'POST',
        token,
        body: { current_password: kPassword, new_password: 'an entirely new passphrase' },
    });
    assert.equal(changed.status, 204, changed.text);
    secrets.add('an entirely new passphrase');
    assert.equal((await api(srv, '/api/v1/users/me', { token })).status, 200, 'this session stays');
    assertProblem(await api(srv, '/api/v1/users/me', { token: other.access_token }), 401);
    const sessions = await api(srv, '/api/v1/users/me/sessions', { token });
    assert.equal(sessions.json.items.filter((s) => !s.revoked_at).length, 1);
    assert.ok(sessions.json.items.find((s) => s.current));

    // Reset: same answer whether or not the account exists; the link comes by mail.
    assert.equal((await api(srv, '/api/v1/auth/password-reset', { method: 'POST', body: { email: 'nobody@example.org' } })).status, 202);
    assert.equal((await api(srv, '/api/v1/auth/password-reset', { method: 'POST', body: { email } })).status, 202);
    const mail = await smtp.waitFor((m) => m.to === email && /reset/i.test(m.subject));
    const resetToken = tokenOf(mail);
    secrets.add(resetToken);
    assert.match(mail.text, /\/account\/reset#token=/);
    assertProblem(await api(srv, '/api/v1/auth/password-reset/confirm', { method: 'POST', body: { token: resetToken, new_password: 'qwertyuiop12' } }), 400);
    const done = await api(srv, '/api/v1/auth/password-reset/confirm', { method: 'POST', body: { token: resetToken, new_password: 'the third passphrase now' } });
    assert.equal(done.status, 204, done.text);
    secrets.add('the third passphrase now');
    assertProblem(await api(srv, '/api/v1/users/me', { token }), 401);
    assertProblem(await api(srv, '/api/v1/auth/password-reset/confirm', { method: 'POST', body: { token: resetToken, new_password: 'a fourth passphrase now' } }), 400);
    await login(srv, email, 'the third passphrase now');
    assert.ok(!smtp.messages.some((m) => m.to === 'nobody@example.org'), 'no mail for unknown addresses');
});

test('mails follow the account locale (French, Arabic)', T, async () => {
    for (const [email, locale, pattern] of [['fr@example.org', 'fr', /Confirmez/], ['ar@example.org', 'ar', /تأكيد/]]) {
        secrets.add(email);
        const r = await api(srv, '/api/v1/auth/register', { method: 'POST', body: { email, password: kPassword, locale, consent: kConsent } });
        assert.equal(r.status, 201, r.text);
        const mail = await smtp.waitFor((m) => m.to === email);
        assert.match(mail.subject, pattern);
    }
});

test('API keys: shown once, scoped, revocable; consents recorded', T, async () => {
    const email = 'ci-bot@example.org';
    secrets.add(email);
    const { token } = await signUp(srv, email);
    assertProblem(await api(srv, '/api/v1/users/me/api-keys', { method: 'POST', token, body: { name: 'ci', scopes: ['users:manage'] } }), 403);
    assertProblem(await api(srv, '/api/v1/users/me/api-keys', { method: 'POST', token, body: { name: 'ci', scopes: ['nope'] } }), 400);
    const created = await api(srv, '/api/v1/users/me/api-keys', { method: 'POST', token, body: { name: 'ci', scopes: ['account:read'], expires_in_days: 30 } });
    assert.equal(created.status, 201, created.text);
    const key = created.json.key;
    secrets.add(key);
    assert.match(key, /^dih_/);
    const viaKey = await api(srv, '/api/v1/users/me', { token: key });
    assert.equal(viaKey.status, 200, viaKey.text);
    assert.equal(viaKey.json.email, email);
    assertProblem(await api(srv, '/api/v1/users/me', { method: 'PATCH', token: key, body: { locale: 'ar' } }), 403);
    const listed = await api(srv, '/api/v1/users/me/api-keys', { token });
    assert.equal(listed.json.items.length, 1);
    assert.ok(!listed.text.includes(key), 'the key itself is never listed');
    assert.equal((await api(srv, `/api/v1/users/me/api-keys/${created.json.api_key.id}`, { method: 'DELETE', token })).status, 204);
    assertProblem(await api(srv, '/api/v1/users/me', { token: key }), 401);

    assert.equal((await api(srv, '/api/v1/users/me/consents', { method: 'POST', token, body: { policy_version: '1', accepted: ['terms'] } })).status, 201);
    const consents = await api(srv, '/api/v1/users/me/consents', { token });
    assert.deepEqual(consents.json.items.map((c) => c.accepted), [['terms'], ['terms', 'privacy']]);
});

test('the first admin comes from the CLI; the admin API lists, searches, changes roles and disables', T, async () => {
    const email = 'root@example.org';
    secrets.add(email);
    const made = await runDihya(['user', 'create', '--email', email, '--role', 'admin', '--password-stdin', '--dev', '--data-dir', srv.dataDir], { input: `${kPassword}\n` });
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, /^created admin [0-9a-f-]{36}/);
    const onArgv = await runDihya(['user', 'create', '--email', 'x@example.org', '--role', 'admin', '--dev', '--data-dir', srv.dataDir]);
    assert.equal(onArgv.code, 2);
    assert.match(onArgv.stderr, /password-stdin/);

    const admin = (await login(srv, email)).access_token;
    const { token: userToken, user } = await signUp(srv, 'plain.user@example.org', { display_name: 'Plain User' });
    secrets.add('plain.user@example.org');
    assertProblem(await api(srv, '/api/v1/admin/users', { token: userToken }), 403);
    assertProblem(await api(srv, '/api/v1/admin/users'), 401);

    const seen = [];
    let cursor = '';
    for (let i = 0; i < 20; i++) {
        const page = await api(srv, `/api/v1/admin/users?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token: admin });
        assert.equal(page.status, 200, page.text);
        assert.ok(page.json.items.length <= 2);
        seen.push(...page.json.items.map((u) => u.id));
        if (!page.json.next_cursor) break;
        cursor = page.json.next_cursor;
    }
    assert.equal(new Set(seen).size, seen.length, 'no account twice across pages');
    assert.ok(seen.includes(user.id));
    const found = await api(srv, `/api/v1/admin/users?q=${encodeURIComponent('PLAIN.user@example.org')}`, { token: admin });
    assert.deepEqual(found.json.items.map((u) => u.id), [user.id]);
    const byName = await api(srv, '/api/v1/admin/users?q=plain%20us', { token: admin });
    assert.deepEqual(byName.json.items.map((u) => u.id), [user.id]);

    const me = await api(srv, '/api/v1/users/me', { token: admin });
    assertProblem(await api(srv, `/api/v1/admin/users/${me.json.id}`, { method: 'PATCH', token: admin, body: { role: 'user' } }), 409);
    const promoted = await api(srv, `/api/v1/admin/users/${user.id}`, { method: 'PATCH', token: admin, body: { role: 'guest' } });
    assert.equal(promoted.json.role, 'guest');
    assertProblem(await api(srv, '/api/v1/users/me/api-keys', { token: userToken }), 403); // the new role applies at once
    const disabled = await api(srv, `/api/v1/admin/users/${user.id}`, { method: 'PATCH', token: admin, body: { disabled: true } });
    assert.equal(disabled.json.disabled, true);
    assertProblem(await api(srv, '/api/v1/users/me', { token: userToken }), 401);
    assertProblem(await api(srv, '/api/v1/auth/login', { method: 'POST', body: { email: 'plain.user@example.org', password: kPassword } }), 403);
    assertProblem(await api(srv, `/api/v1/admin/users/${user.id}`, { method: 'PATCH', token: admin, body: { role: 'king' } }), 400);
});

test('the database file holds no plaintext email or display name', T, async () => {
    const email = 'secret.person@example.org';
    await register(srv, email, { display_name: 'Zebulon Quartz' });
    const files = readdirSync(srv.dataDir).filter((f) => f.startsWith('dihya.db'));
    assert.ok(files.length >= 1, `no database files in ${srv.dataDir}`);
    for (const f of files) {
        const bytes = readFileSync(path.join(srv.dataDir, f));
        for (const needle of [email, 'secret.person', 'Zebulon', 'ada.lovelace@example.org']) {
            assert.equal(bytes.indexOf(Buffer.from(needle)), -1, `${needle} found in ${f}`);
        }
    }
});

test('no password, token or email appears in the logs of the run', T, async () => {
    const logs = srv.logs() + srv.stdout();
    for (const s of secrets) assert.ok(!logs.includes(s), `the log contains a secret or an email (${s.slice(0, 6)}…)`);
    assert.ok(srv.records().some((r) => r.msg === 'mail sent' && r.kind === 'verify_email'));
});

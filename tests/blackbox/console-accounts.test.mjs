// The web console's account flows in headless Chromium against the real server, end to end: sign-up with consent
// and the confirmation mail (received by a real SMTP server, lib/smtp.mjs) opened in the browser; a forgotten
// password reset through the mailed link, then the new password accepted and the old one refused; sign-in with an
// OpenID Connect provider through the console's button (lib/oauth-provider.mjs, a local provider speaking the real
// protocol; the server's own code path), landing signed in through /signed-in; the sessions list (a second
// sign-in listed, then ended from the console); account erasure from the privacy page. axe-core (web/console's
// devDependency) checks every page state reached: no serious or critical violation.
//
// The server listens on a port chosen here and is told that address as its public_url, as a deployment is: the
// mailed links and the OAuth redirect URI then point at the server the browser is talking to.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';

import { api, kFastAuth, login, register } from './lib/accounts.mjs';
import { checkA11y, openBrowser, withBrowser } from './lib/browser.mjs';
import { startProvider } from './lib/oauth-provider.mjs';
import { repoRoot, startServer } from './lib/server.mjs';
import { startSmtp, tokenOf } from './lib/smtp.mjs';

const T = { timeout: 120_000 };

// The console's folder: DIHYA_WEB_DIR when given, else the source tree's web/ (ctest sets DIHYA_SOURCE_DIR). The
// server is told it in its configuration (the runner's DIHYA_* variables do not reach the server).
const webDir = process.env.DIHYA_WEB_DIR ?? path.join(process.env.DIHYA_SOURCE_DIR ?? repoRoot, 'web');
const dist = path.join(webDir, 'console', 'dist', 'index.html');
assert.ok(existsSync(dist), `the console is not built (${dist}): run \`make build\` or scripts/build-console`);

const kSecret = 'console-client-secret-' + crypto.randomBytes(8).toString('hex');
const kPassword = 'violet tapestry under rain';

const smtp = await startSmtp();
const clients = [{ id: 'dihya-console', secret: kSecret, redirectUris: [] }];
const idp = await startProvider({ clients });

async function freePort() {
    const s = net.createServer();
    await new Promise((resolve) => s.listen(0, '127.0.0.1', resolve));
    const { port } = s.address();
    await new Promise((resolve) => s.close(resolve));
    return port;
}

/// The server on a port known before it starts (its public_url names it); another port if that one was taken
/// meanwhile.
async function startOnKnownPort() {
    for (let attempt = 1; ; attempt++) {
        const port = await freePort();
        const publicUrl = `http://127.0.0.1:${port}`;
        clients[0].redirectUris = [`${publicUrl}/api/v1/auth/oauth/mock/callback`];
        try {
            return await startServer({
                args: ['--listen', `127.0.0.1:${port}`],
                config: {
                    ...kFastAuth,
                    web_dir: webDir,
                    public_url: publicUrl,
                    mail: { smtp_url: smtp.url },
                    oauth: { mock: { kind: 'oidc', title: 'Mock ID', client_id: 'dihya-console', client_secret: kSecret, issuer: idp.url } },
                },
            });
        } catch (err) {
            if (attempt >= 3 || !/in use/i.test(err.message)) throw err;
        }
    }
}

const srv = await startOnKnownPort();

function address(tag) {
    return `${tag}-${crypto.randomBytes(4).toString('hex')}@example.org`;
}

async function goto(page, pathname, ready) {
    await page.goto(`${srv.url}${pathname}`);
    await page.waitForSelector(ready);
}

/// The mailed link of `kind` (verify, reset) in `msg`, on the server under test.
function linkOf(msg, kind) {
    const m = new RegExp(`${srv.url.replace(/[.]/g, '\\.')}/account/${kind}#token=[A-Za-z0-9_-]+`).exec(msg.text);
    assert.ok(m, `a ${kind} link to ${srv.url} in the mail:\n${msg.text}`);
    return m[0];
}

/// Signs in on the console's sign-in page and waits until the console shows the account.
async function signIn(page, email, password, { returnTo } = {}) {
    await goto(page, returnTo ? `/sign-in?return_to=${encodeURIComponent(returnTo)}` : '/sign-in', '#signin-email');
    await page.fill('#signin-email', email);
    await page.fill('#signin-password', password);
    await page.click('form button[type=submit]');
    await page.waitForSelector('nav a[href="/settings/profile"]');
}

/// The rows of the sessions table on the security page.
const sessionRows = (page) => page.locator('section[aria-labelledby="sessions-title"] tbody tr');

/// Signs in with the console's form and expects the refusal that does not say which of the two was wrong.
async function expectSignInRefused(page, email, password) {
    await goto(page, '/sign-in', '#signin-email');
    await page.fill('#signin-email', email);
    await page.fill('#signin-password', password);
    await page.click('form button[type=submit]');
    await page.waitForSelector('.note.error[role=alert]');
    assert.equal(await page.textContent('.note.error[role=alert]'), 'Wrong email or password.');
}

test('sign-up with consent → the confirmation mail → its link confirms the address → the profile says so (French)', T, async () => {
    const email = address('sign-up');
    await withBrowser(srv.port, { locale: 'fr-FR' }, async (page) => {
        await goto(page, '/sign-up', '#email');
        await page.fill('#email', email);
        await page.fill('#display_name', 'Amel');
        await page.fill('#password', kPassword);
        await page.fill('#again', kPassword);
        await page.getByLabel(/conditions d’utilisation/).check();
        await page.getByLabel(/politique de confidentialité/).check();
        await page.click('button[type=submit]');
        await page.waitForURL(/\/sign-in\?registered=1/);
        await checkA11y(page, 'signed up');

        // The mail, in the language the console was used in, with a link to the server's confirmation page.
        const mail = await smtp.waitFor((m) => m.to === email);
        assert.equal(mail.subject, 'Confirmez votre adresse e-mail');
        const link = linkOf(mail, 'verify');

        // Signed in before confirming: the profile says the address is not confirmed yet.
        await page.fill('#signin-password', kPassword);
        await page.click('form button[type=submit]');
        await page.waitForSelector('nav a[href="/settings/profile"]');
        await goto(page, '/settings/profile', '#profile-name');
        await page.waitForSelector('#email-title ~ p .badge-warn');
        assert.equal(await page.textContent('#email-title ~ p .badge-warn'), 'non confirmée');
        await checkA11y(page, 'profile, unconfirmed');

        // The link, opened in another tab (as from a mail client): the address is confirmed.
        const mailTab = await page.context().newPage();
        await mailTab.goto(link);
        await mailTab.waitForSelector('#status.ok');
        assert.match(await mailTab.textContent('#status'), /adresse e-mail est confirmée/);
        assert.equal(new URL(mailTab.url()).hash, '', 'the token left the address bar');
        await checkA11y(mailTab, 'confirmation page');
        await mailTab.close();

        // Back in the console's tab, the profile opened again says it.
        await page.bringToFront();
        await page.getByRole('link', { name: 'Sécurité' }).click();
        await page.waitForSelector('#sessions-title');
        await page.getByRole('link', { name: 'Profil' }).click();
        await page.waitForSelector('#email-title ~ p .badge-ok');
        assert.equal(await page.textContent('#email-title ~ p .badge-ok'), 'confirmée');
        assert.equal(await page.getByRole('button', { name: 'M’envoyer un nouveau lien de confirmation' }).count(), 0);
        await checkA11y(page, 'profile, confirmed');

        const t = await login(srv, email, kPassword);
        const me = (await api(srv, '/api/v1/users/me', { token: t.access_token })).json;
        assert.equal(me.email_verified, true);
        assert.equal(me.locale, 'fr');
    });
});

test('forgot password → the reset mail → a new password set on the linked page → the console takes the new one, refuses the old', T, async () => {
    const email = address('forgot');
    await register(srv, email);
    await withBrowser(srv.port, { locale: 'en-US' }, async (page) => {
        await goto(page, '/sign-in', '#signin-email');
        await page.getByRole('link', { name: 'Forgot your password?' }).click();
        await page.waitForSelector('#forgot-email');
        assert.equal(new URL(page.url()).pathname, '/forgot-password');
        await checkA11y(page, 'forgot password');
        await page.fill('#forgot-email', email);
        await page.getByRole('button', { name: 'Mail me a link' }).click();
        await page.waitForSelector('.status.ok');
        assert.match(await page.textContent('.status.ok'), /a link was mailed/);
        await checkA11y(page, 'forgot password, sent');

        const mail = await smtp.waitFor((m) => m.to === email && m.text.includes('/account/reset#token='));
        await page.goto(linkOf(mail, 'reset'));
        await page.waitForSelector('#password');
        await checkA11y(page, 'reset page');
        const kNew = 'copper lanterns along the quay';
        await page.fill('#password', kNew);
        await page.fill('#again', kNew);
        await page.click('button[type=submit]');
        await page.waitForSelector('#status.ok');
        assert.match(await page.textContent('#status'), /password is changed/);
        await checkA11y(page, 'reset page, done');

        // The old password, refused with words that say why.
        await expectSignInRefused(page, email, kPassword);
        assert.equal(new URL(page.url()).pathname, '/sign-in');
        await checkA11y(page, 'sign-in, old password refused');

        // The new one works.
        await page.fill('#signin-password', kNew);
        await page.click('form button[type=submit]');
        await page.waitForSelector('nav a[href="/settings/profile"]');
        assert.equal(await page.textContent('nav a[href="/settings/profile"]'), email);
    });
});

test('sign-in with an OpenID Connect provider through the console’s button lands signed in; a refusal is said', T, async () => {
    const email = address('oidc');
    idp.user = { sub: 'sub-' + crypto.randomBytes(6).toString('hex'), email, email_verified: true, name: 'Oda Provider' };
    const b = await openBrowser(srv.port, { locale: 'en-US', allow: [idp.url] });
    const { page } = b;
    const navigations = [];
    page.on('request', (r) => {
        if (r.isNavigationRequest() && r.frame() === page.mainFrame()) navigations.push(new URL(r.url()));
    });
    try {
        // The person says no at the provider: back on /signed-in, the reason is said, with the way back.
        idp.mode = 'deny';
        await goto(page, '/sign-in', '#signin-email');
        await page.getByRole('link', { name: 'Sign in with Mock ID' }).click();
        await page.waitForSelector('.note.error[role=alert]');
        assert.equal(new URL(page.url()).pathname, '/signed-in');
        assert.equal(new URL(page.url()).hash, '');
        assert.match(await page.textContent('.note.error[role=alert]'), /did not authorize the sign-in \(access_denied\)/);
        assert.equal(await page.locator('nav a[href="/settings/profile"]').count(), 0);
        await checkA11y(page, 'provider sign-in refused');
        navigations.length = 0;

        // Sent to sign in from a page that needs an account, asking to stay signed in; the provider's button
        // brings the person back there.
        await page.goto(`${srv.url}/settings/profile`);
        await page.waitForURL((u) => u.pathname === '/sign-in');
        const button = page.getByRole('link', { name: 'Sign in with Mock ID' });
        await button.waitFor();
        await page.getByLabel('Keep me signed in on this browser').check();
        await checkA11y(page, 'sign-in with providers');
        await button.click();
        await page.waitForURL((u) => u.pathname === '/settings/profile');
        await page.waitForSelector('#profile-name');
        assert.equal(await page.textContent('nav a[href="/settings/profile"]'), 'Oda Provider');
        assert.equal(await page.inputValue('#profile-name'), 'Oda Provider');
        assert.equal(await page.textContent('#email-title ~ p .badge-ok'), 'confirmed');
        assert.equal(new URL(page.url()).hash, '', 'no token left in the address');
        await checkA11y(page, 'signed in with the provider');

        // The way it went: the server's start, the provider (PKCE S256), the server's callback, /signed-in.
        const paths = navigations.map((u) => `${u.origin === idp.url ? 'provider' : 'server'} ${u.pathname}`);
        assert.deepEqual(paths.slice(0, 5), ['server /settings/profile', 'server /api/v1/auth/oauth/mock/start', 'provider /authorize', 'server /api/v1/auth/oauth/mock/callback', 'server /signed-in']);
        const authorize = navigations.find((u) => u.origin === idp.url);
        assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
        assert.equal(authorize.searchParams.get('redirect_uri'), `${srv.url}/api/v1/auth/oauth/mock/callback`);
        const call = idp.tokenCalls.at(-1);
        assert.deepEqual([call.pkce, call.ok], ['ok', true]);

        // "Keep me signed in" held across the trip: the refresh token is in localStorage, and a reload (which
        // forgets the access token, kept in memory only) stays signed in with it.
        const kept = await page.evaluate(() => [sessionStorage.getItem('dihya.refresh'), localStorage.getItem('dihya.refresh')]);
        assert.equal(kept[0], null);
        assert.ok(kept[1]);
        await page.reload();
        await page.waitForSelector('#profile-name');
        assert.equal(await page.textContent('nav a[href="/settings/profile"]'), 'Oda Provider');
        const rotated = await page.evaluate(() => localStorage.getItem('dihya.refresh'));
        assert.ok(rotated && rotated !== kept[1], 'the reload refreshed the session (the token rotated)');

        // Its session, listed as started with the provider; no password to change.
        await page.getByRole('link', { name: 'Security' }).click();
        // The row first names the provider by its id, then by its display name once the providers are read.
        await sessionRows(page).first().locator('td').first().filter({ hasText: /^Via Mock ID this one$/ }).waitFor();
        assert.match(await sessionRows(page).first().locator('td').first().textContent(), /^Via Mock ID this one$/);
        assert.equal(await page.locator('#current-password').count(), 0);
        await checkA11y(page, 'security, provider session');

        // An account without a password erases itself from the privacy page on the strength of the fresh sign-in.
        await page.getByRole('link', { name: 'Privacy and data' }).click();
        await page.waitForSelector('.danger-zone .hint');
        assert.equal(await page.locator('#erase-password').count(), 0);
        await checkA11y(page, 'privacy without a password');
        await page.getByLabel(/erases my account for good/).check();
        await page.getByRole('button', { name: 'Erase my account' }).click();
        await page.waitForURL((u) => u.pathname === '/' && u.search === '?erased=1');
        await page.waitForSelector('nav a[href^="/sign-in"]');
        const after = await api(srv, '/api/v1/auth/refresh', { method: 'POST', body: { refresh_token: rotated } });
        assert.equal(after.status, 401, after.text);
        assert.equal(await page.evaluate(() => localStorage.getItem('dihya.refresh')), null);
        assert.deepEqual(b.problems, []);
        assert.deepEqual(b.foreign, []);
    } finally {
        await b.close();
    }
});

test('sessions: a second sign-in is listed, and ending it from the console ends it; ending this one signs out', T, async () => {
    const email = address('sessions');
    await register(srv, email);
    await withBrowser(srv.port, { locale: 'en-US' }, async (page) => {
        await signIn(page, email, kPassword, { returnTo: '/settings/security' });
        await page.waitForURL((u) => u.pathname === '/settings/security');
        await sessionRows(page).first().waitFor();
        assert.equal(await sessionRows(page).count(), 1);
        assert.match(await sessionRows(page).first().textContent(), /this one/);

        // Elsewhere, a second sign-in: listed when the page opens again.
        const other = await login(srv, email, kPassword);
        await goto(page, '/settings/profile', '#profile-name');
        await page.getByRole('link', { name: 'Security' }).click();
        await page.waitForFunction(() => document.querySelectorAll('section[aria-labelledby="sessions-title"] tbody tr').length === 2);
        const kinds = await sessionRows(page).evaluateAll((rows) => rows.map((r) => r.querySelector('td').textContent.trim()).sort());
        assert.deepEqual(kinds, ['Password', 'Password this one']);
        await checkA11y(page, 'security, two sessions');

        // Ended from the console: gone from the list, and its refresh token is refused.
        const otherRow = sessionRows(page).filter({ hasNotText: 'this one' });
        await otherRow.getByRole('button', { name: 'End', exact: true }).click();
        await page.waitForFunction(() => document.querySelectorAll('section[aria-labelledby="sessions-title"] tbody tr').length === 1);
        assert.match(await sessionRows(page).first().textContent(), /this one/);
        const refused = await api(srv, '/api/v1/auth/refresh', { method: 'POST', body: { refresh_token: other.refresh_token } });
        assert.equal(refused.status, 401, refused.text);
        await checkA11y(page, 'security, one ended');

        // Ending this one signs out.
        await sessionRows(page).first().getByRole('button', { name: 'End (sign out)' }).click();
        await page.waitForURL((u) => u.pathname === '/sign-in');
        await page.waitForSelector('nav a[href^="/sign-in"]');
        assert.equal(await page.evaluate(() => sessionStorage.getItem('dihya.refresh') ?? localStorage.getItem('dihya.refresh')), null);
    });
});

test('erasure from the privacy page: the password confirms it, then signed out and the account is gone', T, async () => {
    const email = address('erase');
    await register(srv, email);
    await withBrowser(srv.port, { locale: 'en-US' }, async (page) => {
        await signIn(page, email, kPassword, { returnTo: '/settings/privacy' });
        await page.waitForURL((u) => u.pathname === '/settings/privacy');
        await page.waitForSelector('#erase-password');
        await checkA11y(page, 'privacy');

        const erase = page.getByRole('button', { name: 'Erase my account' });
        // Not ticked: said, nothing erased.
        await page.fill('#erase-password', kPassword);
        await erase.click();
        await page.waitForSelector('.danger-zone .note.error');
        assert.equal(await page.textContent('.danger-zone .note.error'), 'Tick the box to confirm.');
        // A wrong password: said, nothing erased.
        await page.getByLabel(/erases my account for good/).check();
        await page.fill('#erase-password', 'not my password at all');
        await erase.click();
        await page.waitForFunction(() => document.querySelector('.danger-zone .note.error')?.textContent === 'Wrong password.');
        await checkA11y(page, 'privacy, wrong password');
        assert.equal((await api(srv, '/api/v1/auth/login', { method: 'POST', body: { email, password: kPassword } })).status, 200);

        await page.fill('#erase-password', kPassword);
        await erase.click();
        await page.waitForURL((u) => u.pathname === '/' && u.search === '?erased=1');
        await page.waitForSelector('text=Your account and its data were erased.');
        await page.waitForSelector('nav a[href^="/sign-in"]');
        assert.equal(await page.locator('nav a[href="/settings/profile"]').count(), 0);
        assert.equal(await page.evaluate(() => sessionStorage.getItem('dihya.refresh') ?? localStorage.getItem('dihya.refresh')), null);
        await checkA11y(page, 'erased');

        // Signing in again fails, in the console and over the API.
        await expectSignInRefused(page, email, kPassword);
        assert.equal((await api(srv, '/api/v1/auth/login', { method: 'POST', body: { email, password: kPassword } })).status, 401);
    });
});

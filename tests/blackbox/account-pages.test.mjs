// The pages the mailed links open, in headless Chromium: the token travels in the URL fragment (never sent to the
// server), the page posts it to the API; the confirmation and the new password take effect; texts follow the
// browser's language, Arabic right-to-left; strict CSP holds (no inline script).

import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';

import { api, kFastAuth, login, register } from './lib/accounts.mjs';
import { openBrowser } from './lib/browser.mjs';
import { startServer } from './lib/server.mjs';
import { startSmtp, tokenOf } from './lib/smtp.mjs';

const T = { timeout: 120_000 };
const smtp = await startSmtp();
const srv = await startServer({ config: { ...kFastAuth, mail: { smtp_url: smtp.url }, public_url: 'https://dihya.test' } });

/// The mailed link, pointed at the server under test.
function local(link) {
    const u = new URL(link);
    return `${srv.url}${u.pathname}${u.hash}`;
}

function linkOf(msg) {
    const m = /https:\/\/dihya\.test\/account\/[a-z]+#token=[A-Za-z0-9_-]+/.exec(msg.text);
    assert.ok(m, msg.text);
    return local(m[0]);
}

test('the confirmation link confirms the address in a browser', T, async () => {
    await register(srv, 'pages-verify@example.org');
    const mail = await smtp.waitFor((m) => m.to === 'pages-verify@example.org');
    const b = await openBrowser(srv.port);
    try {
        const seen = [];
        b.page.on('request', (r) => seen.push(r.url()));
        await b.page.goto(linkOf(mail));
        await b.page.waitForSelector('#status.ok', { timeout: 15_000 });
        assert.match(await b.page.textContent('#status'), /confirmed/);
        assert.equal(new URL(b.page.url()).hash, '', 'the token is removed from the address bar');
        assert.ok(!seen.some((u) => u.includes(tokenOf(mail)) && !u.includes('#')), 'the token never goes in a URL sent to the server');
        assert.deepEqual(b.problems, []);
        assert.deepEqual(b.foreign, []);
    } finally {
        await b.close();
    }
    const t = await login(srv, 'pages-verify@example.org');
    assert.equal((await api(srv, '/api/v1/users/me', { token: t.access_token })).json.email_verified, true);
    assert.ok(!srv.logs().includes(tokenOf(mail)), 'the token is in no log');
});

test('the reset link sets a new password (French browser), and refuses a weak one', T, async () => {
    await register(srv, 'pages-reset@example.org');
    assert.equal((await api(srv, '/api/v1/auth/password-reset', { method: 'POST', body: { email: 'pages-reset@example.org' } })).status, 202);
    const mail = await smtp.waitFor((m) => m.to === 'pages-reset@example.org' && /reset/i.test(m.subject));
    const b = await openBrowser(srv.port, { locale: 'fr-FR' });
    try {
        await b.page.goto(linkOf(mail));
        assert.match(await b.page.textContent('h1'), /nouveau mot de passe/);
        await b.page.fill('#password', 'azertyuiop123');
        await b.page.fill('#again', 'azertyuiop123');
        await b.page.click('button[type=submit]');
        await b.page.waitForSelector('#status.error');
        assert.match(await b.page.textContent('#status'), /too common/);
        await b.page.fill('#password', 'les pommes vertes du verger');
        await b.page.fill('#again', 'les pommes vertes du verger');
        await b.page.click('button[type=submit]');
        await b.page.waitForSelector('#status.ok');
        assert.match(await b.page.textContent('#status'), /changé/);
        assert.deepEqual(b.problems, []);
    } finally {
        await b.close();
    }
    await login(srv, 'pages-reset@example.org', 'les pommes vertes du verger');
});

test('Arabic browsers get the page right to left; a link without a token says so', T, async () => {
    const b = await openBrowser(srv.port, { locale: 'ar' });
    try {
        await b.page.goto(`${srv.url}/account/verify`);
        assert.equal(await b.page.getAttribute('html', 'dir'), 'rtl');
        await b.page.waitForSelector('#status.error');
        assert.match(await b.page.textContent('#status'), /غير مكتمل/);
    } finally {
        await b.close();
    }
    const page = await fetch(`${srv.url}/account/reset`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy'), /script-src 'self'/);
    assert.doesNotMatch(page.headers.get('content-security-policy'), /unsafe-inline/);
    // A traversal sent as is (fetch would resolve the dots first) reaches no file outside the pages' folder.
    const raw = await new Promise((resolve, reject) => {
        const { hostname, port } = new URL(srv.url);
        http.get({ hostname, port, path: '/account/../../etc/passwd' }, (res) => {
            let body = '';
            res.on('data', (c) => { body += c; });
            res.on('end', () => resolve({ status: res.statusCode, body }));
        }).on('error', reject);
    });
    assert.doesNotMatch(raw.body, /root:/);
    assert.notEqual(raw.status, 200);
    assert.equal((await fetch(`${srv.url}/account/verify.html`)).status, 404);
});

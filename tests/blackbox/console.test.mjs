// The web console (web/console, served at /) in headless Chromium against the real server: a French free-text
// specification is analysed, its model edited (a field renamed, an enum value added, a server-side error shown
// beside its field and fixed), generated with a Flask back end, a file previewed, the zip downloaded and unzipped,
// and the generated project's own pytest suite passes; the project is edited and generated again and the changed
// files are listed; accounts (sign-up with consent, API key, GDPR export); the admin pages; an Arabic run (rtl),
// the language switcher, ?lang= and a phone-sized screen. axe-core (web/console's devDependencies) checks every
// page: no serious or critical violation. Screenshots are kept under DIHYA_ARTIFACTS_DIR (default: beside the
// binary, <build>/test-artifacts/console); the path is printed.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

import { api, kFastAuth, login } from './lib/accounts.mjs';
import { checkA11y, openBrowser, withBrowser } from './lib/browser.mjs';
import { python } from './lib/python.mjs';
import { dihyaBin, repoRoot, runDihya, startServer } from './lib/server.mjs';

const run = promisify(execFile);
const T = { timeout: 600_000 };

const webDir = path.join(repoRoot, 'web');
const dist = path.join(webDir, 'console', 'dist', 'index.html');
assert.ok(existsSync(dist), `the console is not built (${dist}): run \`make build\` or scripts/build-console`);

const artifacts = process.env.DIHYA_ARTIFACTS_DIR ?? path.join(path.dirname(path.resolve(dihyaBin())), 'test-artifacts', 'console');
rmSync(artifacts, { recursive: true, force: true });
mkdirSync(artifacts, { recursive: true });
console.log(`console: screenshots in ${artifacts}`);

const srv = await startServer({ config: { ...kFastAuth, web_dir: webDir } });

const kPassword = 'violet tapestry under rain';
const kReader = 'lecteur@example.org';
const kText =
    'Une application pour une bibliothèque : gérer les livres (titre, auteur, statut : disponible, emprunté) ' +
    'et les adhérents (nom, email). Backend Flask, sans frontend.';

let shot = 0;
async function screenshot(page, name) {
    shot += 1;
    await page.screenshot({ path: path.join(artifacts, `${String(shot).padStart(2, '0')}-${name}.png`), fullPage: true });
}

/// axe, then a screenshot, of the page as it is now.
async function visit(page, name) {
    await checkA11y(page, name);
    await screenshot(page, name);
}

async function goto(page, pathname, ready) {
    await page.goto(`${srv.url}${pathname}`);
    await page.waitForSelector(ready);
}

/// The index of the entity called `name` in the model editor.
async function entityIndex(page, name) {
    const i = await page.evaluate(
        (n) => [...document.querySelectorAll('input')].filter((e) => /^m-entities-\d+-name$/.test(e.id)).findIndex((e) => e.value === n),
        name,
    );
    assert.ok(i >= 0, `no entity ${name} in the editor`);
    return i;
}

/// The index of the entity the analysis named from `words` of the text (its "Named from «words»" hint), or -1.
async function entityFromWords(page, words) {
    return page.evaluate(
        (w) => [...document.querySelectorAll('fieldset.entity')].findIndex((f) => f.querySelector('.entity-head .hint')?.textContent.includes(`« ${w} »`)),
        words,
    );
}

/// The indexes of the fields of entity `i` whose type is `type`.
async function fieldsOfType(page, i, type) {
    return page.evaluate(
        ({ i, type }) =>
            [...document.querySelectorAll('select')]
                .filter((e) => new RegExp(`^m-entities-${i}-fields-\\d+-type$`).test(e.id))
                .map((e, j) => (e.value === type ? j : -1))
                .filter((j) => j >= 0),
        { i, type },
    );
}

function findFile(dir, name) {
    for (const entry of readdirSync(dir)) {
        const p = path.join(dir, entry);
        if (entry === name) return p;
        if (statSync(p).isDirectory()) {
            const hit = findFile(p, name);
            if (hit) return hit;
        }
    }
    return null;
}

let projectUrl;

test('French free text → model edited → generated → previewed → downloaded, unzipped and its own tests pass; then regenerated', T, async () => {
    const b = await openBrowser(srv.port, { locale: 'fr-FR' });
    const { page } = b;
    const work = mkdtempSync(path.join(tmpdir(), 'dihya-console-'));
    try {
        // Sign up with consent, then sign in.
        await goto(page, '/sign-up', '#email');
        assert.equal(await page.getAttribute('html', 'lang'), 'fr');
        await visit(page, 'sign-up');
        await page.fill('#email', kReader);
        await page.fill('#password', kPassword);
        await page.fill('#again', kPassword);
        await page.click('button[type=submit]');
        await page.waitForSelector('#consent-errors');
        assert.match(await page.textContent('#consent-errors'), /conditions/, 'consent is required, and said beside the boxes');
        await page.getByLabel(/conditions d’utilisation/).check();
        await page.getByLabel(/politique de confidentialité/).check();
        await page.click('button[type=submit]');
        await page.waitForURL(/\/sign-in\?registered=1/);
        assert.equal(await page.inputValue('#signin-email'), kReader);
        await visit(page, 'sign-in');
        await page.fill('#signin-password', kPassword);
        await page.click('form button[type=submit]');
        await page.waitForURL((u) => u.pathname === '/');
        await page.waitForSelector('nav a[href="/projects"]');

        // The specification, analysed: assumptions listed and their quoted words marked in the text.
        await page.fill('#spec-text', kText);
        await visit(page, 'new-project');
        await page.getByRole('button', { name: 'Analyser' }).click();
        await page.waitForSelector('.model-editor');
        assert.ok((await page.locator('.assumption-list li').count()) >= 3, 'the assumptions are listed');
        const marks = await page.locator('.spec-text mark').allTextContents();
        assert.ok(marks.includes('livres') && marks.includes('adhérents'), `the words the assumptions quote are marked: ${marks}`);
        await page.locator('.assumption-list button', { hasText: 'livres' }).click();
        assert.equal(await page.locator('.spec-text mark.current').first().textContent(), 'livres');
        await visit(page, 'analysis-and-model');

        // A correction re-runs the analysis: «adhérents» is a role, not an entity; then undone.
        assert.ok((await entityFromWords(page, 'adhérents')) >= 0, 'an entity named from «adhérents»');
        const rolesBefore = await page.locator('input[id^="m-roles-"]').count();
        await page.getByRole('button', { name: '« adhérents » est un rôle' }).click();
        await page.waitForSelector('.applied-corrections li');
        assert.equal(await entityFromWords(page, 'adhérents'), -1);
        assert.equal(await page.locator('input[id^="m-roles-"]').count(), rolesBefore + 1, 'the word became a role');
        await page.getByRole('button', { name: /^Annuler/ }).click();
        await page.waitForFunction(() => document.querySelectorAll('.applied-corrections li').length === 0);
        assert.ok((await entityFromWords(page, 'adhérents')) >= 0);

        // The model, edited: the entities named, a field renamed, an enum value added, the stacks chosen.
        const book = await entityFromWords(page, 'livres');
        assert.ok(book >= 0, 'an entity named from «livres»');
        await page.fill(`#m-entities-${book}-name`, 'Book');
        assert.equal(await page.inputValue(`#m-entities-${book}-fields-1-type`), 'string');
        await page.fill(`#m-entities-${book}-fields-1-name`, 'writer');
        const [status] = await fieldsOfType(page, book, 'enum');
        assert.ok(status !== undefined, '«statut : disponible, emprunté» is an enum');
        const before = await page.locator(`input[id^="m-entities-${book}-fields-${status}-values-"]`).count();
        await page.fill(`#m-entities-${book}-fields-${status}-values`, 'perdu');
        await page.press(`#m-entities-${book}-fields-${status}-values`, 'Enter');
        assert.equal(await page.inputValue(`#m-entities-${book}-fields-${status}-values-${before}`), 'perdu');
        await page.selectOption('#m-stacks-frontend', 'none');
        await page.selectOption('#m-stacks-backend', 'flask');
        const devops = page.locator('fieldset.devops input[type=checkbox]:checked');
        while ((await devops.count()) > 0) await devops.first().uncheck();
        // Stacks without a template pack cannot be chosen and say why; features say which stacks implement them.
        const catalog = (await api(srv, '/api/v1/catalog')).json;
        const packs = new Set(catalog.packs.filter((p) => p.kind === 'stack').map((p) => p.name));
        for (const kind of ['frontend', 'backend', 'mobile', 'ai', 'blockchain']) {
            for (const value of catalog.stacks[kind]) {
                const option = page.locator(`#m-stacks-${kind} option[value="${value}"]`);
                assert.equal(await option.evaluate((o) => o.disabled), value !== 'none' && !packs.has(value), `stacks.${kind} = ${value}`);
            }
        }
        const search = catalog.features.find((f) => f.name === 'search');
        assert.ok(search.supported_by.backend.includes('flask'));
        assert.match(await page.textContent('#feature-search-reason'), /flask/);
        await page.selectOption('#m-stacks-backend', 'django');
        if (!search.supported_by.backend.includes('django')) {
            assert.match(await page.textContent('#feature-search-reason'), /django/);
            assert.equal(await page.locator('#feature-search-reason').evaluate((p) => p.closest('li').querySelector('input').disabled), true);
        }
        await page.selectOption('#m-stacks-backend', 'flask');

        // A name the server refuses: its problem+json names entities[1].name, shown beside that input.
        const party = await entityFromWords(page, 'adhérents');
        await page.fill(`#m-entities-${party}-name`, 'Class');
        await page.getByRole('button', { name: 'Enregistrer et générer' }).click();
        await page.waitForSelector(`#m-entities-${party}-name-errors`);
        assert.match(await page.textContent(`#m-entities-${party}-name-errors`), /reserved/);
        assert.equal(await page.getAttribute(`#m-entities-${party}-name`, 'aria-invalid'), 'true');
        await visit(page, 'model-with-error');
        await page.fill(`#m-entities-${party}-name`, 'Member');
        await page.getByRole('button', { name: 'Enregistrer et générer' }).click();

        // The generation, followed until it succeeds (live, over the server's event stream: the requests are kept).
        const streams = [];
        page.on('request', (r) => {
            if (new URL(r.url()).pathname === '/api/v1/events') streams.push(new URL(r.url()));
        });
        await page.waitForURL(/\/projects\/[0-9a-f-]+\/generations\/[0-9a-f-]+$/);
        projectUrl = new URL(page.url()).pathname.replace(/\/generations\/.*/, '');
        await page.waitForSelector('[data-status=succeeded]', { timeout: 60_000 });
        assert.equal(await page.locator('.step-done').count(), 4);

        await page.waitForSelector('.markdown h1');
        await visit(page, 'generation');

        // A file previewed, highlighted; the renamed field is in it.
        await page.locator('summary.tree-folder', { hasText: /^app\/$/ }).click();
        await page.locator('summary.tree-folder', { hasText: /^resources\/$/ }).click();
        await page.click('button.tree-file[data-path="backend/app/resources/book.py"]');
        await page.waitForSelector('pre.code .hljs-keyword');
        assert.match(await page.textContent('pre.code'), /writer/);
        assert.match(new URL(page.url()).search, /file=backend%2Fapp%2Fresources%2Fbook\.py/);
        await visit(page, 'preview');

        // The zip, downloaded and unzipped; the project's own tests pass.
        const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /Télécharger \(zip\)/ }).click()]);
        const zip = path.join(work, download.suggestedFilename() || 'project.zip');
        await download.saveAs(zip);
        assert.equal(readFileSync(zip).subarray(0, 2).toString(), 'PK');
        await run('unzip', ['-q', zip, '-d', path.join(work, 'out')]);
        const pytestIni = findFile(path.join(work, 'out'), 'pytest.ini');
        assert.ok(pytestIni, 'the archive has the Flask back end');
        const backend = path.dirname(pytestIni);
        const bookPy = readFileSync(path.join(backend, 'app', 'resources', 'book.py'), 'utf8');
        assert.match(bookPy, /writer/);
        assert.match(bookPy, /perdu/);
        assert.match(readFileSync(path.join(backend, 'app', 'migrations', 'versions', '0001_initial.py'), 'utf8'), /"writer"/);
        assert.ok(existsSync(path.join(backend, 'app', 'resources', 'member.py')), 'the entity renamed Member');
        const { stdout } = await run(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'], { cwd: backend, timeout: 300_000, maxBuffer: 16 << 20 });
        assert.match(stdout, /\d+ passed/);
        assert.doesNotMatch(stdout, /failed|error/i);

        // Later: the model edited on the project's page, what will change shown, generated again.
        await page.locator('.breadcrumb a', { hasText: 'Custom App' }).click();
        await page.waitForSelector('.model-editor');
        // The project's page follows its channel live: a stream with a ticket, never the access token, in its URL.
        const projectId = projectUrl.split('/').pop();
        const onProject = (u) => u.searchParams.get('channels') === `project:${projectId}` && u.searchParams.get('ticket');
        while (!streams.some(onProject)) await page.waitForRequest((r) => new URL(r.url()).pathname === '/api/v1/events');
        assert.ok(streams.every((u) => !u.searchParams.has('access_token')));
        const book2 = await entityIndex(page, 'Book');
        await page.getByRole('button', { name: 'Ajouter un champ à Book' }).click();
        const pages = (await page.locator(`input[id^="m-entities-${book2}-fields-"][id$="-name"]`).count()) - 1;
        await page.fill(`#m-entities-${book2}-fields-${pages}-name`, 'pages');
        await page.selectOption(`#m-entities-${book2}-fields-${pages}-type`, 'int');
        await page.waitForSelector('.model-changes li');
        assert.match(await page.textContent('.model-changes'), /Nouveau champ Book\.pages/);
        // Before generating: the files the server would write for the edited model, against the last generation's.
        await page.getByRole('button', { name: 'Voir les fichiers qu’une nouvelle génération modifierait' }).click();
        await page.waitForSelector('#would-change li');
        const wouldChange = await page.locator('#would-change li').allTextContents();
        assert.ok(wouldChange.includes('backend/app/resources/book.py'), `book.py would change: ${wouldChange}`);
        assert.ok(!wouldChange.includes('backend/app/resources/member.py'), 'member.py would not change');
        await visit(page, 'project-edited');
        await page.getByRole('button', { name: 'Enregistrer et générer' }).first().click();
        await page.waitForURL((u) => /\/generations\//.test(u.pathname) && u.pathname.startsWith(projectUrl));
        await page.waitForSelector('[data-status=succeeded]', { timeout: 60_000 });
        await page.waitForSelector('.diff-changed li');
        const changed = await page.locator('.diff-changed li').allTextContents();
        assert.ok(changed.includes('backend/app/resources/book.py'), `book.py changed: ${changed}`);
        assert.ok(!changed.includes('backend/app/resources/member.py'), 'member.py did not change');
        for (const p of changed) assert.ok(wouldChange.includes(p), `${p} changed and was announced`);
        await visit(page, 'regenerated');

        // Both generations are notifications: counted in the header (kept live), listed in French, all marked read.
        const bell = page.locator('.account-nav a[href="/notifications"]');
        await page.waitForFunction(() => /\(2 non lues\)/.test(document.querySelector('.account-nav a[href="/notifications"]')?.textContent ?? ''));
        await bell.click();
        await page.waitForSelector('.notification.unread');
        assert.equal(await page.locator('.notification.unread').count(), 2);
        assert.match(await page.locator('.notification h2').first().textContent(), /Custom App : génération terminée/);
        assert.match(await page.locator('.notification h2 a').first().getAttribute('href'), /^\/projects\/[0-9a-f-]+\/generations\/[0-9a-f-]+$/);
        await visit(page, 'notifications');
        await page.getByRole('button', { name: 'Tout marquer comme lu' }).click();
        await page.waitForFunction(() => document.querySelectorAll('.notification.read').length === 2);
        await page.waitForFunction(() => (document.querySelector('.account-nav a[href="/notifications"]')?.textContent ?? '') === 'Notifications');
        assert.match(await page.textContent('#unread-count'), /^0 /);

        // The projects list, searched.
        await goto(page, '/projects', '#project-search');
        await page.fill('#project-search', 'custom');
        await page.press('#project-search', 'Enter');
        await page.waitForSelector('.project-item');
        assert.equal(await page.locator('.project-item').count(), 1);
        await page.fill('#project-search', 'nothing-like-this');
        await page.press('#project-search', 'Enter');
        await page.waitForSelector('text=Aucun projet ne correspond');
        await visit(page, 'projects');

        // Account pages: an API key shown once, a GDPR export downloaded, sessions, profile.
        await goto(page, '/settings/api-keys', '#key-name');
        await page.fill('#key-name', 'ci');
        await page.getByRole('button', { name: 'Créer la clé' }).click();
        await page.waitForSelector('#new-key');
        assert.match(await page.inputValue('#new-key'), /^dih_/);
        await visit(page, 'api-keys');
        const key = await page.inputValue('#new-key');
        assert.equal((await api(srv, '/api/v1/projects', { token: key })).status, 200, 'the key works for projects:read');

        // Where notifications go: mail for finished generations, saved and read back through the API.
        await goto(page, '/settings/notifications', 'table.channels');
        const mailOnSuccess = page.getByLabel('Une génération est terminée — Par courriel');
        assert.equal(await mailOnSuccess.isChecked(), false, 'off by default');
        await mailOnSuccess.check();
        await page.getByRole('button', { name: 'Enregistrer' }).click();
        await page.waitForSelector('text=Enregistré.');
        await visit(page, 'notification-channels');
        await page.reload();
        await page.waitForSelector('table.channels');
        assert.equal(await page.getByLabel('Une génération est terminée — Par courriel').isChecked(), true, 'kept');

        await goto(page, '/settings/privacy', '#erase-password');
        await page.getByRole('button', { name: 'Préparer un export' }).click();
        const exportButton = page.locator('.export-list button', { hasText: 'Télécharger' });
        await exportButton.waitFor();
        const [exported] = await Promise.all([page.waitForEvent('download'), exportButton.click()]);
        const exportZip = path.join(work, 'export.zip');
        await exported.saveAs(exportZip);
        const { stdout: listing } = await run('unzip', ['-l', exportZip]);
        assert.match(listing, /projects\.json/);
        await visit(page, 'privacy');

        await goto(page, '/settings/security', '#current-password');
        assert.ok((await page.locator('tbody tr').count()) >= 1);
        await visit(page, 'security');

        await goto(page, '/settings/profile', '#profile-name');
        await page.fill('#profile-name', 'Lectrice');
        await page.getByRole('button', { name: 'Enregistrer' }).click();
        await page.waitForSelector('nav a[href="/settings/profile"]:has-text("Lectrice")');
        await visit(page, 'profile');

        assert.deepEqual(b.problems, []);
        assert.deepEqual(b.foreign, []);
    } finally {
        await b.close();
        rmSync(work, { recursive: true, force: true });
    }
});

test('the admin pages: accounts (role, disable), the audit log filtered, server health', T, async () => {
    const created = await runDihya(['user', 'create', '--email', 'root@example.org', '--role', 'admin', '--password-stdin', '--dev', '--data-dir', srv.dataDir], {
        input: 'a long admin passphrase\n',
    });
    assert.equal(created.code, 0, created.stderr);
    await api(srv, '/api/v1/auth/register', { method: 'POST', body: { email: 'other@example.org', password: kPassword, consent: { policy_version: '1', accepted: ['terms', 'privacy'] } } });

    await withBrowser(srv.port, { locale: 'en-US' }, async (page) => {
        await goto(page, '/admin/users', '#signin-email');
        assert.match(new URL(page.url()).search, /return_to=%2Fadmin%2Fusers/, 'guests are sent to sign in, and back');
        await page.fill('#signin-email', 'root@example.org');
        await page.fill('#signin-password', 'a long admin passphrase');
        await page.click('form button[type=submit]');
        await page.waitForURL((u) => u.pathname === '/admin/users');
        const row = page.locator('tr[data-user="other@example.org"]');
        await row.waitFor();
        await visit(page, 'admin-users');

        await row.locator('select').selectOption('guest');
        await page.waitForFunction(() => document.querySelector('tr[data-user="other@example.org"] select')?.value === 'guest');
        await row.getByRole('button', { name: /^Disable/ }).click();
        await row.getByRole('button', { name: /^Enable/ }).waitFor();
        const admin = await login(srv, 'root@example.org', 'a long admin passphrase');
        const listed = await api(srv, '/api/v1/admin/users?q=other@example.org', { token: admin.access_token });
        assert.equal(listed.json.items[0].role, 'guest');
        assert.equal(listed.json.items[0].disabled, true);
        await row.getByRole('button', { name: /^Enable/ }).click();
        await row.getByRole('button', { name: /^Disable/ }).waitFor();
        // An admin cannot demote or disable themselves: the controls say so by being off.
        assert.equal(await page.locator('tr[data-user="root@example.org"] select').isDisabled(), true);

        await page.fill('#user-q', 'other@example.org');
        await page.getByRole('button', { name: 'Filter' }).click();
        await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1);

        await page.getByRole('link', { name: 'Audit log' }).click();
        await page.waitForSelector('#audit-action');
        // The chain, checked by the server as the page opens.
        await page.waitForFunction(() => /Audit chain verified: \d+ entries, head [0-9a-f]{16}\./.test(document.querySelector('#audit-chain')?.textContent ?? ''));
        await page.fill('#audit-action', 'user.');
        await page.getByRole('button', { name: 'Filter' }).click();
        // The unfiltered list also holds user.role_changed: wait until only the filtered rows remain.
        await page.waitForFunction(() => {
            const rows = [...document.querySelectorAll('tbody tr')].map((r) => r.getAttribute('data-action'));
            return rows.includes('user.role_changed') && rows.every((a) => a?.startsWith('user.'));
        });
        const actions = await page.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));
        assert.ok(actions.length > 0 && actions.every((a) => a.startsWith('user.')), `filtered: ${actions}`);
        await visit(page, 'admin-audit');

        await page.getByRole('link', { name: 'Server health' }).click();
        await page.waitForSelector('[data-ready=ready]');
        assert.ok((await page.locator('.card table tbody tr').count()) > 0, 'the busiest routes are listed');
        await visit(page, 'admin-health');

    });
});

test('sharing: the owner shares a project from its page; the viewer finds it under "Shared with you", read-only', T, async () => {
    const register = (email) =>
        api(srv, '/api/v1/auth/register', { method: 'POST', body: { email, password: kPassword, display_name: email.split('@')[0], consent: { policy_version: '1', accepted: ['terms', 'privacy'] } } });
    await register('sharer@example.org');
    await register('guestreader@example.org');
    const owner = await login(srv, 'sharer@example.org', kPassword);
    const created = await api(srv, '/api/v1/projects', {
        method: 'POST',
        token: owner.access_token,
        body: { model: { title: 'Shared Clinic', domain: 'health', entities: [{ name: 'Patient', fields: [{ name: 'name', type: 'string' }] }], stacks: { frontend: 'none', backend: 'express', devops: [] } } },
    });
    assert.equal(created.status, 201, created.text);
    const signIn = async (page, email) => {
        await goto(page, `/projects/${created.json.id}`, '#signin-email');
        await page.fill('#signin-email', email);
        await page.fill('#signin-password', kPassword);
        await page.click('form button[type=submit]');
    };
    await withBrowser(srv.port, { locale: 'en-US' }, async (page) => {
        await signIn(page, 'sharer@example.org');
        await page.waitForSelector('#share-email');
        await page.fill('#share-email', 'nobody-here@example.org');
        await page.click('.share-form button[type=submit]');
        await page.waitForSelector('#share-email-error');
        await page.fill('#share-email', 'guestreader@example.org');
        await page.selectOption('#share-role', 'viewer');
        await page.click('.share-form button[type=submit]');
        await page.waitForFunction(() => /Shared with guestreader as viewer/.test(document.body.textContent ?? ''));
        await page.waitForFunction(() => document.querySelectorAll('.member-list li').length === 2);
        await visit(page, 'project-sharing');
    });
    await withBrowser(srv.port, { locale: 'en-US' }, async (page) => {
        await signIn(page, 'guestreader@example.org');
        await page.waitForFunction(() => /shared with you as a viewer/.test(document.body.textContent ?? ''));
        assert.equal(await page.getByRole('button', { name: 'Delete the project' }).count(), 0, 'a viewer cannot delete');
        assert.equal(await page.locator('#share-email').count(), 0, 'a viewer cannot share');
        await goto(page, '/projects', '#shared-title');
        await page.waitForSelector('.shared-list a:has-text("Shared Clinic")');
        await visit(page, 'projects-shared');
    });
});

test('editing together: typing in the browser reaches a yjs client and back, then Save makes it the specification', T, async () => {
    const owner = await login(srv, 'sharer@example.org', kPassword);
    const created = await api(srv, '/api/v1/projects', {
        method: 'POST',
        token: owner.access_token,
        body: { model: { title: 'Live Spec', domain: 'health', entities: [{ name: 'Patient', fields: [{ name: 'name', type: 'string' }] }], stacks: { frontend: 'none', backend: 'express', devops: [] } } },
    });
    assert.equal(created.status, 201, created.text);
    const id = created.json.id;
    // The other editor: a Node client with the stock packages.
    const doc = new Y.Doc();
    const token = owner.access_token;
    const provider = new WebsocketProvider(`ws://127.0.0.1:${srv.port}/api/v1/collab`, id, doc, {
        WebSocketPolyfill: class extends WebSocket {
            constructor(url, protocols) {
                super(url, protocols, { headers: { Authorization: `Bearer ${token}` } });
            }
        },
        disableBc: true,
    });
    provider.awareness.setLocalStateField('user', { name: 'Node editor' });
    const text = doc.getText('spec');
    try {
        await withBrowser(srv.port, { locale: 'en-US' }, async (page) => {
            await goto(page, `/projects/${id}/edit`, '#signin-email');
            await page.fill('#signin-email', 'sharer@example.org');
            await page.fill('#signin-password', kPassword);
            await page.click('form button[type=submit]');
            await page.waitForFunction(() => (document.querySelector('#collab-text')?.value ?? '').includes('title: Live Spec'));
            await page.waitForFunction(() => /also here: Node editor/.test(document.body.textContent ?? ''));
            await page.focus('#collab-text');
            await page.keyboard.press('Control+Home');
            await page.keyboard.type('# typed in the browser\n');
            for (let i = 0; !text.toString().startsWith('# typed in the browser\n'); i++) {
                assert.ok(i < 500, `the yjs client never saw the typing: ${JSON.stringify(text.toString().slice(0, 80))}`);
                await new Promise((r) => setTimeout(r, 20));
            }
            const at = text.toString().indexOf('title: Live Spec') + 'title: Live Spec'.length;
            text.insert(at, ' Edited');
            await page.waitForFunction(() => (document.querySelector('#collab-text')?.value ?? '').includes('title: Live Spec Edited\n'));
            text.insert(text.length, '# the end\n');
            await page.waitForFunction(() => (document.querySelector('#collab-text')?.value ?? '').endsWith('# the end\n'), null, { timeout: 10_000 }).catch(async (e) => {
                throw new Error(`${e.message}: ${JSON.stringify(await page.inputValue('#collab-text'))} vs ${JSON.stringify(text.toString())}`);
            });
            await visit(page, 'collab');
            await page.getByRole('button', { name: 'Save as the specification' }).click();
            await page.waitForFunction(() => /Saved: the project is at version 2/.test(document.body.textContent ?? ''));
        });
    } finally {
        provider.destroy();
        doc.destroy();
    }
    const got = await api(srv, `/api/v1/projects/${id}`, { token: owner.access_token });
    assert.equal(got.json.version, 2);
    assert.equal(got.json.title, 'Live Spec Edited');
});

test('Arabic right to left, the language switcher, ?lang=, a phone-sized screen', T, async () => {
    await withBrowser(srv.port, { locale: 'ar' }, async (page) => {
        await goto(page, '/', '#spec-text');
        assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
        assert.equal(await page.getAttribute('html', 'lang'), 'ar');
        assert.equal(await page.textContent('h1'), 'مشروع جديد');
        await page.fill('#spec-text', 'تطبيق لإدارة عيادة: المرضى (الاسم، البريد الإلكتروني) والمواعيد (التاريخ، الحالة: مؤكد، ملغى).');
        await page.getByRole('button', { name: 'تحليل' }).click();
        await page.waitForSelector('.model-editor');
        await visit(page, 'arabic-analysis');

        for (const [pathname, ready, name] of [
            ['/sign-in', '#signin-email', 'arabic-sign-in'],
            ['/sign-up', '#email', 'arabic-sign-up'],
            ['/forgot-password', '#forgot-email', 'arabic-forgot-password'],
            ['/no/such/page', 'h1', 'arabic-not-found'],
        ]) {
            await goto(page, pathname, ready);
            assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
            await visit(page, name);
        }

        // The switcher: French, left to right, kept for the next pages.
        await page.selectOption('#lang-select', 'fr');
        await page.waitForFunction(() => document.documentElement.dir === 'ltr' && document.documentElement.lang === 'fr');
        await goto(page, '/sign-in', '#signin-email');
        assert.equal(await page.textContent('h1'), 'Connexion');

        // ?lang= wins over the stored choice and the browser's language.
        await goto(page, '/?lang=ar', '#spec-text');
        assert.equal(await page.getAttribute('html', 'dir'), 'rtl');

        // A phone: nothing wider than the screen, the main flow still usable.
        await page.setViewportSize({ width: 360, height: 740 });
        await goto(page, '/?lang=en', '#spec-text');
        await page.fill('#spec-text', kText);
        await page.getByRole('button', { name: 'Analyse' }).click();
        await page.waitForSelector('.model-editor');
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `the page is ${overflow}px wider than a 360px screen`);
        await visit(page, 'phone-model');

        // Keyboard: the skip link is the first stop and leads to the content.
        await goto(page, '/sign-in', '#signin-email');
        await page.keyboard.press('Tab');
        assert.equal(await page.evaluate(() => document.activeElement?.className), 'skip-link');
        await page.keyboard.press('Enter');
        assert.equal(await page.evaluate(() => location.hash), '#main');

    });
});

test('the console is served with the strict CSP, and its page loads no inline code', async () => {
    const res = await fetch(`${srv.url}/projects/anything`);
    assert.equal(res.status, 200);
    const csp = res.headers.get('content-security-policy');
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    const html = await res.text();
    assert.doesNotMatch(html, /<script>|<style|style=/);
    for (const m of html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)) {
        const asset = await fetch(`${srv.url}${m[1]}`);
        assert.equal(asset.status, 200, m[1]);
        assert.match(asset.headers.get('cache-control'), /immutable/);
    }
});

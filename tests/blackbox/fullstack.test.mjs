// A generated front end against a generated back end, for real: for react+express, vue+flask,
// svelte+fastapi and react+django (each pack at least once), `dihya generate` writes one project from the same spec (auth
// with two roles, two entities with a required string, an int, an enum, a date and a ref between
// them, fr/en/ar); the front end is installed (npm ci) and built (npm run build), the back end is
// started as its README says (production mode, JWT secret and passwords from the environment),
// `vite preview` serves the build and forwards /api to it, and headless Chromium uses the app:
// sign in, create an author and a book choosing the author in the ref select, see them in the
// list (dates and ref labels), page through the list, edit, get the API's validation and conflict
// errors shown, delete, switch to Arabic (dir="rtl"), and find that a guest cannot create and a
// non-administrator cannot delete. With uploads (react+express): a PNG chosen in the form reaches the
// back end's disk through the API and comes back byte for byte from the list's download link, and a
// file of a type the API refuses is shown as such next to its field.

import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';

import { openBrowser } from './lib/browser.mjs';
import { npmCi } from './lib/npm.mjs';
import { runDihya } from './lib/server.mjs';

const run = promisify(execFile);
const T = { timeout: 150_000 };
const dir = mkdtempSync(path.join(tmpdir(), 'dihya-fullstack-'));

const live = new Set();
after(async () => {
    await Promise.all([...live].map(stop));
    rmSync(dir, { recursive: true, force: true });
});
// Last resort if the runner exits without running `after` hooks.
process.on('exit', () => {
    for (const child of live) kill(child);
});

const spec = [
    'title: Library Loans',
    'features: [auth, i18n]',
    'locales: [fr, en, ar]',
    'roles: [librarian, reader]',
    'entities:',
    '  - name: Author',
    '    fields:',
    '      - {name: full_name, type: string, required: true}',
    '      - {name: books_written, type: int}',
    '      - {name: genre, type: enum, values: [novel, poetry, essay]}',
    '      - {name: born_on, type: date}',
    '  - name: Book',
    '    fields:',
    '      - {name: title, type: string, required: true}',
    '      - {name: pages, type: int}',
    '      - {name: status, type: enum, values: [available, loaned, lost], required: true}',
    '      - {name: published_on, type: date}',
    '      - {name: author, type: ref, ref: Author, required: true}',
    '',
].join('\n');

function kill(child) {
    try {
        process.kill(-child.pid, 'SIGKILL'); // its process group: npm/vite/python children too
    } catch {
        // already gone
    }
}

function stop(child) {
    live.delete(child);
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    const exited = new Promise((resolve) => child.once('exit', resolve));
    kill(child);
    return exited;
}

function freePort() {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const { port } = server.address();
            server.close(() => resolve(port));
        });
    });
}

/// Starts `cmd` in its own process group and resolves once its output matches `ready`;
/// rejects if it exits first. The process is stopped by the test's (or the file's) after hook.
function start(t, name, cmd, args, { cwd, env, ready }) {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    t.after(() => stop(child));
    let output = '';
    return new Promise((resolve, reject) => {
        const onData = (chunk) => {
            output += chunk.toString().replace(/\x1b\[[0-9;]*m/g, '');
            if (ready.test(output)) resolve({ child, output: () => output });
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.once('error', reject);
        child.once('exit', (code, signal) => reject(new Error(`${name} exited (${code ?? signal}) before it was ready:\n${output}`)));
    });
}

const npmEnv = () => {
    const env = { ...process.env, CI: 'true' };
    delete env.NODE_TEST_CONTEXT;
    return env;
};

/// How each back end is started: the command of its README, on `port`, in production mode.
const kBackends = {
    express: (port) => ({
        cmd: process.execPath, args: ['src/server.js'],
        env: { PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production' },
        ready: /API listening on/,
    }),
    flask: (port) => ({
        cmd: '/usr/bin/python3', args: ['-m', 'flask', '--app', 'app', 'run', '--host', '127.0.0.1', '--port', String(port)],
        env: { APP_ENV: 'production' },
        ready: /Running on http:\/\/127\.0\.0\.1:\d+/,
    }),
    fastapi: (port) => ({
        cmd: '/usr/bin/python3', args: ['-m', 'uvicorn', '--factory', 'app:create_app', '--host', '127.0.0.1', '--port', String(port)],
        env: { APP_ENV: 'production' },
        ready: /Uvicorn running on http:\/\/127\.0\.0\.1:\d+/,
    }),
    // Its README's deployment: the migrations, then gunicorn (here on a SQLite file of its own).
    django: (port, back) => ({
        prepare: ['/usr/bin/python3', ['manage.py', 'migrate', '--noinput']],
        cmd: '/usr/bin/gunicorn', args: ['config.wsgi', '--bind', `127.0.0.1:${port}`, '--workers', '2'],
        env: { APP_ENV: 'production', SQLITE_PATH: path.join(back, 'fullstack.sqlite3') },
        ready: /Listening at: http:\/\/127\.0\.0\.1:\d+/,
    }),
};

/// Resolves the next response to `method` on a path ending with `suffix` (an /api path).
function nextResponse(page, method, suffix) {
    return page.waitForResponse((res) => {
        const url = new URL(res.url());
        return res.request().method() === method && url.pathname.endsWith(suffix);
    });
}

async function pair(t, frontend, backend) {
    const name = `${frontend}-${backend}`;
    const specFile = path.join(dir, `${name}.yaml`);
    writeFileSync(specFile, spec);
    const out = path.join(dir, name);
    const gen = await runDihya(['generate', specFile, '--out', out, '--set', `stacks.frontend=${frontend}`,
        '--set', `stacks.backend=${backend}`], { timeoutMs: 60_000 });
    assert.equal(gen.code, 0, gen.stderr);
    const { model } = JSON.parse(readFileSync(path.join(out, '.dihya/answers.json'), 'utf8'));
    const [admin, other] = model.roles;
    const front = path.join(out, 'frontend');
    const back = path.join(out, 'backend');

    // The README of the back end is the contract for starting it: check it names what we set.
    const readme = readFileSync(path.join(back, 'README.md'), 'utf8');
    for (const needle of ['`JWT_SECRET`', '`<ROLE>_PASSWORD`', `| ${admin} |`, `| ${other} |`]) {
        assert.ok(readme.includes(needle), `backend/README.md names ${needle}`);
    }

    // Without API_PROXY_TARGET, the front end's dev and preview servers forward /api to the port
    // the back end listens on by default.
    const defaultPort = /# http:\/\/(?:localhost|127\.0\.0\.1):(\d+)/.exec(readme)?.[1];
    const viteConfig = readFileSync(path.join(front, 'vite.config.ts'), 'utf8');
    assert.ok(defaultPort, 'backend/README.md gives the default address');
    assert.match(viteConfig, new RegExp(`API_PROXY_TARGET \\?\\? 'http://localhost:${defaultPort}'`));

    await Promise.all([
        npmCi(front).then(() => run('npm', ['run', 'build'], { cwd: front, timeout: 120_000, env: npmEnv() })),
        backend === 'express' ? npmCi(back) : Promise.resolve(),
    ]);

    const passwords = { [admin]: `a-${randomBytes(9).toString('base64url')}`, [other]: `o-${randomBytes(9).toString('base64url')}` };
    const apiPort = await freePort();
    const how = kBackends[backend](apiPort, back);
    if (how.prepare) await run(how.prepare[0], how.prepare[1], { cwd: back, env: { ...process.env, ...how.env }, timeout: 120_000 });
    await start(t, backend, how.cmd, how.args, {
        cwd: back,
        ready: how.ready,
        env: {
            ...how.env,
            JWT_SECRET: randomBytes(32).toString('hex'),
            [`${admin.toUpperCase()}_PASSWORD`]: passwords[admin],
            [`${other.toUpperCase()}_PASSWORD`]: passwords[other],
        },
    });
    const api = `http://127.0.0.1:${apiPort}`;

    const webPort = await freePort();
    await start(t, 'vite preview', process.execPath,
        [path.join(front, 'node_modules/vite/bin/vite.js'), 'preview', '--host', '127.0.0.1', '--port', String(webPort), '--strictPort'],
        { cwd: front, env: { API_PROXY_TARGET: api }, ready: new RegExp(`http://127\\.0\\.0\\.1:${webPort}/`) });
    const web = `http://127.0.0.1:${webPort}`;

    const browser = await openBrowser(webPort, { locale: 'fr-FR' });
    t.after(() => browser.close());
    const { page } = browser;
    page.setDefaultTimeout(15_000);
    const html = page.locator('html');
    const main = page.locator('main');
    const alert = main.getByRole('alert');

    // Home, in the browser's language (fr), then English.
    await page.goto(`${web}/`);
    await assert.doesNotReject(html.waitFor());
    assert.equal(await html.getAttribute('lang'), 'fr');
    const language = page.locator('label.language select');
    await language.selectOption('en');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    assert.equal(await html.getAttribute('dir'), 'ltr');

    // A guest: the list is readable but offers no "New"; the create page asks to sign in, and the
    // API (through the preview's proxy) refuses the write.
    await page.goto(`${web}/authors`);
    await main.getByRole('heading', { name: 'Authors' }).waitFor();
    await main.getByText('Nothing here yet.').waitFor();
    assert.equal(await main.getByRole('link', { name: 'New' }).count(), 0);
    await page.goto(`${web}/authors/new`);
    await page.waitForURL((url) => url.pathname === '/login'); // with ?redirect= or history state
    await main.getByText('Please sign in to continue.').waitFor();
    const guestPost = await page.evaluate(async () => {
        const res = await fetch('/api/authors', {
            method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ full_name: 'Nobody' }),
        });
        return { status: res.status, type: res.headers.get('content-type'), body: await res.json() };
    });
    assert.equal(guestPost.status, 401, JSON.stringify(guestPost));
    assert.match(guestPost.type, /^application\/problem\+json/);

    // A wrong password is refused, then the administrator signs in and is sent back to the form.
    await page.locator('#login-email').fill(`${admin}@example.com`);
    await page.locator('#login-password').fill('not-the-password');
    let login = nextResponse(page, 'POST', '/api/auth/login');
    await main.getByRole('button', { name: 'Sign in' }).click();
    assert.equal((await login).status(), 401);
    await alert.getByText('Wrong email or password.').waitFor();
    await page.locator('#login-password').fill(passwords[admin]);
    login = nextResponse(page, 'POST', '/api/auth/login');
    await main.getByRole('button', { name: 'Sign in' }).click();
    assert.equal((await login).status(), 200);
    await page.waitForURL(`${web}/authors/new`);

    // Create the parent.
    await page.locator('#field-full_name').fill('Assia Djebar');
    await page.locator('#field-books_written').fill('15');
    await page.locator('#field-genre').selectOption('novel');
    await page.locator('#field-born_on').fill('1936-06-30');
    let saved = nextResponse(page, 'POST', '/api/authors');
    await main.getByRole('button', { name: 'Save' }).click();
    let res = await saved;
    assert.equal(res.status(), 201, await res.text());
    const author = await res.json();
    assert.deepEqual(res.request().postDataJSON(),
        { full_name: 'Assia Djebar', books_written: 15, genre: 'novel', born_on: '1936-06-30' });
    assert.equal(typeof author.id, 'number');
    await page.waitForURL(`${web}/authors`);
    const authorRow = main.getByRole('row').filter({ hasText: 'Assia Djebar' });
    await authorRow.waitFor();
    await authorRow.getByText('Jun 30, 1936').waitFor(); // the date, formatted for the language

    // Create the child, choosing the parent in the ref select (filled from GET /api/authors).
    await page.goto(`${web}/books/new`);
    const authorSelect = page.locator('#field-author');
    await authorSelect.locator('option', { hasText: 'Assia Djebar' }).waitFor({ state: 'attached' });
    await page.locator('#field-title').fill('Nulle part dans la maison de mon père');
    await page.locator('#field-pages').fill('448');
    await page.locator('#field-status').selectOption('available');
    await page.locator('#field-published_on').fill('2007-01-02');
    await authorSelect.selectOption({ label: 'Assia Djebar' });
    saved = nextResponse(page, 'POST', '/api/books');
    await main.getByRole('button', { name: 'Save' }).click();
    res = await saved;
    assert.equal(res.status(), 201, await res.text());
    const book = await res.json();
    assert.equal(book.author, author.id);
    assert.equal(book.published_on, '2007-01-02');
    await page.waitForURL(`${web}/books`);
    const bookRow = main.getByRole('row').filter({ hasText: 'Nulle part dans la maison de mon père' });
    await bookRow.getByText('Assia Djebar').waitFor(); // the ref shown by its label, not its id
    await bookRow.getByText('Jan 2, 2007').waitFor();

    // A bad input the browser lets through (a blank title) → the API's 400 → shown by the field.
    await page.goto(`${web}/books/new`);
    await authorSelect.locator('option', { hasText: 'Assia Djebar' }).waitFor({ state: 'attached' });
    await page.locator('#field-title').fill('   ');
    await page.locator('#field-status').selectOption('lost');
    await authorSelect.selectOption({ label: 'Assia Djebar' });
    saved = nextResponse(page, 'POST', '/api/books');
    await main.getByRole('button', { name: 'Save' }).click();
    res = await saved;
    assert.equal(res.status(), 400);
    assert.match(res.headers()['content-type'], /^application\/problem\+json/);
    const problem = await res.json();
    assert.ok(problem.errors.some((e) => e.field === 'title'), JSON.stringify(problem));
    await page.locator('#field-title-error').waitFor();
    assert.equal(await page.locator('#field-title').getAttribute('aria-describedby'), 'field-title-error');
    await alert.waitFor();
    assert.equal(page.url(), `${web}/books/new`, 'the form stays open');

    // Edit the book: the form shows the stored values (date, enum, ref), the change is saved.
    await page.goto(`${web}/books`);
    await bookRow.getByRole('link', { name: 'Edit' }).click();
    await page.waitForURL(`${web}/books/${book.id}/edit`);
    const title = page.locator('#field-title');
    await title.waitFor();
    assert.equal(await title.inputValue(), 'Nulle part dans la maison de mon père');
    assert.equal(await page.locator('#field-published_on').inputValue(), '2007-01-02');
    assert.equal(await page.locator('#field-status').inputValue(), 'available');
    await authorSelect.locator('option', { hasText: 'Assia Djebar' }).waitFor({ state: 'attached' });
    assert.equal(await authorSelect.inputValue(), String(author.id));
    await title.fill('Vaste est la prison');
    saved = page.waitForResponse((r) => ['PUT', 'PATCH'].includes(r.request().method())
        && new URL(r.url()).pathname === `/api/books/${book.id}`);
    await main.getByRole('button', { name: 'Save' }).click();
    res = await saved;
    assert.equal(res.status(), 200, await res.text());
    await page.waitForURL(`${web}/books`);
    const editedRow = main.getByRole('row').filter({ hasText: 'Vaste est la prison' });
    await editedRow.getByText('Assia Djebar').waitFor();
    assert.equal(await main.getByRole('row').filter({ hasText: 'Nulle part' }).count(), 0);

    // Deleting the author while the book refers to it: the API's 409 is shown.
    page.on('dialog', (dialog) => dialog.accept());
    await page.goto(`${web}/authors`);
    let removed = nextResponse(page, 'DELETE', `/api/authors/${author.id}`);
    await authorRow.getByRole('button', { name: 'Delete' }).click();
    assert.equal((await removed).status(), 409);
    await alert.waitFor();
    await authorRow.waitFor();

    // Delete the book.
    await page.goto(`${web}/books`);
    removed = nextResponse(page, 'DELETE', `/api/books/${book.id}`);
    await editedRow.getByRole('button', { name: 'Delete' }).click();
    assert.equal((await removed).status(), 204);
    await main.getByText('Nothing here yet.').waitFor();

    // Pagination: 24 more authors through the API; the list shows 20 a page, the rest on page 2.
    const token = await page.evaluate(() => Object.entries(localStorage).find(([k]) => k.endsWith('.token'))?.[1]);
    assert.ok(token, 'the token is kept in localStorage');
    for (let i = 1; i <= 24; i += 1) {
        const r = await fetch(`${api}/api/authors`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
            body: JSON.stringify({ full_name: `Author ${String(i).padStart(2, '0')}` }),
        });
        assert.equal(r.status, 201, await r.text());
    }
    await page.goto(`${web}/authors`);
    const pagination = main.locator('nav.pagination');
    await pagination.getByText('1–20 of 25').waitFor();
    assert.equal(await main.locator('tbody tr').count(), 20);
    const listed = nextResponse(page, 'GET', '/api/authors');
    await pagination.getByRole('button', { name: 'Next' }).click();
    const second = await listed;
    assert.equal(new URL(second.url()).searchParams.get('offset'), '20');
    await pagination.getByText('21–25 of 25').waitFor();
    await main.getByRole('row').filter({ hasText: 'Author 24' }).waitFor();
    assert.equal(await main.locator('tbody tr').count(), 5);

    // Arabic: the page turns right to left.
    await language.selectOption('ar');
    await page.waitForFunction(() => document.documentElement.lang === 'ar');
    assert.equal(await html.getAttribute('dir'), 'rtl');
    await language.selectOption('en');
    await page.waitForFunction(() => document.documentElement.dir === 'ltr');

    // The other role: signed in it may create, but deleting is the administrator's.
    await page.locator('header').getByRole('button', { name: 'Sign out' }).click();
    await page.goto(`${web}/login`);
    await page.locator('#login-email').fill(`${other}@example.com`);
    await page.locator('#login-password').fill(passwords[other]);
    login = nextResponse(page, 'POST', '/api/auth/login');
    await main.getByRole('button', { name: 'Sign in' }).click();
    assert.equal((await login).status(), 200);
    await page.waitForURL(`${web}/`);
    await page.goto(`${web}/authors`);
    await main.getByRole('link', { name: 'New' }).waitFor();
    await authorRow.waitFor();
    assert.equal(await authorRow.getByRole('button', { name: 'Delete' }).count(), 0,
        'no Delete button for a role the API does not let delete');
    const otherDelete = await page.evaluate(async (id) => {
        const key = Object.keys(localStorage).find((k) => k.endsWith('.token'));
        const res = await fetch(`/api/authors/${id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${localStorage.getItem(key)}` } });
        return res.status;
    }, author.id);
    assert.equal(otherDelete, 403);

    assert.deepEqual(browser.problems, []);
    assert.deepEqual(browser.foreign, []);
}

test('react front end + express back end: sign in, create, list, edit, errors, delete, Arabic, roles', T,
    (t) => pair(t, 'react', 'express'));
test('vue front end + flask back end: sign in, create, list, edit, errors, delete, Arabic, roles', T,
    (t) => pair(t, 'vue', 'flask'));
test('svelte front end + fastapi back end: sign in, create, list, edit, errors, delete, Arabic, roles', T,
    (t) => pair(t, 'svelte', 'fastapi'));
test('react front end + django back end: sign in, create, list, edit, errors, delete, Arabic, roles', T,
    (t) => pair(t, 'react', 'django'));

// A 1×1 PNG.
const kPng = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

test('react front end + express back end: a PNG uploaded from the form is stored by the API and downloaded back', T, async (t) => {
    const specFile = path.join(dir, 'uploads.yaml');
    writeFileSync(specFile, [
        'title: Library Covers',
        'features: [auth, uploads]',
        'roles: [librarian, reader]',
        'entities:',
        '  - name: Book',
        '    fields:',
        '      - {name: title, type: string, required: true}',
        '      - {name: cover, type: file}',
        '',
    ].join('\n'));
    const out = path.join(dir, 'uploads');
    const gen = await runDihya(['generate', specFile, '--out', out, '--set', 'stacks.frontend=react',
        '--set', 'stacks.backend=express'], { timeoutMs: 60_000 });
    assert.equal(gen.code, 0, gen.stderr);
    const front = path.join(out, 'frontend');
    const back = path.join(out, 'backend');
    await Promise.all([
        npmCi(front).then(() => run('npm', ['run', 'build'], { cwd: front, timeout: 120_000, env: npmEnv() })),
        npmCi(back),
    ]);

    const password = `l-${randomBytes(9).toString('base64url')}`;
    const dataDir = path.join(dir, 'uploads-data');
    const apiPort = await freePort();
    const how = kBackends.express(apiPort);
    await start(t, 'express', how.cmd, how.args, {
        cwd: back,
        ready: how.ready,
        // The deployment's one setting for where the data lives: the SQLite file and the uploads under it.
        env: { ...how.env, JWT_SECRET: randomBytes(32).toString('hex'), LIBRARIAN_PASSWORD: password, DATA_DIR: dataDir },
    });
    const webPort = await freePort();
    await start(t, 'vite preview', process.execPath,
        [path.join(front, 'node_modules/vite/bin/vite.js'), 'preview', '--host', '127.0.0.1', '--port', String(webPort), '--strictPort'],
        { cwd: front, env: { API_PROXY_TARGET: `http://127.0.0.1:${apiPort}` }, ready: new RegExp(`http://127\\.0\\.0\\.1:${webPort}/`) });
    const web = `http://127.0.0.1:${webPort}`;

    const browser = await openBrowser(webPort);
    t.after(() => browser.close());
    const { page } = browser;
    page.setDefaultTimeout(15_000);
    const main = page.locator('main');
    await page.goto(`${web}/login`);
    await page.locator('#login-email').fill('librarian@example.com');
    await page.locator('#login-password').fill(password);
    await main.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${web}/`);

    // A new book with its cover: the row first, then the file as the raw body of PUT /api/books/{id}/cover.
    await page.goto(`${web}/books/new`);
    await page.locator('#field-title').fill('Nedjma');
    await page.locator('#field-cover').setInputFiles({ name: 'couverture é.png', mimeType: 'image/png', buffer: kPng });
    const created = nextResponse(page, 'POST', '/api/books');
    const uploaded = page.waitForResponse((r) => r.request().method() === 'PUT' && /\/api\/books\/\d+\/cover$/.test(new URL(r.url()).pathname));
    await main.getByRole('button', { name: 'Save' }).click();
    const book = await (await created).json();
    const put = await uploaded;
    assert.equal(put.status(), 200, await put.text());
    assert.equal(put.request().headers()['content-type'], 'image/png');
    assert.equal(put.request().headers()['x-filename'], 'couverture%20%C3%A9.png');
    assert.deepEqual((await put.json()).cover, { name: 'couverture é.png', type: 'image/png', size: kPng.length, url: `/api/books/${book.id}/cover` });
    await page.waitForURL(`${web}/books`);

    // The list links to the file; downloading it gives the same bytes, stored under DATA_DIR/uploads.
    const link = main.getByRole('row').filter({ hasText: 'Nedjma' }).getByRole('link', { name: 'couverture é.png' });
    await link.waitFor();
    assert.equal(await link.getAttribute('href'), `/api/books/${book.id}/cover`);
    const downloaded = await page.evaluate(async (href) => {
        const res = await fetch(href);
        return { status: res.status, type: res.headers.get('content-type'), bytes: Array.from(new Uint8Array(await res.arrayBuffer())) };
    }, await link.getAttribute('href'));
    assert.equal(downloaded.status, 200);
    assert.equal(downloaded.type, 'image/png');
    assert.deepEqual(Buffer.from(downloaded.bytes), kPng);
    const onDisk = readdirSync(path.join(dataDir, 'uploads'), { recursive: true }).map(String);
    assert.ok(onDisk.length > 0, 'the file is under DATA_DIR/uploads');

    // A file the API refuses (its type): the reason by the field, the form still open on the book.
    await page.goto(`${web}/books/${book.id}/edit`);
    await main.getByText('couverture é.png').waitFor();
    await page.locator('#field-cover').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a picture') });
    const refused = page.waitForResponse((r) => r.request().method() === 'PUT' && new URL(r.url()).pathname === `/api/books/${book.id}/cover`);
    await main.getByRole('button', { name: 'Save' }).click();
    assert.equal((await refused).status(), 415);
    const message = page.locator('#field-cover-error');
    await message.waitFor();
    assert.equal(await message.textContent(), 'This type of file is not accepted.');
    assert.equal(await page.locator('#field-cover').getAttribute('aria-describedby'), 'field-cover-error');
    assert.equal(page.url(), `${web}/books/${book.id}/edit`);

    assert.deepEqual(browser.problems, []);
    assert.deepEqual(browser.foreign, []);
});

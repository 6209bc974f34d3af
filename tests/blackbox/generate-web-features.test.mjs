// The optional features of the web front ends (react, vue, svelte): each front end is generated with
// every feature its pack lists (search, admin, analytics, realtime, notifications, payments, uploads, with
// auth, i18n and seo), alone (stacks.backend = none: its suite runs against the fake API every
// generated suite has), installed from its lock file, type-checked and built (npm run build), and
// its own Vitest suite passes, including the test of each feature. The files the three share come
// from the web-common library (and the Testing Library tests of react and svelte from
// web-testing-library), recorded in .dihya/answers.json.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';

import { npmCi, npmEnv } from './lib/npm.mjs';
import { runDihya } from './lib/server.mjs';

const run = promisify(execFile);
const T = { timeout: 600_000 };
const source = process.env.DIHYA_SOURCE_DIR ?? path.resolve(import.meta.dirname, '../..');
const packsDir = process.env.DIHYA_PACKS_DIR ?? path.join(source, 'packs');
const dir = mkdtempSync(path.join(tmpdir(), 'dihya-web-features-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const read = (...parts) => readFileSync(path.join(...parts), 'utf8');

/// The features a pack lists in its pack.yaml (`features: [a, b]`).
function packFeatures(pack) {
    const line = /^features: \[([^\]]*)\]$/m.exec(read(packsDir, 'stacks', pack, 'pack.yaml'));
    assert.ok(line, `packs/stacks/${pack}/pack.yaml lists its features`);
    return line[1].split(',').map((name) => name.trim()).filter(Boolean);
}

// Three entities: searchable text (string, email, enum), a ref, and one with nothing to search in; with uploads,
// files in two of them.
function spec(features) {
    const file = (name) => (features.includes('uploads') ? [`      - {name: ${name}, type: file}`] : []);
    return [
        'title: Clinic Booking',
        `features: [${features.join(', ')}]`,
        'locales: [fr, en, ar]',
        ...(features.includes('auth') ? ['roles: [admin, doctor]'] : []),
        'entities:',
        '  - name: Patient',
        '    fields:',
        '      - {name: full_name, type: string, required: true}',
        '      - {name: email, type: email, unique: true}',
        '      - {name: birth_date, type: date}',
        '      - {name: visits, type: int}',
        '      - {name: insured, type: bool}',
        ...file('photo'),
        '  - name: Appointment',
        '    fields:',
        '      - {name: starts_at, type: datetime, required: true}',
        '      - {name: status, type: enum, values: [booked, done, cancelled], required: true}',
        '      - {name: patient, type: ref, ref: Patient, required: true}',
        ...file('report'),
        '  - name: Measure',
        '    fields:',
        '      - {name: value, type: float, required: true}',
        '      - {name: taken_on, type: date}',
        '',
    ].join('\n');
}

const kWebFeatures = ['search', 'admin', 'analytics', 'realtime', 'notifications', 'payments', 'uploads'];

/// The tests each feature adds to the generated suite (file names, without .ts/.tsx).
const kFeatureTests = {
    search: ['src/features/search.test'],
    admin: ['src/features/admin.test', 'src/features/AdminPage.test'],
    analytics: ['src/features/pageViews.test', 'src/features/analytics.test'],
    realtime: ['src/features/live.test', 'src/features/realtime.test'],
    notifications: ['src/features/notifications.test', 'src/features/NotificationBell.test'],
    payments: ['src/features/payments.test', 'src/features/PaymentsPage.test'],
    uploads: ['src/features/uploads.test', 'src/features/FileField.test'],
};

async function generate(name, frontend, features) {
    const file = path.join(dir, `${name}.yaml`);
    writeFileSync(file, spec(features));
    const out = path.join(dir, name);
    const gen = await runDihya(['generate', file, '--out', out, '--set', `stacks.frontend=${frontend}`,
        '--set', 'stacks.backend=none'], { timeoutMs: 60_000 });
    assert.equal(gen.code, 0, gen.stderr);
    return { out, front: path.join(out, 'frontend') };
}

/// npm test with the verbose reporter; resolves with the plain output after checking nothing failed.
async function vitest(front) {
    const env = npmEnv({ CI: 'true' });
    delete env.NODE_TEST_CONTEXT;
    let stdout;
    try {
        ({ stdout } = await run('npm', ['test', '--', '--reporter=verbose'], {
            cwd: front, timeout: 420_000, env, maxBuffer: 64 << 20,
        }));
    } catch (err) {
        assert.fail(`npm test failed:\n${String(err.stdout ?? '').replace(/\x1b\[[0-9;]*m/g, '').slice(-6000)}`);
    }
    const plain = stdout.replace(/\x1b\[[0-9;]*m/g, '');
    assert.doesNotMatch(plain, /\d+ failed/, plain.slice(-4000));
    assert.ok(Number(/Tests\s+(\d+) passed/.exec(plain)?.[1]) >= 40, plain.slice(-4000));
    return plain;
}

async function everyFeature(frontend, { typeCheck }) {
    const listed = packFeatures(frontend);
    for (const feature of kWebFeatures) assert.ok(listed.includes(feature), `${frontend} lists ${feature}`);
    const { out, front } = await generate(frontend, frontend, listed);

    // The shared files come from the libraries, recorded with their versions.
    const answers = JSON.parse(read(out, '.dihya/answers.json'));
    const libraries = answers.packs.filter((p) => p.kind === 'library').map((p) => p.name);
    assert.ok(libraries.includes('web-common'), JSON.stringify(answers.packs));
    assert.equal(libraries.includes('web-testing-library'), frontend !== 'vue', JSON.stringify(answers.packs));
    for (const file of ['src/api/client.ts', 'src/i18n/messages.ts', 'src/styles.css', 'src/test/fakeApi.ts',
        'src/features/live.ts', 'src/features/pageViews.ts', 'src/features/admin.ts', 'src/features/notifications.ts',
        'src/features/payments.ts', 'src/features/uploads.ts']) {
        assert.ok(existsSync(path.join(front, file)), file);
    }
    // Every new interface text is translated.
    const messages = read(front, 'src/i18n/messages.ts');
    for (const key of ['search.label', 'admin.title', 'notifications.unread', 'payments.start', 'upload.tooLarge', 'upload.wrongType']) {
        assert.equal(messages.split(`'${key}':`).length - 1, 5, `${key} in en, fr, ar, es and de`);
    }
    assert.match(messages, /'admin\.title': 'الإدارة'/);
    assert.match(read(front, 'README.md'), /## Search/);
    assert.match(read(front, 'README.md'), /## Payments/);
    assert.match(read(front, 'README.md'), /## Uploads/);
    assert.match(messages, /'upload\.tooLarge': 'Ce fichier est trop volumineux\.'/);

    await npmCi(front);
    const build = await run('npm', ['run', 'build'], { cwd: front, timeout: 300_000, env: npmEnv(), maxBuffer: 64 << 20 });
    assert.match(build.stdout, typeCheck);
    assert.ok(existsSync(path.join(front, 'dist/index.html')), 'vite wrote the build');

    const plain = await vitest(front);
    for (const feature of kWebFeatures) {
        for (const name of kFeatureTests[feature]) {
            assert.match(plain, new RegExp(`✓ ${name.replace(/[.]/g, '\\.')}\\.tsx? `), `${feature}: ${name} ran`);
        }
    }
    // A few of the behaviours, by name.
    assert.match(plain, /✓ src\/features\/search\.test\.tsx? > search > searches the Patients with \?q= and shows what matches/);
    assert.match(plain, /✓ src\/features\/search\.test\.tsx? > search > offers no search where there is no text to search in/);
    assert.match(plain, /✓ src\/features\/AdminPage\.test\.tsx? > administration page > is refused to the other roles/);
    assert.match(plain, /✓ src\/features\/analytics\.test\.tsx? > page views > sends none when the browser asks not to be tracked/);
    assert.match(plain, /✓ src\/features\/live\.test\.tsx? > live updates \(GET \/api\/live\) > opens one stream for every listener/);
    assert.match(plain, /✓ src\/features\/realtime\.test\.tsx? > live updates > reload a list page when a row of its entity changes/);
    assert.match(plain, /✓ src\/features\/NotificationBell\.test\.tsx? > notifications > show the unread count, the list, and mark them read/);
    assert.match(plain, /✓ src\/features\/PaymentsPage\.test\.tsx? > payments page > starts a payment in the smallest unit/);
    assert.match(plain, /✓ src\/features\/uploads\.test\.ts > uploads > sends a file as the raw body of PUT <route>\/\{id\}\/<field>/);
    assert.match(plain, /✓ src\/features\/FileField\.test\.ts > uploads \(file fields\) > offers a file input on the create page and sends the chosen file once the row is saved/);
    assert.match(plain, /✓ src\/features\/FileField\.test\.ts > uploads \(file fields\) > shows the stored file \(name, size, download link\) in the list and on the edit page/);
    assert.match(plain, /✓ src\/features\/FileField\.test\.ts > uploads \(file fields\) > shows a file refused with 413 next to its field/);
    assert.match(plain, /✓ src\/features\/FileField\.test\.ts > uploads \(file fields\) > shows a file refused with 415 next to its field/);
}

test('a React front end with every feature it lists → npm ci, tsc + vite build and vitest (each feature tested) pass', T,
    () => everyFeature('react', { typeCheck: /tsc --noEmit && vite build/ }));

test('a Vue front end with every feature it lists → npm ci, vue-tsc + vite build and vitest (each feature tested) pass', T,
    () => everyFeature('vue', { typeCheck: /vue-tsc --noEmit && vite build/ }));

test('a Svelte front end with every feature it lists → npm ci, svelte-check + vite build and vitest (each feature tested) pass', T,
    () => everyFeature('svelte', { typeCheck: /svelte-check found 0 errors and 0 warnings/ }));

test('without accounts the features are open to everyone: the React suite passes (type-checked)', T, async () => {
    const { front } = await generate('react-open', 'react', ['i18n', ...kWebFeatures]);
    assert.ok(!existsSync(path.join(front, 'src/auth')), 'no sign-in without auth');
    await npmCi(front);
    await run('npx', ['tsc', '--noEmit'], { cwd: front, timeout: 300_000, env: npmEnv() });
    const plain = await vitest(front);
    assert.match(plain, /✓ src\/features\/AdminPage\.test\.ts > administration page > is in the menu/);
    assert.match(plain, /✓ src\/features\/live\.test\.ts > live updates \(GET \/api\/live\) > opens a new stream after a failure/);
    assert.match(plain, /✓ src\/features\/FileField\.test\.ts > uploads \(file fields\) > shows a file refused with 413 next to its field/);
});

test('without uploads no upload code is generated, and the forms stay as they were', T, async () => {
    for (const frontend of ['react', 'vue', 'svelte']) {
        assert.ok(packFeatures(frontend).includes('uploads'), `${frontend} lists uploads`);
        const { front } = await generate(`no-uploads-${frontend}`, frontend, ['search']);
        assert.ok(!existsSync(path.join(front, 'src/features/uploads.ts')));
        assert.ok(!existsSync(path.join(front, 'src/features/FileField.test.ts')));
        const form = ['src/components/ResourceForm.tsx', 'src/components/ResourceForm.vue', 'src/components/ResourceForm.svelte']
            .find((f) => existsSync(path.join(front, f)));
        assert.doesNotMatch(read(front, form), /upload|FileInput/i, form);
    }
});

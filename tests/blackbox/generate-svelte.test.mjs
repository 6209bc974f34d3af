// `dihya generate` with stacks.frontend = svelte: the svelte pack writes a Vite + Svelte 5 +
// TypeScript app under frontend/ that installs from its lock file, type-checks and builds, and
// passes its own Vitest suite (the same frontend/ contract as the react pack).

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

import { runDihya } from './lib/server.mjs';
import { npmInstall, vitest, webBuild } from './lib/toolchains.mjs';
const T = { timeout: 300_000 };
const dir = mkdtempSync(path.join(tmpdir(), 'dihya-generate-svelte-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const spec = [
    'title: Clinic Booking',
    'features: [auth, i18n, seo]',
    'locales: [fr, en, ar]',
    'roles: [admin, doctor, patient]',
    'entities:',
    '  - name: Patient',
    '    fields:',
    '      - {name: full_name, type: string, required: true}',
    '      - {name: email, type: email, unique: true}',
    '      - {name: birth_date, type: date}',
    '  - name: Appointment',
    '    fields:',
    '      - {name: starts_at, type: datetime, required: true}',
    '      - {name: status, type: enum, values: [booked, done, cancelled]}',
    '      - {name: patient, type: ref, ref: Patient}',
    '',
].join('\n');

const read = (file) => readFileSync(file, 'utf8');

test('a Svelte front end (auth, i18n with Arabic, SEO, enum, ref) → npm ci, svelte-check + vite build and vitest pass', T, async () => {
    const file = path.join(dir, 'clinic.yaml');
    writeFileSync(file, spec);
    const out = path.join(dir, 'clinic.out');
    const gen = await runDihya(['generate', file, '--out', out, '--set', 'stacks.frontend=svelte', '--set', 'stacks.backend=none']);
    assert.equal(gen.code, 0, gen.stderr);
    const answers = JSON.parse(read(path.join(out, '.dihya/answers.json')));
    assert.ok(answers.packs.some((p) => p.name === 'svelte'), JSON.stringify(answers.packs));
    assert.ok(!answers.packs.some((p) => p.name === 'react'), 'one pack per stack');

    const front = path.join(out, 'frontend');
    // A list, create and edit page per entity, routed by the app.
    const app = read(path.join(front, 'src/App.svelte'));
    for (const [kebab, plural] of [['patient', 'patients'], ['appointment', 'appointments']]) {
        for (const page of ['ListPage', 'CreatePage', 'EditPage']) {
            assert.ok(existsSync(path.join(front, `src/pages/${kebab}/${page}.svelte`)), `${kebab}/${page}`);
        }
        assert.ok(existsSync(path.join(front, `src/pages/${kebab}.test.ts`)), `tests of the ${kebab} pages`);
        assert.match(app, new RegExp(`path: '/${plural}/:id/edit', page: \\w+EditPage, auth: true`));
    }
    // The enum's values and the ref's target are in the entity definitions the forms use.
    const appointment = read(path.join(front, 'src/entities/appointment.ts'));
    assert.match(appointment, /type: 'enum', values: \['booked', 'done', 'cancelled'\]/);
    assert.match(appointment, /type: 'ref', ref: 'Patient', refRoute: '\/api\/patients'/);
    // Arabic is right to left; French, the first locale, is the default.
    assert.match(read(path.join(front, 'src/i18n/locales.ts')), /\{ code: 'ar', rtl: true \}/);
    assert.match(read(path.join(front, 'index.html')), /<html lang="fr" dir="ltr">/);
    // SEO files, without the pages behind the login.
    const robots = read(path.join(front, 'public/robots.txt'));
    assert.match(robots, /Disallow: \/login/);
    assert.match(robots, /Disallow: \/patients\/new/);
    assert.match(read(path.join(front, 'public/sitemap.xml')), /<loc>https:\/\/example\.com\/appointments<\/loc>/);
    assert.match(read(path.join(front, 'index.html')), /<meta property="og:title" content="Clinic Booking" \/>/);
    assert.match(read(path.join(front, 'README.md')), /npm test/);
    // The docker pack builds it like any Vite front end.
    assert.ok(existsSync(path.join(front, 'Dockerfile')));

    // npm ci: the pack's package-lock.json must agree with its package.json.
    await npmInstall('svelte / clinic.yaml', front);
    const build = await webBuild('svelte / clinic.yaml', front);
    assert.match(build, /svelte-check found 0 errors and 0 warnings/);
    const html = read(path.join(front, 'dist/index.html'));
    assert.match(html, /<script type="module" crossorigin src="\/assets\/[^"]+\.js"><\/script>/, 'vite wrote the build');
    assert.ok(existsSync(path.join(front, 'dist/sitemap.xml')), 'public/ is copied into dist/');

    // The generated suite, with the test names.
    const { output: plain } = await vitest('svelte / clinic.yaml', front, { min: 10, reporterArgs: ['--reporter=verbose'] });
    // Among them: the pages of each entity, and the switch to Arabic setting dir="rtl".
    assert.match(plain, /✓ src\/pages\/appointment\.test\.ts > Appointment pages > loads a row into the edit form/);
    assert.match(plain, /✓ src\/pages\/patient\.test\.ts > Patient pages > creates a row with POST/);
    assert.match(plain, /✓ src\/App\.test\.ts > App > switches language and text direction/);
    assert.match(plain, /✓ src\/App\.test\.ts > App > asks to sign in before editing, then goes back/);
});

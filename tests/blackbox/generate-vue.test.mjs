// `dihya generate` with stacks.frontend = vue: the vue pack writes a Vite + Vue 3 + TypeScript
// app under frontend/ that installs from its lock file (npm ci), type-checks and builds
// (vue-tsc + vite build) and passes its own Vitest suite; a free-text spec asking for Vue.js
// reaches the same pack. The devops files it sits beside are checked in devops.test.mjs.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

import { runDihya } from './lib/server.mjs';
import { npmInstall, vitest, webBuild } from './lib/toolchains.mjs';
const T = { timeout: 280_000 };
const dir = mkdtempSync(path.join(tmpdir(), 'dihya-generate-vue-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const clinic = [
    'title: Clinic Booking',
    'features: [auth, i18n, seo]',
    'locales: [fr, en, ar]',
    'roles: [admin, doctor]',
    'entities:',
    '  - name: Patient',
    '    fields:',
    '      - {name: full_name, type: string, required: true}',
    '      - {name: email, type: email, unique: true}',
    '      - {name: birth_date, type: date}',
    '      - {name: notes, type: text}',
    '      - {name: visits, type: int}',
    '      - {name: weight, type: float}',
    '      - {name: insured, type: bool}',
    '      - {name: site, type: url}',
    '  - name: Appointment',
    '    fields:',
    '      - {name: starts_at, type: datetime, required: true}',
    '      - {name: status, type: enum, values: [booked, done, cancelled], required: true}',
    '      - {name: patient, type: ref, ref: Patient, required: true}',
    '',
].join('\n');

const read = (...parts) => readFileSync(path.join(...parts), 'utf8');

test('a Vue front end (auth, i18n with Arabic, SEO, enum and ref) → npm ci, vue-tsc + vite build and vitest pass', T, async () => {
    const spec = path.join(dir, 'clinic.yaml');
    writeFileSync(spec, clinic);
    const out = path.join(dir, 'clinic.out');
    const gen = await runDihya(['generate', spec, '--out', out, '--set', 'stacks.frontend=vue', '--set', 'stacks.backend=none'],
        { timeoutMs: 60_000 });
    assert.equal(gen.code, 0, gen.stderr);
    const answers = JSON.parse(read(out, '.dihya/answers.json'));
    assert.ok(answers.packs.some((p) => p.name === 'vue'), JSON.stringify(answers.packs));
    assert.ok(!answers.packs.some((p) => p.name === 'react'), 'one front end only');

    const front = path.join(out, 'frontend');
    // Single-file components with <script setup lang="ts">, one list/create/edit page per entity.
    for (const [kebab, pascal] of [['patient', 'Patient'], ['appointment', 'Appointment']]) {
        for (const page of ['List', 'Create', 'Edit']) {
            const file = path.join(front, `src/pages/${kebab}/${pascal}${page}Page.vue`);
            assert.match(read(file), /<script setup lang="ts">/, file);
        }
    }
    const router = read(front, 'src/router.ts');
    assert.match(router, /path: '\/patients', component: PatientListPage/);
    assert.match(router, /path: '\/appointments\/new', component: AppointmentCreatePage, meta: \{ requiresAuth: true \}/);
    assert.match(router, /path: '\/login'/);
    // The ref field points at the referenced entity's REST route, for its select.
    assert.match(read(front, 'src/entities/appointment.ts'),
        /name: 'patient', label: 'Patient', type: 'ref', required: true, ref: 'Patient', refRoute: '\/api\/patients'/);
    assert.match(read(front, 'src/entities/appointment.ts'), /status: 'booked' \| 'done' \| 'cancelled';/);
    // The model's languages, Arabic written right to left.
    const locales = read(front, 'src/i18n/locales.ts');
    assert.match(locales, /\{ code: 'fr', rtl: false \},\n\s+\{ code: 'en', rtl: false \},\n\s+\{ code: 'ar', rtl: true \},/);
    assert.match(locales, /DEFAULT_LOCALE = 'fr'/);
    assert.match(read(front, 'index.html'), /<html lang="fr" dir="ltr">/);
    // SEO.
    assert.match(read(front, 'index.html'), /<meta property="og:title" content="Clinic Booking" \/>/);
    assert.match(read(front, 'public/sitemap.xml'), /<loc>https:\/\/example\.com\/appointments<\/loc>/);
    assert.match(read(front, 'public/robots.txt'), /Disallow: \/patients\/\*\/edit/);
    // The frontend/ contract the docker and github-actions packs rely on.
    const pkg = JSON.parse(read(front, 'package.json'));
    assert.equal(pkg.scripts.build, 'vue-tsc --noEmit && vite build');
    assert.equal(pkg.scripts.test, 'vitest run');
    assert.match(read(front, 'vite.config.ts'), /'\/api': \{ target: apiTarget/);
    assert.match(read(front, 'src/api/client.ts'), /import\.meta\.env\.VITE_API_URL/);
    assert.match(read(out, 'README.md'), /web front end: Vue, Vite, TypeScript/);
    assert.match(read(out, '.github/workflows/ci.yml'), /name: Front end \(Vue\)/);
    assert.match(read(front, 'Dockerfile'), /RUN npm ci --no-audit --no-fund/);
    assert.match(read(front, 'README.md'), /npm test/);

    // npm ci: the pack's package-lock.json must agree with its package.json. Then vue-tsc + vite build, and vitest.
    await npmInstall('vue / clinic.yaml', front);
    await webBuild('vue / clinic.yaml', front);
    assert.ok(existsSync(path.join(front, 'dist/sitemap.xml')), 'public/ is copied into the build');
    const { output: plain } = await vitest('vue / clinic.yaml', front, { min: 10 });
    // Every entity's pages were exercised, and the language switch sets dir="rtl" for Arabic.
    assert.match(plain, /src\/pages\/patient\.test\.ts \(\d+ tests\)/);
    assert.match(plain, /src\/pages\/appointment\.test\.ts \(\d+ tests\)/);
    assert.match(plain, /src\/App\.test\.ts \(\d+ tests\)/);
});

test('a French free-text spec asking for Vue.js → the analyser chooses vue → the vue pack writes the front end', T, async () => {
    const spec = path.join(dir, 'clinique.txt');
    writeFileSync(spec, 'Application pour une clinique : gestion des patients et des rendez-vous, avec connexion '
        + 'pour les médecins. Interface en arabe et en français, en Vue.js.\n');
    const out = path.join(dir, 'clinique.out');
    const gen = await runDihya(['generate', spec, '--out', out, '--set', 'stacks.backend=none'], { timeoutMs: 60_000 });
    assert.equal(gen.code, 0, gen.stderr);
    const answers = JSON.parse(read(out, '.dihya/answers.json'));
    assert.equal(answers.model.stacks.frontend, 'vue');
    assert.ok(answers.packs.some((p) => p.name === 'vue'), JSON.stringify(answers.packs));
    assert.ok(answers.model.entities.length >= 2, JSON.stringify(answers.model.entities));
    const front = path.join(out, 'frontend');
    assert.match(read(front, 'package.json'), /"vue": "\d+\.\d+\.\d+"/);
    const router = read(front, 'src/router.ts');
    for (const { name } of answers.model.entities) {
        // Entity names are PascalCase (LabResult); files use the kebab-case form (lab-result).
        const kebab = name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
        assert.ok(existsSync(path.join(front, `src/pages/${kebab}/${name}ListPage.vue`)), name);
        assert.match(router, new RegExp(`path: '/[a-z0-9-]+', component: ${name}ListPage }`), name);
        assert.ok(existsSync(path.join(front, `src/pages/${kebab}.test.ts`)), name);
    }
    // Arabic and French: both are locales; whichever comes first is the default and sets the page's direction.
    const locales = read(front, 'src/i18n/locales.ts');
    assert.match(locales, /\{ code: 'ar', rtl: true \}/);
    assert.match(locales, /\{ code: 'fr', rtl: false \}/);
    const first = /DEFAULT_LOCALE = '(\w+)'/.exec(locales)?.[1];
    assert.match(read(front, 'index.html'), new RegExp(`<html lang="${first}" dir="${first === 'ar' ? 'rtl' : 'ltr'}">`));
    assert.ok(existsSync(path.join(front, 'src/auth/LoginPage.vue')), 'connexion → a login page');
});

// `dihya generate`: specifications in three forms become projects that pass their own tests
// with the real toolchain (npm ci + node --test for the express pack), reproducibly. The devops
// files (Dockerfiles, compose.yaml, CI workflow) are checked in devops.test.mjs.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';

import { repoRoot, runDihya } from './lib/server.mjs';
import { nodeTestSuite, npmInstall, pytest, vitest, webBuild } from './lib/toolchains.mjs';

const run = promisify(execFile);
const T = { timeout: 300_000 };
const dir = mkdtempSync(path.join(tmpdir(), 'dihya-generate-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// The API only (the React front end has its own test below); devops stays at its default.
const kOnlyExpress = ['--set', 'stacks.frontend=none'];

const specs = {
    'clinic.yaml': [
        'title: Clinic Booking',
        'features: [auth]',
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
    ].join('\n'),
    'catalogue.json': JSON.stringify({
        title: 'Every Field Type',
        entities: [
            { name: 'Supplier', fields: [{ name: 'label', type: 'string', required: true }, { name: 'site', type: 'url' }] },
            {
                name: 'Item',
                fields: [
                    { name: 'title', type: 'string', required: true, unique: true },
                    { name: 'notes', type: 'text' },
                    { name: 'stock', type: 'int' },
                    { name: 'price', type: 'float' },
                    { name: 'active', type: 'bool' },
                    { name: 'released_on', type: 'date' },
                    { name: 'updated', type: 'datetime' },
                    { name: 'contact', type: 'email' },
                    { name: 'grade', type: 'enum', values: ['a', 'b', 'c'] },
                    { name: 'supplier', type: 'ref', ref: 'Supplier' },
                ],
            },
        ],
    }, null, 2),
    'ecole.txt': 'Application pour une école : gestion des élèves, des enseignants et des cours, '
        + 'avec connexion pour les enseignants et les administrateurs. Interface en français et en arabe.\n',
    'hotel.txt': 'A booking platform for a hotel: guests reserve rooms, staff manage invoices. Login for staff and admins.\n',
    'boutique.txt': 'أريد تطبيقا لمتجر إلكتروني لبيع المنتجات للزبائن مع الطلبات والدفع وتسجيل الدخول.\n',
};

async function generateAndTest(name) {
    const spec = path.join(dir, name);
    writeFileSync(spec, specs[name]);
    const out = path.join(dir, `${name}.out`);
    const gen = await runDihya(['generate', spec, '--out', out, ...kOnlyExpress], { timeoutMs: 60_000 });
    assert.equal(gen.code, 0, gen.stderr);
    const answers = JSON.parse(readFileSync(path.join(out, '.dihya/answers.json'), 'utf8'));
    assert.ok(answers.packs.some((p) => p.name === 'express'));
    assert.ok(existsSync(path.join(out, 'backend/README.md')), 'the project says how to run and test it');
    assert.ok(existsSync(path.join(out, 'backend/Dockerfile')), 'and how to build its image');
    const backend = path.join(out, 'backend');
    // npm ci: the pack's package-lock.json must agree with its package.json (installed once per lock file).
    await npmInstall(`express / ${name}`, backend);
    // The generated node --test suite: nothing fails, and it ran.
    await nodeTestSuite(`express / ${name}`, backend, { min: 10 });
    return answers;
}

test('a YAML spec with auth and roles → an Express API whose node --test suite passes', T, async () => {
    const answers = await generateAndTest('clinic.yaml');
    assert.equal(answers.model.title, 'Clinic Booking');
});

test('a JSON spec with every field type → an Express API whose suite passes', T, async () => {
    await generateAndTest('catalogue.json');
});

test('a French free-text spec → analysed → an Express API whose suite passes', T, async () => {
    const answers = await generateAndTest('ecole.txt');
    assert.ok(answers.model.entities.length >= 2);
});

test('the same YAML spec with --set stacks.backend=flask → a Flask API whose pytest suite passes', T, async () => {
    const spec = path.join(dir, 'clinic-flask.yaml');
    writeFileSync(spec, specs['clinic.yaml']);
    const out = path.join(dir, 'clinic-flask.out');
    const gen = await runDihya(['generate', spec, '--out', out, ...kOnlyExpress, '--set', 'stacks.backend=flask']);
    assert.equal(gen.code, 0, gen.stderr);
    // Debian's interpreter: it has python3-flask and python3-pytest (the first python3 on PATH may not).
    await pytest('flask / clinic.yaml', path.join(out, 'backend'), { min: 10 });
});

test('a React front end (auth, i18n with Arabic, SEO) → npm ci, vite build and vitest pass', T, async () => {
    const spec = path.join(dir, 'front.yaml');
    writeFileSync(spec, specs['clinic.yaml'].replace('features: [auth]', 'features: [auth, i18n, seo]\nlocales: [fr, en, ar]'));
    const out = path.join(dir, 'front.out');
    const gen = await runDihya(['generate', spec, '--out', out, '--set', 'stacks.backend=none']);
    assert.equal(gen.code, 0, gen.stderr);
    const front = path.join(out, 'frontend');
    assert.ok(existsSync(path.join(front, 'public/sitemap.xml')));
    assert.ok(existsSync(path.join(front, 'public/robots.txt')));
    // npm ci from the lock file, tsc + vite build (dist/index.html), and the Vitest suite.
    await npmInstall('react / front.yaml', front);
    await webBuild('react / front.yaml', front);
    await vitest('react / front.yaml', front, { min: 10 });
});

test('English and Arabic free-text specs → analysed → Express APIs whose suites pass', T, async () => {
    for (const name of ['hotel.txt', 'boutique.txt']) {
        const answers = await generateAndTest(name);
        assert.ok(answers.model.entities.length >= 2, name);
    }
});

test('archives are reproducible: same spec and packs → same bytes and SHA-256', T, async () => {
    const spec = path.join(dir, 'repro.yaml');
    writeFileSync(spec, specs['clinic.yaml']);
    const a = await runDihya(['generate', spec, '--zip', path.join(dir, 'a.zip'), ...kOnlyExpress]);
    const b = await runDihya(['generate', spec, '--zip', path.join(dir, 'b.zip'), ...kOnlyExpress]);
    assert.equal(a.code, 0, a.stderr);
    assert.deepEqual(readFileSync(path.join(dir, 'a.zip')), readFileSync(path.join(dir, 'b.zip')));
    const sha = /sha256 ([0-9a-f]{64})/.exec(a.stdout)?.[1];
    assert.ok(sha, a.stdout);
    assert.equal(/sha256 ([0-9a-f]{64})/.exec(b.stdout)?.[1], sha);
    const t = await runDihya(['generate', spec, '--tar', path.join(dir, 'a.tar.gz'), ...kOnlyExpress]);
    assert.equal(t.code, 0, t.stderr);
    const { stdout } = await run('tar', ['-tzf', path.join(dir, 'a.tar.gz')]);
    assert.match(stdout, /clinic-booking\/backend\/package\.json/);
});

test('a stack without a pack is a clear error (exit 2) naming it', T, async () => {
    const spec = path.join(dir, 'nopack.yaml');
    writeFileSync(spec, specs['clinic.yaml']);
    // The installed packs without the django pack.
    const packs = path.join(dir, 'packs-without-django');
    cpSync(process.env.DIHYA_PACKS_DIR || path.join(repoRoot, 'packs'), packs, { recursive: true });
    rmSync(path.join(packs, 'stacks/django'), { recursive: true, force: true });
    const r = await runDihya(['generate', spec, '--zip', path.join(dir, 'x.zip'), '--set', 'stacks.backend=django'],
        { env: { DIHYA_PACKS_DIR: packs } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no template pack for stacks\.backend = django; packs exist for .*backend: express, fastapi, flask;/);
    assert.ok(!existsSync(path.join(dir, 'x.zip')), 'nothing is written on error');

    // The packs installed, less kubernetes: a devops tool without a pack.
    const noK8s = path.join(dir, 'packs-without-kubernetes');
    cpSync(process.env.DIHYA_PACKS_DIR ?? path.join(repoRoot, 'packs'), noK8s, {
        recursive: true,
        filter: (src) => !src.split(path.sep).join('/').endsWith('/stacks/kubernetes'),
    });
    const k8s = await runDihya(['generate', spec, '--zip', path.join(dir, 'x.zip'), '--set', 'stacks.devops=docker,kubernetes'],
        { env: { DIHYA_PACKS_DIR: noK8s } });
    assert.equal(k8s.code, 2);
    assert.match(k8s.stderr, /no template pack for stacks\.devops\[1\] = kubernetes; packs exist for .*devops: compose, docker, github-actions, terraform/);
    const compose = await runDihya(['generate', spec, '--zip', path.join(dir, 'x.zip'), '--set', 'stacks.devops=compose']);
    assert.equal(compose.code, 2);
    assert.match(compose.stderr, /stacks\.devops = compose needs stacks\.devops = docker as well .*add docker to stacks\.devops/);
    assert.ok(!existsSync(path.join(dir, 'x.zip')), 'nothing is written on error');
});

test('a feature no chosen stack carries is refused, or left out and said so when --set changed the stacks', T, async () => {
    // A structured spec asking for SEO without a front end: exit 2, naming the feature and what would carry it.
    const spec = path.join(dir, 'seo-no-front.yaml');
    writeFileSync(spec, specs['clinic.yaml'].replace('features: [auth]', 'features: [auth, seo]') +
        'stacks: {frontend: none, backend: express, devops: []}\n');
    const refused = await runDihya(['generate', spec, '--zip', path.join(dir, 'seo.zip')]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /seo concerns the frontend stacks and none is chosen: choose one among frontend \w+, frontend \w+, frontend \w+, or remove seo from features/);
    assert.ok(!existsSync(path.join(dir, 'seo.zip')), 'nothing is written on error');

    // Free text asking for SEO and search, the front end removed with --set: SEO is left out with an assumption,
    // search (which the back end carries) is kept.
    const text = path.join(dir, 'seo.txt');
    writeFileSync(text, 'A website for a bakery with SEO and search. Customers order cakes; each cake has a name and a price.');
    const out = path.join(dir, 'seo.out');
    const gen = await runDihya(['generate', text, '--out', out, '--set', 'stacks.frontend=none', '--set', 'stacks.devops=']);
    assert.equal(gen.code, 0, gen.stderr);
    assert.match(gen.stderr, /assumed features: seo left out after --set: it concerns stacks\.frontend and none is chosen/);
    const model = JSON.parse(readFileSync(path.join(out, '.dihya/answers.json'), 'utf8')).model;
    assert.ok(!model.features.includes('seo'), JSON.stringify(model.features));
    assert.ok(model.features.includes('search'), JSON.stringify(model.features));
});

test('POST /api/v1/generate returns a reproducible archive with its SHA-256', T, async () => {
    const { startServer } = await import('./lib/server.mjs');
    const srv = await startServer();
    const model = {
        title: 'Clinic Booking',
        stacks: { frontend: 'none', backend: 'express', devops: 'none' },
        entities: [{ name: 'Patient', fields: [{ name: 'full_name', type: 'string', required: true }] }],
    };
    const post = (body, query = '') => fetch(`${srv.url}/api/v1/generate${query}`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    const a = await post({ model });
    assert.equal(a.status, 200, await a.clone().text());
    assert.equal(a.headers.get('content-type'), 'application/zip');
    assert.match(a.headers.get('content-disposition') ?? '', /filename="clinic-booking\.zip"/);
    const bytes = Buffer.from(await a.arrayBuffer());
    const sha = a.headers.get('x-archive-sha256');
    const { createHash } = await import('node:crypto');
    assert.equal(createHash('sha256').update(bytes).digest('hex'), sha);
    const b = await post({ model });
    assert.equal(b.headers.get('x-archive-sha256'), sha, 'same model and packs → same bytes');
    const zip = path.join(dir, 'api.zip');
    writeFileSync(zip, bytes);
    const { stdout } = await run('unzip', ['-l', zip]);
    assert.match(stdout, /clinic-booking\/backend\/test\/entities\/patient\.test\.js/);

    const tgz = await post({ model }, '?format=tar.gz');
    assert.equal(tgz.status, 200);
    assert.equal(tgz.headers.get('content-type'), 'application/gzip');

    // Free text: the default stacks (react, express, docker + compose + github-actions) all have packs.
    const fromText = await post({ text: 'A small library app: books, authors and loans. Backend in Express.' });
    assert.equal(fromText.status, 200, await fromText.clone().text());
    writeFileSync(path.join(dir, 'text.zip'), Buffer.from(await fromText.arrayBuffer()));
    const listing = (await run('unzip', ['-l', path.join(dir, 'text.zip')])).stdout;
    for (const f of ['compose.yaml', '.github/workflows/ci.yml', 'frontend/Dockerfile', 'backend/Dockerfile', 'README.md']) {
        assert.match(listing, new RegExp(`/${f.replace(/\./g, '\\.')}\n`), f);
    }

    const bad = await post({ model: { title: 'X', entities: [{ name: 'Patient', fields: [{ name: 'age', type: 'integr' }] }] } });
    assert.equal(bad.status, 400);
    const problem = await bad.json();
    assert.ok(problem.errors.some((e) => e.field === 'entities[0].fields[0].type'), JSON.stringify(problem));

    const badFormat = await post({ model }, '?format=rar');
    assert.equal(badFormat.status, 400);
    const none = await post({});
    assert.equal(none.status, 400);

    const catalog = await (await fetch(`${srv.url}/api/v1/catalog`)).json();
    assert.ok(catalog.packs.some((p) => p.name === 'express' && /^\d+\.\d+\.\d+/.test(p.version)), JSON.stringify(catalog.packs));
});

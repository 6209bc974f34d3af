// `dihya update`: a generated and then edited project is regenerated from an edited spec; the
// user's edits survive, the generator's changes arrive (3-way merge), conflicts are marked and
// reported with exit code 3, and the updated project still passes its own test suite.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

import { runDihya } from './lib/server.mjs';
import { nodeTestSuite, npmInstall } from './lib/toolchains.mjs';

const T = { timeout: 300_000 };
const dir = mkdtempSync(path.join(tmpdir(), 'dihya-update-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Stacks without a pack on this branch are switched off at generation time; update keeps these
// choices for the stacks the new spec does not name.
const kOnlyExpress = ['--set', 'stacks.frontend=none', '--set', 'stacks.devops='];

const v1 = [
    'name: clinic-booking',
    'title: Clinic Booking',
    'features: [auth]',
    'roles: [admin, doctor, patient]',
    'entities:',
    '  - name: Patient',
    '    fields:',
    '      - {name: full_name, type: string, required: true}',
    '      - {name: email, type: email, unique: true}',
    '  - name: Appointment',
    '    fields:',
    '      - {name: starts_at, type: datetime, required: true}',
    '      - {name: status, type: enum, values: [booked, done, cancelled]}',
    '      - {name: patient, type: ref, ref: Patient}',
    '',
].join('\n');
// The same project with one more entity.
const v2 = v1 + [
    '  - name: Doctor',
    '    fields:',
    '      - {name: full_name, type: string, required: true}',
    '      - {name: specialty, type: string}',
    '',
].join('\n');

const read = (...p) => readFileSync(path.join(...p), 'utf8');
const readBytes = (...p) => readFileSync(path.join(...p));

async function generate(name, spec) {
    const specFile = path.join(dir, `${name}.yaml`);
    writeFileSync(specFile, spec);
    const out = path.join(dir, name);
    const gen = await runDihya(['generate', specFile, '--out', out, ...kOnlyExpress], { timeoutMs: 60_000 });
    assert.equal(gen.code, 0, gen.stderr);
    return out;
}

function writeSpec(name, spec) {
    const file = path.join(dir, name);
    writeFileSync(file, spec);
    return file;
}

/// npm ci and the project's own node --test suite (which fails the test when one of its tests fails).
async function npmTest(backend) {
    await npmInstall('express / update', backend);
    const { output, pass, fail } = await nodeTestSuite('express / update', backend);
    return { stdout: output, pass, fail };
}

const kPingRoute = "  app.get('/api/ping', (req, res) => res.json({ pong: true }));  // ours\n";
const kPingTest = [
    "import assert from 'node:assert/strict';",
    "import { test } from 'node:test';",
    "import { startServer } from './helpers.js';",
    '',
    "test('our ping route answers pong', async () => {",
    '  const server = await startServer();',
    '  try {',
    "    const r = await server.client.get('/api/ping');",
    '    assert.equal(r.status, 200);',
    '    assert.deepEqual(r.body, { pong: true });',
    '  } finally {',
    '    await server.close();',
    '  }',
    '});',
    '',
].join('\n');

test('an edited project gets a new entity; edits and added files survive; its suite passes', T, async () => {
    const out = await generate('clinic', v1);
    const backend = path.join(out, 'backend');

    // The user's edits: a route in a generated source file, notes at the end of the README, a
    // comment at the top of the resource index (which the generator also changes), own files.
    const app = read(backend, 'src/app.js');
    const healthz = app.indexOf("  app.get('/healthz'");
    assert.ok(healthz > 0, 'the generated app has a /healthz route');
    const lineEnd = app.indexOf('\n', healthz) + 1;
    writeFileSync(path.join(backend, 'src/app.js'), app.slice(0, lineEnd) + kPingRoute + app.slice(lineEnd));
    appendFileSync(path.join(backend, 'README.md'), '\n## Our notes\n\nDeployed on the clinic server.\n');
    const index = read(backend, 'src/resources/index.js');
    writeFileSync(path.join(backend, 'src/resources/index.js'), '// The clinic resources (edited by us).\n' + index);
    writeFileSync(path.join(backend, 'test/ping.test.js'), kPingTest);
    writeFileSync(path.join(out, 'NOTES.md'), 'Our own notes.\n');
    mkdirSync(path.join(out, 'assets'));
    const logo = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0x10]);
    writeFileSync(path.join(out, 'assets/logo.png'), logo);
    const answersBefore = read(out, '.dihya/answers.json');

    const spec = writeSpec('clinic-v2.yaml', v2);

    // --dry-run says what would happen and writes nothing.
    const dry = await runDihya(['update', out, '--spec', spec, '--dry-run'], { timeoutMs: 60_000 });
    assert.equal(dry.code, 0, dry.stdout + dry.stderr);
    assert.match(dry.stdout, /dry run/);
    assert.match(dry.stdout, /^added +backend\/src\/resources\/doctor\.js$/m);
    assert.ok(!existsSync(path.join(backend, 'src/resources/doctor.js')), 'dry run wrote nothing');
    assert.equal(read(out, '.dihya/answers.json'), answersBefore);

    const upd = await runDihya(['update', out, '--spec', spec], { timeoutMs: 60_000 });
    assert.equal(upd.code, 0, upd.stdout + upd.stderr);
    assert.match(upd.stdout, /^note: entity Doctor added$/m);
    assert.match(upd.stdout, /^added +backend\/src\/resources\/doctor\.js$/m);
    assert.match(upd.stdout, /^added +backend\/test\/entities\/doctor\.test\.js$/m);
    assert.match(upd.stdout, /^merged +backend\/README\.md /m);
    assert.match(upd.stdout, /^merged +backend\/src\/resources\/index\.js /m);
    assert.match(upd.stdout, /^kept +backend\/src\/app\.js \(your edit; the generator did not change it\)$/m);
    assert.match(upd.stdout, /, 0 conflicts$/m);
    assert.doesNotMatch(upd.stdout, /NOTES\.md|ping\.test|logo\.png/, 'files the generator never produced are not looked at');
    assert.doesNotMatch(upd.stdout, /stacks\./, 'the stacks chosen with --set at generation time are kept');

    // The user's edits survive, next to the generator's changes.
    assert.ok(read(backend, 'src/app.js').includes(kPingRoute));
    const readme = read(backend, 'README.md');
    assert.match(readme, /## Our notes\n\nDeployed on the clinic server\.\n$/);
    assert.match(readme, /^\| Doctor \| `\/api\/doctors` \|/m);
    assert.match(readme, /^\| Patient \|/m);
    const newIndex = read(backend, 'src/resources/index.js');
    assert.ok(newIndex.startsWith('// The clinic resources (edited by us).\n'), newIndex);
    assert.match(newIndex, /import \{ doctorResource \} from '\.\/doctor\.js';/);
    assert.match(newIndex, /^ {2}doctorResource,$/m);
    assert.doesNotMatch(newIndex + readme, /<<<<<<<|>>>>>>>/);

    // The new entity's route/resource and tests are there.
    assert.match(read(backend, 'src/resources/doctor.js'), /\/api\/doctors/);
    assert.ok(existsSync(path.join(backend, 'test/entities/doctor.test.js')));
    assert.match(read(backend, 'openapi.json'), /\/api\/doctors/);

    // Files the user added are byte for byte what they were.
    assert.equal(read(backend, 'test/ping.test.js'), kPingTest);
    assert.equal(read(out, 'NOTES.md'), 'Our own notes.\n');
    assert.deepEqual(readBytes(out, 'assets/logo.png'), logo);

    // The answers are the new ones.
    const answers = JSON.parse(read(out, '.dihya/answers.json'));
    assert.deepEqual(answers.model.entities.map((e) => e.name), ['Patient', 'Appointment', 'Doctor']);
    assert.equal(answers.model.stacks.frontend, 'none');
    assert.ok(answers.packs.some((p) => p.name === 'express'));

    // Running update again with the same spec has nothing left to do.
    const again = await runDihya(['update', out, '--spec', spec], { timeoutMs: 60_000 });
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /^0 updated, 0 added, 0 merged, \d+ kept, 0 deleted, 0 conflicts$/m);

    // The updated project passes its own suite, with the new entity's tests and ours.
    const suite = await npmTest(backend);
    assert.equal(suite.fail, 0, suite.stdout);
    assert.ok(suite.pass >= 15, `the generated suite ran (${suite.pass} passed)`);
    assert.match(suite.stdout, /Doctors API \(\/api\/doctors\)/);
    assert.match(suite.stdout, /our ping route answers pong/);
});

test('conflicting edits are marked, listed, and exit with code 3', T, async () => {
    const out = await generate('conflict', v1);
    const backend = path.join(out, 'backend');
    // The user retitles the README; the new spec retitles the project: the same line changes twice.
    const readme = read(backend, 'README.md');
    assert.ok(readme.startsWith('# Clinic Booking — backend\n'), readme.slice(0, 80));
    writeFileSync(path.join(backend, 'README.md'), readme.replace('# Clinic Booking — backend', '# Our Clinic — backend'));
    // The user already wrote a file where the new entity's resource goes.
    writeFileSync(path.join(backend, 'src/resources/doctor.js'), '// our own doctor resource\n');

    const spec = writeSpec('conflict-v2.yaml', v2.replace('title: Clinic Booking', 'title: Clinic Booking Pro'));
    const upd = await runDihya(['update', out, '--spec', spec], { timeoutMs: 60_000 });
    assert.equal(upd.code, 3, upd.stdout + upd.stderr);
    assert.match(upd.stdout, /^conflict +backend\/README\.md \(.*markers\)$/m);
    assert.match(upd.stdout, /^conflict +backend\/src\/resources\/doctor\.js \(.*backend\/src\/resources\/doctor\.js\.dihya-new\)$/m);
    assert.match(upd.stdout, /, 2 conflicts$/m);
    assert.match(upd.stdout, /^conflicts to resolve:\n {2}backend\/README\.md\n {2}backend\/src\/resources\/doctor\.js\n/m);

    const merged = read(backend, 'README.md');
    assert.ok(merged.startsWith(
        '<<<<<<< yours\n# Our Clinic — backend\n=======\n# Clinic Booking Pro — backend\n'), merged.slice(0, 200));
    assert.match(merged, /^>>>>>>> generated$/m);
    assert.match(merged, /^\| Doctor \|/m, 'the rest of the generator\'s changes merged in');
    assert.equal(read(backend, 'src/resources/doctor.js'), '// our own doctor resource\n');
    assert.match(read(backend, 'src/resources/doctor.js.dihya-new'), /\/api\/doctors/);
    // The generator's other change to the README, away from the conflict, merged in.
    assert.match(merged, /^REST API for Clinic Booking Pro, built with/m);
    const answers = JSON.parse(read(out, '.dihya/answers.json'));
    assert.equal(answers.model.title, 'Clinic Booking Pro');
});

test('without --spec the recorded model is regenerated (with --set); bad folders and options exit 2', T, async () => {
    const out = await generate('same', v1);
    const same = await runDihya(['update', out], { timeoutMs: 60_000 });
    assert.equal(same.code, 0, same.stdout + same.stderr);
    assert.match(same.stdout, /^0 updated, 0 added, 0 merged, 0 kept, 0 deleted, 0 conflicts$/m);

    // --set on the recorded model: auth off drops the auth module (unchanged by the user, so deleted); i18n, which
    // only front ends and mobile apps carry, is left out of this back-end-only project and said so.
    const noAuth = await runDihya(['update', out, '--set', 'features=search,i18n'], { timeoutMs: 60_000 });
    assert.equal(noAuth.code, 0, noAuth.stdout + noAuth.stderr);
    assert.match(noAuth.stdout, /^deleted +backend\/src\/auth\.js/m);
    assert.match(noAuth.stderr, /assumed features: i18n left out after --set: it concerns stacks\.frontend, mobile and none is chosen/);
    assert.ok(!existsSync(path.join(out, 'backend/src/auth.js')));
    assert.deepEqual(JSON.parse(read(out, '.dihya/answers.json')).model.features, ['search']);

    const notProject = await runDihya(['update', dir], { timeoutMs: 30_000 });
    assert.equal(notProject.code, 2);
    assert.match(notProject.stderr, /not a generated project \(no \.dihya\/answers\.json\)/);
    const badOption = await runDihya(['update', out, '--frobnicate']);
    assert.equal(badOption.code, 2);
    assert.match(badOption.stderr, /unknown option --frobnicate/);
    const help = await runDihya(['help']);
    assert.match(help.stdout, /update +DIR \[--spec NEW_SPEC\] \[--set KEY=VALUE \.\.\.\] \[--dry-run\]/);
});

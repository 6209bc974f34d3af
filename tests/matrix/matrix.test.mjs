// The matrix's own checks (ctest: matrix.self): its plans cover what they promise, and a failure in a generated
// project is reported naming the stack, the domain, the command and what went wrong — shown by planting a failing test
// in a Python back end's suite and an unknown key in compose.yaml, in a copy of the packs.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

import { allStacks, discover, kKinds, plan, supportedFeatures } from './plan.mjs';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const packsDir = process.env.DIHYA_PACKS_DIR ?? path.join(repoRoot, 'packs');
const found = discover(packsDir);
const stacksOf = (p) => kKinds.flatMap((k) => [p.stacks[k]].flat().filter((v) => v && v !== 'none'));
const dir = mkdtempSync(path.join(tmpdir(), 'dihya-matrix-self-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('the packs give every kind of stack and the domains of the catalog', () => {
    for (const kind of ['frontend', 'backend', 'devops']) assert.ok(found.stacks[kind].length > 0, kind);
    assert.ok(found.domains.length >= 14, found.domains.join());
    assert.ok(found.domains.includes('sports') && found.domains.includes('associations'));
    for (const d of found.domains) assert.ok(found.titles[d], `${d}: a project title`);
});

for (const full of [false, true]) {
    test(`the ${full ? 'full' : 'quick'} plan: every stack and domain, one project with every stack, a free text per language`, () => {
        const projects = plan(found, { full });
        const stacks = allStacks(found).map(([, v]) => v);
        const every = projects.filter((p) => p.every);
        assert.equal(every.length, 1, 'one project with every stack');
        for (const kind of kKinds) {
            const chosen = [every[0].stacks[kind]].flat().filter((v) => v !== 'none');
            assert.equal(chosen.length, kind === 'devops' ? found.stacks.devops.length : Math.min(1, found.stacks[kind].length), kind);
        }
        for (const s of stacks) {
            const domains = new Set(projects.filter((p) => p.domain && stacksOf(p).includes(s)).map((p) => p.domain));
            assert.ok(domains.size >= (full ? 3 : 1), `${s} meets ${domains.size} domains`);
        }
        for (const d of found.domains) assert.ok(projects.some((p) => p.domain === d), d);
        assert.deepEqual(projects.filter((p) => p.lang).map((p) => p.lang), ['fr', 'en', 'ar']);
        assert.equal(new Set(projects.map((p) => p.id)).size, projects.length, 'ids are unique');
        for (const p of projects.filter((x) => x.domain)) {
            // Structured specs: the domain and no entities, and only features their stacks implement.
            assert.match(p.text, new RegExp(`^domain: ${p.domain}$`, 'm'));
            assert.doesNotMatch(p.text, /^entities:/m);
            assert.deepEqual(supportedFeatures(found, p.stacks, p.features), p.features, p.id);
            if (p.stacks.devops.includes('compose')) assert.ok(p.stacks.devops.includes('docker'), `${p.id}: compose needs docker`);
        }
        if (full) {
            // Every stack meets three feature profiles, and every front end three back ends.
            for (const s of stacks) {
                const profiles = new Set(projects.filter((p) => p.profile && stacksOf(p).includes(s)).map((p) => p.profile));
                assert.ok(profiles.size >= 3, `${s} meets the profiles ${[...profiles]}`);
            }
            for (const f of found.stacks.frontend) {
                const backends = new Set(projects.filter((p) => p.stacks.frontend === f && p.stacks.backend !== 'none').map((p) => p.stacks.backend));
                assert.ok(backends.size >= Math.min(3, found.stacks.backend.length), `${f}: ${[...backends]}`);
            }
        }
    });
}

test('--list prints the plan without a binary', async () => {
    const { stdout } = await new Promise((resolve, reject) => {
        execFile(process.execPath, [path.join(import.meta.dirname, 'matrix.mjs'), '--list'], { env: { ...process.env, DIHYA_BIN: '' } },
            (error, out, err) => (error ? reject(error) : resolve({ stdout: out, stderr: err })));
    });
    assert.match(stdout, /^matrix \(quick\): \d+ projects, \d+ stacks with a pack, \d+ domains/);
    assert.match(stdout, /\(every stack\)/);
});

// Where to plant a failing test in each Python back end's generated suite (a file copied as it is), and the command
// that runs the suite.
const kPlanted = {
    django: {
        file: 'stacks/django/api/tests/test_validation.py',
        code: '\n\nclass PlantedTests(SimpleTestCase):\n    def test_planted_by_the_matrix_self_test(self):\n        self.fail("planted failure")\n',
        command: /`\/usr\/bin\/python3 manage\.py test --noinput -v 1` in \S+\/backend failed \(exit 1\)/,
    },
    flask: {
        file: 'libraries/python-api/tests/test_database.py',
        code: '\n\ndef test_planted_by_the_matrix_self_test():\n    assert 1 == 2, "planted failure"\n',
        command: /`\/usr\/bin\/python3 -m pytest -q -p no:cacheprovider` in \S+\/backend failed \(exit 1\)/,
    },
};
kPlanted.fastapi = kPlanted.flask;

test('a failure names the stack, the domain, the command and what failed; the table shows it', { skip: !process.env.DIHYA_BIN && 'DIHYA_BIN is not set', timeout: 600_000 }, async () => {
    // The quick plan's first structured project with a Python back end alone (no front end or mobile app to build)
    // and compose.
    const target = plan(found).find((p) => p.domain && kPlanted[p.stacks.backend] && p.stacks.devops.includes('compose')
        && ['frontend', 'mobile', 'ai', 'blockchain'].every((k) => p.stacks[k] === 'none'));
    assert.ok(target, 'a project with a Python back end alone and compose in the quick plan');
    const backend = target.stacks.backend;
    // A copy of the packs with a failing test in that back end's suite and an unknown key in compose.yaml.
    const broken = path.join(dir, 'packs');
    cpSync(packsDir, broken, { recursive: true });
    appendFileSync(path.join(broken, kPlanted[backend].file), kPlanted[backend].code);
    const compose = path.join(broken, 'stacks/compose/compose.yaml.mustache');
    writeFileSync(compose, `${readFileSync(compose, 'utf8').trimEnd()}\nservicez: {}\n`);

    const json = path.join(dir, 'results.json');
    const run = await new Promise((resolve) => {
        execFile(process.execPath, [path.join(import.meta.dirname, 'matrix.mjs'), '--only', `^${target.id} `, '--json', json],
            { env: { ...process.env, DIHYA_PACKS_DIR: broken, MATRIX_TMP: dir }, maxBuffer: 64 << 20, timeout: 540_000 },
            (error, stdout, stderr) => resolve({ code: error ? error.code : 0, stdout, stderr }));
    });
    const out = run.stdout;
    assert.equal(run.code, 1, `${out}\n${run.stderr}`);
    const where = `${target.domain} (${target.id}: ${stacksOf(target).join(', ')})`;
    // The stack, the domain, the project, the command, the failed test and its message.
    assert.ok(out.includes(`✗ ${backend} / ${where}`), out);
    assert.match(out, kPlanted[backend].command);
    assert.match(out, /test_planted_by_the_matrix_self_test/);
    assert.match(out, /AssertionError: planted failure/);
    assert.ok(out.includes(`✗ compose / ${where}`), out);
    assert.match(out, /compose\.yaml against the Compose Specification/);
    assert.match(out, /servicez/);
    // The table: a row per stack of the project, a column for its domain.
    const header = out.split('\n').find((l) => l.startsWith('| stack \\ domain'));
    assert.ok(header?.includes(` ${target.domain} `), out);
    const row = (stack) => out.split('\n').find((l) => l.startsWith(`| ${stack} `));
    assert.match(row(backend), /✗ \d/);
    assert.match(row('compose'), /✗ \d/);
    assert.match(row('docker'), /✓ \d/);
    assert.match(out, /\d+\/\d+ stack checks passed in 1 projects \(1 with a failure\)/);
    assert.match(out, /projects kept in /);
    const results = JSON.parse(readFileSync(json, 'utf8'));
    const record = results.records[0];
    assert.equal(record.id, target.id);
    assert.deepEqual(record.results.filter((r) => r.status === 'fail').map((r) => r.stack).sort(), ['compose', backend].sort());
    assert.ok(record.results.find((r) => r.stack === backend).failure.tail.includes('planted failure'));
});

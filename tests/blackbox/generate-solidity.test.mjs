// `dihya generate` with the solidity pack: two specifications (a structured clinic, a free-text library with
// --set stacks.blockchain=solidity) → blockchain/ installs with `npm ci` from its lock file, compiles with solc
// (npm, JavaScript) without warnings, and its own node --test suite passes on the in-process EVM
// (@ethereumjs/vm). Then the suite is shown to catch broken access checks: contracts edited to let an outsider
// write, or anyone grant roles, make it fail, naming the tests that caught it.
// The project's suite also runs its deploy script through JSON-RPC against the same in-process EVM. Not run
// here: a deployment to a real network (no Ethereum node is reachable); `npm run deploy` is only checked to
// refuse to start without its settings.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { runDihya } from './lib/server.mjs';
import { nodeTestSummary, nodeTestSuite, npmInstall, npmResult, solidityCompile } from './lib/toolchains.mjs';
const T = { timeout: 600_000 };
const dir = mkdtempSync(path.join(tmpdir(), 'dihya-solidity-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Field names that are Solidity keywords (address, type) must not break the contract.
const clinicSpec = [
    'title: Clinic Chain',
    'features: [auth]',
    'roles: [admin, doctor, front_desk]',
    'stacks: {frontend: none, backend: express, blockchain: solidity}',
    'entities:',
    '  - name: Patient',
    '    fields:',
    '      - {name: full_name, type: string, required: true}',
    '      - {name: email, type: email, unique: true}',
    '      - {name: address, type: text}',
    '      - {name: birth_date, type: date}',
    '      - {name: weight, type: float}',
    '      - {name: visits, type: int}',
    '      - {name: insured, type: bool}',
    '      - {name: website, type: url}',
    '  - name: Appointment',
    '    fields:',
    '      - {name: starts_at, type: datetime, required: true}',
    '      - {name: type, type: enum, values: [consultation, follow_up], required: true}',
    '      - {name: status, type: enum, values: [booked, done, cancelled]}',
    '      - {name: patient, type: ref, ref: Patient, required: true}',
    '      - {name: referral, type: ref, ref: Appointment}',
    '',
].join('\n');

const libraryText = 'Library Loans. A web application for a public library. Librarians manage books with a title, '
    + 'an author, an ISBN and a publication year. Members have a name and an email. Each loan links a book and a '
    + 'member, with a due date and a status (borrowed, returned, late). Roles: librarian, member.\n';

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

async function generate(name, text, options = []) {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    const out = path.join(dir, `${name}.out`);
    const gen = await runDihya(['generate', file, '--out', out, ...options], { timeoutMs: 60_000 });
    assert.equal(gen.code, 0, gen.stderr);
    return { out, chain: path.join(out, 'blockchain'), answers: readJson(path.join(out, '.dihya/answers.json')) };
}

/// `npm <args>` in `cwd`, whatever its exit code (a broken contract must make the suite fail): {code, output}.
const npm = (cwd, args) => npmResult(cwd, args);
const summary = nodeTestSummary;

let clinic;
let library;
before(async () => {
    clinic = await generate('clinic.yaml', clinicSpec);
    library = await generate('library.txt', libraryText, ['--set', 'stacks.blockchain=solidity', '--set', 'stacks.frontend=none']);
});

test('a YAML spec (three roles, every field type, unique, required enum and ref, a self ref, keyword field names) → contracts whose own suite passes', T, async () => {
    assert.equal(clinic.answers.model.stacks.blockchain, 'solidity');
    assert.ok(clinic.answers.packs.some((p) => p.name === 'solidity'));
    for (const f of ['README.md', 'package.json', 'package-lock.json', '.gitignore', 'contracts/Registry.sol',
        'contracts/records/RecordsBase.sol', 'contracts/records/PatientRecords.sol', 'contracts/records/AppointmentRecords.sol',
        'scripts/compile.mjs', 'scripts/deploy.mjs', 'test/registry.test.mjs', 'test/deploy.test.mjs', 'test/rpc-node.mjs',
        'test/records/patient.test.mjs', 'test/records/appointment.test.mjs']) {
        assert.ok(existsSync(path.join(clinic.chain, f)), f);
    }
    const registry = readFileSync(path.join(clinic.chain, 'contracts/Registry.sol'), 'utf8');
    for (const role of ['ADMIN', 'DOCTOR', 'FRONT_DESK']) assert.match(registry, new RegExp(`bytes32 public constant ${role}_ROLE = keccak256\\("${role.toLowerCase()}"\\);`));
    const patient = readFileSync(path.join(clinic.chain, 'contracts/records/PatientRecords.sol'), 'utf8');
    assert.match(patient, /string patientAddress;/);
    assert.match(patient, /revert RequiredField\("Patient", "full_name"\)/);
    const appointment = readFileSync(path.join(clinic.chain, 'contracts/records/AppointmentRecords.sol'), 'utf8');
    assert.match(appointment, /enum AppointmentType \{\s*Unset,\s*Consultation,\s*FollowUp\s*\}/);
    assert.match(appointment, /uint256 appointmentPatient;/);
    const manifest = readJson(path.join(clinic.chain, 'package.json'));
    assert.equal(manifest.name, 'clinic-chain-contracts');
    assert.equal(readJson(path.join(clinic.chain, 'package-lock.json')).name, 'clinic-chain-contracts');
    assert.match(readFileSync(path.join(clinic.chain, 'README.md'), 'utf8'), /not done where this project was generated/);

    await npmInstall('solidity / clinic.yaml', clinic.chain);
    // npm run compile: no warning (lib/toolchains.mjs), every contract built.
    const compiled = await solidityCompile('solidity / clinic.yaml', clinic.chain);
    for (const c of ['Registry', 'PatientRecords', 'AppointmentRecords']) {
        assert.match(compiled, new RegExp(`build/${c}\\.json: \\d+ bytes of code\\n`));
        assert.ok(readJson(path.join(clinic.chain, 'build', `${c}.json`)).abi.length > 0);
    }

    // registry: 7; deploy: 2; per entity: CRUD, outsider, admin-only delete, not found, required, unique (Patient),
    // refs (Appointment).
    await nodeTestSuite('solidity / clinic.yaml', clinic.chain, { min: 7 + 2 + 6 + 6, timeoutMs: 540_000 });
});

test('free text (a library) with --set stacks.blockchain=solidity → contracts whose own suite passes', T, async () => {
    assert.equal(library.answers.model.stacks.blockchain, 'solidity');
    const model = library.answers.model;
    assert.ok(model.entities.length >= 3, JSON.stringify(model.entities.map((e) => e.name)));
    for (const e of model.entities) {
        const kebab = e.name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
        assert.ok(existsSync(path.join(library.chain, `contracts/records/${e.name}Records.sol`)), e.name);
        assert.ok(existsSync(path.join(library.chain, `test/records/${kebab}.test.mjs`)), e.name);
    }
    await npmInstall('solidity / library.txt', library.chain);
    await nodeTestSuite('solidity / library.txt', library.chain, { min: 7 + 4 * model.entities.length, timeoutMs: 540_000 });
});

/// Runs the clinic's suite with `file` edited by `edit`, then restores it; resolves with the summary.
async function withEdit(file, edit) {
    const full = path.join(clinic.chain, file);
    const original = readFileSync(full, 'utf8');
    const changed = edit(original);
    assert.notEqual(changed, original, `the edit of ${file} applies`);
    writeFileSync(full, changed);
    try {
        const tested = await npm(clinic.chain, ['test']);
        assert.notEqual(tested.code, 0, 'the suite fails');
        return summary(tested.output);
    } finally {
        writeFileSync(full, original);
    }
}

test('the suite catches a record contract that lets an account without a role write', T, async () => {
    const s = await withEdit('contracts/records/RecordsBase.sol', (text) => text.replace(
        'if (!registry.isMember(msg.sender)) revert Unauthorized(msg.sender);', ''));
    assert.ok(s.fail >= 2, `${s.fail} failed`);
    for (const entity of ['Patient', 'Appointment']) {
        assert.ok(s.failed.some((name) => name.startsWith(`${entity}: an outsider (no role) cannot create`)), s.failed.join('\n'));
    }
});

test('the suite catches a Registry that lets anyone grant roles', T, async () => {
    const s = await withEdit('contracts/Registry.sol', (text) => text.replace(
        'function grantRole(bytes32 role, address account) external onlyAdmin {', 'function grantRole(bytes32 role, address account) external {'));
    assert.ok(s.failed.some((name) => name.startsWith('an outsider cannot grant itself a role')), s.failed.join('\n'));
});

test('npm run deploy refuses to start without RPC_URL and DEPLOYER_PRIVATE_KEY', T, async () => {
    const r = await npm(clinic.chain, ['run', 'deploy']);
    assert.equal(r.code, 2, r.output);
    assert.match(r.output, /Set RPC_URL/);
});

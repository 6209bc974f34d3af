#!/usr/bin/env node
// The stack matrix: every stack that has a pack, generated with the real `dihya generate` in combination with other
// stacks and business domains, and each generated project checked with each of its stacks' own toolchains (the
// commands of tests/blackbox/lib/toolchains.mjs: install from the cached dependencies, type-check, build, run the
// project's own tests; the static checks where the toolchain cannot run here). tests/matrix/README.md says more.
//
//   DIHYA_BIN=build/dihya node tests/matrix/matrix.mjs            # the quick rotation (make test: matrix.quick)
//   DIHYA_BIN=build/dihya node tests/matrix/matrix.mjs --full     # the full one (make test-matrix)
//
// Options: --full; --jobs N (projects at once, default 1); --only REGEX (projects whose id, label or stacks match);
// --list (print the plan, run nothing); --keep (keep the generated projects); --json FILE (the results).
// Environment: DIHYA_BIN (required), DIHYA_PACKS_DIR (default: the repository's packs/), MATRIX_TMP (where the
// projects are generated; default: the system's temporary folder).
//
// Every failure names the stack, the domain (or the free-text spec), the failing command and its output's tail; a
// table of stack × domain (pass/fail and time) ends the run. Exit status: 0 when everything passed, 1 otherwise,
// 2 on a usage error.

import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { tail } from '../blackbox/lib/python.mjs';
import { toolchains, verifyStack } from '../blackbox/lib/toolchains.mjs';
import { allStacks, discover, kKinds, plan } from './plan.mjs';

const repoRoot = path.resolve(import.meta.dirname, '../..');

function usage(message) {
    process.stderr.write(`matrix: ${message}\nusage: node tests/matrix/matrix.mjs [--full] [--jobs N] [--only REGEX] [--list] [--keep] [--json FILE]\n`);
    process.exit(2);
}

function parseArgs(argv) {
    const opts = { full: false, jobs: 1, only: null, list: false, keep: false, json: null };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const value = () => (i + 1 < argv.length ? argv[++i] : usage(`${a} needs a value`));
        if (a === '--full') opts.full = true;
        else if (a === '--quick') opts.full = false;
        else if (a === '--jobs') opts.jobs = Math.max(1, Number(value()) || 1);
        else if (a === '--only') opts.only = new RegExp(value());
        else if (a === '--list') opts.list = true;
        else if (a === '--keep') opts.keep = true;
        else if (a === '--json') opts.json = value();
        else usage(`unknown option ${a}`);
    }
    return opts;
}

const seconds = (ms) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;
const stackList = (stacks) => kKinds.flatMap((k) => [stacks[k]].flat().filter((v) => v && v !== 'none'));
const log = (line) => process.stdout.write(`${line}\n`);

/// `dihya generate FILE --out DIR [--set ...]`: resolves {code, stdout, stderr}.
function generate(bin, args, env) {
    return new Promise((resolve) => {
        execFile(bin, args, { env, timeout: 120_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
            resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr: stderr || error?.message || '' });
        });
    });
}

/// Generates one project and runs every chosen stack's checks; resolves its record.
async function runProject(p, { bin, env, work }) {
    const started = Date.now();
    const record = { id: p.id, label: p.label, domain: p.domain ?? null, stacks: stackList(p.stacks), results: [], generate: null };
    const specFile = path.join(work, p.file);
    writeFileSync(specFile, p.text);
    const out = path.join(work, p.id);
    const args = ['generate', specFile, '--out', out, ...p.set];
    const gen = await generate(bin, args, env);
    record.generate = { ms: Date.now() - started, code: gen.code };
    if (gen.code !== 0) {
        record.failure = {
            stack: 'generate', command: `\`dihya ${args.join(' ')}\` failed (exit ${gen.code})`, tail: tail(gen.stderr, 40),
        };
        record.results.push(...record.stacks.map((stack) => ({ stack, status: 'not run', ms: 0 })));
        record.ms = Date.now() - started;
        return record;
    }
    const answers = JSON.parse(readFileSync(path.join(out, '.dihya/answers.json'), 'utf8'));
    const { model } = answers;
    record.domain = model.domain ?? record.domain;
    if (p.lang) record.label = `${p.lang} text (${model.domain ?? 'custom'})`;
    record.features = model.features;
    record.entities = model.entities.map((e) => e.name);
    // The plan's stacks are the project's: a stack left out by generation is a failure of its own.
    const got = stackList(model.stacks);
    for (const stack of record.stacks) {
        if (!got.includes(stack)) {
            record.results.push({ stack, status: 'fail', ms: 0 });
            record.failure ??= { stack, command: 'dihya generate', tail: `the generated model has stacks ${JSON.stringify(model.stacks)}` };
        }
    }
    const scratch = path.join(work, `${p.id}.scratch`);
    mkdirSync(scratch, { recursive: true });
    for (const stack of record.stacks.filter((s) => got.includes(s))) {
        const what = `${stack} / ${record.label} (${p.id})`;
        const t0 = Date.now();
        try {
            const { result, steps } = await verifyStack(stack, out, { what, model, scratch });
            record.results.push({ stack, status: 'pass', ms: Date.now() - t0, result, steps });
        } catch (err) {
            const failure = { stack, command: err.command ?? 'check', tail: err.detail ?? String(err.stack ?? err) };
            record.results.push({ stack, status: 'fail', ms: Date.now() - t0, failure });
            record.failures = [...(record.failures ?? []), failure];
        }
    }
    record.out = out;
    record.ms = Date.now() - started;
    return record;
}

/// The failures, each naming the stack, the domain or spec, the command and its output's tail.
function printFailures(records) {
    for (const r of records) {
        const failures = [...(r.failure ? [r.failure] : []), ...(r.failures ?? [])];
        for (const f of failures) {
            log('');
            log(`✗ ${f.stack} / ${r.label} (${r.id}: ${r.stacks.join(', ')})`);
            log(`  ${f.command}`);
            for (const line of String(f.tail).split('\n')) log(`  │ ${line}`);
            if (r.out) log(`  project: ${r.out}`);
        }
    }
}

/// The table: a row per stack, a column per domain (or free-text spec); a cell is ✓ or ✗ with the stack's time in
/// that column's projects, · where the stack did not run there.
function printTable(records, stacks) {
    const columns = [...new Set(records.map((r) => r.label))];
    const cell = (stack, label) => {
        const results = records.filter((r) => r.label === label).flatMap((r) => r.results.filter((x) => x.stack === stack));
        if (!results.length) return '·';
        const ms = results.reduce((a, x) => a + x.ms, 0);
        if (results.some((x) => x.status === 'fail')) return `✗ ${seconds(ms)}`;
        if (results.some((x) => x.status !== 'pass')) return '– not run';
        return `✓ ${seconds(ms)}`;
    };
    const rows = stacks.map((s) => [s, ...columns.map((c) => cell(s, c))]);
    const header = ['stack \\ domain', ...columns];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
    log('');
    log(line(header));
    log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
    for (const r of rows) log(line(r));
}

async function main() {
    const opts = parseArgs(process.argv.slice(2));
    const bin = process.env.DIHYA_BIN;
    if (!opts.list && !bin) usage('DIHYA_BIN must name the dihya binary');
    const packsDir = process.env.DIHYA_PACKS_DIR ?? path.join(repoRoot, 'packs');
    const found = discover(packsDir);
    const stacks = allStacks(found).map(([, v]) => v);
    const missing = stacks.filter((s) => !toolchains[s]);
    if (missing.length) {
        log(`✗ no toolchain for ${missing.join(', ')}: add each to tests/blackbox/lib/toolchains.mjs`);
        process.exit(1);
    }
    let projects = plan(found, { full: opts.full });
    // The plan covers every stack and every domain; in the full rotation every stack meets three domains.
    const domainsOf = (s) => new Set(projects.filter((p) => p.domain && stackList(p.stacks).includes(s)).map((p) => p.domain));
    const wanted = opts.full ? 3 : 1;
    const uncovered = [
        ...stacks.filter((s) => domainsOf(s).size < wanted).map((s) => `${s} (${domainsOf(s).size} domains)`),
        ...found.domains.filter((d) => !projects.some((p) => p.domain === d)),
    ];
    if (uncovered.length) {
        log(`✗ the plan leaves out ${uncovered.join(', ')}`);
        process.exit(1);
    }
    if (opts.only) projects = projects.filter((p) => opts.only.test(`${p.id} ${p.label} ${stackList(p.stacks).join(' ')}`));

    log(`matrix (${opts.full ? 'full' : 'quick'}): ${projects.length} projects, ${stacks.length} stacks with a pack, `
        + `${found.domains.length} domains; packs from ${packsDir}`);
    for (const p of projects) {
        log(`  ${p.id}  ${p.label.padEnd(16)} ${stackList(p.stacks).join(', ')}${p.features ? ` — features: ${p.features.join(', ') || 'none'}` : ''}${p.every ? '  (every stack)' : ''}`);
    }
    if (opts.list) return;

    const work = mkdtempSync(path.join(process.env.MATRIX_TMP ?? os.tmpdir(), 'dihya-matrix-'));
    // The generated suites report to their own runners: no node:test context, no colours; DIHYA_* of the caller
    // other than the packs folder stays out, as in the black-box tests.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('DIHYA_') || k === 'DIHYA_PACKS_DIR'));
    env.DIHYA_PACKS_DIR = packsDir;
    delete env.NODE_TEST_CONTEXT;

    const started = Date.now();
    const records = [];
    let next = 0;
    const worker = async () => {
        while (next < projects.length) {
            const p = projects[next++];
            const record = await runProject(p, { bin, env, work });
            records.push(record);
            const failed = record.failure || record.results.some((x) => x.status !== 'pass');
            const parts = record.results.map((x) => `${x.stack} ${x.status === 'pass' ? '✓' : '✗'} ${seconds(x.ms)}`);
            log(`${failed ? '✗' : '✓'} ${record.id} ${record.label} (${seconds(record.ms)}): ${record.failure && !record.results.length ? 'generation failed' : parts.join(', ')}`);
        }
    };
    await Promise.all(Array.from({ length: Math.min(opts.jobs, projects.length) }, worker));
    records.sort((a, b) => a.id.localeCompare(b.id));

    const failed = records.filter((r) => r.failure || r.results.some((x) => x.status !== 'pass'));
    printFailures(records);
    printTable(records, stacks.filter((s) => records.some((r) => r.stacks.includes(s))));
    const total = records.reduce((a, r) => a + r.results.length, 0);
    const passed = records.reduce((a, r) => a + r.results.filter((x) => x.status === 'pass').length, 0);
    log('');
    log(`${passed}/${total} stack checks passed in ${records.length} projects (${failed.length} with a failure), ${seconds(Date.now() - started)}`);
    if (opts.json) {
        writeFileSync(opts.json, `${JSON.stringify({ full: opts.full, packsDir, ms: Date.now() - started, records }, null, 2)}\n`);
    }
    if (!opts.keep && failed.length === 0) rmSync(work, { recursive: true, force: true });
    else log(`projects kept in ${work}`);
    process.exitCode = failed.length ? 1 : 0;
}

await main();

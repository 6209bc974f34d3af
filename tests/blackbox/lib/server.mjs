// Starts the real `dihya` binary for black-box tests and runs it to completion for CLI tests.
//
//   const srv = await startServer({ config: { limits: { max_body_bytes: 1024 } } });
//   await fetch(`${srv.url}/healthz`);
//
// The binary is process.env.DIHYA_BIN. Every server gets its own temp data dir and port 0;
// it is killed (SIGKILL) and its temp dir removed when the test (or file) that started it ends.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after } from 'node:test';

const kStartTimeoutMs = 20_000;
const live = new Set();
const cleanups = new Set();

// Registered while this module is imported, i.e. at the top level of a test file, so it is a
// hook of the file's root and runs after all its tests: whatever is still running is killed.
// (A hook registered from inside a `before` hook would belong to that hook and run at once.)
after(async () => {
    await Promise.all([...cleanups].map((fn) => fn()));
});

// Last resort if the runner exits without running `after` hooks (e.g. a crash).
process.on('exit', () => {
    for (const proc of live) {
        try {
            proc.kill('SIGKILL');
        } catch {
            // already gone
        }
    }
});

export function dihyaBin() {
    const bin = process.env.DIHYA_BIN;
    if (!bin) throw new Error('DIHYA_BIN must be set to the path of the dihya binary');
    return bin;
}

/// The repository root (where package.json, node_modules and redocly.yaml live).
export const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..');

/// A YAML document for a plain JS value (maps, lists, strings, numbers, booleans, null).
/// Strings are double-quoted with JSON escapes, which YAML accepts as-is.
export function toYaml(value, indent = '') {
    if (value === null || value === undefined) return 'null';
    if (Array.isArray(value)) {
        if (value.length === 0) return '[]';
        return value
            .map((item) => {
                const text = toYaml(item, indent + '  ');
                return isBlock(item) ? `${indent}-\n${text}` : `${indent}- ${text}`;
            })
            .join('\n');
    }
    if (typeof value === 'object') {
        const keys = Object.keys(value);
        if (keys.length === 0) return '{}';
        return keys
            .map((key) => {
                const item = value[key];
                const text = toYaml(item, indent + '  ');
                return isBlock(item) ? `${indent}${key}:\n${text}` : `${indent}${key}: ${text}`;
            })
            .join('\n');
    }
    if (typeof value === 'string') return JSON.stringify(value);
    return String(value);
}

function isBlock(v) {
    if (v === null || typeof v !== 'object') return false;
    return Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0;
}

/// Environment for the child: the runner's, minus every DIHYA_* variable (so a developer's
/// shell cannot change what a test sees), plus `env`.
function childEnv(env = {}) {
    const out = {};
    for (const [k, v] of Object.entries(process.env)) {
        // DIHYA_PACKS_DIR passes through: the suite can run against another set of packs.
        if (!k.startsWith('DIHYA_') || k === 'DIHYA_PACKS_DIR') out[k] = v;
    }
    return { ...out, ...env };
}

function makeTempDir(prefix) {
    return mkdtempSync(path.join(tmpdir(), prefix));
}

/// Writes `config` (a JS object turned into YAML, or a YAML string) into `dir`.
function writeConfig(dir, config) {
    const file = path.join(dir, 'dihya.yaml');
    writeFileSync(file, typeof config === 'string' ? config : toYaml(config) + '\n');
    return file;
}

/// Parses the JSON log lines in `text`; lines that are not JSON objects are returned as
/// {__raw: line} so that callers can report them.
export function parseLogLines(text) {
    const out = [];
    for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        try {
            const v = JSON.parse(line);
            out.push(v !== null && typeof v === 'object' && !Array.isArray(v) ? v : { __raw: line });
        } catch {
            out.push({ __raw: line });
        }
    }
    return out;
}

/**
 * Starts `dihya serve --listen 127.0.0.1:0 --data-dir <tmp> [--dev] [--config file] ...args`
 * and resolves once it logged {"msg":"listening","address":"127.0.0.1:PORT"}.
 *
 * options:
 *   config  JS object or YAML text for --config (omitted: no --config)
 *   env     extra environment variables
 *   args    extra command-line arguments after the standard ones
 *   dev     pass --dev (default true)
 *   t       a node:test context: the server is killed when that test ends (otherwise when
 *           the file's tests are done)
 *   dataDir an existing data directory to serve (a restart); it is left in place at cleanup
 */
export async function startServer({ config, env, args = [], dev = true, t, dataDir: reuse } = {}) {
    const bin = dihyaBin();
    const dir = makeTempDir('dihya-bb-');
    const dataDir = reuse ?? path.join(dir, 'data');
    const argv = ['serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir];
    if (dev) argv.push('--dev');
    let configFile;
    if (config !== undefined) {
        configFile = writeConfig(dir, config);
        argv.push('--config', configFile);
    }
    argv.push(...args);

    const proc = spawn(bin, argv, { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(proc);
    let stderr = '';
    let stdout = '';
    const listeners = new Set();
    proc.stderr.setEncoding('utf8');
    proc.stdout.setEncoding('utf8');
    proc.stderr.on('data', (chunk) => {
        stderr += chunk;
        for (const fn of listeners) fn();
    });
    proc.stdout.on('data', (chunk) => {
        stdout += chunk;
    });

    // 'close' (not 'exit') so that all of stderr has been read when it resolves.
    let exitInfo;
    const exited = new Promise((resolve) => {
        proc.on('close', (code, signal) => {
            live.delete(proc);
            exitInfo = { code, signal };
            for (const fn of listeners) fn();
            resolve(exitInfo);
        });
    });
    const spawnError = new Promise((_, reject) => {
        proc.on('error', (err) => reject(new Error(`cannot start ${bin}: ${err.message}`)));
    });
    spawnError.catch(() => {});

    const cleanup = async () => {
        cleanups.delete(cleanup);
        if (!exitInfo) {
            proc.kill('SIGKILL');
            await exited;
        }
        rmSync(dir, { recursive: true, force: true });
    };
    cleanups.add(cleanup);
    if (t) t.after(cleanup);

    const describe = () =>
        `dihya ${argv.join(' ')}\n--- stderr ---\n${stderr}` + (stdout ? `\n--- stdout ---\n${stdout}` : '');

    /// Resolves with the first log record for which `pred` is true (already logged or later);
    /// rejects when the process ends without one or after `timeoutMs`.
    const waitForLog = (pred, { timeoutMs = 15_000 } = {}) =>
        new Promise((resolve, reject) => {
            let timer;
            const check = () => {
                const hit = parseLogLines(stderr).find((r) => !r.__raw && pred(r));
                if (hit) {
                    done();
                    resolve(hit);
                } else if (exitInfo) {
                    done();
                    reject(new Error(`dihya exited (${JSON.stringify(exitInfo)}) without the expected log line\n${describe()}`));
                }
            };
            const done = () => {
                clearTimeout(timer);
                listeners.delete(check);
            };
            timer = setTimeout(() => {
                done();
                reject(new Error(`timed out after ${timeoutMs} ms waiting for a log line\n${describe()}`));
            }, timeoutMs);
            listeners.add(check);
            check();
        });

    let listening;
    try {
        listening = await Promise.race([
            waitForLog((r) => r.msg === 'listening', { timeoutMs: kStartTimeoutMs }),
            spawnError,
        ]);
    } catch (err) {
        await cleanup();
        throw new Error(`dihya did not start listening: ${err.message}`);
    }
    const address = String(listening.address ?? '');
    const port = Number(address.slice(address.lastIndexOf(':') + 1));
    if (!address.startsWith('127.0.0.1:') || !Number.isInteger(port) || port <= 0) {
        await cleanup();
        throw new Error(`"listening" log line has no usable address field: ${JSON.stringify(listening)}\n${describe()}`);
    }

    return {
        url: `http://127.0.0.1:${port}`,
        port,
        proc,
        dir,
        dataDir,
        configFile,
        /// Everything written to stderr so far.
        logs: () => stderr,
        stdout: () => stdout,
        /// The parsed log records so far.
        records: () => parseLogLines(stderr),
        waitForLog,
        /// Resolves {code, signal} once the process has ended and its output is read.
        waitForExit: () => exited,
        exited: () => exitInfo,
        /// Sends `signal` and resolves {code, signal} once the process has ended.
        stop: async (signal = 'SIGTERM') => {
            if (!exitInfo) proc.kill(signal);
            return exited;
        },
        describe,
    };
}

/**
 * Runs `dihya ...args` to completion (for start-up failures and other CLI behaviour).
 * Resolves {code, signal, stdout, stderr, timedOut}. A process still running after
 * `timeoutMs` is killed and reported with timedOut: true.
 *
 * options: input (text for standard input), config (object or YAML text; its path replaces the "{config}" argument),
 *          env, timeoutMs.
 */
export async function runDihya(args, { config, env, input, timeoutMs = 15_000 } = {}) {
    const bin = dihyaBin();
    const dir = makeTempDir('dihya-cli-');
    try {
        let argv = args.map((a) => a.replaceAll('{tmp}', dir));
        let configFile;
        if (config !== undefined) {
            configFile = writeConfig(dir, config);
            argv = argv.map((a) => (a === '{config}' ? configFile : a));
        }
        const proc = spawn(bin, argv, { env: childEnv(env), stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
        live.add(proc);
        if (input !== undefined) proc.stdin.end(input);
        let stdout = '';
        let stderr = '';
        proc.stdout.setEncoding('utf8');
        proc.stderr.setEncoding('utf8');
        proc.stdout.on('data', (c) => (stdout += c));
        proc.stderr.on('data', (c) => (stderr += c));
        let timedOut = false;
        const timer = setTimeout(() => {
            timedOut = true;
            proc.kill('SIGKILL');
        }, timeoutMs);
        const result = await new Promise((resolve, reject) => {
            proc.on('error', reject);
            proc.on('close', (code, signal) => resolve({ code, signal }));
        });
        clearTimeout(timer);
        live.delete(proc);
        return { ...result, stdout, stderr, timedOut, configFile, argv };
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

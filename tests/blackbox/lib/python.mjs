// Python for the black-box tests of generated Python projects: Debian's interpreter (it has Debian's Django,
// Flask, FastAPI, PyJWT, psycopg2, pytest, ...; the first python3 on PATH may not), and scikit-learn, which
// cannot be installed with apt on this machine (python3-scipy → python3-pythran → libboost-dev 1.74 conflicts
// with libboost1.81-dev): scripts/bootstrap unpacks Debian's packages into a cache folder that `sklearnEnv()`
// puts on PYTHONPATH and LD_LIBRARY_PATH. Also small helpers to run a generated project's commands and servers,
// whose failures carry the command and the tail of its output.

import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const python = '/usr/bin/python3';

/// Where scripts/bootstrap unpacks Debian's python3-sklearn, python3-scipy and their libraries.
export const sklearnRoot = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'dihya',
    'debian-sklearn');

/// True when scikit-learn is unpacked (scripts/bootstrap).
export function hasSklearn() {
    return existsSync(path.join(sklearnRoot, 'usr/lib/python3/dist-packages/sklearn/__init__.py'));
}

/// The environment under which /usr/bin/python3 imports scikit-learn 1.2 and SciPy from the unpacked packages.
export function sklearnEnv(extra = {}) {
    const join = (dir, current) => [dir, current].filter(Boolean).join(path.delimiter);
    return {
        ...process.env,
        PYTHONPATH: join(path.join(sklearnRoot, 'usr/lib/python3/dist-packages'), process.env.PYTHONPATH),
        LD_LIBRARY_PATH: join(path.join(sklearnRoot, 'usr/lib/x86_64-linux-gnu'), process.env.LD_LIBRARY_PATH),
        ...extra,
    };
}

/// The last `lines` lines of `text`.
export function tail(text, lines = 40) {
    return String(text ?? '').trimEnd().split('\n').slice(-lines).join('\n');
}

/// Runs a command to completion; resolves {stdout, stderr, output}. On a non-zero exit (or a timeout) it rejects
/// with an error naming `what` (e.g. "django / clinic.yaml"), the command and the tail of its output.
export function runCommand(what, cmd, args, { cwd, env, timeoutMs = 300_000 } = {}) {
    return new Promise((resolve, reject) => {
        execFile(cmd, args, { cwd, env: env ?? process.env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
            (error, stdout, stderr) => {
                const output = `${stdout}${stderr ? `\n${stderr}` : ''}`;
                if (error) {
                    const how = error.killed ? `killed after ${timeoutMs} ms` : `exit ${error.code}`;
                    reject(new Error(`${what}: \`${[cmd, ...args].join(' ')}\` failed (${how}) in ${cwd}:\n${tail(output)}`));
                } else {
                    resolve({ stdout, stderr, output });
                }
            });
    });
}

export async function freePort() {
    const srv = net.createServer();
    await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve));
    const { port } = srv.address();
    await new Promise((resolve) => srv.close(resolve));
    return port;
}

const running = new Set();

/// Starts a server process and polls `${base}${healthPath}` until it answers 200. Resolves {proc, base, output()};
/// rejects (with the output's tail) when the process exits first or `timeoutMs` passes.
export async function startService(what, cmd, args, { cwd, env, port, healthPath = '/healthz', timeoutMs = 60_000 }) {
    const proc = spawn(cmd, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(proc);
    let output = '';
    proc.stdout.on('data', (chunk) => { output += chunk; });
    proc.stderr.on('data', (chunk) => { output += chunk; });
    const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + timeoutMs;
    let delay = 20;
    for (;;) {
        const state = await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, delay, null))]);
        if (state) {
            running.delete(proc);
            throw new Error(`${what}: \`${[cmd, ...args].join(' ')}\` exited (${state.code ?? state.signal}) before answering ${healthPath}:\n${tail(output)}`);
        }
        try {
            const r = await fetch(`${base}${healthPath}`);
            if (r.status === 200) return { proc, base, output: () => output };
        } catch { /* not listening yet */ }
        if (Date.now() > deadline) {
            await stopService(proc);
            throw new Error(`${what}: \`${[cmd, ...args].join(' ')}\` did not answer ${healthPath} within ${timeoutMs} ms:\n${tail(output)}`);
        }
        delay = Math.min(delay * 2, 250);
    }
}

/// Stops a process started by startService (SIGTERM, then waits for it to exit).
export async function stopService(proc) {
    running.delete(proc);
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    await exited;
}

/// Stops every process still running (for `after` hooks).
export async function stopAllServices() {
    await Promise.all([...running].map(stopService));
}

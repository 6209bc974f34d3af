// `npm ci` for generated projects, once per dependency set: generated projects of one pack version have the same
// package-lock.json (but for the project's name), so their node_modules are installed once into a cache folder
// and hard-linked into each project. Native modules (better-sqlite3) are then compiled once per run, not once per
// project. The cache is keyed by the lock file's dependency tree; a changed pack gets a fresh install.
//
//   import { npmCi } from './lib/npm.mjs';
//   await npmCi(path.join(out, 'backend'));        // like `npm ci` in that folder

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const cacheRoot = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'dihya-test', 'node_modules');

/// The environment npm and node-gyp need here: Node's headers from the installed Node (no download from
/// nodejs.org, which this machine cannot reach), no audit, no funding messages.
export function npmEnv(extra = {}) {
    const env = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
    if (!env.npm_config_nodedir && existsSync('/usr/include/node/node.h')) env.npm_config_nodedir = '/usr';
    return { ...env, ...extra };
}

/// The cache key of a project folder: its lock file without the root package's own name and version.
export function lockKey(dir) {
    const lock = JSON.parse(readFileSync(path.join(dir, 'package-lock.json'), 'utf8'));
    delete lock.name;
    delete lock.version;
    if (lock.packages?.['']) {
        delete lock.packages[''].name;
        delete lock.packages[''].version;
    }
    return createHash('sha256').update(JSON.stringify(lock)).digest('hex').slice(0, 24);
}

const kDependencyFields = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'];

/// The dependencies of package.json that its lock file's root package does not record as they are (a missing,
/// extra or different entry): what `npm ci` refuses as "package.json and package-lock.json are not in sync".
export function lockDisagreements(dir) {
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const root = JSON.parse(readFileSync(path.join(dir, 'package-lock.json'), 'utf8')).packages?.[''] ?? {};
    const out = [];
    for (const field of kDependencyFields) {
        const want = pkg[field] ?? {};
        const locked = root[field] ?? {};
        for (const name of new Set([...Object.keys(want), ...Object.keys(locked)])) {
            if (want[name] !== locked[name]) out.push(`${field}.${name}: package.json ${want[name] ?? '(none)'}, lock ${locked[name] ?? '(none)'}`);
        }
    }
    return out;
}

/// Installs `dir`'s dependencies as `npm ci` would: from the cache when an identical dependency tree was installed
/// before, else with `npm ci` into the cache first. Either way package.json must agree with the lock file, as
/// `npm ci` requires. Resolves with {cached: boolean}.
export async function npmCi(dir, { timeoutMs = 600_000 } = {}) {
    const disagreements = lockDisagreements(dir);
    if (disagreements.length) {
        throw new Error(`npm ci in ${dir}: package.json and package-lock.json are not in sync:\n${disagreements.join('\n')}`);
    }
    const key = lockKey(dir);
    const cached = path.join(cacheRoot, key);
    const ready = path.join(cached, '.dihya-ready');
    const hit = existsSync(ready);
    if (!hit) {
        // Install in a private folder, then rename: concurrent tests never see half an install.
        mkdirSync(cacheRoot, { recursive: true });
        const work = `${cached}.tmp-${process.pid}-${Date.now()}`;
        mkdirSync(work, { recursive: true });
        cpSync(path.join(dir, 'package.json'), path.join(work, 'package.json'));
        cpSync(path.join(dir, 'package-lock.json'), path.join(work, 'package-lock.json'));
        try {
            await run('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
                cwd: work,
                env: npmEnv(),
                timeout: timeoutMs,
                maxBuffer: 64 << 20,
            });
        } catch (err) {
            rmSync(work, { recursive: true, force: true });
            throw new Error(`npm ci in ${dir} failed:\n${err.stderr || err.message}`.slice(0, 8000));
        }
        writeFileSync(path.join(work, '.dihya-ready'), key);
        try {
            renameSync(work, cached);
        } catch {
            rmSync(work, { recursive: true, force: true }); // another test got there first
        }
    }
    rmSync(path.join(dir, 'node_modules'), { recursive: true, force: true });
    // Hard links: instant, no copy; tools write new files (caches) rather than change installed ones.
    await run('cp', ['-al', path.join(cached, 'node_modules'), path.join(dir, 'node_modules')]);
    return { cached: hit };
}

// PostgreSQL for black-box tests: when DIHYA_TEST_PG_URL_FILE names the harness's URL file (tests/pg/pg-harness,
// started by ctest), `freshDatabase()` creates an empty database on that server and returns its URL; otherwise
// it returns null and the test runs on SQLite.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

export function postgresUrl() {
    const file = process.env.DIHYA_TEST_PG_URL_FILE;
    if (!file) return null;
    return readFileSync(file, 'utf8').trim();
}

export function freshDatabase() {
    const server = postgresUrl();
    if (!server) return null;
    const name = `bb_${randomBytes(6).toString('hex')}`;
    execFileSync('psql', [server, '-v', 'ON_ERROR_STOP=1', '-qc', `CREATE DATABASE ${name}`], { stdio: 'pipe' });
    const url = new URL(server);
    url.pathname = `/${name}`;
    return url.toString();
}

/// "SQLite" or "PostgreSQL", for test names.
export const backend = process.env.DIHYA_TEST_PG_URL_FILE ? 'PostgreSQL' : 'SQLite';

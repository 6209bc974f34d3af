// Faults under write load, with the real binary: killed with SIGKILL while a writer creates projects, dihya
// restarts cleanly on the same data and every acknowledged write is there (SQLite; PostgreSQL too when
// DIHYA_TEST_PG_URL_FILE names the harness's URL file); and with its PostgreSQL server restarted under load (a
// server of this test's own, from tests/pg/pg-harness), requests fail with 503 and Retry-After while it is down —
// never another error — the pool reconnects by itself, and no acknowledged write is lost or half-written; and with
// the data directory on a small tmpfs filled to the last byte, writes get 507 problems (reads and /healthz go on),
// nothing is corrupted, and once space is freed writes resume and the restart is clean.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

import { api, kFastAuth, signUp, login } from './lib/accounts.mjs';
import { until } from './lib/http.mjs';
import { backend, freshDatabase } from './lib/pg.mjs';
import { kLibraryModel } from './lib/projects.mjs';
import { repoRoot, runDihya, startServer } from './lib/server.mjs';

const T = { timeout: 300_000 };
const env = { DIHYA_SECRET: randomBytes(32).toString('hex') };
const harness = path.join(repoRoot, 'tests/pg/pg-harness');
const work = mkdtempSync(path.join(tmpdir(), 'dihya-faults-'));
after(() => rmSync(work, { recursive: true, force: true }));

const hasPostgres = (() => {
    try {
        execFileSync('bash', ['-c', 'ls -d /usr/lib/postgresql/*/bin/initdb'], { stdio: 'ignore' });
        return true;
    } catch {
        return false;
    }
})();


/// A writer creating projects one after another; `acked` holds the titles the server acknowledged (201), `statuses`
/// counts every answer by status; failures other than `allowed` statuses are kept in `unexpected`.
function startWriter(srv, token, { allowed = [] } = {}) {
    const w = { acked: [], statuses: {}, unexpected: [], running: true };
    w.done = (async () => {
        for (let i = 0; w.running; i++) {
            const title = `Write ${i}`;
            let r;
            try {
                r = await api(srv, '/api/v1/projects', { method: 'POST', token, body: { model: { ...kLibraryModel, title } } });
            } catch (err) {
                w.statuses.network = (w.statuses.network ?? 0) + 1;
                if (!allowed.includes('network')) w.unexpected.push(`${title}: ${err.message}`);
                await new Promise((res) => setTimeout(res, 20));
                continue;
            }
            w.statuses[r.status] = (w.statuses[r.status] ?? 0) + 1;
            if (r.status === 201) w.acked.push(title);
            else {
                if (!allowed.includes(r.status)) w.unexpected.push(`${title}: ${r.status} ${r.text}`);
                else w.last = r;
                await new Promise((res) => setTimeout(res, 20));
            }
        }
    })();
    w.stop = async () => {
        w.running = false;
        await w.done;
    };
    return w;
}

/// Every project of the caller, by title, each read whole (its specification with both entities).
async function projectsOf(srv, token) {
    const out = new Map();
    let cursor = '';
    do {
        const r = await api(srv, `/api/v1/projects?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token });
        assert.equal(r.status, 200, r.text);
        for (const p of r.json.items) out.set(p.title, p);
        cursor = r.json.next_cursor ?? '';
    } while (cursor);
    for (const p of out.values()) {
        const one = await api(srv, `/api/v1/projects/${p.id}`, { token });
        assert.equal(one.status, 200, one.text);
        assert.equal(one.json.spec.entities.length, 2, `project ${p.title} is whole`);
    }
    return out;
}

test(`SIGKILL under write load loses no acknowledged write and the restart is clean (${backend})`, T, async (t) => {
    const database_url = freshDatabase();
    const config = { ...kFastAuth, ...(database_url ? { database_url } : {}) };
    const first = await startServer({ t, env, dev: false, config });
    const { token } = await signUp(first, 'kill@example.org');
    const writer = startWriter(first, token, { allowed: ['network'] });
    await until('writes', () => writer.acked.length >= 40);
    first.proc.kill('SIGKILL');
    await first.waitForExit();
    await writer.stop();
    assert.deepEqual(writer.unexpected, []);

    const again = await startServer({ t, env, dev: false, config, dataDir: first.dataDir });
    assert.equal((await fetch(`${again.url}/readyz`)).status, 200);
    const token2 = (await login(again, 'kill@example.org')).access_token;
    const stored = await projectsOf(again, token2);
    const lost = writer.acked.filter((title) => !stored.has(title));
    assert.deepEqual(lost, [], 'acknowledged writes are all there');
    // The restarted server takes writes again, and nothing it kept is other than what the writer sent.
    for (const title of stored.keys()) assert.match(title, /^Write \d+$/);
    const more = await api(again, '/api/v1/projects', { method: 'POST', token: token2, body: { model: kLibraryModel } });
    assert.equal(more.status, 201, more.text);
});

test('PostgreSQL restarted under load: 503 with Retry-After meanwhile, then the pool reconnects and nothing is lost',
    { ...T, skip: hasPostgres ? false : 'no PostgreSQL server binaries here' }, async (t) => {
        const dir = path.join(work, 'pg');
        execFileSync(harness, ['start', dir], { stdio: 'pipe' });
        t.after(() => execFileSync(harness, ['stop', dir], { stdio: 'pipe' }));
        const database_url = readFileSync(path.join(dir, 'url'), 'utf8').trim();
        const srv = await startServer({ t, env, dev: false, config: { ...kFastAuth, database_url } });
        const { token } = await signUp(srv, 'restart@example.org');

        const writer = startWriter(srv, token, { allowed: [503] });
        await until('writes before', () => writer.acked.length >= 20);
        execFileSync(harness, ['pause', dir], { stdio: 'pipe' });
        const ackedBefore = writer.acked.length;
        await until('refusals while it is down', () => (writer.statuses[503] ?? 0) >= 5);
        const refused = writer.last;
        assert.equal(refused.status, 503);
        assert.equal(refused.headers.get('retry-after'), '2');
        assert.match(refused.headers.get('content-type'), /application\/problem\+json/);
        assert.match(refused.json.detail, /the database cannot be reached right now/);
        assert.doesNotMatch(refused.text, /127\.0\.0\.1|port \d+/, 'the database address stays inside');
        const ready = await fetch(`${srv.url}/readyz`);
        assert.equal(ready.status, 503);
        assert.ok(writer.acked.length <= ackedBefore + 1, 'no write acknowledged while the database is away');

        execFileSync(harness, ['resume', dir], { stdio: 'pipe' });
        await until('writes after', () => writer.acked.length >= ackedBefore + 20);
        await writer.stop();
        assert.deepEqual(writer.unexpected, [], 'only 503s while the database was away');
        assert.equal((await fetch(`${srv.url}/readyz`)).status, 200);

        const stored = await projectsOf(srv, token);
        const lost = writer.acked.filter((title) => !stored.has(title));
        assert.deepEqual(lost, [], 'acknowledged writes are all there');
    });

/// Writes zeros to `file` until the file system is full (ENOSPC); returns the bytes written.
function fill(file) {
    const fd = openSync(file, 'w');
    const chunk = Buffer.alloc(64 * 1024);
    let written = 0;
    try {
        for (;;) {
            try {
                written += writeSync(fd, chunk);
            } catch (err) {
                if (err.code !== 'ENOSPC') throw err;
                // The last blocks: smaller writes until not one byte fits.
                for (let size = chunk.length / 2; size >= 1; size = Math.floor(size / 2)) {
                    for (;;) {
                        try {
                            written += writeSync(fd, chunk, 0, size);
                        } catch (e) {
                            if (e.code !== 'ENOSPC') throw e;
                            break;
                        }
                    }
                }
                return written;
            }
        }
    } finally {
        closeSync(fd);
    }
}

const canMount = process.getuid?.() === 0;

test('disk full on the data directory: 507 for writes, reads go on, nothing corrupted, writes resume once freed (sqlite)',
    { ...T, skip: canMount ? false : 'mounting a small tmpfs for the data directory needs root' }, async (t) => {
        const dir = mkdtempSync(path.join(work, 'full-'));
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m,mode=0700', 'tmpfs', dir]);
        t.after(() => execFileSync('umount', ['-l', dir]));
        const data = path.join(dir, 'data');
        const srv = await startServer({ t, env, dev: false, config: kFastAuth, dataDir: data });
        const { token } = await signUp(srv, 'full@example.org');
        const acked = [];
        const create = async (title) => {
            const r = await api(srv, '/api/v1/projects', { method: 'POST', token, body: { model: { ...kLibraryModel, title } } });
            if (r.status === 201) acked.push(title);
            return r;
        };
        for (let i = 0; i < 10; i++) assert.equal((await create(`Before ${i}`)).status, 201);

        const filler = path.join(dir, 'filler');
        fill(filler);
        // The database may still have room in pages and journal it already holds; then the disk runs out.
        let refused;
        for (let i = 0; i < 3000 && !refused; i++) {
            const r = await create(`Full ${i}`);
            if (r.status === 201) continue;
            assert.equal(r.status, 507, r.text);
            refused = r;
        }
        assert.ok(refused, 'writes are refused once the disk is full');
        assert.match(refused.headers.get('content-type'), /application\/problem\+json/);
        assert.equal(refused.json.type, '/docs/problems#insufficient-storage');
        assert.match(refused.json.detail, /disk holding the server's data is full: nothing of this request was saved/);
        assert.ok(!refused.text.includes(dir), 'no path in the answer');
        for (let i = 0; i < 3; i++) assert.equal((await create(`Still full ${i}`)).status, 507);
        // Reads, sign-in state and health go on.
        assert.equal((await fetch(`${srv.url}/healthz`)).status, 200);
        const listed = await api(srv, '/api/v1/projects?limit=5', { token });
        assert.equal(listed.status, 200, listed.text);

        rmSync(filler);
        await until('a write after space is freed', async () => (await create('After')).status === 201);
        for (let i = 0; i < 5; i++) assert.equal((await create(`After ${i}`)).status, 201);
        const stored = await projectsOf(srv, token);
        assert.deepEqual(acked.filter((title) => !stored.has(title)), [], 'acknowledged writes are all there');
        assert.deepEqual([...stored.keys()].filter((title) => !acked.includes(title)), [], 'nothing refused was kept');
        await srv.stop();

        const integrity = execFileSync('/usr/bin/python3', ['-c',
            'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("pragma integrity_check").fetchone()[0])',
            path.join(data, 'dihya.db')], { encoding: 'utf8' }).trim();
        assert.equal(integrity, 'ok');
        const audit = await runDihya(['audit', 'verify', '--data-dir', data], { env });
        assert.equal(audit.code, 0, `${audit.stdout}\n${audit.stderr}`);
        const again = await startServer({ t, env, dev: false, config: kFastAuth, dataDir: data });
        const token2 = (await login(again, 'full@example.org')).access_token;
        assert.equal((await projectsOf(again, token2)).size, stored.size);
    });


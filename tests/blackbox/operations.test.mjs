// Operations against the real binary: the scheduler's admin API and CLI (jobs timed by cron expressions in a time
// zone, paused, resumed, run now, their history), and backups made while writes go on — by the admin API (the
// scheduled job "backup") and by `dihya backup` beside the running server — downloaded, restored with `dihya
// restore` into an empty data directory (or database), and served again: every write acknowledged before the
// backup started is there and the audit chain verifies. On SQLite, and on PostgreSQL (pg_dump / pg_restore) when
// DIHYA_TEST_PG_URL_FILE names the harness's URL file (ctest's blackbox.pg.operations).

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

import { api, kFastAuth, kPassword, login, signUp } from './lib/accounts.mjs';
import { until } from './lib/http.mjs';
import { backend, freshDatabase } from './lib/pg.mjs';
import { kLibraryModel } from './lib/projects.mjs';
import { runDihya, startServer } from './lib/server.mjs';

const T = { timeout: 300_000 };
const secret = randomBytes(32).toString('hex');
const env = { DIHYA_SECRET: secret };
const work = mkdtempSync(path.join(tmpdir(), 'dihya-ops-'));
after(() => rmSync(work, { recursive: true, force: true }));

async function adminOf(srv, email, database_url) {
    const where = database_url ? ['--database', database_url] : ['--data-dir', srv.dataDir];
    const made = await runDihya(['user', 'create', '--email', email, '--role', 'admin', '--password-stdin', ...where],
        { input: `${kPassword}\n`, env });
    assert.equal(made.code, 0, made.stderr);
    return (await login(srv, email)).access_token;
}


/// The run `id` of job `name` once it has finished.
const finishedRun = (srv, token, name, id) => until(`run ${id} of ${name}`, async () => {
    const r = await api(srv, `/api/v1/admin/jobs/${name}/runs?limit=20`, { token });
    assert.equal(r.status, 200, r.text);
    const run = r.json.items.find((x) => x.id === id);
    return run && ['succeeded', 'failed', 'cancelled'].includes(run.status) ? run : null;
});

test('the scheduler: jobs with their timing, pause, resume, run now, history, audit and CLI', T, async (t) => {
    const srv = await startServer({
        t, env, dev: false,
        config: { ...kFastAuth, schedule: { cleanup: { cron: '*/5 * * * *', time_zone: 'Europe/Paris' } } },
    });
    const admin = await adminOf(srv, 'ops.admin@example.org');
    const user = (await signUp(srv, 'ops.user@example.org')).token;

    const list = await api(srv, '/api/v1/admin/jobs', { token: admin });
    assert.equal(list.status, 200, list.text);
    const byName = Object.fromEntries(list.json.items.map((j) => [j.name, j]));
    assert.deepEqual(Object.keys(byName).sort(), ['backup', 'cleanup', 'gdpr-retention', 'marketplace-stats', 'notification-digest']);
    assert.equal(byName.cleanup.cron, '*/5 * * * *');
    assert.equal(byName.cleanup.time_zone, 'Europe/Paris');
    assert.equal(byName.backup.cron, '0 3 * * *');
    const next = Date.parse(byName.cleanup.next_run_at);
    assert.ok(next > Date.now() - 1000 && next <= Date.now() + 5 * 60_000, byName.cleanup.next_run_at);
    assert.equal(new Date(next).getUTCMinutes() % 5, 0);
    assert.equal(list.headers.get('cache-control'), 'no-store');

    assert.equal((await api(srv, '/api/v1/admin/jobs', { token: user })).status, 403);
    assert.equal((await api(srv, '/api/v1/admin/jobs')).status, 401);
    const missing = await api(srv, '/api/v1/admin/jobs/nope', { token: admin });
    assert.equal(missing.status, 404);
    assert.match(missing.headers.get('content-type'), /application\/problem\+json/);
    assert.match(missing.json.detail, /no scheduled job named 'nope'/);

    const paused = await api(srv, '/api/v1/admin/jobs/cleanup/pause', { method: 'POST', token: admin });
    assert.equal(paused.status, 200, paused.text);
    assert.equal(paused.json.paused, true);
    assert.equal(paused.json.next_run_at ?? null, null);
    const cli = await runDihya(['jobs', 'list', '--data-dir', srv.dataDir], { env });
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /^cleanup\s+\*\/5 \* \* \* \*\s+Europe\/Paris\s+paused/m);
    const resumed = await api(srv, '/api/v1/admin/jobs/cleanup/resume', { method: 'POST', token: admin });
    assert.equal(resumed.json.paused, false);
    assert.ok(Date.parse(resumed.json.next_run_at) > Date.now() - 1000, resumed.text);

    const queued = await api(srv, '/api/v1/admin/jobs/gdpr-retention/run', { method: 'POST', token: admin });
    assert.equal(queued.status, 202, queued.text);
    assert.equal(queued.json.trigger, 'manual');
    const run = await finishedRun(srv, admin, 'gdpr-retention', queued.json.id);
    assert.equal(run.status, 'succeeded', JSON.stringify(run));
    assert.ok(run.started_at && run.finished_at >= run.started_at, JSON.stringify(run));
    assert.equal(typeof run.result.exports, 'number');
    assert.ok(run.output.some((l) => /^removed /.test(l.message)), JSON.stringify(run.output));
    const job = await api(srv, '/api/v1/admin/jobs/gdpr-retention', { token: admin });
    assert.equal(job.json.last_run.id, queued.json.id);

    const history = await runDihya(['jobs', 'history', 'gdpr-retention', '--data-dir', srv.dataDir], { env });
    assert.equal(history.code, 0, history.stderr);
    assert.match(history.stdout, new RegExp(`succeeded  manual  .*${queued.json.id}`));
    const unknown = await runDihya(['jobs', 'pause', 'nope', '--data-dir', srv.dataDir], { env });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no scheduled job named 'nope'/);

    const audit = await api(srv, '/api/v1/admin/audit?action=scheduler.', { token: admin });
    assert.deepEqual(audit.json.items.map((e) => e.action).sort(),
        ['scheduler.paused', 'scheduler.resumed', 'scheduler.triggered']);
});

test('a bad schedule in the configuration stops the start with the key and the reason', T, async () => {
    for (const [schedule, message] of [
        [{ backup: { cron: '61 * * * *' } }, /schedule\.backup\.cron: minute \(field 1\): 61 is out of range 0-59/],
        [{ backup: { time_zone: 'Mars/Olympus' } }, /schedule\.backup\.time_zone: unknown time zone 'Mars\/Olympus'/],
        [{ bakup: { cron: '@daily' } }, /schedule\.bakup: there is no scheduled job 'bakup' \(jobs: backup, cleanup, gdpr-retention, marketplace-stats, notification-digest\)/],
    ]) {
        const r = await runDihya(['serve', '--listen', '127.0.0.1:0', '--data-dir', '{tmp}/data', '--config', '{config}'],
            { config: { schedule }, env });
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, message);
    }
});

test(`backups made while writes go on restore every acknowledged write (${backend})`, T, async (t) => {
    const database_url = freshDatabase();
    const target_url = freshDatabase();
    const srv = await startServer({ t, env, dev: false, config: { ...kFastAuth, ...(database_url ? { database_url } : {}) } });
    const admin = await adminOf(srv, 'backup.admin@example.org', database_url);

    // One writer, creating projects one after another (in turn for four accounts: an account keeps at most 500
    // projects, and a fast machine writes more than that during the backups); each acknowledged title is kept.
    const writers = ['backup.admin@example.org', 'writer.two@example.org', 'writer.three@example.org', 'writer.four@example.org'];
    const tokens = [admin];
    for (const email of writers.slice(1)) tokens.push((await signUp(srv, email)).token);
    const acked = [];
    let writing = true;
    let failure;
    const writer = (async () => {
        for (let i = 0; writing; i++) {
            const title = `Write ${i}`;
            const r = await api(srv, '/api/v1/projects', { method: 'POST', token: tokens[i % tokens.length], body: { model: { ...kLibraryModel, title } } });
            if (r.status !== 201) {
                failure = `${title}: ${r.status} ${r.text}`;
                return;
            }
            acked.push(title);
        }
    })();
    const waitForWrites = (n) => until(`${n} writes`, () => failure ? assert.fail(failure) : acked.length >= n);

    await waitForWrites(20);
    const beforeApi = [...acked];
    const queued = await api(srv, '/api/v1/admin/backups', { method: 'POST', token: admin });
    assert.equal(queued.status, 202, queued.text);
    const run = await finishedRun(srv, admin, 'backup', queued.json.run_id);
    assert.equal(run.status, 'succeeded', JSON.stringify(run));

    await waitForWrites(acked.length + 10);
    const beforeCli = [...acked];
    const cliFile = path.join(work, `cli-${backend}.backup`);
    const where = database_url ? ['--database', database_url] : ['--data-dir', srv.dataDir];
    const made = await runDihya(['backup', '--out', cliFile, ...where], { env, timeoutMs: 60_000 });
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, /^wrote .* \(\d+ bytes, sha256 [0-9a-f]{64}\)$/m);
    await waitForWrites(acked.length + 10);
    writing = false;
    await writer;
    assert.equal(failure, undefined, failure);

    // The backup the job made: listed, downloaded whole, its checksum the one the run reported.
    const list = await api(srv, '/api/v1/admin/backups', { token: admin });
    assert.equal(list.status, 200, list.text);
    assert.equal(list.json.items.length, 1);
    const [item] = list.json.items;
    assert.equal(item.name, run.result.name);
    assert.match(item.name, /^dihya-\d{8}T\d{6}Z\.backup$/);
    const res = await fetch(`${srv.url}${item.download_url}`, { headers: { authorization: `Bearer ${admin}` } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/octet-stream');
    assert.match(res.headers.get('content-disposition'), new RegExp(`attachment; filename="${item.name}"`));
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.equal(bytes.length, item.bytes);
    assert.equal(createHash('sha256').update(bytes).digest('hex'), run.result.sha256);
    const apiFile = path.join(work, `api-${backend}.backup`);
    writeFileSync(apiFile, bytes);
    assert.equal((await api(srv, '/api/v1/admin/backups/nope.backup', { token: admin })).status, 404);
    const user = (await signUp(srv, 'backup.user@example.org')).token;
    assert.equal((await api(srv, `/api/v1/admin/backups/${item.name}`, { token: user })).status, 403);
    await srv.stop();

    const verified = await runDihya(['backup', 'verify', apiFile], { env });
    assert.equal(verified.code, 0, verified.stderr);
    assert.match(verified.stdout, /intact; (sqlite|postgresql) database made at/);
    const otherKey = await runDihya(['backup', 'verify', apiFile], { env: { DIHYA_SECRET: randomBytes(32).toString('hex') } });
    assert.equal(otherKey.code, 2);
    assert.match(otherKey.stderr, /encrypted with another key/);
    const damaged = path.join(work, 'damaged.backup');
    const copy = readFileSync(apiFile);
    copy[Math.floor(copy.length / 2)] ^= 0x55;
    writeFileSync(damaged, copy);
    const broken = await runDihya(['backup', 'verify', damaged], { env });
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /damaged|truncated/);

    for (const [file, before] of [[apiFile, beforeApi], [cliFile, beforeCli]]) {
        const dataDir = mkdtempSync(path.join(work, 'restored-'));
        const url = file === apiFile ? target_url : freshDatabase();
        const into = url ? ['--database', url] : ['--data-dir', dataDir];
        const restored = await runDihya(['restore', file, ...into], { env, timeoutMs: 60_000 });
        assert.equal(restored.code, 0, restored.stderr);
        assert.match(restored.stdout, /^restored the (sqlite|postgresql) database made at /m);
        const again = await runDihya(['restore', file, ...into], { env, timeoutMs: 60_000 });
        assert.equal(again.code, 2, 'a target with data is refused without --force');
        assert.match(again.stderr, /already holds data; stop the servers? using it and add --force/);

        const back = await startServer({ t, env, dev: false, dataDir, config: { ...kFastAuth, ...(url ? { database_url: url } : {}) } });
        const token = (await login(back, 'backup.admin@example.org')).access_token;
        const titles = new Set();
        for (const email of writers) {
            const own = (await login(back, email)).access_token;
            let cursor = '';
            do {
                const r = await api(back, `/api/v1/projects?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token: own });
                assert.equal(r.status, 200, r.text);
                for (const p of r.json.items) titles.add(p.title);
                cursor = r.json.next_cursor ?? '';
            } while (cursor);
        }
        const lost = before.filter((title) => !titles.has(title));
        assert.deepEqual(lost, [], `${path.basename(file)}: writes acknowledged before the backup are missing`);
        assert.ok(titles.size <= acked.length);
        const chain = await api(back, '/api/v1/admin/audit/verify', { token });
        assert.equal(chain.status, 200, chain.text);
        assert.equal(chain.json.ok, true, chain.text);
        await back.stop();
    }
});

// `dihya serve` start-up: --dev secret, DIHYA_SECRET, configuration validation (exit code 2
// with a one-line message naming the key), bad usage.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { request } from './lib/http.mjs';
import { runDihya, startServer } from './lib/server.mjs';

const T = { timeout: 30_000 };
const kServe = ['serve', '--listen', '127.0.0.1:0', '--data-dir', '{tmp}/data'];

/// Asserts a start-up failure: exit code 2, one line on stderr that contains every `needle`.
function assertUsageError(r, ...needles) {
    const where = `dihya ${r.argv.join(' ')}\nstderr: ${r.stderr}\nstdout: ${r.stdout}`;
    assert.equal(r.timedOut, false, `dihya kept running instead of failing\n${where}`);
    assert.equal(r.code, 2, `exit code\n${where}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `one line on stderr\n${where}`);
    for (const n of needles) assert.ok(r.stderr.includes(n), `stderr should mention ${n}\n${where}`);
}

test('--dev generates a secret and says so; logs are JSON lines', T, async (t) => {
    const srv = await startServer({ t });
    const line = srv.records().find((r) => typeof r.msg === 'string' && r.msg.includes('development secret'));
    assert.ok(line, `no log line about the development secret\n${srv.logs()}`);
    assert.ok(['info', 'warn'].includes(line.level), `level ${line.level}`);
    for (const r of srv.records()) {
        assert.ok(!r.__raw, `not a JSON object: ${r.__raw}`);
        assert.ok(typeof r.ts === 'string' && typeof r.level === 'string' && typeof r.msg === 'string', JSON.stringify(r));
    }
    assert.equal((await request(`${srv.url}/healthz`)).status, 200);
});

test('without --dev and without DIHYA_SECRET, serve exits 2 naming DIHYA_SECRET', T, async () => {
    const r = await runDihya(kServe);
    assertUsageError(r, 'DIHYA_SECRET');
});

test('DIHYA_SECRET lets serve start without --dev and is never logged', T, async (t) => {
    const secret = `env-secret-${'k'.repeat(40)}-${process.pid}`;
    const srv = await startServer({ t, dev: false, env: { DIHYA_SECRET: secret } });
    assert.equal((await request(`${srv.url}/healthz`)).status, 200);
    assert.ok(!srv.records().some((r) => String(r.msg).includes('development secret')), 'no development secret without --dev');
    const exit = await srv.stop();
    assert.equal(exit.code, 0);
    assert.ok(!srv.logs().includes(secret) && !srv.stdout().includes(secret), 'the secret must not be printed');
});

test('a secret from the config file works and is never logged', T, async (t) => {
    const secret = `file-secret-${'q'.repeat(40)}-${process.pid}`;
    const srv = await startServer({ t, dev: false, config: { secret } });
    assert.equal((await request(`${srv.url}/healthz`)).status, 200);
    await srv.stop();
    assert.ok(!srv.logs().includes(secret) && !srv.stdout().includes(secret), 'the secret must not be printed');
});

test('a too-short DIHYA_SECRET is refused with exit 2', T, async () => {
    const value = 'tooShortSecretValue';
    const r = await runDihya(kServe, { env: { DIHYA_SECRET: value } });
    assertUsageError(r, 'secret');
    assert.ok(!r.stderr.includes(value), 'the message must not echo the secret');
});

test('an invalid limit in the config file → exit 2 naming the key and the file', T, async () => {
    const r = await runDihya([...kServe, '--dev', '--config', '{config}'], { config: { limits: { max_body_bytes: -5 } } });
    assertUsageError(r, 'limits.max_body_bytes', 'dihya.yaml');
});

test('an invalid listen address in the config file → exit 2 naming listen', T, async () => {
    const r = await runDihya(['serve', '--data-dir', '{tmp}/data', '--dev', '--config', '{config}'], { config: { listen: 'nonsense' } });
    assertUsageError(r, 'listen');
});

test('other invalid values name their key', T, async () => {
    const cases = [
        [{ rate_limit: { requests_per_second: 0 } }, 'rate_limit.requests_per_second'],
        [{ rate_limit: { burst: 'lots' } }, 'rate_limit.burst'],
        [{ rate_limit: { enabled: 'maybe' } }, 'rate_limit.enabled'],
        [{ limits: { header_timeout_ms: 'soon' } }, 'limits.header_timeout_ms'],
        [{ cors: { allowed_origins: ['app.example'] } }, 'cors.allowed_origins'],
        [{ log: { level: 'chatty' } }, 'log.level'],
        [{ limits: { max_bdy_bytes: 5 } }, 'limits.max_bdy_bytes'],
    ];
    for (const [config, key] of cases) {
        const r = await runDihya([...kServe, '--dev', '--config', '{config}'], { config });
        assertUsageError(r, key);
    }
});

test('an invalid value from the environment names the key', T, async () => {
    const r = await runDihya([...kServe, '--dev'], { env: { DIHYA_LIMITS__MAX_BODY_BYTES: '-5' } });
    assertUsageError(r, 'limits.max_body_bytes');
});

test('a config file that is not valid YAML or does not exist → exit 2', T, async () => {
    let r = await runDihya([...kServe, '--dev', '--config', '{config}'], { config: 'limits: [unclosed\n' });
    assertUsageError(r, 'dihya.yaml');
    r = await runDihya([...kServe, '--dev', '--config', '{tmp}/missing.yaml']);
    assertUsageError(r, 'missing.yaml');
});

test('an unknown flag → exit 2', T, async () => {
    const r = await runDihya([...kServe, '--dev', '--no-such-flag']);
    assertUsageError(r, '--no-such-flag');
});

test('flags override the config file (--listen over listen:)', T, async (t) => {
    // startServer passes --listen 127.0.0.1:0; the file's port must lose.
    const srv = await startServer({ t, config: { listen: '127.0.0.1:1' } });
    assert.notEqual(srv.port, 1);
    assert.equal((await request(`${srv.url}/healthz`)).status, 200);
});

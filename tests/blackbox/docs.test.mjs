// API documentation: the OpenAPI 3.1 document matches the routes the server answers, passes
// `redocly lint`, and Swagger UI at /docs renders it in a real (headless) Chromium under the
// server's strict CSP, without loading anything from elsewhere.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

import { chromium } from 'playwright-core';

import { kChromiumArgs } from './lib/browser.mjs';

import { assertSecurityHeaders, headerList, request } from './lib/http.mjs';
import { repoRoot, startServer } from './lib/server.mjs';

const T = { timeout: 50_000 };
const kMethods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
// Every operation is probed below; keep the bucket out of the way.
const srv = await startServer({ config: { rate_limit: { enabled: false } } });

let spec;
let operations; // [{path, method, op}]

async function loadSpec() {
    if (spec) return spec;
    const res = await request(`${srv.url}/api/v1/openapi.json`);
    assert.equal(res.status, 200, res.text);
    assert.match(res.headers['content-type'] ?? '', /^application\/(vnd\.oai\.openapi\+)?json\b/);
    spec = res.json();
    operations = [];
    for (const [p, item] of Object.entries(spec.paths ?? {})) {
        for (const method of kMethods) {
            if (item[method]) operations.push({ path: p, method, op: item[method], item });
        }
    }
    return spec;
}

/// Status of a request, without waiting for the body (some routes stream).
function statusOf(url, method) {
    return new Promise((resolve, reject) => {
        const req = http.request(url, { method, agent: false }, (res) => {
            resolve({ status: res.statusCode, headers: res.headers });
            res.destroy();
        });
        req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${url}: no response head`)));
        req.on('error', reject);
        req.end();
    });
}

/// A concrete path for a templated one, using each parameter's schema.
function concretePath(p, op, item) {
    const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].filter((x) => x && x.in === 'path');
    return p.replace(/\{([^}]+)\}/g, (_, name) => {
        const schema = params.find((x) => x.name === name)?.schema ?? {};
        if (schema.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
        if (schema.type === 'integer' || schema.type === 'number') return '1';
        if (Array.isArray(schema.enum) && schema.enum.length) return encodeURIComponent(String(schema.enum[0]));
        return 'x';
    });
}

test('GET /api/v1/openapi.json is an OpenAPI 3.1 document of the registered routes', T, async () => {
    await loadSpec();
    assert.match(String(spec.openapi), /^3\.1\.\d+$/, `openapi: ${spec.openapi}`);
    assert.equal(typeof spec.info?.title, 'string');
    assert.equal(typeof spec.info?.version, 'string');
    for (const [p, m] of [
        ['/healthz', 'get'],
        ['/readyz', 'get'],
        ['/metrics', 'get'],
        ['/api/v1/catalog', 'get'],
        ['/api/v1/openapi.json', 'get'],
    ]) {
        assert.ok(spec.paths?.[p]?.[m], `the document lists ${m.toUpperCase()} ${p}`);
    }
    const ids = operations.map((o) => o.op.operationId);
    assert.ok(ids.every((id) => typeof id === 'string' && id.length > 0), 'every operation has an operationId');
    assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');
    for (const { path: p, method, op } of operations) {
        assert.ok(op.responses && Object.keys(op.responses).length > 0, `${method} ${p} documents its responses`);
    }
});

test('every documented operation is served (no 404/405) and OPTIONS lists its method', T, async () => {
    await loadSpec();
    const byPath = new Map();
    for (const o of operations) {
        const concrete = concretePath(o.path, o.op, o.item);
        if (!byPath.has(concrete)) byPath.set(concrete, []);
        byPath.get(concrete).push(o.method.toUpperCase());
        // GETs without parameters are safe to call for real.
        if (o.method === 'get' && !o.path.includes('{')) {
            const { status } = await statusOf(`${srv.url}${concrete}`, 'GET');
            assert.ok(status !== 404 && status !== 405 && status < 500, `GET ${o.path} → ${status}`);
        }
    }
    for (const [p, methods] of byPath) {
        const res = await statusOf(`${srv.url}${p}`, 'OPTIONS');
        assert.ok(res.status === 204 || res.status === 200, `OPTIONS ${p} → ${res.status}`);
        const allow = headerList(res.headers.allow).map((m) => m.toUpperCase());
        for (const m of methods) assert.ok(allow.includes(m), `OPTIONS ${p}: Allow "${res.headers.allow}" lacks ${m}`);
    }
});

test('the document passes redocly lint (recommended rules, see redocly.yaml)', T, async () => {
    await loadSpec();
    const dir = mkdtempSync(path.join(tmpdir(), 'dihya-openapi-'));
    const file = path.join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(spec, null, 2));
    try {
        const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
        const args = ['--no-install', 'redocly', 'lint', '--config', path.join(repoRoot, 'redocly.yaml'), file];
        try {
            await promisify(execFile)('npx', args, { cwd: repoRoot, env, timeout: 40_000, maxBuffer: 16 << 20 });
        } catch (err) {
            assert.fail(`redocly lint failed (exit ${err.code})\n${err.stdout}\n${err.stderr}`);
        }
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
});

test('/docs serves Swagger UI with its assets from /docs/ under the CSP', T, async () => {
    const page = await request(`${srv.url}/docs`);
    assert.equal(page.status, 200);
    assert.match(page.headers['content-type'] ?? '', /^text\/html\b/);
    assertSecurityHeaders(page, '/docs');
    const csp = page.headers['content-security-policy'];
    assert.doesNotMatch(csp, /script-src[^;]*'unsafe-(inline|eval)'/, `scripts stay strict on /docs: ${csp}`);
    // Scripts and styles come from the binary, under /docs/ (the page itself is at /docs).
    const refs = [...page.text.matchAll(/<(?:script|link)\b[^>]*?\b(?:src|href)=["']([^"']+)["']/gi)].map((m) => m[1]);
    assert.ok(refs.length > 0, 'the page loads scripts and styles');
    for (const ref of refs) {
        const u = new URL(ref, `${srv.url}/docs`);
        assert.equal(u.origin, srv.url, `${ref} must be served by dihya`);
        assert.ok(u.pathname.startsWith('/docs/'), `${ref} resolves to ${u.pathname}, not under /docs/`);
    }

    const bundle = await request(`${srv.url}/docs/swagger-ui-bundle.js`);
    assert.equal(bundle.status, 200);
    assert.match(bundle.headers['content-type'] ?? '', /javascript/);
    const css = await request(`${srv.url}/docs/swagger-ui.css`);
    assert.equal(css.status, 200);
    assert.match(css.headers['content-type'] ?? '', /^text\/css\b/);

    // Path traversal out of the assets directory is impossible.
    for (const evil of ['/docs/../package.json', '/docs/%2e%2e/%2e%2e/package.json', '/docs/..%2f..%2fpackage.json']) {
        const res = await request(`${srv.url}${evil}`);
        assert.ok(res.status === 404 || res.status === 400, `${evil} → ${res.status}`);
        assert.ok(!res.text.includes('"dependencies"'), `${evil} leaked a file`);
    }
});

test('Swagger UI renders every operation in headless Chromium and can call /healthz', T, async () => {
    await loadSpec();
    const profile = mkdtempSync(path.join(tmpdir(), 'dihya-chromium-'));
    let context;
    try {
        context = await chromium.launchPersistentContext(profile, {
            executablePath: '/usr/bin/chromium',
            headless: true,
            args: kChromiumArgs,
            timeout: 30_000,
        });
        // Nothing may leave this machine: only the server under test is reachable.
        const foreign = [];
        await context.route('**/*', (route) => {
            const u = new URL(route.request().url());
            if (u.hostname === '127.0.0.1' && u.port === String(srv.port)) return route.continue();
            foreign.push(route.request().url());
            return route.abort();
        });
        const page = context.pages()[0] ?? (await context.newPage());
        const problems = [];
        page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
        page.on('console', (msg) => {
            if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text())) problems.push(`console: ${msg.text()}`);
        });
        const failedAssets = [];
        const requested = [];
        page.on('request', (req) => requested.push(new URL(req.url()).pathname));
        page.on('response', (res) => {
            if (res.status() >= 400) failedAssets.push(`${res.status()} ${res.url()}`);
        });

        const nav = await page.goto(`${srv.url}/docs`, { waitUntil: 'load' });
        assert.equal(nav.status(), 200);

        // One .opblock per operation once the spec is loaded and rendered.
        await page.waitForFunction((n) => document.querySelectorAll('.opblock').length === n, operations.length, { timeout: 20_000 }).catch(async (err) => {
            const got = await page.locator('.opblock').count();
            throw new Error(`expected ${operations.length} .opblock elements, found ${got} (${err.message}); problems: ${problems.join(' | ')}`);
        });
        assert.equal(await page.locator('.opblock').count(), operations.length);

        const title = await page.locator('.info .title').first().textContent();
        assert.ok(title.includes(spec.info.title), `title "${title}"`);

        const healthz = page.locator('.opblock.opblock-get', { has: page.locator('.opblock-summary-path[data-path="/healthz"]') });
        await healthz.first().waitFor({ state: 'visible' });

        // Use it the way a person would: expand, "Try it out", "Execute".
        await healthz.locator('.opblock-summary').first().click();
        await healthz.locator('button.try-out__btn').first().click();
        await healthz.locator('button.execute').first().click();
        const status = healthz.locator('.live-responses-table tr.response .response-col_status').first();
        await status.waitFor({ state: 'visible', timeout: 15_000 });
        assert.match((await status.textContent()).trim(), /^200\b/);
        const bodyText = await healthz.locator('.live-responses-table tr.response .response-col_description').first().textContent();
        assert.match(bodyText, /"status":\s*"ok"/);

        assert.ok(requested.includes('/api/v1/openapi.json'), `the UI loads /api/v1/openapi.json: ${requested.join(', ')}`);
        assert.deepEqual(problems, [], 'no CSP violations or script errors');
        assert.deepEqual(foreign, [], 'the page loaded nothing from other hosts');
        assert.deepEqual(failedAssets.filter((u) => u.includes('/docs')), [], 'every /docs asset loaded');
    } finally {
        await context?.close().catch(() => {});
        rmSync(profile, { recursive: true, force: true });
    }
});

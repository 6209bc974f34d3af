// Headless Debian Chromium through playwright-core, confined to the server under test.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { chromium } from 'playwright-core';

import { repoRoot } from './server.mjs';

export const kChromiumArgs = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
];

/// A fresh profile whose only reachable host is 127.0.0.1:`port` (and the origins in `allow`, e.g. a local OAuth
/// provider); resolves {page, foreign, problems, close}.
/// `problems` collects page errors and CSP refusals; `foreign` the URLs that were blocked.
export async function openBrowser(port, { locale = 'en-US', allow = [] } = {}) {
    const profile = mkdtempSync(path.join(tmpdir(), 'dihya-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
        executablePath: '/usr/bin/chromium',
        headless: true,
        args: kChromiumArgs,
        locale,
        timeout: 30_000,
    });
    const foreign = [];
    await context.route('**/*', (route) => {
        const u = new URL(route.request().url());
        if (u.hostname === '127.0.0.1' && u.port === String(port)) return route.continue();
        if (allow.includes(u.origin)) return route.continue();
        foreign.push(route.request().url());
        return route.abort();
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const problems = [];
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (msg) => {
        if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text())) problems.push(`console: ${msg.text()}`);
    });
    return {
        page,
        foreign,
        problems,
        close: async () => {
            await context.close();
            rmSync(profile, { recursive: true, force: true });
        },
    };
}

/// Runs `fn(page, browser)` in a fresh browser (openBrowser's), then checks that its pages raised no error or CSP
/// refusal and asked for nothing elsewhere, and closes it whatever happened.
export async function withBrowser(port, options, fn) {
    const b = await openBrowser(port, options);
    try {
        await fn(b.page, b);
        assert.deepEqual(b.problems, []);
        assert.deepEqual(b.foreign, []);
    } finally {
        await b.close();
    }
}

let axeSource;

/// Runs axe-core (web/console's devDependencies) on the page; fails on serious or critical violations, listed with
/// their elements.
export async function checkA11y(page, name) {
    if (axeSource === undefined) {
        const webDir = process.env.DIHYA_WEB_DIR ?? path.join(process.env.DIHYA_SOURCE_DIR ?? repoRoot, 'web');
        axeSource = readFileSync(path.join(webDir, 'console', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
    }
    await page.evaluate(axeSource);
    const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    const describe = (v) => `${v.impact} ${v.id}: ${v.help}\n    ${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join('\n    ')}`;
    assert.deepEqual(bad.map(describe), [], `axe on ${name}`);
}

// `dihya pack lint`: the installed packs are clean; a broken pack is reported with file, line and
// field, and exit code 2; --strict also fails on warnings.

import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

import { runDihya } from './lib/server.mjs';

const T = { timeout: 60_000 };
const source = process.env.DIHYA_SOURCE_DIR ?? path.resolve(import.meta.dirname, '../..');
const packs = process.env.DIHYA_PACKS_DIR ?? path.join(source, 'packs');
const dir = mkdtempSync(path.join(tmpdir(), 'dihya-packlint-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('the installed packs lint clean, with sample renders', T, async () => {
    const r = await runDihya(['pack', 'lint', packs]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^pack express \d+\.\d+\.\d+$/m);
    const summary = /(\d+) packs, 0 errors, 0 warnings \((\d+) templates parsed, (\d+) sample renders\)/.exec(r.stdout);
    assert.ok(summary, r.stdout);
    assert.ok(Number(summary[3]) >= 4, r.stdout);
});

test('a broken copy of a pack: file:line errors, exit 2; an unused file is a warning', T, async () => {
    const copy = path.join(dir, 'stacks', 'express');
    cpSync(path.join(packs, 'stacks', 'express'), copy, { recursive: true });
    // The libraries it uses, where lint finds them: the packs folder the copy is in.
    cpSync(path.join(packs, 'libraries'), path.join(dir, 'libraries'), { recursive: true });
    writeFileSync(path.join(copy, 'leftover.txt'), 'not in pack.yaml');

    const warned = await runDihya(['pack', 'lint', copy]);
    assert.equal(warned.code, 0, warned.stderr);
    assert.match(warned.stderr, /leftover\.txt: warning: not used/);
    const strict = await runDihya(['pack', 'lint', copy, '--strict']);
    assert.equal(strict.code, 2);

    // Break the first Mustache template that pack.yaml names (a section that never closes).
    const yaml = readFileSync(path.join(copy, 'pack.yaml'), 'utf8');
    const template = /template: (\S+\.mustache)/.exec(yaml)[1];
    writeFileSync(path.join(copy, template), 'line one\n{{#features.auth}}\nnever closed\n');
    const broken = await runDihya(['pack', 'lint', path.join(copy, 'pack.yaml')]);
    assert.equal(broken.code, 2, broken.stdout);
    assert.ok(broken.stderr.includes(`${template}: Unclosed section "features.auth" on line 2`), broken.stderr);
    assert.match(broken.stderr, /pack\.yaml:\d+: files\[\d+\]\.template: /);
});

test('bad targets and usage → exit 2 with a message', T, async () => {
    const none = await runDihya(['pack', 'lint', path.join(dir, 'missing')]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no such folder/);
    mkdirSync(path.join(dir, 'empty'));
    const empty = await runDihya(['pack', 'lint', path.join(dir, 'empty')]);
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /neither a pack/);
    const usage = await runDihya(['pack']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /usage: dihya pack lint/);
});

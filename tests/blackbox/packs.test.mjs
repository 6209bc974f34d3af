// Template packs as one document (SQLite; also blackbox.pg.packs on PostgreSQL): the installed packs listed and
// exported as JSON, YAML and JavaScript; a pack imported by a user through the API in each format, kept privately,
// round-tripping JSON → YAML → JS → JSON without loss; broken, hostile and oversized documents refused with a
// problem naming the file inside the pack; `dihya pack export` / `pack import` writing the same files as the
// installed pack, which `pack lint` passes; imports survive a restart and never stop it.

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

import { api, kFastAuth, login, signUp } from './lib/accounts.mjs';
import { assertProblem } from './lib/http.mjs';
import { backend, freshDatabase } from './lib/pg.mjs';
import { repoRoot, runDihya, startServer } from './lib/server.mjs';

const T = { timeout: 120_000 };
const dir = mkdtempSync(path.join(tmpdir(), 'dihya-packs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function dbConfig() {
    const database_url = freshDatabase();
    return database_url ? { database_url } : {};
}

/// Sends a document as `type`; resolves {status, headers, json, text} as api() does.
async function importAs(srv, token, text, type) {
    const headers = { 'content-type': type };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${srv.url}/api/v1/packs/import`, { method: 'POST', headers, body: text });
    const body = await res.text();
    let json;
    try { json = JSON.parse(body); } catch { json = undefined; }
    return { status: res.status, headers: res.headers, json, text: body };
}

/// Every file under `root`, relative path → bytes.
function filesOf(root, rel = '') {
    const out = {};
    for (const name of readdirSync(path.join(root, rel))) {
        const r = rel ? `${rel}/${name}` : name;
        if (statSync(path.join(root, r)).isDirectory()) Object.assign(out, filesOf(root, r));
        else out[r] = readFileSync(path.join(root, r));
    }
    return out;
}

test(`[${backend}] packs: export, import in each format, a lossless round trip, privacy, errors, restart`, T, async () => {
    const config = { ...kFastAuth, ...dbConfig() };
    const srv = await startServer({ config });
    const { token } = await signUp(srv, 'pack.author@example.org');
    const other = await signUp(srv, 'someone.else@example.org');

    // Installed packs: anyone may list and export them.
    const list = await api(srv, '/api/v1/packs');
    assert.equal(list.status, 200, list.text);
    const kinds = Object.fromEntries(list.json.items.map((p) => [p.name, p.kind]));
    assert.equal(kinds.react, 'stack');
    assert.equal(kinds['web-common'], 'library');
    assert.equal(kinds.health, 'domain');
    const original = await api(srv, '/api/v1/packs/web-common/export?format=json');
    assert.equal(original.status, 200, original.text);
    assert.match(original.headers.get('content-type'), /^application\/json/);
    assert.match(original.headers.get('content-disposition'), /web-common-\d+\.\d+\.\d+\.dihya-pack\.json/);
    assert.equal(original.json.dihya_pack, 1);
    assert.equal(original.json.manifest.kind, 'library');
    assert.ok(Object.keys(original.json.files).length > 3);
    const asYaml = await api(srv, '/api/v1/packs/health/export?format=yaml');
    assert.equal(asYaml.status, 200);
    assert.match(asYaml.headers.get('content-type'), /^application\/yaml/);
    assert.match(asYaml.text, /^  kind: domain$/m);
    assertProblem(await api(srv, '/api/v1/packs/web-common/export?format=xml'), 400);
    assertProblem(await api(srv, '/api/v1/packs/no-such-pack/export'), 404);

    // JSON → (import) → YAML → (import) → JS → (import) → JSON: each step through the API, a new version each time.
    const doc = original.json;
    doc.manifest.version = '1.90.0';
    const a = await importAs(srv, token, JSON.stringify(doc), 'application/json');
    assert.equal(a.status, 201, a.text);
    assert.equal(a.json.version, '1.90.0');
    const yaml = await api(srv, `/api/v1/packs/web-common/export?source=mine&format=yaml`, { token });
    assert.equal(yaml.status, 200, yaml.text);
    assert.equal(yaml.headers.get('etag'), `"${a.json.digest}"`);
    const removed = await api(srv, `/api/v1/packs/mine/${a.json.id}`, { method: 'DELETE', token });
    assert.equal(removed.status, 204, removed.text);
    const b = await importAs(srv, token, yaml.text, 'application/yaml');
    assert.equal(b.status, 201, b.text);
    assert.equal(b.json.digest, a.json.digest);
    const js = await api(srv, `/api/v1/packs/web-common/export?source=mine&format=js&version=1.90.0`, { token });
    assert.equal(js.status, 200, js.text);
    assert.match(js.text, /^export default \{$/m);
    assert.equal((await api(srv, `/api/v1/packs/mine/${b.json.id}`, { method: 'DELETE', token })).status, 204);
    const c = await importAs(srv, token, js.text, 'text/javascript');
    assert.equal(c.status, 201, c.text);
    assert.equal(c.json.digest, a.json.digest);
    const back = await api(srv, `/api/v1/packs/web-common/export?source=mine&format=json`, { token });
    assert.deepEqual(back.json, doc);

    // A version is never replaced; another user sees nothing of it.
    assertProblem(await importAs(srv, token, JSON.stringify(doc), 'application/json'), 409);
    assertProblem(await api(srv, '/api/v1/packs/web-common/export?source=mine', { token: other.token }), 404);
    assertProblem(await api(srv, `/api/v1/packs/mine/${c.json.id}`, { method: 'DELETE', token: other.token }), 404);
    const theirs = await api(srv, '/api/v1/packs/mine', { token: other.token });
    assert.deepEqual(theirs.json.items, []);
    const mine = await api(srv, '/api/v1/packs/mine?limit=1', { token });
    assert.equal(mine.status, 200, mine.text);
    assert.deepEqual(mine.json.items.map((p) => [p.name, p.version]), [['web-common', '1.90.0']]);

    // Refused: a guest, an unknown media type, a broken template, a path out of the pack, too large.
    assertProblem(await importAs(srv, undefined, JSON.stringify(doc), 'application/json'), 401);
    assertProblem(await importAs(srv, token, JSON.stringify(doc), 'text/plain'), 415);
    const broken = (await api(srv, '/api/v1/packs/express/export')).json;
    broken.manifest.version = '9.0.0';
    const template = broken.manifest.files.find((f) => f.template.endsWith('.mustache')).template;
    broken.files[template] += '\n{{#unclosed}}\n';
    const bad = await importAs(srv, token, JSON.stringify(broken), 'application/json');
    assertProblem(bad, 400);
    assert.ok(bad.json.detail.includes(template), bad.text);
    assert.ok(!bad.json.detail.includes(tmpdir()), bad.text);
    const escape = structuredClone(doc);
    escape.manifest.version = '1.90.2';
    escape.files['../../outside.txt'] = 'x';
    const esc = await importAs(srv, token, JSON.stringify(escape), 'application/json');
    assertProblem(esc, 400);
    assert.match(esc.json.detail, /files\.\.\.\/\.\.\/outside\.txt/);
    const huge = structuredClone(doc);
    huge.manifest.version = '1.90.3';
    huge.files['big.txt'] = 'x'.repeat(3 * 1024 * 1024);
    assertProblem(await importAs(srv, token, JSON.stringify(huge), 'application/json'), 413);
    const thrown = await importAs(srv, token, 'export default { manifest: make(), files: {} };', 'text/javascript');
    assertProblem(thrown, 400);
    assert.match(thrown.json.detail, /^JavaScript pack pack\.mjs: threw ReferenceError: make is not defined \(pack\.mjs:1:/);
    const looping = await importAs(srv, token, 'while (true) {}\nexport default { manifest: {} };', 'text/javascript');
    assertProblem(looping, 400);
    assert.match(looping.json.detail, /ran longer than its 2000 ms and was stopped/);
    const afterErrors = await api(srv, '/api/v1/packs/mine', { token });
    assert.equal(afterErrors.json.items.length, 1, 'nothing refused was kept');

    // A JavaScript pack that computes its files, run in the sandbox when imported.
    const computed = `const pages = ['about', 'contact'];
const page = (name) => \`# \${name[0].toUpperCase()}\${name.slice(1)}\\n\`;
export default {
  dihya_pack: 1,
  manifest: { name: 'pages', version: '1.0.0', kind: 'library', title: 'Static pages',
              files: pages.map((p) => ({ template: \`\${p}.md\`, path: \`docs/\${p}.md\`, raw: true })) },
  files: Object.fromEntries(pages.map((p) => [\`\${p}.md\`, page(p)])),
};`;
    const pages = await importAs(srv, token, computed, 'text/javascript');
    assert.equal(pages.status, 201, pages.text);
    const pagesDoc = await api(srv, '/api/v1/packs/pages/export?source=mine', { token });
    assert.deepEqual(pagesDoc.json.files, { 'about.md': '# About\n', 'contact.md': '# Contact\n' });
    assert.equal((await api(srv, `/api/v1/packs/mine/${pages.json.id}`, { method: 'DELETE', token })).status, 204);

    // A restart: the server starts whatever users imported, and the import is still there.
    await srv.stop();
    const again = await startServer({ config, dataDir: srv.dataDir });
    const relogged = await login(again, 'pack.author@example.org');
    const kept = await api(again, '/api/v1/packs/mine', { token: relogged.access_token });
    assert.deepEqual(kept.json.items.map((p) => p.digest), [c.json.digest]);
    assert.equal((await api(again, '/api/v1/packs')).status, 200);
});

test('dihya pack export and pack import write the installed pack back, file for file, and lint passes', T, async () => {
    for (const format of ['json', 'yaml', 'js']) {
        const file = path.join(dir, `react.${format}`);
        const exported = await runDihya(['pack', 'export', 'react', '--format', format, '--out', file]);
        assert.equal(exported.code, 0, exported.stderr);
        assert.match(exported.stdout, /^exported stack pack react \S+ \(\d+ files\) to .* sha256 [0-9a-f]{64}$/m);
        const into = path.join(dir, format, 'react');
        const imported = await runDihya(['pack', 'import', file, '--into', into]);
        assert.equal(imported.code, 0, imported.stderr);
        const want = filesOf(path.join(repoRoot, 'packs', 'stacks', 'react'));
        const got = filesOf(into);
        delete want['pack.yaml'];
        delete got['pack.yaml'];
        assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort());
        for (const f of Object.keys(want)) assert.ok(got[f].equals(want[f]), `${format}: ${f} differs`);
        const lint = await runDihya(['pack', 'lint', into]);
        assert.equal(lint.code, 0, lint.stderr);
        // The same document again from the written folder.
        const reexport = await runDihya(['pack', 'export', into, '--format', 'json']);
        assert.equal(reexport.code, 0, reexport.stderr);
        const first = await runDihya(['pack', 'export', 'react', '--format', 'json']);
        assert.equal(reexport.stdout, first.stdout);
    }
    const occupied = await runDihya(['pack', 'import', path.join(dir, 'react.json'), '--into', path.join(dir, 'json', 'react')]);
    assert.equal(occupied.code, 2);
    assert.match(occupied.stderr, /exists and is not an empty folder/);
    // A JavaScript pack module that computes its files: run in the sandbox, written as a folder.
    const computedFile = path.join(dir, 'computed.mjs');
    writeFileSync(computedFile, `const names = ['one', 'two'];
export default {
  dihya_pack: 1,
  manifest: { name: 'numbers', version: '0.1.0', kind: 'library', title: 'Numbers',
              files: names.map((n) => ({ template: n + '.txt', path: n + '.txt', raw: true })) },
  files: Object.fromEntries(names.map((n, i) => [n + '.txt', \`\${n} is \${i + 1}\\n\`])),
};
`);
    const numbers = await runDihya(['pack', 'import', computedFile, '--into', path.join(dir, 'numbers')]);
    assert.equal(numbers.code, 0, numbers.stderr);
    assert.equal(readFileSync(path.join(dir, 'numbers', 'two.txt'), 'utf8'), 'two is 2\n');
    const missing = await runDihya(['pack', 'export', 'no-such-pack']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no installed pack is named no-such-pack/);
});

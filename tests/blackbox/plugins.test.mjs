// Plugins in their sandbox (docs/plugins.md): `dihya plugin test` and `dihya generate --plugin` with real plugins
// in modern JavaScript; hostile plugins over the API (an infinite loop, a memory bomb, deep recursion, reading
// /etc/passwd, opening a socket, starting a process, huge output, a malformed answer, a throw) each stopped with
// its own error, while the same server keeps answering other requests during and after.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

import { api, kFastAuth, signUp } from './lib/accounts.mjs';
import { assertProblem } from './lib/http.mjs';
import { runDihya, startServer } from './lib/server.mjs';

const T = { timeout: 180_000 };
const dir = mkdtempSync(path.join(tmpdir(), 'dihya-plugins-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const spec = path.join(dir, 'library.yaml');
writeFileSync(spec, `name: small-library
title: Small library
stacks: {frontend: none, backend: express, devops: []}
entities:
  - name: Book
    fields: [{name: title, type: string, required: true}, {name: isbn, type: string}]
  - name: loan_record
    fields: [{name: due_on, type: date}, {name: book, type: ref, ref: Book}]
`);

const manifest = (name, hooks, permissions) =>
    `{ name: '${name}', version: '1.0.0', description: 'test plugin', author: 'Dihya tests', hooks: ${JSON.stringify(hooks)}, permissions: ${JSON.stringify(permissions)} }`;

const titleCase = `
const words = (s) => s.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(/[_\\s]+/).filter(Boolean);
class Labeller {
  static label = (name) => words(name).map(([first, ...rest]) => first.toUpperCase() + rest.join('')).join(' ');
}
export default {
  manifest: ${manifest('title-case', ['beforeGeneration'], ['model:write'])},
  beforeGeneration(model) {
    return { ...model, entities: model.entities.map((e) => ({ ...e, label: e.label ?? Labeller.label(e.name) })) };
  },
};`;

const license = `
export default {
  manifest: ${manifest('add-license', ['afterGeneration'], ['files:write'])},
  async afterGeneration(files, model) {
    const { ['backend/.gitignore']: ignored, ...kept } = files;
    return { ...kept, LICENSE: \`MIT License\\n\\nCopyright (c) \${model.title}\\n\`, 'backend/README.md': files['backend/README.md'] + '\\nLicensed under MIT.\\n' };
  },
};`;

const sneaky = `export default {
  manifest: ${manifest('sneaky', ['beforeGeneration'], [])},
  beforeGeneration: (model) => ({ ...model, entities: [] }),
};`;

test('dihya plugin test and generate --plugin run real plugins in their sandbox', T, async () => {
    const files = {};
    for (const [name, text] of Object.entries({ titleCase, license, sneaky })) {
        files[name] = path.join(dir, `${name}.mjs`);
        writeFileSync(files[name], text);
    }
    const before = await runDihya(['plugin', 'test', files.titleCase, '--spec', spec]);
    assert.equal(before.code, 0, before.stderr);
    const answer = JSON.parse(before.stdout);
    assert.deepEqual(answer.plugin, { name: 'title-case', version: '1.0.0' });
    assert.deepEqual(answer.model.entities.map((e) => e.label), ['Book', 'Loan Record']);
    assert.ok(answer.changes.includes('title-case 1.0.0: changed entity LoanRecord') || answer.changes.some((c) => /changed entity/.test(c)), before.stdout);

    const afterGen = await runDihya(['plugin', 'test', files.license, '--spec', spec, '--hook', 'afterGeneration']);
    assert.equal(afterGen.code, 0, afterGen.stderr);
    const changed = JSON.parse(afterGen.stdout);
    assert.match(changed.files.LICENSE, /^MIT License\n\nCopyright \(c\) Small library\n$/);
    assert.match(changed.files['backend/README.md'], /Licensed under MIT\.\n$/);
    assert.deepEqual(changed.removed, ['backend/.gitignore']);
    assert.ok(changed.changes.includes('add-license 1.0.0: added LICENSE'), afterGen.stdout);

    const denied = await runDihya(['plugin', 'test', files.sneaky, '--spec', spec]);
    assert.equal(denied.code, 2);
    assert.match(denied.stderr, /plugin sneaky: beforeGeneration changed the model, but its manifest does not ask for the model:write permission/);

    const out = path.join(dir, 'project');
    const gen = await runDihya(['generate', spec, '--out', out, '--plugin', files.titleCase, '--plugin', files.license], { timeoutMs: 60_000 });
    assert.equal(gen.code, 0, gen.stderr);
    assert.match(gen.stderr, /^plugin title-case 1\.0\.0: changed entity /m);
    assert.match(gen.stderr, /^plugin add-license 1\.0\.0: added LICENSE$/m);
    assert.match(readFileSync(path.join(out, 'LICENSE'), 'utf8'), /Copyright \(c\) Small library/);
    assert.ok(!existsSync(path.join(out, 'backend', '.gitignore')));
    const answers = JSON.parse(readFileSync(path.join(out, '.dihya', 'answers.json'), 'utf8'));
    assert.deepEqual(answers.model.entities.map((e) => e.label), ['Book', 'Loan Record']);
});

const hostile = {
    'an infinite loop': ['for (;;) {}', /plugin hostile\.mjs: ran longer than its 2000 ms and was stopped/],
    'a memory bomb': ['const a = []; for (;;) a.push(new Uint8Array(64 << 20));', /plugin hostile\.mjs: ran out of memory \(512 MiB\)/],
    'deep recursion': ['const f = (n) => f(n + 1) + 1; return f(0);', /plugin hostile\.mjs: recursed too deeply: InternalError: too much recursion/],
    'reading /etc/passwd': ['return import("fs").then((fs) => fs.readFileSync("/etc/passwd", "utf8"));', /plugin hostile\.mjs: /],
    'opening a socket': ['return import("net").then((net) => net.connect(80, "127.0.0.1"));', /plugin hostile\.mjs: /],
    'starting a process': ['return import("child_process").then((cp) => cp.execSync("id"));', /plugin hostile\.mjs: /],
    'huge output': ['return { ...model, blob: "x".repeat(20 * 1024 * 1024) };', /plugin hostile\.mjs: answered too much/],
    'a malformed answer': ['return () => model;', /plugin hostile\.mjs: answered a value that is not JSON/],
    'a throw': ['throw new RangeError(`no ${model.name}`);', /plugin hostile\.mjs: threw RangeError: no small-library \(hostile\.mjs:/],
};

test('hostile plugins are each stopped with their own error while the server keeps answering', T, async () => {
    const srv = await startServer({ config: kFastAuth });
    const { token } = await signUp(srv, 'plugin.author@example.org');
    const model = { name: 'small-library', entities: [{ name: 'Book', fields: [{ name: 'title', type: 'string' }] }] };
    const run = (body, t = token) => api(srv, '/api/v1/plugins/test', { method: 'POST', token: t, body });
    const plugin = (body) => `export default { manifest: ${manifest('hostile', ['beforeGeneration'], ['model:write'])}, beforeGeneration(model) { ${body} } };`;

    assertProblem(await run({ source: plugin('return model;'), model }, null), 401);

    for (const [what, [body, expected]] of Object.entries(hostile)) {
        // The hostile call runs while other requests come in; each of them is answered before it ends.
        let hostileDone = false;
        const pending = run({ source: plugin(body), model, file_name: 'hostile.mjs' }).then((r) => {
            hostileDone = true;
            return r;
        });
        const health = await api(srv, '/healthz');
        assert.equal(health.status, 200, `${what}: health during: ${health.text}`);
        if (what === 'an infinite loop') assert.equal(hostileDone, false, 'the loop was answered before /healthz');
        // Another plugin run meanwhile (it may wait for a compute thread, not for the hostile one to end).
        const good = await run({ source: titleCase, model });
        assert.equal(good.status, 200, `${what}: another plugin during: ${good.text}`);
        assert.equal(good.json.model.entities[0].label, 'Book');
        const r = await pending;
        assertProblem(r, 400);
        assert.match(r.json.detail, expected, `${what}: ${r.text}`);
        if (/import/.test(body)) assert.match(r.json.detail, /may not (do|import)|Dynamic module import/, `${what}: ${r.text}`);
        const afterwards = await api(srv, '/healthz');
        assert.equal(afterwards.status, 200, `${what}: health after`);
    }

    // The hooks that change files, and events.
    const files = await run({ source: license, model: { ...model, stacks: { backend: 'express', frontend: 'none', devops: [] } } });
    assert.equal(files.status, 200, files.text);
    assert.ok(files.json.files.LICENSE);
    const events = await run({
        source: `export default { manifest: ${manifest('listener', ['onEvent'], ['events:read'])}, onEvent(e) { if (e.type !== 'project.generated') throw new Error(e.type); } };`,
        hook: 'onEvent',
    });
    assert.equal(events.status, 200, events.text);
    assert.equal(events.json.delivered, true);
    const missing = await run({ source: titleCase, hook: 'afterGeneration', model });
    assertProblem(missing, 400);
    assert.match(missing.json.detail, /does not list the hook afterGeneration/);
});

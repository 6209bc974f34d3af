// Plugins in their sandbox (docs/plugins.md): `dihya plugin test` and `dihya generate --plugin` with real plugins
// in modern JavaScript; hostile plugins over the API (an infinite loop, a memory bomb, deep recursion, reading
// /etc/passwd, opening a socket, starting a process, huge output, a malformed answer, a throw) each stopped with
// its own error, while the same server keeps answering other requests during and after; plugins installed by users,
// enabled on projects or for everybody, run in generations that log what they changed.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

import { adminToken, api, kFastAuth, signUp } from './lib/accounts.mjs';
import { assertProblem, until } from './lib/http.mjs';
import { backend, freshDatabase } from './lib/pg.mjs';
import { runDihya, startServer } from './lib/server.mjs';

const T = { timeout: 180_000 };

/// SQLite, or a fresh database on the test's PostgreSQL server (blackbox.pg.plugins).
function dbConfig() {
    const database_url = freshDatabase();
    return database_url ? { database_url } : {};
}
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

test(`[${backend}] installed plugins run in a project's generations, one user's or enabled for everybody by an admin`, T, async () => {
    const config = { ...kFastAuth, ...dbConfig() };
    const srv = await startServer({ config });
    const ann = await signUp(srv, 'ann@example.org');
    const ben = await signUp(srv, 'ben@example.org');
    const root = await adminToken(srv, { database_url: config.database_url });

    // Install: the module as text/javascript, loaded in its sandbox first.
    const install = (token, source) => fetch(`${srv.url}/api/v1/plugins`, {
        method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/javascript' }, body: source,
    }).then(async (r) => ({ status: r.status, json: await r.json() }));
    const labels = await install(ann.token, titleCase);
    assert.equal(labels.status, 201, JSON.stringify(labels.json));
    assert.equal(labels.json.name, 'title-case');
    assert.match(labels.json.digest, /^[0-9a-f]{64}$/);
    const lic = await install(ann.token, license);
    assert.equal(lic.status, 201, JSON.stringify(lic.json));
    assert.equal((await install(ann.token, titleCase)).status, 409);
    const looping = await install(ann.token, 'for (;;) {}');
    assert.equal(looping.status, 400);
    assert.match(looping.json.detail, /ran longer than its 2000 ms/);
    assert.deepEqual((await api(srv, '/api/v1/plugins', { token: ben.token })).json.items, []);

    const model = { name: 'lending', title: 'Lending', entities: [{ name: 'loan_item', fields: [{ name: 'title', type: 'string' }] }],
        stacks: { frontend: 'none', backend: 'express', devops: [] } };
    const project = await api(srv, '/api/v1/projects', { method: 'POST', token: ann.token, body: { model } });
    assert.equal(project.status, 201, project.text);
    const pid = project.json.id;
    assertProblem(await api(srv, `/api/v1/projects/${pid}/plugins`, { method: 'PUT', token: ben.token, body: { plugins: [labels.json.id] } }), 404);
    const set = await api(srv, `/api/v1/projects/${pid}/plugins`, { method: 'PUT', token: ann.token, body: { plugins: [labels.json.id, lic.json.id] } });
    assert.equal(set.status, 200, set.text);
    assert.deepEqual(set.json.items.map((p) => p.name), ['title-case', 'add-license']);

    const generate = async (token, id) => {
        const started = await api(srv, `/api/v1/projects/${id}/generations`, { method: 'POST', token });
        assert.equal(started.status, 202, started.text);
        await srv.waitForLog((r) => r.msg === 'job finished' && r.job === started.json.id, { timeoutMs: 60_000 });
        return (await api(srv, `/api/v1/projects/${id}/generations/${started.json.id}`, { token })).json;
    };
    const g = await generate(ann.token, pid);
    assert.equal(g.status, 'succeeded', JSON.stringify(g));
    const log = g.log.map((e) => e.message).join('\n');
    assert.match(log, /^plugin title-case 1\.0\.0, source sha256 [0-9a-f]{16}$/m);
    assert.match(log, /^plugin title-case 1\.0\.0: changed entity LoanItem$/m);
    assert.match(log, /^plugin add-license 1\.0\.0: added LICENSE$/m);
    assert.deepEqual(g.plugins.map((p) => [p.name, p.version, p.digest]),
        [['title-case', '1.0.0', labels.json.digest], ['add-license', '1.0.0', lic.json.digest]]);
    const file = await api(srv, `/api/v1/projects/${pid}/generations/${g.id}/files/LICENSE`, { token: ann.token });
    assert.equal(file.status, 200, file.text);
    assert.match(file.text, /Copyright \(c\) Lending/);

    // Ben cannot use Ann's plugin on his project, until an admin enables it for everybody: then it runs for all.
    const bens = await api(srv, '/api/v1/projects', { method: 'POST', token: ben.token, body: { model: { ...model, name: 'bens' } } });
    assert.equal(bens.status, 201, bens.text);
    const refused = await api(srv, `/api/v1/projects/${bens.json.id}/plugins`, { method: 'PUT', token: ben.token, body: { plugins: [lic.json.id] } });
    assertProblem(refused, 400);
    assert.match(refused.json.detail, /neither yours nor enabled for everybody/);
    assertProblem(await api(srv, `/api/v1/admin/plugins/${lic.json.id}/global`, { method: 'PUT', token: ann.token, body: { enabled: true } }), 403);
    const global = await api(srv, `/api/v1/admin/plugins/${lic.json.id}/global`, { method: 'PUT', token: root, body: { enabled: true } });
    assert.equal(global.status, 200, global.text);
    assert.equal(global.json.enabled_for_everybody, true);
    const bg = await generate(ben.token, bens.json.id);
    assert.equal(bg.status, 'succeeded', JSON.stringify(bg));
    assert.match(bg.log.map((e) => e.message).join('\n'), /^plugin add-license 1\.0\.0 \(enabled for everybody\), source sha256/m);
    assert.deepEqual(bg.plugins.map((p) => p.name), ['add-license']);
    // Now Ben may choose it for his project; when the admin stops it for everybody, his project stops running it.
    const chosen = await api(srv, `/api/v1/projects/${bens.json.id}/plugins`, { method: 'PUT', token: ben.token, body: { plugins: [lic.json.id] } });
    assert.equal(chosen.status, 200, chosen.text);
    assert.equal((await api(srv, `/api/v1/admin/plugins/${lic.json.id}/global`, { method: 'PUT', token: root, body: { enabled: false } })).status, 200);
    assert.deepEqual((await api(srv, `/api/v1/projects/${bens.json.id}/plugins`, { token: ben.token })).json.items, []);
    const after = await generate(ben.token, bens.json.id);
    assert.equal(after.status, 'succeeded', JSON.stringify(after));
    assert.deepEqual(after.plugins, []);
    assert.equal((await api(srv, `/api/v1/admin/plugins/${lic.json.id}/global`, { method: 'PUT', token: root, body: { enabled: true } })).status, 200);

    // A plugin that fails fails the generation, with its message in the log.
    const failing = await install(ann.token, `export default { manifest: ${manifest('fails', ['beforeGeneration'], ['model:write'])}, beforeGeneration(m) { throw new Error('no loans today'); } };`);
    assert.equal(failing.status, 201, JSON.stringify(failing.json));
    assert.equal((await api(srv, `/api/v1/projects/${pid}/plugins`, { method: 'PUT', token: ann.token, body: { plugins: [failing.json.id] } })).status, 200);
    const fg = await generate(ann.token, pid);
    assert.equal(fg.status, 'failed');
    assert.match(fg.error, /plugin fails\.mjs: threw Error: no loans today/);

    // Removing a plugin takes it off every project; the admin stops the global one.
    assert.equal((await api(srv, `/api/v1/plugins/${failing.json.id}`, { method: 'DELETE', token: ann.token })).status, 204);
    assert.deepEqual((await api(srv, `/api/v1/projects/${pid}/plugins`, { token: ann.token })).json.items, []);
    assert.equal((await api(srv, `/api/v1/admin/plugins/${lic.json.id}/global`, { method: 'PUT', token: root, body: { enabled: false } })).status, 200);
    assert.deepEqual((await api(srv, '/api/v1/plugins', { token: ben.token })).json.items, []);
});

test(`[${backend}] platform events reach the plugins that listen: a user registered, a project generated`, T, async () => {
    const config = { ...kFastAuth, ...dbConfig() };
    const srv = await startServer({ config });
    const ann = await signUp(srv, 'ann@example.org');
    const root = await adminToken(srv, { database_url: config.database_url });
    const install = async (source) => {
        const r = await api(srv, '/api/v1/plugins', { method: 'POST', token: ann.token, body: { source } });
        assert.equal(r.status, 201, r.text);
        const g = await api(srv, `/api/v1/admin/plugins/${r.json.id}/global`, { method: 'PUT', token: root, body: { enabled: true } });
        assert.equal(g.status, 200, g.text);
        return r.json;
    };
    // One checks what it hears (a throw would show as a failure); one repeats it back through its error.
    await install(`export default { manifest: ${manifest('listener', ['onEvent'], ['events:read'])},
        onEvent({ type, at, data }) {
            const known = ['user.registered', 'project.generated', 'generation.failed'];
            if (!known.includes(type) || Number.isNaN(Date.parse(at)) || typeof data !== 'object') throw new Error('odd event');
        } };`);
    await install(`export default { manifest: ${manifest('echo', ['onEvent'], ['events:read'])},
        onEvent: (e) => { throw new Error(\`heard \${e.type} \${JSON.stringify(e.data)}\`); } };`);
    await install(`export default { manifest: ${manifest('deaf', ['onEvent'], [])}, onEvent() { throw new Error('never called'); } };`);

    const dee = await signUp(srv, 'dee@example.org');
    await srv.waitForLog((r) => r.msg === 'job finished' && r.kind === 'plugin.event', { timeoutMs: 60_000 });
    const events = await api(srv, '/api/v1/admin/plugins/events', { token: root });
    assert.equal(events.status, 200, events.text);
    const registered = events.json.items.find((i) => i.event.type === 'user.registered');
    assert.ok(registered, events.text);
    assert.deepEqual(registered.event.data, { user_id: dee.user.id });
    assert.deepEqual(registered.delivered, ['listener 1.0.0']);
    assert.equal(registered.failed.length, 1, events.text);
    assert.equal(registered.failed[0].plugin, 'echo 1.0.0');
    assert.match(registered.failed[0].error, new RegExp(`threw Error: heard user\\.registered \\{"user_id":"${dee.user.id}"\\}`));
    assertProblem(await api(srv, '/api/v1/admin/plugins/events', { token: dee.token }), 403);

    const p = await api(srv, '/api/v1/projects', { method: 'POST', token: ann.token, body: { model: {
        name: 'events', entities: [{ name: 'Thing', fields: [{ name: 'title', type: 'string' }] }],
        stacks: { frontend: 'none', backend: 'express', devops: [] } } } });
    assert.equal(p.status, 201, p.text);
    const started = await api(srv, `/api/v1/projects/${p.json.id}/generations`, { method: 'POST', token: ann.token });
    assert.equal(started.status, 202, started.text);
    await until('the generation event is delivered', async () => {
        const list = await api(srv, '/api/v1/admin/plugins/events', { token: root });
        return list.json.items.find((i) => i.event.type === 'project.generated' && i.status === 'succeeded');
    });
    const all = (await api(srv, '/api/v1/admin/plugins/events', { token: root })).json.items;
    const generated = all.find((i) => i.event.type === 'project.generated');
    assert.equal(generated.event.data.project_id, p.json.id);
    assert.equal(generated.event.data.generation_id, started.json.id);
    assert.deepEqual(generated.delivered, ['listener 1.0.0']);
});

test(`[${backend}] a plugin with http:fetch reads the hosts its manifest lists, this machine only once an admin trusts it`, T, async () => {
    // The outside service the plugin reads: a real HTTP server on this machine.
    const hits = [];
    const service = http.createServer((req, res) => {
        hits.push(`${req.method} ${req.url} ${req.headers.accept ?? ''}`);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ notice: 'Licensed by the labels service' }));
    });
    await new Promise((resolve) => service.listen(0, '127.0.0.1', resolve));
    const port = service.address().port;
    try {
        const config = { ...kFastAuth, ...dbConfig() };
        const srv = await startServer({ config });
        const ann = await signUp(srv, 'ann@example.org');
        const root = await adminToken(srv, { database_url: config.database_url });
        const source = (hosts) => `export default {
  manifest: { name: 'remote-notice', version: '1.0.0', description: 'fetches a notice', author: 'tests',
              hooks: ['afterGeneration'], permissions: ['files:write', 'http:fetch'], hosts: ${JSON.stringify(hosts)} },
  async afterGeneration(files) {
    const res = await fetch('http://127.0.0.1:${port}/notice?key=abc', { headers: { accept: 'application/json' } });
    const { notice } = await res.json();
    return { ...files, 'NOTICE.txt': notice + '\\n' };
  },
};`;
        const good = await api(srv, '/api/v1/plugins', { method: 'POST', token: ann.token, body: { source: source([`127.0.0.1:${port}`]) } });
        assert.equal(good.status, 201, good.text);
        const p = await api(srv, '/api/v1/projects', { method: 'POST', token: ann.token, body: { model: {
            name: 'fetching', entities: [{ name: 'Thing', fields: [{ name: 'title', type: 'string' }] }],
            stacks: { frontend: 'none', backend: 'express', devops: [] } } } });
        assert.equal(p.status, 201, p.text);
        const generate = async (pluginId) => {
            const set = await api(srv, `/api/v1/projects/${p.json.id}/plugins`, { method: 'PUT', token: ann.token, body: { plugins: [pluginId] } });
            assert.equal(set.status, 200, set.text);
            const started = await api(srv, `/api/v1/projects/${p.json.id}/generations`, { method: 'POST', token: ann.token });
            assert.equal(started.status, 202, started.text);
            await srv.waitForLog((r) => r.msg === 'job finished' && r.job === started.json.id, { timeoutMs: 60_000 });
            return (await api(srv, `/api/v1/projects/${p.json.id}/generations/${started.json.id}`, { token: ann.token })).json;
        };
        // A user's plugin reaches public addresses only: this machine is refused, and nothing goes out.
        const untrusted = await generate(good.json.id);
        assert.equal(untrusted.status, 'failed');
        assert.match(untrusted.error, /is on this machine or a private network, which only plugins an admin enabled for everybody may reach/);
        assert.deepEqual(hits, []);
        const trusted = await api(srv, `/api/v1/admin/plugins/${good.json.id}/global`, { method: 'PUT', token: root, body: { enabled: true } });
        assert.equal(trusted.status, 200, trusted.text);
        const g = await generate(good.json.id);
        assert.equal(g.status, 'succeeded', JSON.stringify(g));
        const log = g.log.map((e) => e.message).join('\n');
        // The log names the fetch without its query.
        assert.match(log, new RegExp(`^plugin remote-notice 1\\.0\\.0: fetched GET http://127\\.0\\.0\\.1:${port}/notice → 200$`, 'm'));
        assert.doesNotMatch(log, /key=abc/);
        const file = await api(srv, `/api/v1/projects/${p.json.id}/generations/${g.id}/files/NOTICE.txt`, { token: ann.token });
        assert.equal(file.text, 'Licensed by the labels service\n');
        assert.deepEqual(hits, ['GET /notice?key=abc application/json']);

        // The same plugin listing another host: the server does not fetch, and the generation fails saying why.
        const other = await api(srv, '/api/v1/plugins', { method: 'POST', token: ann.token, body: { source: source(['api.example.org']).replace("version: '1.0.0'", "version: '1.0.1'") } });
        assert.equal(other.status, 201, other.text);
        assert.equal((await api(srv, `/api/v1/admin/plugins/${good.json.id}/global`, { method: 'PUT', token: root, body: { enabled: false } })).status, 200);
        const refused = await generate(other.json.id);
        assert.equal(refused.status, 'failed');
        assert.match(refused.error, new RegExp(`fetch http://127\\.0\\.0\\.1:${port}/notice: the host 127\\.0\\.0\\.1:${port} is not among the hosts`));
        assert.doesNotMatch(refused.error, /key=abc/);
        assert.equal(hits.length, 1, 'nothing went out');
    } finally {
        service.close();
    }
});

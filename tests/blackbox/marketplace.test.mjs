// The marketplace (docs/marketplace.md) over HTTP, on SQLite and on PostgreSQL (blackbox.pg.marketplace): a user
// publishes a plugin and a pack → an admin reviews (reject needs a reason, approve signs) → the author is notified
// → a guest's search finds it and a Node client verifies the package's Ed25519 signature itself → another user
// installs it and generates a project that shows its effect → ratings → a yank stops new installs while existing
// ones stay on record; a package changed in the database behind the server's back fails verification on install;
// nobody publishes a version of another user's item; everything is in the audit log.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey, verify } from 'node:crypto';
import path from 'node:path';
import { test } from 'node:test';

import { adminToken, api, kFastAuth, signUp } from './lib/accounts.mjs';
import { assertProblem, until } from './lib/http.mjs';
import { authedSocket, subscribe } from './lib/live.mjs';
import { backend, freshDatabase } from './lib/pg.mjs';
import { repoRoot, startServer } from './lib/server.mjs';

const T = { timeout: 240_000 };

const notice = (version, text) => `
const stamp = (files, text) => ({ ...files, 'NOTICE.md': \`# Notice\\n\\n\${text}\\n\` });
export default {
  manifest: { name: 'notice-file', version: '${version}', description: 'Adds a NOTICE.md to every generated project',
              author: 'Ann', hooks: ['afterGeneration'], permissions: ['files:write'] },
  afterGeneration: (files, model) => stamp(files, \`${text} \${model.title}\`),
};`;

const publishBody = (extra) => ({
    kind: 'plugin', changelog: 'First release.', category: 'docs', tags: ['legal', 'files'], licence: 'MIT', ...extra,
});

/// Runs one SQL statement on the server's database from outside (a database edited behind the server's back).
function tamper(srv, database_url, sql) {
    if (database_url) {
        execFileSync('psql', [database_url, '-v', 'ON_ERROR_STOP=1', '-qc', sql], { stdio: 'pipe' });
    } else {
        execFileSync('/usr/bin/python3', [path.join(repoRoot, 'tests/blackbox/lib/audit_db.py'),
            path.join(srv.dataDir, 'dihya.db'), 'sql', sql], { stdio: 'pipe' });
    }
}

test(`[${backend}] publish → review → approve → search → verify → install → generate; ratings; yank; tampering`, T, async () => {
    const database_url = freshDatabase();
    const config = { ...kFastAuth, ...(database_url ? { database_url } : {}) };
    const srv = await startServer({ config });
    const ann = await signUp(srv, 'ann@example.org', { display_name: 'Ann' });
    const ben = await signUp(srv, 'ben@example.org', { display_name: 'Ben' });
    const root = await adminToken(srv, { database_url });
    const url = '/api/v1/marketplace/items';

    // Guests browse, but may not publish.
    const empty = await api(srv, url);
    assert.equal(empty.status, 200, empty.text);
    assert.deepEqual(empty.json.items, []);
    assertProblem(await api(srv, url, { method: 'POST', body: publishBody({ package: notice('1.0.0', 'Made by') }) }), 401);

    // Ann publishes; the version waits for review, seen by her alone.
    const published = await api(srv, url, { method: 'POST', token: ann.token, body: publishBody({ package: notice('1.0.0', 'Made by') }) });
    assert.equal(published.status, 201, published.text);
    assert.equal(published.json.status, 'pending');
    assert.equal(published.json.item, 'notice-file');
    assert.equal(published.json.summary, 'Adds a NOTICE.md to every generated project');
    assertProblem(await api(srv, url, { method: 'POST', token: ann.token, body: publishBody({ package: notice('1.0.0', 'Again') }) }), 409);
    const stolen = await api(srv, url, { method: 'POST', token: ben.token, body: publishBody({ package: notice('1.1.0', 'Ben was here') }) });
    assertProblem(stolen, 403);
    assert.match(stolen.json.detail, /belongs to another user/);
    const bad = await api(srv, url, { method: 'POST', token: ann.token, body: publishBody({ package: 'export default {};' }) });
    assertProblem(bad, 400);
    assertProblem(await api(srv, url, { method: 'POST', token: ann.token, body: publishBody({ package: notice('1.0.1', 'x'), licence: undefined }) }), 400);
    assertProblem(await api(srv, `${url}/notice-file`, { token: ben.token }), 404);
    const own = await api(srv, `${url}/notice-file`, { token: ann.token });
    assert.equal(own.status, 200, own.text);
    assert.deepEqual(own.json.versions.map((v) => v.status), ['pending']);
    assert.deepEqual((await api(srv, `${url}?q=notice`)).json.items, []);

    // The admins' queue; a rejection needs a reason and reaches the author.
    assertProblem(await api(srv, '/api/v1/admin/marketplace/versions', { token: ann.token }), 403);
    const queue = await api(srv, '/api/v1/admin/marketplace/versions', { token: root });
    assert.equal(queue.status, 200, queue.text);
    assert.deepEqual(queue.json.items.map((v) => `${v.item} ${v.version}`), ['notice-file 1.0.0']);
    const decide = (id, body, token = root) => api(srv, `/api/v1/admin/marketplace/versions/${id}/decision`, { method: 'POST', token, body });
    assertProblem(await decide(published.json.id, { decision: 'reject' }), 400);
    assertProblem(await decide(published.json.id, { decision: 'approve' }, ann.token), 403);
    const rejected = await decide(published.json.id, { decision: 'reject', reason: 'The notice needs a licence line.' });
    assert.equal(rejected.status, 200, rejected.text);
    assertProblem(await decide(published.json.id, { decision: 'approve' }), 409);
    const v2 = await api(srv, url, { method: 'POST', token: ann.token, body: publishBody({ package: notice('1.0.1', 'Licensed under MIT. Made by'), changelog: 'A licence line.' }) });
    assert.equal(v2.status, 201, v2.text);
    const approved = await decide(v2.json.id, { decision: 'approve' });
    assert.equal(approved.status, 200, approved.text);
    assert.equal(approved.json.signature.algorithm, 'Ed25519');
    const notes = await api(srv, '/api/v1/notifications', { token: ann.token });
    assert.deepEqual(notes.json.items.map((n) => n.kind), ['marketplace.version_approved', 'marketplace.version_rejected']);
    assert.match(notes.json.items[1].body, /The notice needs a licence line\./);
    const history = (await api(srv, `${url}/notice-file`, { token: ann.token })).json.history.map((h) => `${h.version} ${h.event}`);
    assert.deepEqual(history, ['1.0.1 approved', '1.0.1 submitted', '1.0.0 rejected', '1.0.0 submitted']);

    // A guest finds it (any word, as a prefix; filters), downloads the package and verifies it with Node's crypto.
    const found = await api(srv, `${url}?q=notic%20generated`);
    assert.equal(found.status, 200, found.text);
    assert.deepEqual(found.json.items.map((i) => [i.name, i.latest_version]), [['notice-file', '1.0.1']]);
    assert.deepEqual((await api(srv, `${url}?tag=legal&kind=plugin`)).json.items.map((i) => i.name), ['notice-file']);
    assert.deepEqual((await api(srv, `${url}?tag=legal&kind=pack`)).json.items, []);
    assertProblem(await api(srv, `${url}?sort=loudest`), 400);
    const guestView = await api(srv, `${url}/notice-file`);
    assert.deepEqual(guestView.json.versions.map((v) => v.version), ['1.0.1']);  // the rejected one is Ann's to see
    assert.equal(guestView.json.history, undefined);
    const pkg = await fetch(`${srv.url}${url}/notice-file/versions/latest/package`);
    assert.equal(pkg.status, 200);
    const body = await pkg.text();
    const digest = createHash('sha256').update(body).digest('hex');
    assert.equal(pkg.headers.get('x-dihya-digest'), digest);
    const key = (await api(srv, '/api/v1/marketplace/signing-key')).json;
    assert.equal(key.algorithm, 'Ed25519');
    const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: key.public_key }, format: 'jwk' });
    const message = `dihya-marketplace-v1\nplugin\nnotice-file\n1.0.1\nsha256:${digest}`;
    const signature = Buffer.from(pkg.headers.get('x-dihya-signature'), 'base64url');
    assert.equal(verify(null, Buffer.from(message), publicKey, signature), true);
    assert.equal(verify(null, Buffer.from(message.replace('1.0.1', '1.0.2')), publicKey, signature), false);

    // Ben installs it (verified on the way), enables it on his project and generates: the project has its file.
    const installed = await api(srv, `${url}/notice-file/install`, { method: 'POST', token: ben.token });
    assert.equal(installed.status, 201, installed.text);
    assert.equal(installed.json.digest, digest);
    assert.equal((await api(srv, `${url}/notice-file/install`, { method: 'POST', token: ben.token })).status, 200);
    const plugins = (await api(srv, '/api/v1/plugins', { token: ben.token })).json.items;
    assert.deepEqual(plugins.map((p) => [p.id, p.name, p.version]), [[installed.json.workspace_id, 'notice-file', '1.0.1']]);
    const model = { name: 'lending', title: 'Lending', entities: [{ name: 'loan', fields: [{ name: 'title', type: 'string' }] }],
        stacks: { frontend: 'none', backend: 'express', devops: [] } };
    const project = await api(srv, '/api/v1/projects', { method: 'POST', token: ben.token, body: { model } });
    assert.equal(project.status, 201, project.text);
    const pid = project.json.id;
    const set = await api(srv, `/api/v1/projects/${pid}/plugins`, { method: 'PUT', token: ben.token, body: { plugins: [installed.json.workspace_id] } });
    assert.equal(set.status, 200, set.text);
    const generate = async () => {
        const started = await api(srv, `/api/v1/projects/${pid}/generations`, { method: 'POST', token: ben.token });
        assert.equal(started.status, 202, started.text);
        await srv.waitForLog((r) => r.msg === 'job finished' && r.job === started.json.id, { timeoutMs: 60_000 });
        return (await api(srv, `/api/v1/projects/${pid}/generations/${started.json.id}`, { token: ben.token })).json;
    };
    const g = await generate();
    assert.equal(g.status, 'succeeded', JSON.stringify(g));
    assert.deepEqual(g.plugins.map((p) => [p.name, p.version, p.digest]), [['notice-file', '1.0.1', digest]]);
    const file = await api(srv, `/api/v1/projects/${pid}/generations/${g.id}/files/NOTICE.md`, { token: ben.token });
    assert.equal(file.status, 200, file.text);
    assert.match(file.text, /Licensed under MIT\. Made by Lending/);

    // Ratings: one per user per item, editable; not on one's own item.
    assertProblem(await api(srv, `${url}/notice-file/review`, { method: 'PUT', token: ann.token, body: { rating: 5 } }), 403);
    assertProblem(await api(srv, `${url}/notice-file/review`, { method: 'PUT', token: ben.token, body: { rating: 9 } }), 400);
    assert.equal((await api(srv, `${url}/notice-file/review`, { method: 'PUT', token: ben.token, body: { rating: 3, body: 'ok' } })).status, 200);
    const edited = await api(srv, `${url}/notice-file/review`, { method: 'PUT', token: ben.token, body: { rating: 5, body: 'Does what it says.' } });
    assert.equal(edited.status, 200, edited.text);
    assert.equal(edited.json.author, 'Ben');
    const reviews = await api(srv, `${url}/notice-file/reviews`);
    assert.deepEqual(reviews.json.items.map((r) => [r.author, r.rating, r.body]), [['Ben', 5, 'Does what it says.']]);
    const listed = (await api(srv, `${url}?sort=rating`)).json.items[0];
    assert.deepEqual([listed.rating, listed.installs, listed.downloads], [{ average: 5, count: 1 }, 1, 1]);

    // The daily statistics, taken by the scheduled job (run now by an admin).
    const queued = await api(srv, '/api/v1/admin/jobs/marketplace-stats/run', { method: 'POST', token: root });
    assert.equal(queued.status, 202, queued.text);
    await until('the statistics are taken', async () => {
        const runs = await api(srv, '/api/v1/admin/jobs/marketplace-stats/runs', { token: root });
        const run = runs.json.items.find((r) => r.id === queued.json.id);
        return run && run.status === 'succeeded' && run;
    });
    const stats = await api(srv, `${url}/notice-file/stats?days=7`);
    assert.equal(stats.status, 200, stats.text);
    assert.equal(stats.json.days.length, 1);
    assert.deepEqual([stats.json.days[0].installs, stats.json.days[0].downloads, stats.json.days[0].rating], [1, 1, { average: 5, count: 1 }]);
    assertProblem(await api(srv, `${url}/notice-file/stats?days=0`), 400);

    // A package changed behind the server's back fails its signature on install; nothing reaches the workspace.
    const cat = await signUp(srv, 'cat@example.org');
    tamper(srv, database_url, "UPDATE market_versions SET package = replace(package, 'Adds', 'Steals') WHERE version = '1.0.1'");
    const refused = await api(srv, `${url}/notice-file/install`, { method: 'POST', token: cat.token });
    assertProblem(refused, 409);
    assert.match(refused.json.detail, /fails its signature check/);
    assert.deepEqual((await api(srv, '/api/v1/plugins', { token: cat.token })).json.items, []);
    tamper(srv, database_url, "UPDATE market_versions SET package = replace(package, 'Steals', 'Adds') WHERE version = '1.0.1'");

    // A yank: no new installs, while Ben's install, his plugin and his generation's record stay.
    assertProblem(await decide(v2.json.id, { decision: 'yank' }), 400);
    const yanked = await decide(v2.json.id, { decision: 'yank', reason: 'It overwrites an existing NOTICE.md.' });
    assert.equal(yanked.status, 200, yanked.text);
    const noMore = await api(srv, `${url}/notice-file/install`, { method: 'POST', token: cat.token, body: { version: '1.0.1' } });
    assertProblem(noMore, 409);
    assert.match(noMore.json.detail, /yanked/);
    assertProblem(await api(srv, `${url}/notice-file/versions/1.0.1/package`), 409);
    assert.deepEqual((await api(srv, `${url}?q=notice`)).json.items, []);
    const mine = await api(srv, '/api/v1/marketplace/installs', { token: ben.token });
    assert.deepEqual(mine.json.items.map((i) => [i.item, i.version, i.version_status]), [['notice-file', '1.0.1', 'yanked']]);
    const kept = await api(srv, `/api/v1/projects/${pid}/generations/${g.id}`, { token: ben.token });
    assert.deepEqual(kept.json.plugins.map((p) => [p.name, p.version]), [['notice-file', '1.0.1']]);
    assert.equal((await api(srv, '/api/v1/notifications', { token: ann.token })).json.items[0].kind, 'marketplace.version_yanked');

    // Everything in the audit log.
    const audit = await api(srv, '/api/v1/admin/audit?action=marketplace.&limit=100', { token: root });
    assert.equal(audit.status, 200, audit.text);
    const actions = new Set(audit.json.items.map((e) => e.action));
    for (const a of ['marketplace.version_submitted', 'marketplace.version_rejected', 'marketplace.version_approved',
        'marketplace.installed', 'marketplace.review_created', 'marketplace.review_edited', 'marketplace.version_yanked']) {
        assert.ok(actions.has(a), `${a} in ${[...actions]}`);
    }
});

test(`[${backend}] a template pack published as YAML is installed among the user's imported packs`, T, async () => {
    const database_url = freshDatabase();
    const srv = await startServer({ config: { ...kFastAuth, ...(database_url ? { database_url } : {}) } });
    const ann = await signUp(srv, 'ann@example.org');
    const ben = await signUp(srv, 'ben@example.org');
    const root = await adminToken(srv, { database_url });

    const doc = (await api(srv, '/api/v1/packs/express/export?format=json')).json;
    doc.manifest.name = 'express-audited';
    // The YAML form as the server writes it: import the JSON privately, export it as YAML.
    const imported = await api(srv, '/api/v1/packs/import', { method: 'POST', token: ann.token, body: doc });
    assert.equal(imported.status, 201, imported.text);
    const asYaml = await api(srv, '/api/v1/packs/express-audited/export?format=yaml&source=mine', { token: ann.token });
    assert.equal(asYaml.status, 200, asYaml.text);

    const published = await api(srv, '/api/v1/marketplace/items', { method: 'POST', token: ann.token, body: {
        kind: 'pack', format: 'yaml', package: asYaml.text, changelog: 'Express with an audit trail.', category: 'backend',
        tags: ['node', 'express'], licence: 'Apache-2.0', icon: 'https://example.org/express.png' } });
    assert.equal(published.status, 201, published.text);
    assert.equal(published.json.kind, 'pack');
    // Signed-in clients hear approvals on the marketplace channel.
    const socket = await authedSocket(srv, ben.token);
    assert.equal((await subscribe(socket, 'marketplace')).type, 'subscribed');
    const approved = await api(srv, `/api/v1/admin/marketplace/versions/${published.json.id}/decision`, { method: 'POST', token: root, body: { decision: 'approve' } });
    assert.equal(approved.status, 200, approved.text);
    const heard = await socket.next((m) => m.type === 'event' && m.channel === 'marketplace', { what: 'the approval' });
    assert.equal(heard.event, 'marketplace.version_approved');
    assert.deepEqual(heard.data, { item: 'express-audited', kind: 'pack', version: doc.manifest.version });
    socket.close();
    const found = await api(srv, '/api/v1/marketplace/items?q=express&kind=pack');
    assert.deepEqual(found.json.items.map((i) => [i.name, i.licence, i.category]), [['express-audited', 'Apache-2.0', 'backend']]);

    const installed = await api(srv, '/api/v1/marketplace/items/express-audited/install', { method: 'POST', token: ben.token });
    assert.equal(installed.status, 201, installed.text);
    const bens = await api(srv, '/api/v1/packs/mine', { token: ben.token });
    assert.deepEqual(bens.json.items.map((p) => [p.id, p.name]), [[installed.json.workspace_id, 'express-audited']]);
    const back = await api(srv, '/api/v1/packs/express-audited/export?format=json&source=mine', { token: ben.token });
    assert.deepEqual(back.json.files, doc.files);

    // A broken pack is refused before review, naming what lint found.
    doc.manifest.name = 'express-broken';
    doc.manifest.version = 'one';
    const broken = await api(srv, '/api/v1/marketplace/items', { method: 'POST', token: ann.token, body: {
        kind: 'pack', package: JSON.stringify(doc), changelog: 'x', category: 'backend', licence: 'MIT' } });
    assertProblem(broken, 400);
    assert.match(broken.json.detail, /version/);
});

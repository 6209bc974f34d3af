// GET /api/v1/catalog: contents, ETag and conditional requests.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { request } from './lib/http.mjs';
import { RawClient, rawRequest } from './lib/raw.mjs';
import { startServer } from './lib/server.mjs';

const T = { timeout: 30_000 };
const srv = await startServer();
const url = `${srv.url}/api/v1/catalog`;

const kStackKinds = ['frontend', 'backend', 'mobile', 'ai', 'devops', 'blockchain'];
const kFieldTypes = ['string', 'text', 'int', 'float', 'bool', 'date', 'datetime', 'email', 'url', 'enum', 'ref'];

/// Catalog entries may be plain names or objects with a name.
const nameOf = (x) => (typeof x === 'string' ? x : x && typeof x === 'object' ? x.name : undefined);

test('the catalog lists stacks by kind, domains, features, field types and packs', T, async () => {
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json\b/);
    const body = await res.json();

    assert.equal(typeof body.stacks, 'object');
    assert.ok(!Array.isArray(body.stacks), 'stacks is an object keyed by kind');
    for (const kind of kStackKinds) {
        const list = body.stacks[kind];
        assert.ok(Array.isArray(list), `stacks.${kind} must be a list`);
        assert.ok(list.length > 0, `stacks.${kind} must not be empty`);
        for (const item of list) assert.equal(typeof nameOf(item), 'string', `stacks.${kind} entry ${JSON.stringify(item)}`);
    }
    for (const key of ['domains', 'features', 'field_types', 'packs']) {
        assert.ok(Array.isArray(body[key]), `${key} must be a list`);
    }
    assert.ok(body.domains.length > 0, 'domains');
    assert.ok(body.features.length > 0, 'features');
    const fieldTypes = body.field_types.map(nameOf);
    for (const t of kFieldTypes) assert.ok(fieldTypes.includes(t), `field_types must contain ${t}: ${JSON.stringify(fieldTypes)}`);
    assert.equal(body.privacy.policy_version, '1', 'the default privacy policy version sign-up consents to');
});

test('the privacy policy version is the server\'s gdpr.policy_version, the one registration requires', T, async (t) => {
    const own = await startServer({ t, config: { gdpr: { policy_version: '2026-12' } } });
    const body = await (await fetch(`${own.url}/api/v1/catalog`)).json();
    assert.equal(body.privacy.policy_version, '2026-12');
    const refused = await fetch(`${own.url}/api/v1/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'v@example.org', password: 'violet tapestry under rain', consent: { policy_version: '1', accepted: ['terms', 'privacy'] } }),
    });
    assert.equal(refused.status, 400);
    assert.match(await refused.text(), /must be 2026-12/);
});

test('the catalog has a stable ETag and If-None-Match gives 304 without a body', T, async () => {
    const a = await request(url);
    const b = await request(url);
    const etag = a.headers.etag;
    assert.ok(etag, 'ETag header');
    assert.match(etag, /^(W\/)?"[^"]*"$/, `ETag must be a quoted entity tag: ${etag}`);
    assert.equal(b.headers.etag, etag, 'the same content has the same ETag');

    const c = await request(url, { headers: { 'If-None-Match': etag } });
    assert.equal(c.status, 304);
    assert.equal(c.body.length, 0);
    assert.equal(c.headers.etag, etag, '304 repeats the ETag');
    assert.ok(c.headers['x-request-id']);

    // A list of tags that contains ours also matches.
    const d = await request(url, { headers: { 'If-None-Match': `"not-the-tag", ${etag}` } });
    assert.equal(d.status, 304);

    // A different tag gets the full document.
    const e = await request(url, { headers: { 'If-None-Match': '"definitely-not-the-tag"' } });
    assert.equal(e.status, 200);
    assert.deepEqual(e.json(), a.json());
});

test('304 on the wire: no body bytes, the connection stays usable', T, async () => {
    const first = await request(url);
    const etag = first.headers.etag;
    const c = await RawClient.connect(srv.port);
    try {
        await c.write(rawRequest('GET', '/api/v1/catalog', { 'If-None-Match': etag }) + rawRequest('GET', '/healthz'));
        const notModified = await c.readResponse();
        assert.equal(notModified.status, 304);
        assert.equal(notModified.body.length, 0);
        const next = await c.readResponse();
        assert.equal(next.status, 200, 'the following response parses, so the 304 carried no body');
        assert.equal(next.json().status, 'ok');
    } finally {
        c.destroy();
    }
});

test('HEAD /api/v1/catalog has the ETag and no body', T, async () => {
    const get = await request(url);
    const head = await request(url, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    assert.equal(head.headers.etag, get.headers.etag);
});

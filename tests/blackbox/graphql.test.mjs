// GraphQL at /graphql with the reference implementation's own client code (npm `graphql`, `graphql-ws`):
// introspection that graphql-js's buildClientSchema and validateSchema accept; queries and mutations over the same
// services and authorization as REST (API-key scopes included) with cursor connections; errors with their problem
// type in extensions; depth and cost limits; subscriptions over graphql-transport-ws following a generation to its
// end and a user's notifications; the protocol's close codes; GraphiQL served by the binary under its CSP in
// Chromium. The parser and validator are checked against graphql-js on the same documents
// (graphql-documents.mjs): the same verdict, and for syntax errors the same message and location.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { buildClientSchema, getIntrospectionQuery, GraphQLError, parse, validate, validateSchema } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

import { api, kFastAuth, signUp } from './lib/accounts.mjs';
import { withBrowser } from './lib/browser.mjs';
import { kDocuments } from './lib/graphql-documents.mjs';
import { request } from './lib/http.mjs';
import { openSocket } from './lib/live.mjs';
import { startServer } from './lib/server.mjs';
import { kLibraryModel } from './lib/projects.mjs';

const T = { timeout: 180_000 };
const srv = await startServer({ config: { ...kFastAuth, realtime: { heartbeat_ms: 1000 }, graphql: { max_depth: 6, max_cost: 5000 } } });
const alice = await signUp(srv, 'alice@example.org');
const bob = await signUp(srv, 'bob@example.org');

const model = kLibraryModel;

/// POST /graphql: resolves {status, type, body}.
async function gql(query, { variables, token, operationName, accept } = {}) {
    const headers = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (accept) headers.accept = accept;
    const res = await fetch(`${srv.url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables, operationName }) });
    return { status: res.status, type: res.headers.get('content-type'), body: await res.json() };
}

async function data(query, options) {
    const r = await gql(query, options);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.errors, undefined, JSON.stringify(r.body.errors));
    return r.body.data;
}

const intro = await gql(getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true }));
const schema = buildClientSchema(intro.body.data);

function graphqlWs(connectionParams) {
    return createClient({ url: `ws://127.0.0.1:${srv.port}/graphql`, webSocketImpl: WebSocket, connectionParams, retryAttempts: 0, lazy: true });
}

/// The values a subscription gives until it completes (or `count` of them).
async function collect(client, query, variables, count = Infinity) {
    const out = [];
    for await (const result of client.iterate({ query, variables })) {
        out.push(result);
        if (out.length >= count) break;
    }
    return out;
}

test('introspection is a schema graphql-js builds and validates, with every root and the docs', T, async () => {
    assert.equal(intro.status, 200);
    assert.equal(intro.body.errors, undefined);
    assert.deepEqual(validateSchema(schema).map(String), []);
    assert.equal(schema.getQueryType().name, 'Query');
    assert.equal(schema.getMutationType().name, 'Mutation');
    assert.equal(schema.getSubscriptionType().name, 'Subscription');
    const query = schema.getQueryType().getFields();
    for (const f of ['me', 'catalog', 'analyze', 'project', 'projects', 'notifications']) assert.ok(query[f], f);
    const mutation = schema.getMutationType().getFields();
    for (const f of ['createProject', 'updateProject', 'deleteProject', 'startGeneration', 'markNotificationRead', 'markAllNotificationsRead']) {
        assert.ok(mutation[f], f);
    }
    assert.ok(schema.getType('ProjectConnection').getFields().pageInfo);
    assert.match(schema.getType('Project').description, /saved specification/);
    // The short form graphql-js clients send by default works too, and __type answers one type.
    assert.equal((await gql(getIntrospectionQuery())).body.errors, undefined);
    const one = await data('{ __type(name: "Project") { kind name fields { name } } none: __type(name: "Nope") { name } }');
    assert.equal(one.__type.kind, 'OBJECT');
    assert.ok(one.__type.fields.some((f) => f.name === 'generations'));
    assert.equal(one.none, null);
});

test('parser and validator agree with graphql-js on the same documents', T, async () => {
    let compared = 0;
    const differences = [];
    for (const { doc, variables, why } of kDocuments) {
        let reference;
        let syntax = null;
        let operationName;
        try {
            // The spec's grammar: a selection set has at least one selection (graphql-js 17 allows `{}` unless told).
            const ast = parse(doc, { allowEmptySelectionSets: false });
            const ops = ast.definitions.filter((d) => d.kind === 'OperationDefinition');
            if (ops.some((o) => o.operation === 'subscription')) continue;  // over WebSocket: below
            if (ops.length > 1 && ops[0].name) operationName = ops[0].name.value;
            reference = validate(schema, ast).length === 0;
        } catch (e) {
            assert.ok(e instanceof GraphQLError, String(e));
            reference = false;
            syntax = e;
        }
        const ours = await gql(doc, { variables, operationName });
        const valid = 'data' in ours.body;
        compared += 1;
        if (valid !== reference) {
            differences.push(`${why}: graphql-js says ${reference ? 'valid' : 'invalid'}, dihya ${JSON.stringify(ours.body).slice(0, 300)}`);
            continue;
        }
        if (syntax) {
            const [e] = ours.body.errors;
            if (e.message !== syntax.message || JSON.stringify(e.locations) !== JSON.stringify(syntax.locations)) {
                differences.push(`${why}: graphql-js ${syntax.message} at ${JSON.stringify(syntax.locations)}, dihya ${e.message} at ${JSON.stringify(e.locations)}`);
            }
        }
        if (!valid && ours.body.errors[0].extensions?.type !== '/docs/problems#invalid-argument') differences.push(`${why}: no problem type`);
    }
    assert.deepEqual(differences, []);
    assert.ok(compared >= 60, `${compared} documents compared`);
});

test('queries and mutations use the services: projects, pages, generations, analysis, catalog', T, async () => {
    const me = await data('{ me { id email role emailVerified } }', { token: alice.token });
    assert.equal(me.me.id, alice.user.id);
    assert.equal(me.me.email, 'alice@example.org');
    assert.equal((await data('{ me { id } }')).me, null, 'guests have no me');

    const analysis = await data('query($t: String!) { analyze(text: $t) { language domain model assumptions { field message } } }', {
        variables: { t: 'Une application de gestion de bibliothèque : les livres ont un titre et un auteur, les membres empruntent des livres.' },
    });
    assert.equal(analysis.analyze.language, 'fr');
    assert.ok(analysis.analyze.model.entities.length >= 2, JSON.stringify(analysis.analyze.model));

    const created = [];
    for (const title of ['First', 'Second', 'Third']) {
        const r = await data('mutation($input: ProjectInput!) { createProject(input: $input) { id title version role } }', {
            token: alice.token,
            variables: { input: { model: { ...model, title } } },
        });
        assert.equal(r.createProject.role, 'owner');
        created.push(r.createProject);
    }
    // The REST API sees the same project.
    const rest = await api(srv, `/api/v1/projects/${created[0].id}`, { token: alice.token });
    assert.equal(rest.json.title, 'First');

    // Cursor pagination: two pages of two and one, newest first, no overlap.
    const page = `query($after: String) { projects(first: 2, after: $after) { edges { cursor node { id title } } nodes { id } pageInfo { hasNextPage endCursor } } }`;
    const p1 = (await data(page, { token: alice.token })).projects;
    assert.deepEqual(p1.nodes.map((n) => n.id), [created[2].id, created[1].id]);
    assert.equal(p1.pageInfo.hasNextPage, true);
    assert.equal(p1.pageInfo.endCursor, p1.edges[1].cursor);
    const p2 = (await data(page, { token: alice.token, variables: { after: p1.pageInfo.endCursor } })).projects;
    assert.deepEqual(p2.nodes.map((n) => n.id), [created[0].id]);
    assert.equal(p2.pageInfo.hasNextPage, false);

    const updated = await data('mutation($id: ID!) { updateProject(id: $id, patch: {title: "Renamed"}, ifVersion: 1) { title version } }', {
        token: alice.token,
        variables: { id: created[0].id },
    });
    assert.deepEqual(updated.updateProject, { title: 'Renamed', version: 2 });
    const stale = await gql('mutation($id: ID!) { updateProject(id: $id, patch: {title: "Again"}, ifVersion: 1) { title } }', {
        token: alice.token,
        variables: { id: created[0].id },
    });
    assert.equal(stale.body.data, null);
    assert.equal(stale.body.errors[0].extensions.type, '/docs/problems#precondition-failed');
    assert.deepEqual(stale.body.errors[0].path, ['updateProject']);

    // A generation started by mutation is read back through the project, with its log.
    const gen = await data('mutation($p: ID!) { startGeneration(projectId: $p) { id status projectId } }', { token: alice.token, variables: { p: created[1].id } });
    assert.equal(gen.startGeneration.projectId, created[1].id);
    let state;
    for (let i = 0; i < 200; i += 1) {
        state = (await data(`query($p: ID!, $g: ID!) { project(id: $p) { generation(id: $g) { status fileCount steps { name state } log { seq message } } generations { nodes { id } } } }`, {
            token: alice.token,
            variables: { p: created[1].id, g: gen.startGeneration.id },
        })).project;
        if (['succeeded', 'failed'].includes(state.generation.status)) break;
        await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(state.generation.status, 'succeeded', JSON.stringify(state));
    assert.ok(state.generation.fileCount > 0);
    assert.ok(state.generation.log.length > 0);
    assert.deepEqual(state.generations.nodes.map((n) => n.id), [gen.startGeneration.id]);

    const catalog = await data('{ catalog { stacks { kind stacks } locales features { name supportedBy } packs { name kind } } }');
    assert.ok(catalog.catalog.stacks.some((s) => s.kind === 'backend' && s.stacks.includes('express')));
    assert.ok(catalog.catalog.packs.length > 0);

    // Mutations run in order and stop at the first that fails: the delete after a failed update does not happen.
    const stopped = await gql(`mutation { a: updateProject(id: "${created[1].id}", patch: {title: "X"}, ifVersion: 99) { id } b: deleteProject(id: "${created[1].id}") }`, { token: alice.token });
    assert.equal(stopped.body.data, null);
    assert.equal(stopped.body.errors.length, 1);
    assert.equal((await data(`{ project(id: "${created[1].id}") { title } }`, { token: alice.token })).project.title, 'Second');
    // At most 10 changes per mutation.
    const bulk = await gql(`mutation { ${Array.from({ length: 11 }, (_, i) => `m${i}: markAllNotificationsRead`).join(' ')} }`, { token: alice.token });
    assert.match(bulk.body.errors[0].message, /at most 10 changes/);
    assert.equal((await data('mutation($id: ID!) { deleteProject(id: $id) }', { token: alice.token, variables: { id: created[2].id } })).deleteProject, created[2].id);
    assert.equal((await data('query($id: ID!) { project(id: $id) { id } }', { token: alice.token, variables: { id: created[2].id } })).project, null);
});

test('the same authorization as REST: owners, members, guests and API-key scopes', T, async () => {
    const mine = (await data('mutation { createProject(input: {model: {title: "Private", entities: [{name: "Note", fields: [{name: "text", type: "string"}]}]}}) { id } }', {
        token: alice.token,
    })).createProject;
    // Bob cannot see it (null, as REST's 404), nor change it (an error with REST's problem type).
    assert.equal((await data(`{ project(id: "${mine.id}") { id } }`, { token: bob.token })).project, null);
    const change = await gql(`mutation { updateProject(id: "${mine.id}", patch: {title: "Mine"}) { id } }`, { token: bob.token });
    assert.equal(change.body.errors[0].extensions.type, '/docs/problems#not-found');
    assert.equal(change.body.errors[0].extensions.status, 404);
    // Shared as viewer: he reads it with his role, still cannot change it.
    const shared = await data(`mutation { shareProject(id: "${mine.id}", email: "bob@example.org", role: "viewer") { userId role } }`, { token: alice.token });
    assert.deepEqual(shared.shareProject, { userId: bob.user.id, role: 'viewer' });
    assert.equal((await data(`{ project(id: "${mine.id}") { role members { role } } }`, { token: bob.token })).project.role, 'viewer');
    const viewer = await gql(`mutation { updateProject(id: "${mine.id}", patch: {title: "Mine"}) { id } }`, { token: bob.token });
    assert.equal(viewer.body.errors[0].extensions.status, 403);

    // Guests: unauthenticated, with a problem type; the rest of the answer still comes.
    const guest = await gql(`{ catalog { locales } project(id: "${mine.id}") { id } }`);
    assert.equal(guest.status, 200);
    assert.ok(guest.body.data.catalog.locales.includes('ar'));
    assert.equal(guest.body.data.project, null);
    assert.equal(guest.body.errors[0].extensions.type, '/docs/problems#unauthenticated');
    assert.deepEqual(guest.body.errors[0].path, ['project']);
    // A non-null field's error makes its parent null (here the whole answer), as the spec says.
    const whole = await gql('{ catalog { locales } projects { nodes { id } } }');
    assert.equal(whole.body.data, null);
    assert.deepEqual(whole.body.errors[0].path, ['projects']);

    // An API key with projects:read reads but does not write.
    const key = await api(srv, '/api/v1/users/me/api-keys', { method: 'POST', token: alice.token, body: { name: 'reader', scopes: ['projects:read'] } });
    assert.equal(key.status, 201, key.text);
    assert.ok((await data('{ projects { nodes { id } } }', { token: key.json.key })).projects.nodes.length > 0);
    const write = await gql('mutation { createProject(input: {text: "a shop selling books"}) { id } }', { token: key.json.key });
    assert.equal(write.body.errors[0].extensions.type, '/docs/problems#permission-denied');
});

test('errors: syntax, validation, variables, limits; GraphQL over HTTP status and media types', T, async () => {
    const syntax = await gql('{ me { id }');
    assert.equal(syntax.status, 200, 'application/json: a well-formed request gets 200');
    assert.match(syntax.body.errors[0].message, /^Syntax Error/);
    assert.equal('data' in syntax.body, false);
    const modern = await gql('{ me { nope } }', { accept: 'application/graphql-response+json' });
    assert.equal(modern.status, 400);
    assert.match(modern.type, /application\/graphql-response\+json/);
    assert.equal(modern.body.errors[0].message, 'Cannot query field "nope" on type "User".');
    assert.deepEqual(modern.body.errors[0].locations, [{ line: 1, column: 8 }]);
    const badVar = await gql('query($n: Int) { projects(first: $n) { nodes { id } } }', { variables: { n: 'ten' }, token: alice.token });
    assert.match(badVar.body.errors[0].message, /Variable "\$n" got invalid value/);
    const range = await gql('{ projects(first: 500) { nodes { id } } }', { token: alice.token });
    assert.equal(range.body.errors[0].extensions.status, 400);
    assert.match(range.body.errors[0].message, /first is between 1 and 100/);

    // Depth (graphql.max_depth 6 here): nesting past it is refused before anything runs.
    const deep = await gql('{ projects { edges { node { generations { edges { node { log { message } } } } } } } }', { token: alice.token });
        assert.match(deep.body.errors[0].message, /nested \d+ fields deep, more than the 6 allowed/);
    // Cost (graphql.max_cost 5000 here): pages multiply what they hold.
    const costly = await gql('{ projects(first: 100) { nodes { generations(first: 100) { nodes { id status step } } } } }', { token: alice.token });
    assert.match(costly.body.errors[0].message, /costs \d+, more than the 5000 allowed/);
    assert.ok(costly.body.errors[0].extensions.cost > 5000);
    // A fragment bomb is stopped by the field count, not expanded.
    const bomb = ['fragment F0 on Catalog { locales }'];
    for (let i = 1; i < 20; i += 1) bomb.push(`fragment F${i} on Catalog { ...F${i - 1} a${i}: locales ...F${i - 1} }`);
    const exploded = await gql(`{ catalog { ...F19 } } ${bomb.join(' ')}`);
    assert.match(exploded.body.errors[0].message, /selects more than \d+ fields/);
    // Not a GraphQL request at all: 400 with a GraphQL error carrying the problem type.
    const notJson = await fetch(`${srv.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": 3}' });
    assert.equal(notJson.status, 400);
    const body = await notJson.json();
    assert.match(body.errors[0].message, /"query"/);
    assert.equal(body.errors[0].extensions.type, '/docs/problems#invalid-argument');
    // Subscriptions are not run over POST.
    const sub = await gql('subscription { notifications { event } }', { token: alice.token });
    assert.match(sub.body.errors[0].message, /WebSocket/);
    assert.equal((await gql('subscription { notifications { event } }', { token: alice.token, accept: 'application/graphql-response+json' })).status, 400);
    // JSON only: a form or text/plain POST (which a page of another site may send without asking) runs nothing.
    const plain = await fetch(`${srv.url}/graphql`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: '{ me { id } }' }) });
    assert.equal(plain.status, 415);
    assert.equal((await fetch(`${srv.url}/graphql?query=%7Bme%7Bid%7D%7D`)).status, 405);
    // Validation stops at 100 errors instead of listing millions.
    const many = await gql(`{ ${Array.from({ length: 300 }, (_, i) => `f${i}: nope${i}`).join(' ')} }`);
    assert.equal(many.body.errors.length, 100);
    assert.match(many.body.errors.at(-1).message, /error limit reached/);
});

test('subscriptions over graphql-transport-ws: a generation to its end, and notifications as they come', T, async () => {
    const project = (await data('mutation($input: ProjectInput!) { createProject(input: $input) { id } }', { token: alice.token, variables: { input: { model } } })).createProject;
    const gid = (await data('mutation($p: ID!) { startGeneration(projectId: $p) { id } }', { token: alice.token, variables: { p: project.id } })).startGeneration.id;
    // Subscribed after the start: the run is given from its beginning (the event log), then live, then it completes.
    const client = graphqlWs({ token: alice.token });
    const events = (await collect(client, 'subscription($id: ID!) { generationProgress(id: $id) { event generation status step done total message } }', { id: gid })).map((r) => r.data.generationProgress);
    assert.ok(events.every((e) => e.generation === gid));
    assert.equal(events[0].event, 'generation.progress');
    assert.equal(events[0].status, 'queued');
    assert.ok(events.some((e) => e.event === 'generation.log' && e.message), 'log lines come too');
    assert.ok(events.some((e) => e.step === 'rendering' && e.total > 0 && e.done <= e.total), 'files done of total');
    const last = events.at(-1);
    assert.equal(last.event, 'generation.finished', 'the subscription completes after the end');
    assert.equal(last.status, 'succeeded');
    assert.equal(events.filter((e) => e.event === 'generation.finished').length, 1);
    const unread = (await data('{ notifications(first: 5) { unreadCount nodes { kind read data } } }', { token: alice.token })).notifications;
    assert.ok(unread.unreadCount >= 1);
    assert.equal(unread.nodes[0].kind, 'generation.succeeded');

    // Bob follows his notifications. Messages of one socket are handled in order: once a later subscription on it
    // has answered (an error here), the first is in place.
    const bobs = graphqlWs({ token: bob.token });
    const bobNotes = collect(bobs, 'subscription { notifications { event unread notification { kind title read data } } }', undefined, 1);
    assert.ok((await collect(bobs, 'subscription { generationProgress(id: "00000000-0000-4000-8000-000000000000") { event } }'))[0].errors);
    await data(`mutation { shareProject(id: "${project.id}", email: "bob@example.org", role: "editor") { role } }`, { token: alice.token });
    const [created] = await bobNotes;
    assert.equal(created.data.notifications.event, 'notification.created');
    assert.equal(created.data.notifications.notification.kind, 'project.shared');
    assert.equal(created.data.notifications.notification.read, false);
    const unreadBob = created.data.notifications.unread;
    assert.ok(unreadBob >= 1);
    // Reading them all is told to the subscriber too.
    const readNotes = collect(bobs, 'subscription { notifications { event unread all } }', undefined, 1);
    assert.ok((await collect(bobs, 'subscription { generationProgress(id: "00000000-0000-4000-8000-000000000000") { event } }'))[0].errors);
    assert.equal((await data('mutation { markAllNotificationsRead }', { token: bob.token })).markAllNotificationsRead, unreadBob);
    const [read] = await readNotes;
    assert.deepEqual(read.data.notifications, { event: 'notification.read', unread: 0, all: true });
    await client.dispose();
    await bobs.dispose();
});

test('subscriptions are authorised, validated and follow the protocol\'s close codes', T, async () => {
    const project = (await data('mutation($input: ProjectInput!) { createProject(input: $input) { id } }', { token: alice.token, variables: { input: { model } } })).createProject;
    const gid = (await data('mutation($p: ID!) { startGeneration(projectId: $p) { id } }', { token: alice.token, variables: { p: project.id } })).startGeneration.id;
    // Bob may not follow Alice's generation: an error message for that subscription, the socket stays.
    // (as graphql-ws's own server: a result with the errors, then the end).
    const client = graphqlWs({ token: bob.token });
    const [refused] = await collect(client, 'subscription($id: ID!) { generationProgress(id: $id) { event } }', { id: gid });
    assert.equal(refused.data, null);
    assert.equal(refused.errors[0].extensions.type, '/docs/problems#not-found');
    assert.deepEqual(refused.errors[0].path, ['generationProgress']);
    await assert.rejects(collect(client, 'subscription { notifications { event } notifications2: notifications { event } }'), (errors) => {
        assert.match(errors[0].message, /must select only one top level field/);
        return true;
    });
    await assert.rejects(collect(client, '{ me { id } }'), (errors) => {
        assert.match(errors[0].message, /POST \/graphql/);
        return true;
    });
    await client.dispose();
    // A guest cannot follow notifications.
    const guest = graphqlWs(undefined);
    const [anonymous] = await collect(guest, 'subscription { notifications { event } }');
    assert.equal(anonymous.errors[0].extensions.type, '/docs/problems#unauthenticated');
    await guest.dispose();

    // The raw protocol: close codes.
    const proto = { path: '/graphql', protocols: ['graphql-transport-ws'] };
    const early = await openSocket(srv, proto);
    assert.equal(early.ws.protocol, 'graphql-transport-ws');
    early.send({ type: 'subscribe', id: '1', payload: { query: 'subscription { notifications { event } }' } });
    assert.equal((await early.closed).code, 4401);
    const twice = await openSocket(srv, proto);
    twice.send({ type: 'connection_init' });
    assert.equal((await twice.next()).type, 'connection_ack');
    twice.send({ type: 'connection_init' });
    assert.equal((await twice.closed).code, 4429);
    const badKey = await openSocket(srv, proto);
    badKey.send({ type: 'connection_init', payload: { token: 'not-a-token' } });
    assert.equal((await badKey.closed).code, 4403);
    const dup = await openSocket(srv, proto);
    dup.send({ type: 'connection_init', payload: { token: alice.token } });
    await dup.next((m) => m.type === 'connection_ack');
    dup.send({ type: 'ping' });
    assert.equal((await dup.next()).type, 'pong');
    dup.send({ type: 'subscribe', id: 'a', payload: { query: 'subscription { notifications { event } }' } });
    dup.send({ type: 'subscribe', id: 'a', payload: { query: 'subscription { notifications { event } }' } });
    assert.equal((await dup.closed).code, 4409);
    const junk = await openSocket(srv, proto);
    junk.send('not json');
    assert.equal((await junk.closed).code, 4400);
    const silent = await openSocket(srv, proto);
    assert.equal((await silent.closed).code, 4408, 'no connection_init within a heartbeat interval');
    // Without the subprotocol the upgrade is refused with a problem.
    const res = await request(`${srv.url}/graphql`, {
        headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
    });
    assert.equal(res.status, 400);
    assert.match(res.text, /graphql-transport-ws/);
});

test('GraphiQL is served by the binary under a strict CSP and runs a query in Chromium', T, async () => {
    const page = await fetch(`${srv.url}/graphql`, { headers: { accept: 'text/html' } });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy'), /script-src 'self';/);
    assert.doesNotMatch(page.headers.get('content-security-policy'), /unsafe-eval/);
    const html = await page.text();
    for (const asset of [...html.matchAll(/(?:src|href)="(\/graphql\/assets\/[^"]+)"/g)].map((m) => m[1])) {
        assert.equal((await fetch(`${srv.url}${asset}`)).status, 200, asset);
    }
    assert.equal((await fetch(`${srv.url}/graphql/assets/..%2F..%2Fetc%2Fpasswd`)).status, 404);
    await withBrowser(srv.port, {}, async (p) => {
        await p.goto(`${srv.url}/graphql`);
        await p.waitForSelector('.graphiql-container');
        // GraphiQL fetched the schema by introspection: the docs explorer lists the roots.
        await p.getByRole('button', { name: /Show Documentation Explorer/i }).click();
        await p.getByText('Query', { exact: false }).first().waitFor();
        await p.locator('.graphiql-query-editor .CodeMirror').click();
        await p.evaluate(() => document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue('{ catalog { locales } }'));
        await p.getByRole('button', { name: /Execute query/i }).click();
        await p.waitForFunction(() => document.querySelector('.result-window')?.textContent.includes('"locales"'));
    });
});

// The optional language-model analysis engine against a local server that speaks the OpenAI chat-completions
// protocol: its model is used when valid (entities the lexicons do not know); an invalid answer, an error status or
// an unreachable server make the rule-based engine answer, and the analysis says so; the API key is sent as a
// bearer token and never logged.

import assert from 'node:assert/strict';
import http from 'node:http';
import { after, test } from 'node:test';

import { api } from './lib/accounts.mjs';
import { startServer } from './lib/server.mjs';

const T = { timeout: 60_000 };
const kKey = `sk-test-${'k'.repeat(24)}`;

const library = {
    model: {
        name: 'community-library',
        title: 'Community Library',
        domain: 'custom',
        locales: ['fr', 'en'],
        roles: ['librarian', 'member'],
        features: ['auth'],
        entities: [
            { name: 'Book', fields: [{ name: 'title', type: 'string', required: true }, { name: 'isbn', type: 'string', unique: true }] },
            { name: 'Member', fields: [{ name: 'full_name', type: 'string', required: true }, { name: 'email', type: 'email' }] },
            { name: 'Loan', fields: [{ name: 'book', type: 'ref', ref: 'Book', required: true }, { name: 'member', type: 'ref', ref: 'Member' },
                { name: 'due_on', type: 'date' }] },
        ],
        stacks: { frontend: 'react', backend: 'express', devops: ['docker'] },
    },
    assumptions: [{ field: 'stacks', message: 'no stack named: chose react + express' }],
};

const seen = [];
let mode = 'good';
const llm = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
        seen.push({ path: req.url, auth: req.headers.authorization, body: JSON.parse(body || '{}') });
        if (req.url !== '/v1/chat/completions') {
            res.writeHead(404).end();
            return;
        }
        if (mode === 'error') {
            res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"message":"overloaded"}}');
            return;
        }
        const content = mode === 'invalid'
            ? JSON.stringify({ model: { ...library.model, entities: [{ name: 'Book', fields: [{ name: 'x', type: 'blob' }] }] } })
            : '```json\n' + JSON.stringify(library) + '\n```';
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
            id: 'chatcmpl-1', object: 'chat.completion', model: 'test-model',
            choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
        }));
    });
});
await new Promise((resolve) => llm.listen(0, '127.0.0.1', resolve));
after(() => new Promise((resolve) => llm.close(resolve)));
const llmUrl = `http://127.0.0.1:${llm.address().port}/v1`;

const srv = await startServer({ config: { analyze: { llm_url: llmUrl, llm_model: 'test-model', llm_api_key: kKey } } });
const text = 'Une bibliothèque de quartier : des livres, des adhérents et des prêts avec une date de retour.';

test('a valid answer of the model is used, validated like any specification', T, async () => {
    mode = 'good';
    const r = await api(srv, '/api/v1/analyze', { method: 'POST', body: { text } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.engine, 'llm:test-model');
    assert.deepEqual(r.json.model.entities.map((e) => e.name), ['Book', 'Member', 'Loan']);
    assert.equal(r.json.language, 'fr');
    assert.ok(r.json.assumptions.some((a) => a.field === 'stacks'));
    const call = seen.at(-1);
    assert.equal(call.auth, `Bearer ${kKey}`);
    assert.equal(call.body.model, 'test-model');
    assert.equal(call.body.messages[1].content, text);
    assert.match(call.body.messages[0].content, /Field types: string, text, int/);
    // The same engine serves generation from free text.
    const g = await fetch(`${srv.url}/api/v1/generate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
    });
    assert.equal(g.status, 200, await g.text());
});

test('an invalid model, an error status or no server: the rule-based engine answers and says why', T, async () => {
    for (const [m, why] of [['invalid', /proposed an invalid model/], ['error', /503/]]) {
        mode = m;
        const r = await api(srv, '/api/v1/analyze', { method: 'POST', body: { text } });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.engine, 'rules');
        assert.equal(r.json.assumptions[0].field, 'engine');
        assert.match(r.json.assumptions[0].message, why);
        assert.match(r.json.assumptions[0].message, /the rule-based engine answered/);
    }
    const down = await startServer({ config: { analyze: { llm_url: 'http://127.0.0.1:9/v1', llm_api_key: kKey } } });
    const r = await api(down, '/api/v1/analyze', { method: 'POST', body: { text } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.engine, 'rules');
    assert.match(r.json.assumptions[0].message, /language model at 127\.0\.0\.1/);
    assert.ok(!down.logs().includes(kKey));
});

test('the API key is never logged', T, async () => {
    assert.ok(!srv.logs().includes(kKey) && !srv.stdout().includes(kKey));
    assert.ok(srv.records().some((r) => r.msg === 'language-model analysis failed; the rule-based engine answered'));
});

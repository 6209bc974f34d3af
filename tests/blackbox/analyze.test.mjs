// POST /api/v1/analyze and `dihya analyze`: free text (fr/en/ar), the prototype form, structured specs.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

import { assertProblem } from './lib/http.mjs';
import { runDihya, startServer } from './lib/server.mjs';

const T = { timeout: 30_000 };
const srv = await startServer();
const dir = mkdtempSync(path.join(tmpdir(), 'dihya-analyze-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function analyze(body) {
    const res = await fetch(`${srv.url}/api/v1/analyze`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
    });
    return { res, json: await res.json() };
}

const names = (model) => model.entities.map((e) => e.name);

test('French free text: domain, entities, locales, assumptions', T, async () => {
    const { res, json } = await analyze({
        text: 'Plateforme de réservation pour un restaurant : les clients réservent une table, '
            + 'consultent le menu et passent des commandes. Site en français et en anglais.',
    });
    assert.equal(res.status, 200);
    assert.equal(json.language, 'fr');
    assert.equal(json.domain, 'restaurant');
    assert.equal(json.model.domain, 'restaurant');
    assert.ok(json.model.entities.length >= 2, JSON.stringify(names(json.model)));
    assert.deepEqual(json.model.locales.slice(0, 2), ['fr', 'en']);
    assert.ok(json.assumptions.some((a) => a.field.startsWith('stacks')), 'no stack named: the choice is an assumption');
    assert.equal(json.engine, 'rules');
});

test('Arabic free text is understood and marks right-to-left', T, async () => {
    const { res, json } = await analyze({
        text: 'أريد تطبيقا لمدرسة لإدارة الطلاب والمعلمين والدروس مع تسجيل الدخول.',
    });
    assert.equal(res.status, 200);
    assert.equal(json.language, 'ar');
    assert.equal(json.domain, 'education');
    assert.equal(json.model.locales[0], 'ar');
    assert.equal(json.model.rtl, true);
    assert.ok(json.model.entities.length >= 2);
});

test('named technologies become the stacks', T, async () => {
    const { json } = await analyze({
        text: 'An online shop: customers browse products and place orders. Frontend in Vue, backend with FastAPI, deployed with Docker.',
    });
    assert.equal(json.language, 'en');
    assert.equal(json.model.stacks.frontend, 'vue');
    assert.equal(json.model.stacks.backend, 'fastapi');
    assert.ok(json.model.stacks.devops.includes('docker'));
});

test('the prototype form {spec, type, stack} is accepted', T, async () => {
    const { res, json } = await analyze({ spec: 'Gestion des patients et des rendez-vous', type: 'webapp', stack: 'react+flask' });
    assert.equal(res.status, 200);
    assert.equal(json.model.stacks.frontend, 'react');
    assert.equal(json.model.stacks.backend, 'flask');
});

test('the analysis is deterministic', T, async () => {
    const text = 'Application RH : employés, congés et fiches de paie, avec notifications par email.';
    const a = await analyze({ text });
    const b = await analyze({ text });
    assert.deepEqual(a.json, b.json);
});

test('bad requests are problems with field details', T, async () => {
    let r = await analyze({});
    assertProblem(r.res, 400, JSON.stringify(r.json));
    assert.ok(r.json.errors.some((e) => e.field === 'text'));
    r = await analyze({ text: '   ' });
    assert.equal(r.res.status, 400);
    r = await analyze({ text: 42 });
    assert.equal(r.res.status, 400);
    assert.ok(r.json.errors.some((e) => e.field === 'text'));
    r = await analyze({ text: 'x'.repeat(100_001) });
    assert.equal(r.res.status, 400);
    r = await analyze({ txt: 'typo' });
    assert.ok(r.json.errors.some((e) => e.field === 'txt'));
});

test('dihya analyze prints the model of a free-text file', T, async () => {
    const spec = path.join(dir, 'spec.txt');
    writeFileSync(spec, 'A booking app for a clinic: patients, doctors and appointments.\n');
    const r = await runDihya(['analyze', spec]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.domain, 'health');
    assert.ok(out.model.entities.some((e) => e.name === 'Appointment'));
});

test('dihya analyze on a structured spec normalises it, and errors name file:line:field', T, async () => {
    const good = path.join(dir, 'good.yaml');
    writeFileSync(good, [
        'title: Clinic Booking',
        'entities:',
        '  - name: Patient',
        '    fields:',
        '      - {name: full_name, type: string, required: true}',
        '      - {name: birth_date, type: date}',
        '',
    ].join('\n'));
    let r = await runDihya(['analyze', good]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.model.name, 'clinic-booking');
    assert.equal(out.model.entities[0].table, 'patients');
    assert.equal(out.model.entities[0].fields[1].names.camel, 'birthDate');

    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, ['title: X', 'entities:', '  - name: Patient', '    fields:', '      - {name: age, type: integr}', ''].join('\n'));
    r = await runDihya(['analyze', bad]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bad\.yaml:5: entities\[0\]\.fields\[0\]\.type/);
});

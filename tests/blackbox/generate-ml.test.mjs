// `dihya generate` with the python-ml pack (stacks.ai = python-ml): the generated service trains its scikit-learn
// model with `python train.py` (Debian's scikit-learn 1.2, unpacked by scripts/bootstrap: see lib/python.mjs), the
// same seed giving the same model, its own pytest suite passes, and the service answers /healthz, /model and
// /predict under gunicorn. One spec classifies an enum field; one has no enum or bool and regresses a number; one
// has only text, dates and references and falls back to telling records' entities apart.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { freePort, hasSklearn, sklearnEnv, sklearnRoot, startService, stopAllServices, stopService } from './lib/python.mjs';
import { runDihya } from './lib/server.mjs';
import { mlSuite, mlTrain } from './lib/toolchains.mjs';

const T = { timeout: 600_000 };
const dir = mkdtempSync(path.join(tmpdir(), 'dihya-ml-'));
after(async () => {
    await stopAllServices();
    rmSync(dir, { recursive: true, force: true });
});

const specs = {
    // Classification: Appointment.status (the first enum field), from starts_at (a date-time).
    'clinic.yaml': {
        text: [
            'title: Clinic Booking',
            'features: [auth]',
            'roles: [admin, doctor]',
            'entities:',
            '  - name: Patient',
            '    fields:',
            '      - {name: full_name, type: string, required: true}',
            '      - {name: birth_date, type: date}',
            '      - {name: weight, type: float}',
            '      - {name: insured, type: bool}',
            '  - name: Appointment',
            '    fields:',
            '      - {name: starts_at, type: datetime, required: true}',
            '      - {name: duration, type: int}',
            '      - {name: reason, type: text}',
            '      - {name: status, type: enum, values: [booked, done, cancelled]}',
            '      - {name: patient, type: ref, ref: Patient, required: true}',
            '',
        ].join('\n'),
        task: { kind: 'classification', entity: 'Appointment', target: 'status', classes: ['booked', 'done', 'cancelled'] },
        example: { starts_at: '2024-03-01T09:30:00Z', duration: 30, reason: 'check-up', patient: 1, id: 4 },
        invalid: { body: { starts_at: 'tomorrow', duration: 1.5 }, fields: ['starts_at', 'duration'] },
    },
    // Regression: Harvest.yield_kg (no enum or bool anywhere).
    'farm.yaml': {
        text: [
            'title: Farm Yields',
            'entities:',
            '  - name: Field Plot',
            '    fields:',
            '      - {name: label, type: string, required: true, unique: true}',
            '  - name: Harvest',
            '    fields:',
            '      - {name: yield_kg, type: float, required: true}',
            '      - {name: harvested_on, type: date, required: true}',
            '      - {name: rain_mm, type: int}',
            '      - {name: plot, type: ref, ref: Field Plot}',
            '',
        ].join('\n'),
        task: { kind: 'regression', entity: 'Harvest', target: 'yield_kg', classes: null },
        example: { harvested_on: '2024-07-15', rain_mm: 30 },
        invalid: { body: { rain_mm: 3 }, fields: ['harvested_on'] },
    },
    // Fallback: text, dates and references only → which entity a record belongs to.
    'guestbook.yaml': {
        text: [
            'title: Guest Book',
            'entities:',
            '  - name: Author',
            '    fields:',
            '      - {name: full_name, type: string, required: true}',
            '      - {name: email, type: email}',
            '  - name: Message',
            '    fields:',
            '      - {name: body, type: text, required: true}',
            '      - {name: posted_on, type: date}',
            '      - {name: author, type: ref, ref: Author}',
            '',
        ].join('\n'),
        task: { kind: 'record_type', entity: '*', target: 'entity', classes: ['Author', 'Message'] },
        example: { body: 'A lovely stay, thank you all', posted_on: '2024-05-02', author: 3 },
        invalid: { body: { email: 'not-an-email', colour: 'red' }, fields: ['colour', 'email'] },
    },
};

const projects = {};
before(async () => {
    assert.ok(hasSklearn(), `scikit-learn is not unpacked in ${sklearnRoot}: run scripts/bootstrap`);
    for (const [name, { text }] of Object.entries(specs)) {
        const file = path.join(dir, name);
        writeFileSync(file, text);
        const out = path.join(dir, `${name}.out`);
        const gen = await runDihya(['generate', file, '--out', out, '--set', 'stacks.ai=python-ml', '--set',
            'stacks.frontend=none', '--set', 'stacks.backend=none', '--set', 'stacks.devops='], { timeoutMs: 60_000 });
        assert.equal(gen.code, 0, `python-ml / ${name}: dihya generate failed:\n${gen.stderr}`);
        projects[name] = { name, out, ai: path.join(out, 'ai'), answers: JSON.parse(readFileSync(path.join(out, '.dihya/answers.json'), 'utf8')) };
    }
});

const env = (extra) => sklearnEnv(extra);

function trainModel(project, args = []) {
    return mlTrain(`python-ml / ${project.name}`, project.ai, args);
}

async function call(base, method, route, { body, raw } = {}) {
    const headers = body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {};
    const r = await fetch(`${base}${route}`, { method, headers, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
    const text = await r.text();
    return { status: r.status, type: r.headers.get('content-type'), json: text ? JSON.parse(text) : null };
}

describe('python-ml pack', () => {
    for (const [name, spec] of Object.entries(specs)) {
        test(`${name}: ${spec.task.kind} — train.py, the generated pytest suite, and the service under gunicorn`, T, async () => {
            const project = projects[name];
            const what = `python-ml / ${name}`;
            assert.equal(project.answers.model.stacks.ai, 'python-ml');
            assert.ok(project.answers.packs.some((p) => p.name === 'python-ml'), what);
            for (const f of ['README.md', 'requirements.txt', '.gitignore', 'spec.py', 'task.py', 'dataset.py', 'train.py',
                'service.py', 'tests/test_train.py', 'tests/test_service.py']) {
                assert.ok(existsSync(path.join(project.ai, f)), `${what}: ${f} is generated`);
            }
            assert.match(readFileSync(path.join(project.ai, 'requirements.txt'), 'utf8'), /^scikit-learn>=1\.2$/m);
            assert.match(readFileSync(path.join(project.ai, '.gitignore'), 'utf8'), /^model\.joblib$/m);

            // Training: the summary names the task, the model file appears, and the same seed gives the same metrics.
            const first = await trainModel(project);
            const label = spec.task.kind === 'record_type' ? 'the entity of a record' : `${spec.task.entity.replace(/ /g, '')}.${spec.task.target}`;
            assert.match(first.stdout, new RegExp(`^trained ${spec.task.kind} of ${label} on synthetic rows \\(seed 42\\)`), `${what}: ${first.output}`);
            assert.ok(existsSync(path.join(project.ai, 'model.joblib')), `${what}: model.joblib`);
            const again = await trainModel(project);
            assert.equal(again.stdout, first.stdout, `${what}: the same seed gives the same model`);

            await mlSuite(what, project.ai, { min: 20 });

            // The service, as its README deploys it.
            const port = await freePort();
            const service = await startService(`${what} (gunicorn)`, '/usr/bin/gunicorn',
                ['--bind', `127.0.0.1:${port}`, '--workers', '2', 'service:create_app()'],
                { cwd: project.ai, env: env(), port });
            const { base } = service;
            assert.deepEqual(await call(base, 'GET', '/healthz'), { status: 200, type: 'application/json', json: { status: 'ok' } });
            const card = await call(base, 'GET', '/model');
            assert.equal(card.status, 200);
            assert.deepEqual({ kind: card.json.kind, entity: card.json.entity, target: card.json.target, classes: card.json.classes },
                { ...spec.task, entity: spec.task.entity.replace(/ /g, '') }, `${what}: /model`);
            assert.equal(card.json.seed, 42);
            assert.match(card.json.versions['scikit-learn'], /^1\.2\./);
            if (spec.task.kind === 'regression') assert.ok(card.json.metrics.r2 > 0.5, JSON.stringify(card.json.metrics));
            else assert.ok(card.json.metrics.accuracy > card.json.metrics.baseline_accuracy, JSON.stringify(card.json.metrics));

            const predicted = await call(base, 'POST', '/predict', { body: spec.example });
            assert.equal(predicted.status, 200, `${what}: /predict ${JSON.stringify(predicted.json)}`);
            assert.equal(predicted.json.target, spec.task.target);
            if (spec.task.kind === 'regression') {
                assert.equal(typeof predicted.json.prediction, 'number');
                assert.equal(predicted.json.probabilities, null);
            } else {
                assert.deepEqual(Object.keys(predicted.json.probabilities), spec.task.classes);
                const total = Object.values(predicted.json.probabilities).reduce((a, b) => a + b, 0);
                assert.ok(Math.abs(total - 1) < 1e-4, `probabilities sum to 1: ${total}`);
                assert.ok(spec.task.classes.includes(predicted.json.prediction));
            }
            // Every worker loaded the same model: the same record gets the same answer.
            for (let i = 0; i < 4; i++) assert.deepEqual((await call(base, 'POST', '/predict', { body: spec.example })).json, predicted.json);

            const invalid = await call(base, 'POST', '/predict', { body: spec.invalid.body });
            assert.equal(invalid.status, 400);
            assert.equal(invalid.type, 'application/problem+json');
            assert.deepEqual(invalid.json.errors.map((e) => e.field), spec.invalid.fields, JSON.stringify(invalid.json));
            const broken = await call(base, 'POST', '/predict', { raw: '{"oops": ' });
            assert.deepEqual([broken.status, broken.json.detail], [400, 'Malformed JSON in request body']);
            const nowhere = await call(base, 'GET', '/api/nowhere');
            assert.deepEqual([nowhere.status, nowhere.type], [404, 'application/problem+json']);
            await stopService(service.proc);
        });
    }

    test('the service refuses to start before the model is trained, and says how to train it', T, async () => {
        const project = projects['farm.yaml'];
        rmSync(path.join(project.ai, 'model.joblib'), { force: true });
        const port = await freePort();
        const error = await startService('python-ml / farm.yaml (no model)', '/usr/bin/gunicorn',
            ['--bind', `127.0.0.1:${port}`, 'service:create_app()'], { cwd: project.ai, env: env(), port, timeoutMs: 30_000 })
            .then(() => null, (e) => e);
        assert.ok(error, 'the service started without a model');
        assert.match(error.message, /run `python train\.py` first/);
    });
});

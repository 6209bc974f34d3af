// `dihya generate` with the django pack: for several specifications (every field type, unique values of each type,
// forward and self references, files, with and without auth, with every catalog feature, French free text), the
// generated Django project's models agree with its migration (`manage.py makemigrations --check --dry-run`), the
// migration applies, and its own `manage.py test` suite passes on Debian's Django 3.2. The app then runs under gunicorn
// (as its README deploys it) and under `manage.py runserver`: the same requests as the flask and fastapi packs' apps get
// the same statuses and bodies, and rows are still there after a restart. With DIHYA_TEST_PG_URL_FILE (ctest's
// PostgreSQL harness) the servers and the suites run on PostgreSQL through DATABASE_URL, else on SQLite files.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { backend as dbBackend, freshDatabase } from './lib/pg.mjs';
import { freePort, python, startService, stopAllServices, stopService } from './lib/python.mjs';
import { runDihya } from './lib/server.mjs';
import { djangoSuite, manage as runManage } from './lib/toolchains.mjs';

const T = { timeout: 600_000 };
const dir = mkdtempSync(path.join(tmpdir(), 'dihya-django-'));
after(async () => {
    await stopAllServices();
    rmSync(dir, { recursive: true, force: true });
});

const clinicSpec = [
    'title: Clinic Booking',
    'features: [auth]',
    'roles: [admin, doctor, patient]',
    'entities:',
    '  - name: Patient',
    '    fields:',
    '      - {name: full_name, type: string, required: true}',
    '      - {name: email, type: email, unique: true}',
    '      - {name: birth_date, type: date}',
    '      - {name: notes, type: text}',
    '      - {name: weight, type: float}',
    '      - {name: visits, type: int}',
    '      - {name: insured, type: bool}',
    '      - {name: website, type: url}',
    '  - name: Appointment',
    '    fields:',
    '      - {name: starts_at, type: datetime, required: true}',
    '      - {name: status, type: enum, values: [booked, done, cancelled]}',
    '      - {name: patient, type: ref, ref: Patient, required: true}',
    '',
].join('\n');

// Every field type, required and unique variants, a reference to an entity declared later, a self reference and a
// unique reference (one-to-one), files; every feature but auth.
const everySpec = [
    'title: Every Type',
    'features: [search, admin, notifications, realtime, payments, analytics, uploads]',
    'entities:',
    '  - name: Review',
    '    fields:',
    '      - {name: item, type: ref, ref: Stock Item, required: true}',
    '      - {name: parent, type: ref, ref: Review}',
    '      - {name: stars, type: int, required: true}',
    '      - {name: summary, type: string}',
    '      - {name: scan, type: file}',
    '  - name: Stock Item',
    '    fields:',
    '      - {name: code, type: string, required: true, unique: true}',
    '      - {name: body, type: text, unique: true}',
    '      - {name: qty, type: int, unique: true}',
    '      - {name: price, type: float, required: true, unique: true}',
    '      - {name: on_sale, type: bool, required: true}',
    '      - {name: featured, type: bool, unique: true}',
    '      - {name: day, type: date, required: true, unique: true}',
    '      - {name: seen_at, type: datetime, unique: true}',
    '      - {name: contact, type: email, required: true, unique: true}',
    '      - {name: link, type: url, unique: true}',
    '      - {name: size, type: enum, values: [small, medium, large, extra_large], unique: true}',
    '      - {name: colour, type: enum, values: [red, green], required: true}',
    '      - {name: owner, type: ref, ref: Owner, unique: true}',
    '  - name: Owner',
    '    fields:',
    '      - {name: picture, type: file}',
    '      - {name: name, type: string}',
    '',
].join('\n');

// One role: every signed-in user is the administrator; every feature.
const soloSpec = [
    'title: Time Tracker',
    'features: [auth, search, admin, notifications, realtime, payments, analytics, uploads]',
    'roles: [owner]',
    'entities:',
    '  - name: Time Entry',
    '    fields:',
    '      - {name: started_at, type: datetime, required: true}',
    '      - {name: minutes, type: int, required: true}',
    '      - {name: receipt, type: file}',
    '      - {name: project, type: ref, ref: Client Project}',
    '  - name: Client Project',
    '    fields:',
    '      - {name: label, type: string, required: true, unique: true}',
    '',
].join('\n');

const frenchText = 'Une application pour une agence de location de voitures : les clients réservent des véhicules, '
    + 'chaque véhicule a une marque, un modèle, une immatriculation unique et une date de mise en service. '
    + 'Les réservations ont une date de début, une date de fin et un statut (en attente, confirmée, annulée). '
    + 'Connexion pour les agents et les administrateurs.\n';

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/// Generates `text` (a file called `name`) with the options; returns its folders and answers.
async function generate(name, text, options) {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    const out = path.join(dir, `${name}.out`);
    const gen = await runDihya(['generate', file, '--out', out, ...options], { timeoutMs: 60_000 });
    assert.equal(gen.code, 0, `${name}: dihya generate failed:\n${gen.stderr}`);
    return { name, out, backend: path.join(out, 'backend'), answers: readJson(path.join(out, '.dihya/answers.json')) };
}

/// The environment of a generated Django app with its own database: a fresh PostgreSQL database with the harness,
/// else a SQLite file of its own.
function databaseEnv(project, label) {
    const url = freshDatabase();
    return url ? { DATABASE_URL: url } : { SQLITE_PATH: path.join(dir, `${project.name}.${label}.sqlite3`) };
}

/// `manage.py ARGS` in the project's backend; failures name the stack, the spec and the output's tail.
function manage(project, args, env = {}, timeoutMs = 300_000) {
    return runManage(`django / ${project.name}`, project.backend, args, { env, timeoutMs });
}

/// The checks of its schema against its models, the migration, then the generated suite (lib/toolchains.mjs).
async function verifyProject(project) {
    const env = databaseEnv(project, 'suite');
    const { ran, migrate } = await djangoSuite(`django / ${project.name}`, project.backend, { env, min: 20 });
    assert.match(migrate, /Applying api\.0001_initial\.\.\. OK/, migrate);
    return ran;
}

const kEnv = { APP_ENV: 'production', JWT_SECRET: 's'.repeat(64), ADMIN_PASSWORD: 'correct horse', DOCTOR_PASSWORD: 'doctor pw' };

/// The generated Django app under gunicorn, as its README deploys it (after `migrate`).
async function gunicorn(project, env) {
    const port = await freePort();
    return startService(`django / ${project.name} (gunicorn)`, '/usr/bin/gunicorn',
        ['config.wsgi', '--bind', `127.0.0.1:${port}`, '--workers', '2'],
        { cwd: project.backend, env: { ...process.env, ...env }, port });
}

/// The generated Django app under `manage.py runserver` (development), without the autoreloader.
async function runserver(project, env) {
    const port = await freePort();
    return startService(`django / ${project.name} (runserver)`, python,
        ['manage.py', 'runserver', '--noreload', `127.0.0.1:${port}`],
        { cwd: project.backend, env: { ...process.env, ...env }, port });
}

async function call(base, method, route, { body, token, raw } = {}) {
    const headers = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined || raw !== undefined) headers['content-type'] = 'application/json';
    const send = () => fetch(`${base}${route}`, { method, headers, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
    let r;
    try {
        r = await send();
    } catch (err) {
        // A kept-alive connection the app server had just closed ("other side closed" before any byte of an
        // answer): the request never reached the app, so it is sent again once, on a new connection.
        if (err?.cause?.code !== 'UND_ERR_SOCKET') throw err;
        r = await send();
    }
    const text = await r.text();
    let json = null;
    try {
        json = text ? JSON.parse(text) : null;
    } catch {
        json = { unparsed: text.slice(0, 500) };
    }
    return { status: r.status, type: r.headers.get('content-type'), location: r.headers.get('location'), allow: r.headers.get('allow'), json };
}

async function login(base, email, password) {
    const r = await call(base, 'POST', '/api/auth/login', { body: { email, password } });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json.access_token;
}

const projects = {};
before(async () => {
    const noFrontend = ['--set', 'stacks.frontend=none', '--set', 'stacks.devops='];
    projects.clinic = await generate('clinic.yaml', clinicSpec, ['--set', 'stacks.backend=django', ...noFrontend]);
    projects.every = await generate('every.yaml', everySpec, ['--set', 'stacks.backend=django', ...noFrontend]);
    projects.solo = await generate('solo.yaml', soloSpec, ['--set', 'stacks.backend=django', ...noFrontend]);
    projects.french = await generate('location.txt', frenchText, ['--set', 'stacks.backend=django', ...noFrontend]);
});

describe(`django pack (${dbBackend})`, () => {
    test('a YAML spec (auth, roles, every scalar type, enum, ref) → models, a migration and a passing manage.py test', T, async () => {
        const { clinic } = projects;
        assert.equal(clinic.answers.model.stacks.backend, 'django');
        assert.ok(clinic.answers.packs.some((p) => p.name === 'django'));
        for (const f of ['README.md', 'requirements.txt', 'openapi.json', 'manage.py', 'config/settings.py', 'config/wsgi.py',
            'api/models.py', 'api/migrations/0001_initial.py', 'api/auth.py', 'api/tests/test_patients_api.py',
            'api/tests/test_appointments_api.py', 'api/tests/test_database.py']) {
            assert.ok(existsSync(path.join(clinic.backend, f)), `django / clinic.yaml: ${f} is generated`);
        }
        const models = readFileSync(path.join(clinic.backend, 'api/models.py'), 'utf8');
        assert.match(models, /^class Patient\(models\.Model\):$/m);
        assert.match(models, /^ {4}full_name = models\.CharField\(max_length=255\)$/m);
        assert.match(models, /^ {4}email = models\.EmailField\(max_length=254, null=True, blank=True, unique=True\)$/m);
        assert.match(models, /^ {4}birth_date = models\.DateField\(null=True, blank=True\)$/m);
        assert.match(models, /^ {4}notes = models\.TextField\(null=True, blank=True\)$/m);
        assert.match(models, /^ {4}weight = models\.FloatField\(/m);
        assert.match(models, /^ {4}visits = models\.BigIntegerField\(/m);
        assert.match(models, /^ {4}insured = models\.BooleanField\(/m);
        assert.match(models, /^ {4}website = models\.URLField\(max_length=2048/m);
        assert.match(models, /^ {4}starts_at = models\.DateTimeField\(\)$/m);
        assert.match(models, /choices=\[\("booked", "Booked"\), \("done", "Done"\), \("cancelled", "Cancelled"\)\]/);
        assert.match(models, /patient = models\.ForeignKey\(\s+"Patient",\s+on_delete=models\.PROTECT,[^)]*db_index=True/);
        const requirements = readFileSync(path.join(clinic.backend, 'requirements.txt'), 'utf8');
        assert.match(requirements, /^Django>=3\.2,<4\.0$/m);
        assert.match(requirements, /^gunicorn\b/m);
        const readme = readFileSync(path.join(clinic.backend, 'README.md'), 'utf8');
        for (const command of ['python manage.py runserver', 'python manage.py test', 'python manage.py makemigrations',
            'python manage.py migrate', 'gunicorn config.wsgi']) {
            assert.ok(readme.includes(command), `README names ${command}`);
        }
        await verifyProject(clinic);
    });

    test('every field type, unique values of each type, forward, self and unique references, files, every feature but auth → the suite passes', T, async () => {
        const { every } = projects;
        assert.ok(!existsSync(path.join(every.backend, 'api/auth.py')));
        const migration = readFileSync(path.join(every.backend, 'api/migrations/0001_initial.py'), 'utf8');
        // The referenced tables exist before their foreign keys are added, whatever the order of the entities.
        assert.ok(migration.indexOf("name='Owner'") < migration.indexOf("model_name='StockItem',\n            name='owner'"));
        assert.match(migration, /to='api\.Review'/);
        await verifyProject(every);
    });

    test('a single role (every user is the administrator), multi-word entity names and every feature → the suite passes', T, async () => {
        await verifyProject(projects.solo);
    });

    test('French free text with --set stacks.backend=django → the django pack, and its suite passes', T, async () => {
        const { french } = projects;
        assert.equal(french.answers.model.stacks.backend, 'django');
        assert.ok(french.answers.packs.some((p) => p.name === 'django'));
        assert.ok(!french.answers.packs.some((p) => ['express', 'flask', 'fastapi'].includes(p.name)));
        assert.ok(french.answers.model.features.includes('auth'));
        assert.ok(french.answers.model.entities.length >= 2);
        await verifyProject(french);
    });

    test('the app under gunicorn (production) and runserver: sign-in, CRUD, validation, roles; rows survive a restart', T, async () => {
        const { clinic } = projects;
        const env = { ...kEnv, ...databaseEnv(clinic, 'server') };
        await manage(clinic, ['migrate', '--noinput'], env);

        // Production without JWT_SECRET: the server refuses to start.
        const refused = await gunicorn(clinic, { ...env, JWT_SECRET: '' }).then(() => null, (error) => error);
        assert.ok(refused, 'gunicorn started without JWT_SECRET in production');
        assert.match(refused.message, /JWT_SECRET must be set/);

        let server = await gunicorn(clinic, env);
        let base = server.base;
        const health = await call(base, 'GET', '/healthz');
        assert.deepEqual([health.status, health.json], [200, { status: 'ok' }]);
        assert.deepEqual((await call(base, 'GET', '/api/patients')).json, { items: [], total: 0, limit: 50, offset: 0 });

        // Production: development passwords do not work, configured ones do.
        const dev = await call(base, 'POST', '/api/auth/login', { body: { email: 'patient@example.com', password: 'patient-password' } });
        assert.equal(dev.status, 401);
        const admin = await login(base, 'admin@example.com', 'correct horse');
        const doctor = await login(base, 'doctor@example.com', 'doctor pw');

        const anonymous = await call(base, 'POST', '/api/patients', { body: { full_name: 'Ada' } });
        assert.equal(anonymous.status, 401);
        assert.equal(anonymous.type, 'application/problem+json');

        const created = await call(base, 'POST', '/api/patients', {
            token: doctor, body: { full_name: 'Ada Lovelace', birth_date: '1815-12-10', weight: 60.5, insured: false },
        });
        assert.equal(created.status, 201, JSON.stringify(created.json));
        assert.equal(created.location, `/api/patients/${created.json.id}`);
        const booked = await call(base, 'POST', '/api/appointments', {
            token: admin, body: { starts_at: '2024-01-31T10:30:00+01:00', status: 'booked', patient: created.json.id },
        });
        assert.equal(booked.status, 201, JSON.stringify(booked.json));
        assert.equal(booked.json.starts_at, '2024-01-31T09:30:00Z'); // RFC 3339 in UTC

        const invalid = await call(base, 'POST', '/api/appointments', {
            token: admin, body: { starts_at: '2024-01-31T09:30:00', status: 'lost', patient: created.json.id },
        });
        assert.equal(invalid.status, 400);
        assert.equal(invalid.type, 'application/problem+json');
        assert.deepEqual(invalid.json.errors.map((e) => e.field), ['starts_at', 'status']);
        assert.equal((await call(base, 'DELETE', `/api/patients/${created.json.id}`, { token: doctor })).status, 403);
        assert.equal((await call(base, 'DELETE', `/api/patients/${created.json.id}`, { token: admin })).status, 409);
        const openapi = await call(base, 'GET', '/api/openapi.json');
        assert.deepEqual(openapi.json, readJson(path.join(clinic.backend, 'openapi.json')));

        const before = { patients: await call(base, 'GET', '/api/patients'), appointments: await call(base, 'GET', '/api/appointments') };
        await stopService(server.proc);

        // Restarted, now under runserver: the rows are still there, and writes go on from them.
        server = await runserver(clinic, env);
        base = server.base;
        for (const [route, list] of Object.entries(before)) {
            assert.deepEqual(await call(base, 'GET', `/api/${route}`), list, `${route} after the restart`);
        }
        const admin2 = await login(base, 'admin@example.com', 'correct horse');
        const second = await call(base, 'POST', '/api/patients', { token: admin2, body: { full_name: 'Grace Hopper' } });
        assert.equal(second.status, 201);
        assert.ok(second.json.id > created.json.id);
        assert.equal((await call(base, 'DELETE', `/api/appointments/${booked.json.id}`, { token: admin2 })).status, 204);
        assert.equal((await call(base, 'DELETE', `/api/patients/${created.json.id}`, { token: admin2 })).status, 204);
        assert.equal((await call(base, 'GET', '/api/patients')).json.total, 1);
        await stopService(server.proc);
    });

    test('the django, flask and fastapi packs serve the same API: same requests, same statuses and bodies', T, async () => {
        const opts = ['--set', 'stacks.frontend=none', '--set', 'stacks.devops='];
        const flask = await generate('clinic-flask.yaml', clinicSpec, ['--set', 'stacks.backend=flask', ...opts]);
        const fastapi = await generate('clinic-fastapi.yaml', clinicSpec, ['--set', 'stacks.backend=fastapi', ...opts]);
        const { clinic } = projects;
        const env = { ...kEnv, ...databaseEnv(clinic, 'replay') };
        await manage(clinic, ['migrate', '--noinput'], env);

        const ports = { flask: await freePort(), fastapi: await freePort() };
        const servers = {
            django: await gunicorn(clinic, env),
            flask: await startService('flask / clinic.yaml (gunicorn)', '/usr/bin/gunicorn',
                ['--bind', `127.0.0.1:${ports.flask}`, '--workers', '1', 'app:create_app()'],
                { cwd: flask.backend, env: { ...process.env, ...kEnv }, port: ports.flask }),
            fastapi: await startService('fastapi / clinic.yaml (uvicorn)', python,
                ['-m', 'uvicorn', '--factory', 'app:create_app', '--host', '127.0.0.1', '--port', String(ports.fastapi)],
                { cwd: fastapi.backend, env: { ...process.env, ...kEnv }, port: ports.fastapi }),
        };
        const tokens = {};
        for (const [name, { base }] of Object.entries(servers)) {
            tokens[name] = { admin: await login(base, 'admin@example.com', 'correct horse'), doctor: await login(base, 'doctor@example.com', 'doctor pw') };
        }
        const patient = { full_name: 'Ada', email: 'ada@example.com', birth_date: '1815-12-10', notes: 'n', weight: 60.5, visits: 3, insured: true, website: 'https://ada.example' };
        const requests = [
            ['GET', '/api/health'], ['GET', '/healthz'], ['GET', '/api/patients'],
            ['POST', '/api/patients', { body: patient }],
            ['POST', '/api/patients', { body: patient, as: 'doctor' }],
            ['POST', '/api/patients', { body: patient, as: 'admin' }],
            ['POST', '/api/patients', { body: { ...patient, email: 'b@example.com', visits: '3', birth_date: '2023-02-29', extra: 1 }, as: 'admin' }],
            ['POST', '/api/patients', { body: { ...patient, email: 'c@example.com', website: 'ftp://x.example', weight: 'heavy', insured: 'yes', notes: 5 }, as: 'admin' }],
            ['POST', '/api/patients', { body: { full_name: 'Bob', email: 'bob@example.com', id: 77 }, as: 'admin' }],
            ['POST', '/api/patients', { body: {}, as: 'admin' }],
            ['POST', '/api/patients', { body: { full_name: '' }, as: 'admin' }],
            ['POST', '/api/patients', { raw: '{"broken": ', as: 'admin' }],
            ['POST', '/api/patients', { raw: '[1]', as: 'admin' }],
            ['GET', '/api/patients/1'], ['GET', '/api/patients/2'], ['GET', '/api/patients/0'], ['GET', '/api/patients/abc'],
            ['GET', '/api/patients?limit=0'], ['GET', '/api/patients?offset=-1'], ['GET', '/api/patients?limit=1&offset=1'],
            ['GET', '/api/patients?limit=9999'], ['GET', '/api/patients?offset=100'],
            ['PATCH', '/api/patients/1', { body: { visits: 4 }, as: 'doctor' }],
            ['PATCH', '/api/patients/1', { body: { visits: 4.5 }, as: 'doctor' }],
            ['PUT', '/api/patients/1', { body: { full_name: 'Ada L' }, as: 'admin' }],
            ['PUT', '/api/patients/99', { body: { full_name: 'Nobody' }, as: 'admin' }],
            ['PATCH', '/api/patients/2', { body: { email: 'ada@example.com' }, as: 'admin' }], // free since the PUT
            ['PATCH', '/api/patients/1', { body: { email: 'ada@example.com' }, as: 'admin' }],
            ['PATCH', '/api/patients/2', { body: { email: 'bob@example.com' }, as: 'admin' }],
            ['POST', '/api/appointments', { body: { starts_at: '2024-01-31T09:30:00Z', status: 'booked', patient: 1 }, as: 'admin' }],
            ['POST', '/api/appointments', { body: { starts_at: '2024-01-31T09:30:00Z', patient: 99 }, as: 'admin' }],
            ['POST', '/api/appointments', { body: { starts_at: '2024-01-31T09:30:00Z', patient: 'one' }, as: 'admin' }],
            ['GET', '/api/appointments'], ['GET', '/api/appointments/1'],
            ['DELETE', '/api/patients/1'],
            ['DELETE', '/api/patients/1', { as: 'doctor' }],
            ['DELETE', '/api/patients/1', { as: 'admin' }],
            ['DELETE', '/api/appointments/1', { as: 'admin' }],
            ['DELETE', '/api/patients/1', { as: 'admin' }],
            ['DELETE', '/api/patients/1', { as: 'admin' }],
            ['GET', '/api/patients'],
            ['GET', '/api/auth/me', { as: 'doctor' }], ['GET', '/api/auth/me'],
            ['GET', '/api/auth/me', { token: 'not-a-token' }],
            ['POST', '/api/auth/login', { body: { email: 'admin@example.com', password: 'wrong' } }],
            ['POST', '/api/auth/login', { body: { email: 'nobody@example.com', password: 'wrong' } }],
            ['POST', '/api/auth/login', { body: {} }],
            ['GET', '/api/no-such-route'], ['GET', '/api/patients/1/extra'],
        ];
        const names = Object.keys(servers);
        const statuses = [];
        for (const [method, route, { as, token, ...options } = {}] of requests) {
            const answers = await Promise.all(names.map((name) =>
                call(servers[name].base, method, route, { ...options, token: token ?? (as && tokens[name][as]) })));
            const what = `${method} ${route}${as ? ` as ${as}` : ''}`;
            const [django, ...others] = answers;
            statuses.push(django.status);
            for (const [i, other] of others.entries()) {
                const vs = `${what}: django vs ${names[i + 1]}`;
                assert.equal(django.status, other.status, `${vs}\n${JSON.stringify(django.json)}\n${JSON.stringify(other.json)}`);
                assert.equal(django.location, other.location, vs);
                if (django.status === 204) continue;
                assert.equal(django.type, other.type, vs);
                assert.deepEqual(django.json, other.json, vs);
            }
        }
        // The requests do reach their cases (not, say, the same 404 everywhere).
        assert.deepEqual(statuses, [
            200, 200, 200, 401, 201, 409, 400, 400, 201, 400, 400, 400, 400, 200, 200, 404, 404, 400, 400, 200, 200, 200,
            200, 400, 200, 404, 200, 409, 200, 201, 400, 400, 200, 200, 401, 403, 409, 204, 204, 404, 200, 200, 401, 401, 401, 401,
            400, 404, 404,
        ]);
        await Promise.all(Object.values(servers).map((s) => stopService(s.proc)));
    });
});

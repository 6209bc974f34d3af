// What can be checked of a Flutter project without a Dart SDK (none installs here): every .dart file
// parses with the tree-sitter Dart grammar (web-tree-sitter 0.25.10 + tree-sitter-wasms 0.1.13; a
// syntax check only — no types, no analyzer), and every import and export names a file that exists
// or a package that pubspec.yaml declares.
//
//   import { dartSyntaxProblems, dartImportProblems } from './lib/dart.mjs';
//   const problems = [...await dartSyntaxProblems(dir), ...dartImportProblems(dir, pubspec)];

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

let parserPromise = null;

async function dartParser() {
    parserPromise ??= (async () => {
        const { Parser, Language } = await import('web-tree-sitter');
        await Parser.init();
        const language = await Language.load(require.resolve('tree-sitter-wasms/out/tree-sitter-dart.wasm'));
        const parser = new Parser();
        parser.setLanguage(language);
        return parser;
    })();
    return parserPromise;
}

/// The .dart files under `dir` (relative paths, sorted), skipping build output and tool folders.
export function dartFiles(dir) {
    const out = [];
    (function walk(rel) {
        for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
            const child = rel ? `${rel}/${entry.name}` : entry.name;
            if (entry.isDirectory()) {
                if (!['.dart_tool', 'build', 'node_modules'].includes(entry.name)) walk(child);
            } else if (entry.name.endsWith('.dart')) {
                out.push(child);
            }
        }
    })('');
    return out.sort();
}

/// "file:line:col message" for each ERROR or MISSING node of each .dart file under `dir`.
export async function dartSyntaxProblems(dir) {
    const parser = await dartParser();
    const problems = [];
    for (const file of dartFiles(dir)) {
        const tree = parser.parse(readFileSync(path.join(dir, file), 'utf8'));
        (function walk(node) {
            if (node.isError || node.isMissing) {
                const where = `${file}:${node.startPosition.row + 1}:${node.startPosition.column + 1}`;
                problems.push(node.isMissing ? `${where} missing ${node.type}`
                    : `${where} syntax error near ${JSON.stringify(node.text.slice(0, 40))}`);
                return;
            }
            if (node.hasError) for (const child of node.children) walk(child);
        })(tree.rootNode);
        tree.delete();
    }
    return problems;
}

/// The URIs of a Dart file's import, export and part directives.
export function dartUris(source) {
    const uris = [];
    const directive = /^\s*(?:import|export|part)\s+'([^']+)'/gm;
    for (let m; (m = directive.exec(source));) uris.push(m[1]);
    return uris;
}

/// "file: uri" for each import/export/part that resolves to nothing: `dart:` libraries are the SDK's,
/// `package:<own name>/x` must be lib/x, `package:<other>/...` must be a declared dependency, relative
/// URIs must name an existing file.
export function dartImportProblems(dir, pubspec) {
    const declared = new Set([
        ...Object.keys(pubspec.dependencies ?? {}),
        ...Object.keys(pubspec.dev_dependencies ?? {}),
    ]);
    const problems = [];
    for (const file of dartFiles(dir)) {
        for (const uri of dartUris(readFileSync(path.join(dir, file), 'utf8'))) {
            if (uri.startsWith('dart:')) continue;
            const pkg = /^package:([a-z0-9_]+)\/(.+)$/.exec(uri);
            if (pkg) {
                if (pkg[1] === pubspec.name) {
                    if (!existsSync(path.join(dir, 'lib', pkg[2]))) problems.push(`${file}: ${uri} (no lib/${pkg[2]})`);
                } else if (!declared.has(pkg[1])) {
                    problems.push(`${file}: ${uri} (package ${pkg[1]} is not in pubspec.yaml)`);
                } else if (file.startsWith('lib/') && !(pkg[1] in (pubspec.dependencies ?? {}))) {
                    problems.push(`${file}: ${uri} (package ${pkg[1]} is only a dev dependency)`);
                }
                continue;
            }
            if (!existsSync(path.join(dir, path.dirname(file), uri))) problems.push(`${file}: ${uri} (no such file)`);
        }
    }
    return problems;
}

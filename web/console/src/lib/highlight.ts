// Syntax highlighting of generated files: highlight.js's core with the languages generated projects are written
// in, bundled (no CDN). Its output is escaped HTML with `hljs-*` classes, styled by highlight.css.

import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import css from 'highlight.js/lib/languages/css';
import dart from 'highlight.js/lib/languages/dart';
import dockerfile from 'highlight.js/lib/languages/dockerfile';
import ini from 'highlight.js/lib/languages/ini';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import makefile from 'highlight.js/lib/languages/makefile';
import markdown from 'highlight.js/lib/languages/markdown';
import nginx from 'highlight.js/lib/languages/nginx';
import plaintext from 'highlight.js/lib/languages/plaintext';
import python from 'highlight.js/lib/languages/python';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';

const languages = { bash, css, dart, dockerfile, ini, javascript, json, makefile, markdown, nginx, plaintext, python, sql, typescript, xml, yaml };
for (const [name, lang] of Object.entries(languages)) hljs.registerLanguage(name, lang);

const kByExtension: Record<string, string> = {
    js: 'javascript', mjs: 'javascript', cjs: 'javascript', jsx: 'javascript',
    ts: 'typescript', tsx: 'typescript', mts: 'typescript',
    py: 'python', mako: 'python',
    json: 'json', map: 'json',
    yaml: 'yaml', yml: 'yaml',
    md: 'markdown',
    sh: 'bash', bash: 'bash',
    html: 'xml', xml: 'xml', svg: 'xml', vue: 'xml', svelte: 'xml',
    css: 'css', scss: 'css',
    ini: 'ini', toml: 'ini', cfg: 'ini', conf: 'nginx', env: 'ini',
    sql: 'sql',
    dart: 'dart',
    sol: 'javascript',
    tf: 'ini', hcl: 'ini',
    txt: 'plaintext',
};

const kByName: Record<string, string> = {
    dockerfile: 'dockerfile',
    makefile: 'makefile',
    '.gitignore': 'plaintext',
    '.dockerignore': 'plaintext',
    '.env.example': 'ini',
    'requirements.txt': 'plaintext',
};

/// The highlight.js language of a file, from its name.
export function languageOf(path: string): string {
    const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
    if (kByName[name]) return kByName[name];
    if (name.startsWith('dockerfile')) return 'dockerfile';
    const dot = name.lastIndexOf('.');
    return (dot > 0 || (dot === 0 && name.length > 1) ? kByExtension[name.slice(dot + 1)] : undefined) ?? 'plaintext';
}

/// Past this size a file is shown without highlighting (highlighting it would stall the page).
export const kMaxHighlightChars = 256 * 1024;

/// Highlighted HTML (escaped) of `code` in `language`.
export function highlight(code: string, language: string): string {
    const lang = hljs.getLanguage(language) ? language : 'plaintext';
    if (code.length > kMaxHighlightChars) return hljs.highlight(code, { language: 'plaintext', ignoreIllegals: true }).value;
    return hljs.highlight(code, { language: lang, ignoreIllegals: true }).value;
}

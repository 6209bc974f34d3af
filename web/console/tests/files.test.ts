import { describe, expect, it } from 'vitest';

import { buildTree, diffFiles, readmeOf, resolveRelative } from '../src/lib/files';
import type { GeneratedFile } from '../src/lib/types';

const f = (path: string, sha = 'a'): GeneratedFile => ({ path, size: 1, sha256: sha, executable: false, url: `/x/${path}` });

describe('buildTree', () => {
    it('nests folders, folders before files, each sorted', () => {
        const tree = buildTree([f('README.md'), f('backend/src/app.js'), f('backend/package.json'), f('.dihya/answers.json'), f('backend/src/db.js')]);
        expect(tree.files.map((x) => x.path)).toEqual(['README.md']);
        expect(tree.folders.map((x) => x.path)).toEqual(['.dihya', 'backend']);
        const backend = tree.folders[1];
        expect(backend.folders.map((x) => x.name)).toEqual(['src']);
        expect(backend.files.map((x) => x.path)).toEqual(['backend/package.json']);
        expect(backend.folders[0].files.map((x) => x.path)).toEqual(['backend/src/app.js', 'backend/src/db.js']);
    });
});

describe('diffFiles', () => {
    it('compares by path and SHA-256', () => {
        const before = [f('a', '1'), f('b', '2'), f('gone', '3')];
        const after = [f('a', '1'), f('b', '9'), f('new', '4')];
        const d = diffFiles(before, after);
        expect(d.added).toEqual(['new']);
        expect(d.changed).toEqual(['b']);
        expect(d.removed).toEqual(['gone']);
        expect(d.unchanged).toBe(1);
        expect(d.byPath.get('b')).toBe('changed');
        expect(d.byPath.get('a')).toBeUndefined();
    });
});

describe('readmeOf', () => {
    it('prefers the top-level README, else the shallowest', () => {
        expect(readmeOf([f('backend/README.md'), f('README.md')])?.path).toBe('README.md');
        expect(readmeOf([f('frontend/docs/readme.md'), f('backend/README.md')])?.path).toBe('backend/README.md');
        expect(readmeOf([f('a.txt')])).toBeNull();
    });
});

describe('resolveRelative', () => {
    it('resolves links between the project’s files and refuses the others', () => {
        expect(resolveRelative('README.md', 'backend/README.md')).toBe('backend/README.md');
        expect(resolveRelative('backend/README.md', '../frontend/README.md#run')).toBe('frontend/README.md');
        expect(resolveRelative('backend/README.md', './src/app.js')).toBe('backend/src/app.js');
        expect(resolveRelative('README.md', '../etc/passwd')).toBeNull();
        expect(resolveRelative('README.md', 'https://example.org')).toBeNull();
        expect(resolveRelative('README.md', '/api/v1/catalog')).toBeNull();
        expect(resolveRelative('README.md', '#section')).toBeNull();
        expect(resolveRelative('README.md', 'javascript:alert(1)')).toBeNull();
    });
});

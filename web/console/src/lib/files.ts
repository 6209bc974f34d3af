// The files of a generation (GET .../generations/{gid}/files: path, size, sha256): as a folder tree, and compared
// with another generation's by path and SHA-256.

import type { GeneratedFile } from './types';

export interface TreeFolder {
    name: string;
    path: string;
    folders: TreeFolder[];
    files: GeneratedFile[];
}

/// Folders first, then files, each sorted by name.
export function buildTree(files: GeneratedFile[]): TreeFolder {
    const root: TreeFolder = { name: '', path: '', folders: [], files: [] };
    for (const file of files) {
        const parts = file.path.split('/');
        let folder = root;
        for (let i = 0; i < parts.length - 1; i++) {
            const path = parts.slice(0, i + 1).join('/');
            let next = folder.folders.find((f) => f.path === path);
            if (!next) {
                next = { name: parts[i], path, folders: [], files: [] };
                folder.folders.push(next);
            }
            folder = next;
        }
        folder.files.push(file);
    }
    const sort = (f: TreeFolder) => {
        f.folders.sort((a, b) => a.name.localeCompare(b.name));
        f.files.sort((a, b) => a.path.localeCompare(b.path));
        f.folders.forEach(sort);
    };
    sort(root);
    return root;
}

export function baseName(path: string): string {
    return path.slice(path.lastIndexOf('/') + 1);
}

export type Change = 'added' | 'changed' | 'removed';

export interface FileDiff {
    added: string[];
    changed: string[];
    removed: string[];
    unchanged: number;
    /// path → its change (files of `after` and removed ones).
    byPath: Map<string, Change>;
}

/// What changed from the files of `before` to those of `after`.
export function diffFiles(before: GeneratedFile[], after: GeneratedFile[]): FileDiff {
    const old = new Map(before.map((f) => [f.path, f.sha256]));
    const out: FileDiff = { added: [], changed: [], removed: [], unchanged: 0, byPath: new Map() };
    for (const f of after) {
        const sha = old.get(f.path);
        if (sha === undefined) out.added.push(f.path);
        else if (sha !== f.sha256) out.changed.push(f.path);
        else out.unchanged++;
    }
    const now = new Set(after.map((f) => f.path));
    for (const f of before) if (!now.has(f.path)) out.removed.push(f.path);
    for (const p of out.added) out.byPath.set(p, 'added');
    for (const p of out.changed) out.byPath.set(p, 'changed');
    for (const p of out.removed) out.byPath.set(p, 'removed');
    out.added.sort();
    out.changed.sort();
    out.removed.sort();
    return out;
}

/// The README to show first: the top-level one, else the shallowest.
export function readmeOf(files: GeneratedFile[]): GeneratedFile | null {
    const readmes = files.filter((f) => /^readme\.md$/i.test(baseName(f.path)));
    readmes.sort((a, b) => a.path.split('/').length - b.path.split('/').length || a.path.localeCompare(b.path));
    return readmes[0] ?? null;
}

/// Resolves a link found in the file at `from` (`../backend/README.md`, `./docs/x.md#part`) to a path of the
/// tree, or null when it leaves the project or is not relative.
export function resolveRelative(from: string, href: string): string | null {
    if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('//') || href.startsWith('#') || href.startsWith('/')) return null;
    const clean = href.split('#')[0].split('?')[0];
    if (!clean) return null;
    const parts = from.split('/').slice(0, -1);
    for (const seg of clean.split('/')) {
        if (seg === '' || seg === '.') continue;
        if (seg === '..') {
            if (parts.length === 0) return null;
            parts.pop();
        } else {
            parts.push(seg);
        }
    }
    return parts.join('/') || null;
}

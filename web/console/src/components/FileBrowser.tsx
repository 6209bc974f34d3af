// The generated project's files: a folder tree (each file marked added or changed since the previous generation)
// and a preview — syntax-highlighted source, Markdown rendered (the README first), images, or a note for binary
// files. The selected file is in the address (`?file=`), so a preview can be linked to.

import { useMemo, useState, type MouseEvent } from 'react';

import { useApp } from '../state';
import { ApiError } from '../lib/api';
import { baseName, buildTree, readmeOf, type Change, type TreeFolder } from '../lib/files';
import { formatBytes } from '../lib/format';
import { highlight, languageOf } from '../lib/highlight';
import type { MessageKey } from '../lib/i18n';
import { renderMarkdown } from '../lib/markdown';
import type { GeneratedFile } from '../lib/types';
import { Badge, ErrorNote, Status } from './common';
import { useLoad } from './hooks';

type Preview = { kind: 'text'; text: string } | { kind: 'image'; dataUrl: string } | { kind: 'binary'; type: string };

function isText(type: string): boolean {
    return /^text\/|json|javascript|xml|yaml|toml|x-sh/.test(type);
}

function readDataUrl(blob: Blob): Promise<string> {
    return new Promise((resolve, reject) => {
        const r = new FileReader();
        r.onload = () => resolve(String(r.result));
        r.onerror = () => reject(r.error);
        r.readAsDataURL(blob);
    });
}

function Folder({ folder, depth, selected, onSelect, changes }: { folder: TreeFolder; depth: number; selected: string | null; onSelect: (p: string) => void; changes: Map<string, Change> | null }) {
    const { t } = useApp();
    return (
        <ul className={depth === 0 ? 'tree' : ''}>
            {folder.folders.map((f) => (
                <li key={f.path}>
                    <details open={depth < 1 || (selected !== null && selected.startsWith(`${f.path}/`))}>
                        <summary className="tree-folder">{f.name}/</summary>
                        <Folder folder={f} depth={depth + 1} selected={selected} onSelect={onSelect} changes={changes} />
                    </details>
                </li>
            ))}
            {folder.files.map((file) => {
                const change = changes?.get(file.path);
                return (
                    <li key={file.path}>
                        <button type="button" className="tree-file" aria-current={selected === file.path ? 'true' : undefined} onClick={() => onSelect(file.path)} data-path={file.path}>
                            {baseName(file.path)}
                        </button>
                        {change && (
                            <Badge kind={change === 'added' ? 'ok' : 'warn'}>
                                <span className={`change-${change}`}>{t(`diff.badge.${change}` as MessageKey)}</span>
                            </Badge>
                        )}
                    </li>
                );
            })}
        </ul>
    );
}

export function FileBrowser({ files, changes }: { projectId: string; generationId: string; files: GeneratedFile[]; changes: Map<string, Change> | null }) {
    const { api, t, lang, location, navigate } = useApp();
    const tree = useMemo(() => buildTree(files), [files]);
    const readme = useMemo(() => readmeOf(files), [files]);
    const requested = new URLSearchParams(location.search).get('file');
    const selectedFile = files.find((f) => f.path === requested) ?? readme ?? files[0] ?? null;
    const selected = selectedFile?.path ?? null;
    const [showSource, setShowSource] = useState(false);

    const select = (path: string) => {
        const params = new URLSearchParams(location.search);
        params.set('file', path);
        setShowSource(false);
        navigate(`${location.pathname}?${params.toString()}`, { replace: true });
        requestAnimationFrame(() => document.getElementById('preview-title')?.focus());
    };

    const preview = useLoad<Preview | null>(async () => {
        if (!selectedFile) return null;
        const { blob, contentType } = await api.blob(selectedFile.url, { auth: 'required' });
        if (contentType.startsWith('image/')) return { kind: 'image', dataUrl: await readDataUrl(blob) };
        if (isText(contentType)) return { kind: 'text', text: await blob.text() };
        return { kind: 'binary', type: contentType };
    }, selected ?? '');

    const markdown = selected !== null && /\.md$/i.test(selected);
    const html = useMemo(() => (preview.data?.kind === 'text' && markdown ? renderMarkdown(preview.data.text, selected ?? 'README.md') : ''), [preview.data, markdown, selected]);
    const code = useMemo(() => (preview.data?.kind === 'text' && (!markdown || showSource) ? highlight(preview.data.text, languageOf(selected ?? '')) : ''), [preview.data, markdown, showSource, selected]);

    const onMarkdownClick = (e: MouseEvent<HTMLDivElement>) => {
        const a = (e.target as HTMLElement).closest('a[data-file]');
        if (!a) return;
        e.preventDefault();
        const path = a.getAttribute('data-file');
        if (path && files.some((f) => f.path === path)) select(path);
    };

    return (
        <section className="card file-browser" aria-labelledby="files-title">
            <h2 id="files-title">{t('files.title', { count: files.length })}</h2>
            <div className="browser-grid">
                <nav className="tree-panel" aria-label={t('files.tree')}>
                    <Folder folder={tree} depth={0} selected={selected} onSelect={select} changes={changes} />
                </nav>
                <div className="preview-panel">
                    {selectedFile && (
                        <>
                            <div className="preview-head">
                                <h3 id="preview-title" tabIndex={-1}>
                                    <code>{selectedFile.path}</code>
                                </h3>
                                <span className="muted small">
                                    {formatBytes(selectedFile.size, lang)}
                                    {selectedFile.executable ? ` · ${t('files.executable')}` : ''}
                                </span>
                                {markdown && preview.data?.kind === 'text' && (
                                    <button type="button" className="small secondary" aria-pressed={showSource} onClick={() => setShowSource(!showSource)}>
                                        {showSource ? t('files.rendered') : t('files.source')}
                                    </button>
                                )}
                            </div>
                            {preview.loading && <Status>{t('common.loading')}</Status>}
                            {preview.error instanceof ApiError && preview.error.status === 413 ? <p className="note info">{t('files.tooLarge')}</p> : <ErrorNote error={preview.error} />}
                            {!preview.loading && preview.data?.kind === 'text' && markdown && !showSource && (
                                // Sanitised by DOMPurify (lib/markdown.ts); links to project files open here.
                                <div className="markdown" onClick={onMarkdownClick} dangerouslySetInnerHTML={{ __html: html }} />
                            )}
                            {!preview.loading && preview.data?.kind === 'text' && (!markdown || showSource) && (
                                <pre className="code" tabIndex={0} aria-label={t('files.codeOf', { path: selectedFile.path })}>
                                    <code className={`hljs language-${languageOf(selectedFile.path)}`} dangerouslySetInnerHTML={{ __html: code }} />
                                </pre>
                            )}
                            {!preview.loading && preview.data?.kind === 'image' && <img className="image-preview" src={preview.data.dataUrl} alt={selectedFile.path} />}
                            {!preview.loading && preview.data?.kind === 'binary' && <p className="note info">{t('files.binary', { type: preview.data.type })}</p>}
                        </>
                    )}
                </div>
            </div>
        </section>
    );
}

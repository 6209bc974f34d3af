// One generation: its progress while it runs (live from the server's event stream, polled when that is not open), its log, then the
// downloads, the files that changed since the previous generation, the file tree with previews and the README.

import { useEffect, useState } from 'react';

import { useApp } from '../state';
import { Badge, ErrorNote, Link, PageTitle, Status, saveBlob } from '../components/common';
import { FileBrowser } from '../components/FileBrowser';
import { useLive, useLoad, usePolling } from '../components/hooks';
import { query } from '../lib/api';
import { diffFiles, type FileDiff } from '../lib/files';
import { durationSeconds, formatBytes, formatDate, formatNumber } from '../lib/format';
import type { MessageKey } from '../lib/i18n';
import type { GeneratedFile, Generation, Page, Project } from '../lib/types';
import { statusKind } from './ProjectPage';

const kTerminal = ['succeeded', 'failed', 'cancelled'];

export function GenerationPage({ id, gid }: { id: string; gid: string }) {
    const { api, t, lang } = useApp();
    const project = useLoad(() => api.json<Project>(`/api/v1/projects/${id}`, { auth: 'required' }), id);
    const gen = useLoad(() => api.json<Generation>(`/api/v1/projects/${id}/generations/${gid}`, { auth: 'required' }), gid);
    const g = gen.data;
    const running = !!g && !kTerminal.includes(g.status);
    const refresh = async () => {
        const next = await api.json<Generation>(`/api/v1/projects/${id}/generations/${gid}`, { auth: 'required' });
        gen.setData(next);
        return !kTerminal.includes(next.status);
    };
    // Progress comes live from the server; the page polls only while the live stream is not open.
    const live = useLive(api, [`generation:${gid}`], ['generation.progress', 'generation.finished'], () => void refresh().catch(() => {}), running);
    usePolling(refresh, live ? 10_000 : 500, running);
    useEffect(() => {
        if (live) void refresh().catch(() => {}); // what happened before the stream opened
    }, [live]);
    const succeeded = g?.status === 'succeeded';
    const files = useLoad(
        () => (succeeded ? api.json<{ items: GeneratedFile[]; count: number; total_size: number }>(`/api/v1/projects/${id}/generations/${gid}/files`, { auth: 'required' }) : Promise.resolve(null)),
        `${gid}:${succeeded}`,
    );
    // The generation before this one that succeeded, and what changed since.
    const diff = useLoad<{ previous: Generation; diff: FileDiff } | null>(async () => {
        if (!succeeded || !g || !files.data) return null;
        const page = await api.json<Page<Generation>>(`/api/v1/projects/${id}/generations${query({ limit: 50 })}`, { auth: 'required' });
        const previous = page.items.filter((x) => x.status === 'succeeded' && x.id !== g.id && x.created_at < g.created_at).sort((a, b) => (a.created_at < b.created_at ? 1 : -1))[0];
        if (!previous) return null;
        const before = await api.json<{ items: GeneratedFile[] }>(`/api/v1/projects/${id}/generations/${previous.id}/files`, { auth: 'required' });
        return { previous, diff: diffFiles(before.items, files.data.items) };
    }, `${gid}:${succeeded}:${files.data ? 'files' : ''}`);
    const [downloadError, setDownloadError] = useState<unknown>(null);
    const [downloading, setDownloading] = useState<string | null>(null);

    const title = project.data ? t('generation.title', { title: project.data.title }) : t('generation.titlePlain');
    if (gen.error) {
        return (
            <div className="page">
                <PageTitle title={t('generation.notFound')}>{t('generation.notFound')}</PageTitle>
                <ErrorNote error={gen.error} />
                <Link to={`/projects/${id}`}>{t('generation.backToProject')}</Link>
            </div>
        );
    }

    const download = async (format: 'zip' | 'tar.gz') => {
        setDownloadError(null);
        setDownloading(format);
        try {
            const { blob, filename } = await api.blob(`/api/v1/projects/${id}/generations/${gid}/archive${query({ format })}`, { auth: 'required' });
            saveBlob(blob, filename ?? `${project.data?.name ?? 'project'}.${format}`);
        } catch (e) {
            setDownloadError(e);
        } finally {
            setDownloading(null);
        }
    };

    return (
        <div className="page generation">
            <nav aria-label={t('common.breadcrumb')} className="breadcrumb">
                <Link to="/projects">{t('nav.projects')}</Link> <span aria-hidden="true">/</span> <Link to={`/projects/${id}`}>{project.data?.title ?? '…'}</Link>{' '}
                <span aria-hidden="true">/</span> <span>{t('generation.crumb')}</span>
            </nav>
            <PageTitle title={title}>{title}</PageTitle>
            {!g ? (
                <Status>{t('common.loading')}</Status>
            ) : (
                <>
                    <section className="card" aria-labelledby="progress-title">
                        <h2 id="progress-title">
                            {t('generation.progress')}{' '}
                            <Badge kind={statusKind(g.status)}>
                                <span data-status={g.status}>{t(`status.${g.status}` as MessageKey)}</span>
                            </Badge>
                        </h2>
                        <Status className="generation-status">
                            {t(`generation.says.${g.status}` as MessageKey, { files: g.file_count ?? g.files_done, version: g.project_version })}
                        </Status>
                        <ol className="steps">
                            {g.steps.map((s) => (
                                <li key={s.name} className={`step step-${s.state}`}>
                                    <span className="step-name">{t(`step.${s.name}` as MessageKey)}</span> <span className="muted small">{t(`stepState.${s.state}` as MessageKey)}</span>
                                </li>
                            ))}
                        </ol>
                        {g.files_total > 0 && (
                            <p>
                                <label htmlFor="files-progress">{t('generation.filesProgress', { done: g.files_done, total: g.files_total })}</label>{' '}
                                <progress id="files-progress" max={g.files_total} value={g.files_done} />
                            </p>
                        )}
                        {running && <p className="hint small">{t(live ? 'generation.live' : 'generation.polling')}</p>}
                        {g.error && (
                            <div className="note error" role="alert">
                                <p>{g.error}</p>
                                <p>
                                    <Link to={`/projects/${id}`}>{t('generation.fixSpec')}</Link>
                                </p>
                            </div>
                        )}
                        <dl className="facts">
                            <dt>{t('project.version')}</dt>
                            <dd>{g.project_version}</dd>
                            <dt>{t('generation.created')}</dt>
                            <dd>{formatDate(g.created_at, lang)}</dd>
                            {durationSeconds(g.started_at, g.finished_at) !== null && (
                                <>
                                    <dt>{t('generation.duration')}</dt>
                                    <dd>{formatNumber(durationSeconds(g.started_at, g.finished_at) ?? 0, lang, 2)} s</dd>
                                </>
                            )}
                            {g.file_count !== undefined && (
                                <>
                                    <dt>{t('generation.files')}</dt>
                                    <dd>
                                        {g.file_count} ({formatBytes(g.bytes ?? 0, lang)})
                                    </dd>
                                </>
                            )}
                        </dl>
                        {g.log && g.log.length > 0 && (
                            <details className="log">
                                <summary>{t('generation.log', { count: g.log.length })}</summary>
                                <ol>
                                    {g.log.map((l) => (
                                        <li key={l.seq}>
                                            <time dateTime={l.at}>{l.at.slice(11, 23)}</time> {l.message}
                                        </li>
                                    ))}
                                </ol>
                            </details>
                        )}
                    </section>

                    {succeeded && (
                        <section className="card" aria-labelledby="download-title">
                            <h2 id="download-title">{t('generation.download')}</h2>
                            <div className="actions">
                                {(['zip', 'tar.gz'] as const).map((format) => (
                                    <button key={format} type="button" className={format === 'zip' ? 'primary' : 'secondary'} onClick={() => download(format)} disabled={downloading !== null}>
                                        {t('generation.downloadAs', { format })}
                                        {g.archives?.[format] && ` (${formatBytes(g.archives[format].size, lang)})`}
                                    </button>
                                ))}
                            </div>
                            {g.archives?.zip && (
                                <p className="hint small">
                                    {t('generation.checksum')} <code className="wrap">{g.archives.zip.sha256}</code>
                                </p>
                            )}
                            {downloading && <Status>{t('generation.downloading')}</Status>}
                            <ErrorNote error={downloadError} />
                        </section>
                    )}

                    {succeeded && diff.data && (
                        <section className="card" aria-labelledby="diff-title">
                            <h2 id="diff-title">{t('diff.title')}</h2>
                            <p>
                                {t('diff.summary', {
                                    added: diff.data.diff.added.length,
                                    changed: diff.data.diff.changed.length,
                                    removed: diff.data.diff.removed.length,
                                    unchanged: diff.data.diff.unchanged,
                                })}{' '}
                                <Link to={`/projects/${id}/generations/${diff.data.previous.id}`}>{t('diff.previous', { version: diff.data.previous.project_version })}</Link>
                            </p>
                            <div className="diff-lists">
                                {(['added', 'changed', 'removed'] as const).map((kind) =>
                                    diff.data!.diff[kind].length > 0 ? (
                                        <details key={kind} open={diff.data!.diff[kind].length <= 20}>
                                            <summary>{t(`diff.${kind}` as MessageKey, { count: diff.data!.diff[kind].length })}</summary>
                                            <ul className={`diff-${kind}`}>
                                                {diff.data!.diff[kind].map((p) => (
                                                    <li key={p}>
                                                        <code>{p}</code>
                                                    </li>
                                                ))}
                                            </ul>
                                        </details>
                                    ) : null,
                                )}
                            </div>
                        </section>
                    )}

                    {succeeded && files.data && <FileBrowser projectId={id} generationId={gid} files={files.data.items} changes={diff.data?.diff.byPath ?? null} />}
                    <ErrorNote error={files.error} />
                </>
            )}
        </div>
    );
}

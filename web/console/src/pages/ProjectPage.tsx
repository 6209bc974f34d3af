// One saved project: its specification (the text it came from with what was assumed, and the model, editable),
// the generations history, generate again, and what changed in the specification since the last generation.

import { useEffect, useState } from 'react';

import { useApp } from '../state';
import { AnalysedText } from '../components/Analysis';
import { Badge, ErrorNote, Link, PageTitle, Pager, Status } from '../components/common';
import { useCursorPages, useLive, useLoad, usePolling } from '../components/hooks';
import { ErrorSummary, ModelEditor } from '../components/ModelEditor';
import { ModelChanges } from '../components/ModelChanges';
import { Sharing } from '../components/Sharing';
import { ApiError, query } from '../lib/api';
import { formatDate } from '../lib/format';
import { localProblems, specForApi, toSpec } from '../lib/model';
import { mergePatch } from '../lib/patch';
import type { FieldError, Generation, Page, Project, ProjectModel } from '../lib/types';

export function statusKind(status: string): 'ok' | 'warn' | 'error' | 'info' | 'neutral' {
    if (status === 'succeeded') return 'ok';
    if (status === 'failed') return 'error';
    if (status === 'cancelled') return 'warn';
    if (status === 'running' || status === 'queued') return 'info';
    return 'neutral';
}

export function ProjectPage({ id }: { id: string }) {
    const { api, t, lang, catalog, user, navigate } = useApp();
    const loaded = useLoad(() => api.json<Project>(`/api/v1/projects/${id}`, { auth: 'required' }), id);
    const project = loaded.data;
    const [model, setModel] = useState<ProjectModel | null>(null);
    const [errors, setErrors] = useState<FieldError[]>([]);
    const [error, setError] = useState<unknown>(null);
    const [busy, setBusy] = useState<null | 'save' | 'generate' | 'delete'>(null);
    const [saved, setSaved] = useState<string | null>(null);
    const [tick, setTick] = useState(0);

    useEffect(() => {
        if (project) setModel(toSpec(project.spec));
    }, [project]);

    const generations = useCursorPages<Generation>(
        (cursor) => api.json<Page<Generation>>(`/api/v1/projects/${id}/generations${query({ limit: 10, cursor })}`, { auth: 'required' }),
        `${id}:${tick}`,
    );
    const active = (generations.data?.items ?? []).some((g) => g.status === 'queued' || g.status === 'running');
    // The generations list follows the project's channel live (a generation started elsewhere, its end); it is
    // polled only while a generation runs and the stream is not open.
    const live = useLive(api, [`project:${id}`], ['generation.progress', 'generation.finished'], () => generations.reload(), !!project);
    usePolling(
        async () => {
            generations.reload();
            return true;
        },
        live ? 10_000 : 1000,
        active,
    );

    if (loaded.loading && !project) return <Status>{t('common.loading')}</Status>;
    if (loaded.error || !project) {
        return (
            <div className="page">
                <PageTitle title={t('project.notFound')}>{t('project.notFound')}</PageTitle>
                <ErrorNote error={loaded.error} />
                <p>
                    <Link to="/projects">{t('projects.back')}</Link>
                </p>
            </div>
        );
    }

    // Owners and editors change the specification and generate; viewers and admins (on others' projects) read.
    const role = project.role || (user !== null && project.owner_id === user.id ? 'owner' : 'admin');
    const readOnly = role === 'viewer' || role === 'admin';
    const spec = toSpec(project.spec);
    const dirty = model !== null && mergePatch(specForApi(spec), specForApi(model)) !== undefined;
    const lastSucceeded = (generations.data?.items ?? []).find((g) => g.status === 'succeeded') ?? null;

    const save = async (): Promise<Project | null> => {
        if (!model || !catalog) return null;
        const problems = localProblems(model, catalog);
        setErrors(problems);
        if (problems.length > 0) return null;
        const patch = mergePatch(project.spec, specForApi(model));
        if (patch === undefined) return project;
        try {
            const next = await api.json<Project>(`/api/v1/projects/${project.id}`, {
                method: 'PATCH',
                body: { spec: patch },
                auth: 'required',
                headers: { 'If-Match': `"v${project.version}"` },
            });
            loaded.setData(next);
            setErrors([]);
            setSaved(t('project.saved', { version: next.version }));
            return next;
        } catch (e) {
            if (e instanceof ApiError && e.fieldErrors.length > 0) setErrors(e.fieldErrors);
            if (e instanceof ApiError && e.status === 412) setError(new Error(t('project.conflict')));
            else setError(e);
            return null;
        }
    };

    const run = async (what: 'save' | 'generate') => {
        setBusy(what);
        setError(null);
        setSaved(null);
        try {
            const p = await save();
            if (!p || what === 'save') return;
            const g = await api.json<Generation>(`/api/v1/projects/${p.id}/generations`, { method: 'POST', auth: 'required' });
            navigate(`/projects/${p.id}/generations/${g.id}`);
        } catch (e) {
            setError(e);
        } finally {
            setBusy(null);
        }
    };

    const remove = async () => {
        if (!window.confirm(t('project.confirmDelete', { title: project.title }))) return;
        setBusy('delete');
        try {
            await api.json(`/api/v1/projects/${project.id}`, { method: 'DELETE', auth: 'required', headers: { 'If-Match': `"v${project.version}"` } });
            navigate('/projects');
        } catch (e) {
            setError(e);
        } finally {
            setBusy(null);
        }
    };

    return (
        <div className="page project">
            <nav aria-label={t('common.breadcrumb')} className="breadcrumb">
                <Link to="/projects">{t('nav.projects')}</Link> <span aria-hidden="true">/</span> <span>{project.title}</span>
            </nav>
            <PageTitle title={project.title}>{project.title}</PageTitle>
            <dl className="facts">
                <dt>{t('project.name')}</dt>
                <dd>
                    <code>{project.name}</code>
                </dd>
                <dt>{t('project.version')}</dt>
                <dd>{project.version}</dd>
                <dt>{t('project.entities')}</dt>
                <dd>{project.entity_count}</dd>
                <dt>{t('project.updated')}</dt>
                <dd>{formatDate(project.updated_at, lang)}</dd>
            </dl>
            <p>
                <Link to={`/projects/${project.id}/edit`}>{t('project.editTogether')}</Link>
            </p>
            {readOnly && <p className="note info">{role === 'viewer' ? t('project.viewerOnly') : t('project.readOnly')}</p>}

            <section className="card" aria-labelledby="gens-title">
                <h2 id="gens-title">{t('project.generations')}</h2>
                {!readOnly && (
                    <div className="actions">
                        <button type="button" className="primary" onClick={() => run('generate')} disabled={busy !== null}>
                            {dirty ? t('project.saveAndGenerate') : t('project.generate')}
                        </button>
                    </div>
                )}
                {lastSucceeded && model && <ModelChanges project={project} generation={lastSucceeded} model={model} />}
                <ErrorNote error={generations.error} />
                {generations.data && generations.data.items.length === 0 && <p className="muted">{t('project.noGenerations')}</p>}
                {generations.data && generations.data.items.length > 0 && (
                    <div className="table-wrap">
                        <table>
                            <caption className="visually-hidden">{t('project.generations')}</caption>
                            <thead>
                                <tr>
                                    <th scope="col">{t('generation.created')}</th>
                                    <th scope="col">{t('project.version')}</th>
                                    <th scope="col">{t('generation.status')}</th>
                                    <th scope="col">{t('generation.files')}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {generations.data.items.map((g) => (
                                    <tr key={g.id}>
                                        <td>
                                            <Link to={`/projects/${project.id}/generations/${g.id}`}>{formatDate(g.created_at, lang)}</Link>
                                        </td>
                                        <td>{g.project_version}</td>
                                        <td>
                                            <Badge kind={statusKind(g.status)}>{t(`status.${g.status}`)}</Badge>
                                            {g.error && <span className="small error-text"> {g.error}</span>}
                                        </td>
                                        <td>{g.file_count ?? (g.files_total ? `${g.files_done}/${g.files_total}` : '—')}</td>
                                    </tr>
                                ))}
                            </tbody>
                        </table>
                    </div>
                )}
                <Pager label={t('project.generations')} hasPrevious={generations.hasPrevious} hasNext={generations.hasNext} onPrevious={generations.previous} onNext={generations.next} />
                {active && <Status>{t('project.generating')}</Status>}
            </section>

            {project.source_text && (
                <section className="card" aria-labelledby="source-title">
                    <h2 id="source-title">{t('project.source')}</h2>
                    <AnalysedText text={project.source_text} assumptions={project.assumptions ?? []} />
                </section>
            )}

            <section className="card" aria-labelledby="spec-title">
                <h2 id="spec-title">{t('project.specification')}</h2>
                <ErrorSummary errors={errors} />
                {model && catalog && <ModelEditor model={model} onChange={setModel} errors={errors} catalog={catalog} assumptions={project.assumptions ?? []} />}
                {!readOnly && (
                    <div className="actions sticky-actions">
                        <button type="button" className="primary" onClick={() => run('save')} disabled={busy !== null || !dirty}>
                            {busy === 'save' ? t('new.saving') : t('project.save')}
                        </button>
                        <button type="button" className="secondary" onClick={() => run('generate')} disabled={busy !== null}>
                            {dirty ? t('project.saveAndGenerate') : t('project.generate')}
                        </button>
                        <button
                            type="button"
                            className="secondary"
                            disabled={!dirty || busy !== null}
                            onClick={() => {
                                setModel(spec);
                                setErrors([]);
                            }}
                        >
                            {t('project.discard')}
                        </button>
                        {role === 'owner' && (
                            <button type="button" className="danger" onClick={remove} disabled={busy !== null}>
                                {t('project.delete')}
                            </button>
                        )}
                    </div>
                )}
                {dirty && <p className="hint small">{t('project.unsaved')}</p>}
                {saved && <Status>{saved}</Status>}
                <ErrorNote error={error} />
            </section>
            {role !== 'admin' && <Sharing project={project} onLeft={() => navigate('/projects')} />}
            <p>
                <button type="button" className="link-button" onClick={() => setTick((n) => n + 1)}>
                    {t('common.refresh')}
                </button>
            </p>
        </div>
    );
}

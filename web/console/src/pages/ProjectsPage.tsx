// The signed-in user's saved projects, newest first: search by name or title, pages by the API's cursor.

import { useEffect, useState } from 'react';

import { useApp } from '../state';
import { Badge, ErrorNote, Link, PageTitle, Pager, Status } from '../components/common';
import { useCursorPages } from '../components/hooks';
import { query } from '../lib/api';
import { formatDate } from '../lib/format';
import type { Page, ProjectSummary } from '../lib/types';

const kPageSize = 20;

export function ProjectsPage() {
    const { api, t, lang, location, navigate, user } = useApp();
    const params = new URLSearchParams(location.search);
    const q = params.get('q') ?? '';
    const everyone = user?.role === 'admin' && params.get('owner') === '*';
    const [draft, setDraft] = useState(q);
    useEffect(() => setDraft(q), [q]);
    const pages = useCursorPages<ProjectSummary>(
        (cursor) => api.json<Page<ProjectSummary>>(`/api/v1/projects${query({ limit: kPageSize, cursor, q, owner: everyone ? '*' : undefined })}`, { auth: 'required' }),
        `${q}\u0000${everyone}`,
    );
    const search = (value: string, all = everyone) => {
        const next = new URLSearchParams(location.search);
        if (value) next.set('q', value);
        else next.delete('q');
        if (all) next.set('owner', '*');
        else next.delete('owner');
        const s = next.toString();
        navigate(`/projects${s ? `?${s}` : ''}`, { replace: true });
    };
    const items = pages.data?.items ?? [];
    const shared = useCursorPages<ProjectSummary>(
        (cursor) => api.json<Page<ProjectSummary>>(`/api/v1/projects${query({ limit: kPageSize, cursor, q, shared: 'true' })}`, { auth: 'required' }),
        `shared\u0000${q}`,
    );
    const sharedItems = shared.data?.items ?? [];
    return (
        <div className="page projects">
            <PageTitle title={t('projects.title')}>{t('projects.title')}</PageTitle>
            <form
                className="search-form"
                role="search"
                onSubmit={(e) => {
                    e.preventDefault();
                    search(draft.trim());
                }}
            >
                <label htmlFor="project-search">{t('projects.search')}</label>
                <input id="project-search" type="search" value={draft} onChange={(e) => setDraft(e.target.value)} maxLength={200} />
                <button type="submit" className="secondary">
                    {t('projects.searchButton')}
                </button>
                {user?.role === 'admin' && (
                    <label className="inline">
                        <input type="checkbox" checked={everyone} onChange={(e) => search(q, e.target.checked)} /> {t('projects.everyone')}
                    </label>
                )}
            </form>
            <p>
                <Link to="/" className="button primary">
                    {t('projects.new')}
                </Link>
            </p>
            <ErrorNote error={pages.error} />
            {pages.loading && !pages.data && <Status>{t('common.loading')}</Status>}
            {pages.data && items.length === 0 && <p className="muted">{q ? t('projects.noMatch', { q }) : t('projects.none')}</p>}
            {items.length > 0 && (
                <ul className="project-list">
                    {items.map((p) => (
                        <li key={p.id} className="project-item">
                            <h2>
                                <Link to={`/projects/${p.id}`}>{p.title}</Link>
                            </h2>
                            <p className="muted small">
                                <code>{p.name}</code> · {t('projects.meta', { entities: p.entity_count, version: p.version })} · {formatDate(p.updated_at, lang)}
                                {p.from_text && (
                                    <>
                                        {' '}
                                        <Badge kind="info">{t('projects.fromText')}</Badge>
                                    </>
                                )}
                                {user && p.owner_id !== user.id && (
                                    <>
                                        {' '}
                                        <Badge>{t('projects.otherOwner')}</Badge>
                                    </>
                                )}
                            </p>
                            {p.description && <p className="description">{p.description.length > 240 ? `${p.description.slice(0, 240)}…` : p.description}</p>}
                        </li>
                    ))}
                </ul>
            )}
            <Pager label={t('projects.pages')} hasPrevious={pages.hasPrevious} hasNext={pages.hasNext} onPrevious={pages.previous} onNext={pages.next} />
            {pages.data && <p className="muted small">{t('projects.pageN', { n: pages.pageIndex + 1 })}</p>}
            <section aria-labelledby="shared-title">
                <h2 id="shared-title">{t('projects.shared')}</h2>
                <ErrorNote error={shared.error} />
                {shared.data && sharedItems.length === 0 && <p className="muted">{t('projects.noneShared')}</p>}
                {sharedItems.length > 0 && (
                    <ul className="project-list shared-list">
                        {sharedItems.map((p) => (
                            <li key={p.id} className="project-item">
                                <h3>
                                    <Link to={`/projects/${p.id}`}>{p.title}</Link>
                                </h3>
                                <p className="muted small">
                                    <code>{p.name}</code> · {t('projects.meta', { entities: p.entity_count, version: p.version })} · {formatDate(p.updated_at, lang)}{' '}
                                    <Badge kind="info">{t(p.role === 'editor' ? 'sharing.role.editor' : 'sharing.role.viewer')}</Badge>
                                </p>
                            </li>
                        ))}
                    </ul>
                )}
                <Pager label={t('projects.shared')} hasPrevious={shared.hasPrevious} hasNext={shared.hasNext} onPrevious={shared.previous} onNext={shared.next} />
            </section>
        </div>
    );
}

// Administration: accounts (role, disable / enable), the audit log with its filters, and the server's health
// (/healthz, /readyz, a summary of /metrics). Jobs, backups and the marketplace have no API yet: not shown.

import { Fragment, useEffect, useState, type FormEvent } from 'react';

import { useApp } from '../state';
import { Badge, ErrorNote, Link, PageTitle, Pager, Status } from '../components/common';
import { useCursorPages, useLoad } from '../components/hooks';
import { ApiError, query } from '../lib/api';
import { formatDate, formatNumber } from '../lib/format';
import type { MessageKey } from '../lib/i18n';
import { parsePrometheus, summarise } from '../lib/metrics';
import type { AuditEntry, Page, User } from '../lib/types';

type Section = 'users' | 'audit' | 'health';

export function AdminPage({ section }: { section: Section }) {
    const { t, user } = useApp();
    const title = t(`admin.${section}` as MessageKey);
    if (user?.role !== 'admin') {
        return (
            <div className="page">
                <PageTitle title={t('admin.forbidden')}>{t('admin.forbidden')}</PageTitle>
                <p>{t('admin.forbiddenLead')}</p>
            </div>
        );
    }
    return (
        <div className="page admin">
            <PageTitle title={title}>{title}</PageTitle>
            <nav aria-label={t('admin.sections')} className="tabs">
                <ul>
                    {(['users', 'audit', 'health'] as const).map((s) => (
                        <li key={s}>
                            <Link to={`/admin/${s}`} aria-current={s === section ? 'page' : undefined}>
                                {t(`admin.${s}` as MessageKey)}
                            </Link>
                        </li>
                    ))}
                </ul>
            </nav>
            {section === 'users' && <Users />}
            {section === 'audit' && <Audit />}
            {section === 'health' && <Health />}
        </div>
    );
}

function UserRow({ u, onChanged }: { u: User; onChanged: (u: User) => void }) {
    const { api, t, lang, user: me } = useApp();
    const [error, setError] = useState<unknown>(null);
    const [busy, setBusy] = useState(false);
    const patch = async (body: { role?: string; disabled?: boolean }) => {
        setBusy(true);
        setError(null);
        try {
            onChanged(await api.json<User>(`/api/v1/admin/users/${u.id}`, { method: 'PATCH', body, auth: 'required' }));
        } catch (e) {
            setError(e);
        } finally {
            setBusy(false);
        }
    };
    const self = me?.id === u.id;
    const who = u.display_name || u.email;
    return (
        <tr data-user={u.email}>
            <td>
                <span dir="ltr">{u.email}</span>
                {u.display_name && <div className="small muted">{u.display_name}</div>}
                {self && <Badge kind="info">{t('admin.you')}</Badge>}
                <ErrorNote error={error} />
            </td>
            <td>
                <label className="visually-hidden" htmlFor={`role-${u.id}`}>
                    {t('admin.roleOf', { who })}
                </label>
                <select id={`role-${u.id}`} value={u.role} disabled={busy || self} onChange={(e) => patch({ role: e.target.value })}>
                    {['admin', 'user', 'guest'].map((r) => (
                        <option key={r} value={r}>
                            {t(`role.${r}` as MessageKey)}
                        </option>
                    ))}
                </select>
            </td>
            <td>{u.disabled ? <Badge kind="error">{t('admin.disabled')}</Badge> : <Badge kind="ok">{t('admin.active')}</Badge>}</td>
            <td>{u.email_verified ? t('common.yes') : t('common.no')}</td>
            <td>{formatDate(u.last_login_at, lang)}</td>
            <td>
                <button type="button" className={`small ${u.disabled ? 'secondary' : 'danger'}`} disabled={busy || self} onClick={() => patch({ disabled: !u.disabled })}>
                    {u.disabled ? t('admin.enable', { who }) : t('admin.disable', { who })}
                </button>
            </td>
        </tr>
    );
}

function Users() {
    const { api, t } = useApp();
    const [q, setQ] = useState('');
    const [role, setRole] = useState('');
    const [status, setStatus] = useState('');
    const [filters, setFilters] = useState({ q: '', role: '', status: '' });
    const pages = useCursorPages<User>(
        (cursor) => api.json<Page<User>>(`/api/v1/admin/users${query({ ...filters, limit: 25, cursor })}`, { auth: 'required' }),
        JSON.stringify(filters),
    );
    const [rows, setRows] = useState<User[]>([]);
    useEffect(() => setRows(pages.data?.items ?? []), [pages.data]);
    const submit = (e: FormEvent) => {
        e.preventDefault();
        setFilters({ q: q.trim(), role, status });
    };
    return (
        <>
            <form className="filters card" onSubmit={submit} role="search" aria-label={t('admin.userFilters')}>
                <div className="form-row">
                    <label htmlFor="user-q">{t('admin.userSearch')}</label>
                    <input id="user-q" type="search" value={q} onChange={(e) => setQ(e.target.value)} />
                </div>
                <div className="form-row">
                    <label htmlFor="user-role">{t('admin.role')}</label>
                    <select id="user-role" value={role} onChange={(e) => setRole(e.target.value)}>
                        <option value="">{t('common.all')}</option>
                        {['admin', 'user', 'guest'].map((r) => (
                            <option key={r} value={r}>
                                {t(`role.${r}` as MessageKey)}
                            </option>
                        ))}
                    </select>
                </div>
                <div className="form-row">
                    <label htmlFor="user-status">{t('admin.status')}</label>
                    <select id="user-status" value={status} onChange={(e) => setStatus(e.target.value)}>
                        <option value="">{t('common.all')}</option>
                        <option value="active">{t('admin.active')}</option>
                        <option value="disabled">{t('admin.disabled')}</option>
                    </select>
                </div>
                <div className="actions">
                    <button type="submit" className="secondary">
                        {t('common.filter')}
                    </button>
                </div>
            </form>
            <ErrorNote error={pages.error} />
            {pages.loading && !pages.data && <Status>{t('common.loading')}</Status>}
            {pages.data && rows.length === 0 && <p className="muted">{t('admin.noUsers')}</p>}
            {rows.length > 0 && (
                <div className="table-wrap">
                    <table className="users-table">
                        <caption className="visually-hidden">{t('admin.users')}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{t('auth.email')}</th>
                                <th scope="col">{t('admin.role')}</th>
                                <th scope="col">{t('admin.status')}</th>
                                <th scope="col">{t('admin.verified')}</th>
                                <th scope="col">{t('admin.lastLogin')}</th>
                                <th scope="col">
                                    <span className="visually-hidden">{t('common.actions')}</span>
                                </th>
                            </tr>
                        </thead>
                        <tbody>
                            {rows.map((u) => (
                                <UserRow key={u.id} u={u} onChanged={(nu) => setRows((rs) => rs.map((r) => (r.id === nu.id ? nu : r)))} />
                            ))}
                        </tbody>
                    </table>
                </div>
            )}
            <Pager label={t('admin.users')} hasPrevious={pages.hasPrevious} hasNext={pages.hasNext} onPrevious={pages.previous} onNext={pages.next} />
        </>
    );
}

/// A datetime-local value (the browser's time zone) as ISO 8601 UTC, or '' when empty.
export function localToIso(value: string): string {
    if (!value) return '';
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

function Audit() {
    const { api, t, lang, location } = useApp();
    const initial = new URLSearchParams(location.search);
    const [form, setForm] = useState({ action: initial.get('action') ?? '', actor: initial.get('actor') ?? '', target_type: '', target_id: initial.get('target_id') ?? '', from: '', to: '' });
    const [filters, setFilters] = useState(form);
    const pages = useCursorPages<AuditEntry>(
        (cursor) =>
            api.json<Page<AuditEntry>>(
                `/api/v1/admin/audit${query({
                    action: filters.action,
                    actor: filters.actor,
                    target_type: filters.target_type,
                    target_id: filters.target_id,
                    from: localToIso(filters.from),
                    to: localToIso(filters.to),
                    limit: 50,
                    cursor,
                })}`,
                { auth: 'required' },
            ),
        JSON.stringify(filters),
    );
    const field = (name: keyof typeof form, label: string, type = 'text', hint?: string) => (
        <div className="form-row">
            <label htmlFor={`audit-${name}`}>{label}</label>
            <input
                id={`audit-${name}`}
                type={type}
                value={form[name]}
                onChange={(e) => setForm({ ...form, [name]: e.target.value })}
                dir="ltr"
                aria-describedby={hint ? `audit-${name}-hint` : undefined}
            />
            {hint && (
                <p className="hint small" id={`audit-${name}-hint`}>
                    {hint}
                </p>
            )}
        </div>
    );
    const items = pages.data?.items ?? [];
    return (
        <>
            <p className="note info">{t('audit.chain')}</p>
            <form
                className="filters card"
                role="search"
                aria-label={t('audit.filters')}
                onSubmit={(e) => {
                    e.preventDefault();
                    setFilters(form);
                }}
            >
                {field('action', t('audit.action'), 'text', t('audit.actionHint'))}
                {field('actor', t('audit.actor'))}
                {field('target_type', t('audit.targetType'))}
                {field('target_id', t('audit.targetId'))}
                {field('from', t('audit.from'), 'datetime-local')}
                {field('to', t('audit.to'), 'datetime-local')}
                <div className="actions">
                    <button type="submit" className="secondary">
                        {t('common.filter')}
                    </button>
                </div>
            </form>
            <ErrorNote error={pages.error} />
            {pages.loading && !pages.data && <Status>{t('common.loading')}</Status>}
            {pages.data && items.length === 0 && <p className="muted">{t('audit.none')}</p>}
            {items.length > 0 && (
                <div className="table-wrap">
                    <table className="audit-table">
                        <caption className="visually-hidden">{t('admin.audit')}</caption>
                        <thead>
                            <tr>
                                <th scope="col">#</th>
                                <th scope="col">{t('audit.at')}</th>
                                <th scope="col">{t('audit.action')}</th>
                                <th scope="col">{t('audit.actor')}</th>
                                <th scope="col">{t('audit.target')}</th>
                                <th scope="col">{t('audit.details')}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {items.map((e) => (
                                <tr key={e.seq} data-action={e.action}>
                                    <td>{e.seq}</td>
                                    <td>{formatDate(e.at, lang)}</td>
                                    <td>
                                        <code>{e.action}</code>
                                    </td>
                                    <td className="small">
                                        {e.pseudonymised ? <Badge>{t('audit.pseudonymised')}</Badge> : null} <code className="wrap">{e.actor_id ?? '—'}</code>
                                        {e.ip && <div className="muted">{e.ip}</div>}
                                    </td>
                                    <td className="small">
                                        {e.target_type ?? '—'} <code className="wrap">{e.target_id ?? ''}</code>
                                    </td>
                                    <td className="small">
                                        <code className="wrap">{e.details ? JSON.stringify(e.details) : ''}</code>
                                    </td>
                                </tr>
                            ))}
                        </tbody>
                    </table>
                </div>
            )}
            <Pager label={t('admin.audit')} hasPrevious={pages.hasPrevious} hasNext={pages.hasNext} onPrevious={pages.previous} onNext={pages.next} />
        </>
    );
}

interface Ready {
    status: string;
    database?: { dialect?: string; schema_version?: number; pool?: { size?: number; in_use?: number; waiting?: number } };
}

async function getJson<T>(path: string): Promise<{ status: number; body: T | null }> {
    const res = await fetch(path, { headers: { accept: 'application/json' }, cache: 'no-store' });
    let body: T | null = null;
    try {
        body = (await res.json()) as T;
    } catch {
        body = null;
    }
    return { status: res.status, body };
}

function Health() {
    const { t, lang } = useApp();
    const [tick, setTick] = useState(0);
    const health = useLoad(
        async () => {
            const [live, ready, metrics] = await Promise.all([
                getJson<{ status: string; version?: string }>('/healthz'),
                getJson<Ready>('/readyz'),
                fetch('/metrics', { cache: 'no-store' }).then((r) => {
                    if (!r.ok) throw new ApiError(r.status, { status: r.status, title: r.statusText });
                    return r.text();
                }),
            ]);
            return { live, ready, metrics: summarise(parsePrometheus(metrics)) };
        },
        String(tick),
    );
    const h = health.data;
    return (
        <>
            <div className="actions">
                <button type="button" className="secondary" onClick={() => setTick((n) => n + 1)}>
                    {t('common.refresh')}
                </button>
            </div>
            <ErrorNote error={health.error} />
            {h && (
                <div className="grid-2">
                    <section className="card" aria-labelledby="live-title">
                        <h2 id="live-title">{t('health.server')}</h2>
                        <dl className="facts">
                            <dt>{t('health.live')}</dt>
                            <dd>
                                <Badge kind={h.live.status === 200 ? 'ok' : 'error'}>{h.live.body?.status ?? h.live.status}</Badge>
                            </dd>
                            <dt>{t('health.version')}</dt>
                            <dd>{h.live.body?.version ?? '—'}</dd>
                            <dt>{t('health.ready')}</dt>
                            <dd>
                                <Badge kind={h.ready.status === 200 ? 'ok' : 'error'}>
                                    <span data-ready={h.ready.body?.status}>{h.ready.body?.status ?? h.ready.status}</span>
                                </Badge>
                            </dd>
                            <dt>{t('health.database')}</dt>
                            <dd>
                                {h.ready.body?.database?.dialect ?? '—'} · {t('health.schema', { version: h.ready.body?.database?.schema_version ?? '—' })}
                            </dd>
                            <dt>{t('health.pool')}</dt>
                            <dd>
                                {t('health.poolValue', {
                                    size: h.ready.body?.database?.pool?.size ?? h.metrics.pool.open ?? '—',
                                    used: h.ready.body?.database?.pool?.in_use ?? h.metrics.pool.inUse ?? '—',
                                    waiting: h.ready.body?.database?.pool?.waiting ?? h.metrics.pool.waiting ?? '—',
                                })}
                            </dd>
                            <dt>{t('health.connections')}</dt>
                            <dd>{h.metrics.openConnections ?? '—'}</dd>
                        </dl>
                    </section>
                    <section className="card" aria-labelledby="metrics-title">
                        <h2 id="metrics-title">{t('health.requests')}</h2>
                        <dl className="facts">
                            <dt>{t('health.total')}</dt>
                            <dd>{formatNumber(h.metrics.requests, lang)}</dd>
                            {Object.entries(h.metrics.byClass)
                                .sort()
                                .map(([cls, n]) => (
                                    <Fragment key={cls}>
                                        <dt>{cls}</dt>
                                        <dd>{formatNumber(n, lang)}</dd>
                                    </Fragment>
                                ))}
                            <dt>{t('health.mean')}</dt>
                            <dd>{h.metrics.meanMs === null ? '—' : `${formatNumber(h.metrics.meanMs, lang, 2)} ms`}</dd>
                        </dl>
                    </section>
                    <section className="card wide" aria-labelledby="routes-title">
                        <h2 id="routes-title">{t('health.routes')}</h2>
                        <div className="table-wrap">
                            <table>
                                <thead>
                                    <tr>
                                        <th scope="col">{t('health.route')}</th>
                                        <th scope="col">{t('health.total')}</th>
                                        <th scope="col">5xx</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {h.metrics.routes.map((r) => (
                                        <tr key={r.route}>
                                            <td>
                                                <code className="wrap">{r.route}</code>
                                            </td>
                                            <td>{formatNumber(r.requests, lang)}</td>
                                            <td>{formatNumber(r.errors, lang)}</td>
                                        </tr>
                                    ))}
                                </tbody>
                            </table>
                        </div>
                        <p className="hint small">
                            {t('health.more')} <a href="/metrics">/metrics</a>
                        </p>
                    </section>
                </div>
            )}
            <p className="muted small">{t('health.notYet')}</p>
        </>
    );
}

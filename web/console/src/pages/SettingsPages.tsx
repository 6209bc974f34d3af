// The account: profile (and email verification), security (password, sessions, linked sign-in providers),
// personal API keys, notifications (channels per kind), and privacy (consents, GDPR export, erasure).

import { useEffect, useState, type FormEvent } from 'react';

import { useApp } from '../state';
import { Badge, ErrorNote, FieldErrors, Link, PageTitle, Status, saveBlob } from '../components/common';
import { useLoad, usePolling } from '../components/hooks';
import { ApiError } from '../lib/api';
import { errorsAt } from '../lib/errors';
import { formatBytes, formatDate, sessionKindText } from '../lib/format';
import { kLanguageNames, kLanguages, type MessageKey } from '../lib/i18n';
import type { ApiKey, ExportJob, FieldError, NotificationPreference, Provider, Session } from '../lib/types';

type Section = 'profile' | 'security' | 'api-keys' | 'notifications' | 'privacy';

export function SettingsPage({ section }: { section: Section }) {
    const { t, reloadUser } = useApp();
    const title = t(`settings.${section}` as MessageKey);
    // The account as it is now, not as it was when the console loaded: an address confirmed from a mailed link in
    // another tab, or a change made elsewhere, shows as soon as one of these pages opens.
    useEffect(() => {
        void reloadUser();
    }, [reloadUser]);
    return (
        <div className="page settings">
            <PageTitle title={title}>{title}</PageTitle>
            <nav aria-label={t('settings.sections')} className="tabs">
                <ul>
                    {(['profile', 'security', 'api-keys', 'notifications', 'privacy'] as const).map((s) => (
                        <li key={s}>
                            <Link to={`/settings/${s}`} aria-current={s === section ? 'page' : undefined}>
                                {t(`settings.${s}` as MessageKey)}
                            </Link>
                        </li>
                    ))}
                </ul>
            </nav>
            {section === 'profile' && <Profile />}
            {section === 'security' && <Security />}
            {section === 'api-keys' && <ApiKeys />}
            {section === 'notifications' && <NotificationChannels />}
            {section === 'privacy' && <Privacy />}
        </div>
    );
}

function Profile() {
    const { api, t, user, reloadUser, catalog } = useApp();
    const [name, setName] = useState(user?.display_name ?? '');
    const [locale, setLocale] = useState(user?.locale ?? 'en');
    const [avatar, setAvatar] = useState(user?.avatar_url ?? '');
    const [errors, setErrors] = useState<FieldError[]>([]);
    const [error, setError] = useState<unknown>(null);
    const [saved, setSaved] = useState(false);
    const [resent, setResent] = useState<string | null>(null);
    if (!user) return null;
    const locales = [...new Set([...kLanguages, ...(catalog?.locales ?? []), user.locale])];
    const submit = async (e: FormEvent) => {
        e.preventDefault();
        setError(null);
        setSaved(false);
        try {
            await api.json('/api/v1/users/me', {
                method: 'PATCH',
                auth: 'required',
                body: { display_name: name.trim() ? name.trim() : null, locale, avatar_url: avatar.trim() ? avatar.trim() : null },
            });
            setErrors([]);
            await reloadUser();
            setSaved(true);
        } catch (err) {
            if (err instanceof ApiError) setErrors(err.fieldErrors);
            setError(err);
        }
    };
    const resend = async () => {
        setResent(null);
        try {
            await api.json('/api/v1/auth/verify-email/resend', { method: 'POST', auth: 'required' });
            setResent(t('profile.resent'));
        } catch (err) {
            const already = err instanceof ApiError && err.status === 409;
            setResent(already ? t('profile.alreadyVerified') : err instanceof Error ? err.message : String(err));
            // Confirmed meanwhile (from the mailed link): the badge says so too.
            if (already) await reloadUser();
        }
    };
    return (
        <>
            <section className="card" aria-labelledby="email-title">
                <h2 id="email-title">{t('auth.email')}</h2>
                <p>
                    <span dir="ltr">{user.email}</span>{' '}
                    {user.email_verified ? <Badge kind="ok">{t('profile.verified')}</Badge> : <Badge kind="warn">{t('profile.unverified')}</Badge>}{' '}
                    <Badge>{t(`role.${user.role}` as MessageKey)}</Badge>
                </p>
                {!user.email_verified && (
                    <p>
                        <button type="button" className="secondary" onClick={resend}>
                            {t('profile.resend')}
                        </button>
                    </p>
                )}
                {resent && <Status>{resent}</Status>}
            </section>
            <form className="card" onSubmit={submit} noValidate>
                <h2>{t('profile.details')}</h2>
                <div className="form-row">
                    <label htmlFor="profile-name">{t('auth.displayName')}</label>
                    <input id="profile-name" type="text" value={name} onChange={(e) => setName(e.target.value)} maxLength={200} />
                    <FieldErrors errors={errorsAt(errors, 'display_name')} id="profile-name-errors" />
                </div>
                <div className="form-row">
                    <label htmlFor="profile-locale">{t('profile.locale')}</label>
                    <select id="profile-locale" value={locale} onChange={(e) => setLocale(e.target.value)}>
                        {locales.map((l) => (
                            <option key={l} value={l}>
                                {(kLanguageNames as Record<string, string>)[l] ?? l}
                            </option>
                        ))}
                    </select>
                    <p className="hint small">{t('profile.localeHint')}</p>
                </div>
                <div className="form-row">
                    <label htmlFor="profile-avatar">{t('profile.avatar')}</label>
                    <input id="profile-avatar" type="url" value={avatar} onChange={(e) => setAvatar(e.target.value)} maxLength={2048} dir="ltr" />
                    <FieldErrors errors={errorsAt(errors, 'avatar_url')} id="profile-avatar-errors" />
                </div>
                <div className="actions">
                    <button type="submit" className="primary">
                        {t('common.save')}
                    </button>
                </div>
                {saved && <Status>{t('profile.saved')}</Status>}
                <ErrorNote error={error} />
            </form>
        </>
    );
}

function Security() {
    const { api, t, lang, user, location, session, navigate } = useApp();
    const [current, setCurrent] = useState('');
    const [next, setNext] = useState('');
    const [pwError, setPwError] = useState<unknown>(null);
    const [pwDone, setPwDone] = useState(false);
    const sessions = useLoad(() => api.json<{ items: Session[] }>('/api/v1/users/me/sessions', { auth: 'required' }), 'sessions');
    const providers = useLoad(() => api.json<{ items: Provider[] }>('/api/v1/auth/providers', { auth: 'none' }), 'providers');
    const [error, setError] = useState<unknown>(null);
    const linked = new URLSearchParams(location.search).get('linked');
    const change = async (e: FormEvent) => {
        e.preventDefault();
        setPwError(null);
        setPwDone(false);
        try {
            await api.json('/api/v1/users/me/password', { body: { current_password: current, new_password: next }, auth: 'required' });
            setCurrent('');
            setNext('');
            setPwDone(true);
            sessions.reload();
        } catch (err) {
            setPwError(err instanceof ApiError && err.status === 403 ? new Error(t('security.wrongCurrent')) : err);
        }
    };
    const end = async (s: Session) => {
        setError(null);
        try {
            await api.json(`/api/v1/users/me/sessions/${s.id}`, { method: 'DELETE', auth: 'required' });
            if (s.current) {
                session.clear();
                navigate('/sign-in');
                return;
            }
            sessions.reload();
        } catch (err) {
            setError(err);
        }
    };
    const link = async (p: Provider) => {
        setError(null);
        try {
            const url = new URL(p.start_url, window.location.origin);
            url.searchParams.set('link', 'true');
            url.searchParams.set('return_to', '/signed-in');
            const r = await api.json<{ authorization_url: string }>(url.pathname + url.search, { auth: 'required' });
            window.location.assign(r.authorization_url);
        } catch (err) {
            setError(err);
        }
    };
    const live = (sessions.data?.items ?? []).filter((s) => !s.revoked_at);
    return (
        <>
            {user?.has_password !== false && (
                <form className="card" onSubmit={change}>
                    <h2>{t('security.password')}</h2>
                    <div className="form-row">
                        <label htmlFor="current-password">{t('security.current')}</label>
                        <input id="current-password" type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} dir="ltr" />
                    </div>
                    <div className="form-row">
                        <label htmlFor="new-password">{t('security.new')}</label>
                        <input id="new-password" type="password" autoComplete="new-password" required value={next} onChange={(e) => setNext(e.target.value)} dir="ltr" aria-describedby="new-password-hint" />
                        <p id="new-password-hint" className="hint small">
                            {t('auth.passwordRule')}
                        </p>
                    </div>
                    <div className="actions">
                        <button type="submit" className="primary">
                            {t('security.change')}
                        </button>
                    </div>
                    {pwDone && <Status>{t('security.changed')}</Status>}
                    <ErrorNote error={pwError} />
                </form>
            )}
            <section className="card" aria-labelledby="sessions-title">
                <h2 id="sessions-title">{t('security.sessions')}</h2>
                <ErrorNote error={sessions.error} />
                <div className="table-wrap">
                    <table>
                        <thead>
                            <tr>
                                <th scope="col">{t('security.kind')}</th>
                                <th scope="col">{t('security.started')}</th>
                                <th scope="col">{t('security.lastUsed')}</th>
                                <th scope="col">{t('security.expires')}</th>
                                <th scope="col">
                                    <span className="visually-hidden">{t('common.actions')}</span>
                                </th>
                            </tr>
                        </thead>
                        <tbody>
                            {live.map((s) => (
                                <tr key={s.id}>
                                    <td>
                                        {sessionKindText(s.kind, providers.data?.items ?? [], t)} {s.current && <Badge kind="info">{t('security.thisOne')}</Badge>}
                                    </td>
                                    <td>{formatDate(s.created_at, lang)}</td>
                                    <td>{formatDate(s.last_used_at, lang)}</td>
                                    <td>{formatDate(s.expires_at, lang)}</td>
                                    <td>
                                        <button type="button" className="small secondary" onClick={() => end(s)}>
                                            {s.current ? t('security.endThis') : t('security.end')}
                                        </button>
                                    </td>
                                </tr>
                            ))}
                        </tbody>
                    </table>
                </div>
                <ErrorNote error={error} />
            </section>
            {(providers.data?.items.length ?? 0) > 0 && (
                <section className="card" aria-labelledby="link-title">
                    <h2 id="link-title">{t('security.providers')}</h2>
                    {linked && <Status className="ok">{t('security.linked', { provider: linked })}</Status>}
                    <ul className="inline-list">
                        {providers.data!.items.map((p) => (
                            <li key={p.name}>
                                <button type="button" className="secondary" onClick={() => link(p)}>
                                    {t('security.link', { provider: p.title })}
                                </button>
                            </li>
                        ))}
                    </ul>
                </section>
            )}
        </>
    );
}

/// Scopes a key may have (docs/permissions.md); those beyond the role are refused by the server (403).
const kUserScopes = ['catalog:read', 'analyze', 'generate', 'projects:read', 'projects:write', 'account:read', 'account:write', 'account:export', 'packs:read', 'plugins:read', 'marketplace:read', 'marketplace:publish', 'notifications', 'realtime'];
const kAdminScopes = ['users:read', 'users:manage', 'audit:read', 'packs:manage', 'plugins:manage', 'marketplace:moderate', 'jobs:manage', 'backups:manage'];

function ApiKeys() {
    const { api, t, lang, user } = useApp();
    const keys = useLoad(() => api.json<{ items: ApiKey[] }>('/api/v1/users/me/api-keys', { auth: 'required' }), 'keys');
    const [name, setName] = useState('');
    const [scopes, setScopes] = useState<string[]>(['projects:read']);
    const [days, setDays] = useState('');
    const [created, setCreated] = useState<string | null>(null);
    const [copied, setCopied] = useState(false);
    const [errors, setErrors] = useState<FieldError[]>([]);
    const [error, setError] = useState<unknown>(null);
    const all = user?.role === 'admin' ? [...kUserScopes, ...kAdminScopes] : kUserScopes;
    const create = async (e: FormEvent) => {
        e.preventDefault();
        setError(null);
        setCreated(null);
        setCopied(false);
        try {
            const r = await api.json<{ key: string; api_key: ApiKey }>('/api/v1/users/me/api-keys', {
                auth: 'required',
                body: { name: name.trim(), scopes, ...(days ? { expires_in_days: Number(days) } : {}) },
            });
            setCreated(r.key);
            setName('');
            setErrors([]);
            keys.reload();
        } catch (err) {
            if (err instanceof ApiError) setErrors(err.fieldErrors);
            setError(err);
        }
    };
    const revoke = async (k: ApiKey) => {
        if (!window.confirm(t('keys.confirmRevoke', { name: k.name }))) return;
        try {
            await api.json(`/api/v1/users/me/api-keys/${k.id}`, { method: 'DELETE', auth: 'required' });
            keys.reload();
        } catch (err) {
            setError(err);
        }
    };
    return (
        <>
            <form className="card" onSubmit={create}>
                <h2>{t('keys.create')}</h2>
                <div className="form-row">
                    <label htmlFor="key-name">{t('keys.name')}</label>
                    <input id="key-name" type="text" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
                    <FieldErrors errors={errorsAt(errors, 'name')} id="key-name-errors" />
                </div>
                <fieldset className="form-row">
                    <legend>{t('keys.scopes')}</legend>
                    <ul className="scope-list">
                        {all.map((s) => (
                            <li key={s}>
                                <label className="inline">
                                    <input type="checkbox" checked={scopes.includes(s)} onChange={(e) => setScopes(e.target.checked ? [...scopes, s] : scopes.filter((x) => x !== s))} /> <code>{s}</code>
                                </label>
                            </li>
                        ))}
                    </ul>
                    <FieldErrors errors={errorsAt(errors, 'scopes', true)} id="key-scopes-errors" />
                </fieldset>
                <div className="form-row">
                    <label htmlFor="key-days">{t('keys.expires')}</label>
                    <input id="key-days" type="number" min={1} max={3650} value={days} onChange={(e) => setDays(e.target.value)} />
                </div>
                <div className="actions">
                    <button type="submit" className="primary">
                        {t('keys.createButton')}
                    </button>
                </div>
                <ErrorNote error={error} />
            </form>
            {created && (
                <div className="card note ok" role="status">
                    <p>
                        <strong>{t('keys.once')}</strong>
                    </p>
                    <label htmlFor="new-key">{t('keys.key')}</label>
                    <div className="add-row">
                        <input id="new-key" type="text" readOnly value={created} dir="ltr" onFocus={(e) => e.target.select()} />
                        <button
                            type="button"
                            className="secondary"
                            onClick={async () => {
                                try {
                                    await navigator.clipboard.writeText(created);
                                    setCopied(true);
                                } catch {
                                    document.getElementById('new-key')?.focus();
                                }
                            }}
                        >
                            {copied ? t('keys.copied') : t('keys.copy')}
                        </button>
                    </div>
                </div>
            )}
            <section className="card" aria-labelledby="keys-title">
                <h2 id="keys-title">{t('keys.list')}</h2>
                <ErrorNote error={keys.error} />
                {keys.data && keys.data.items.length === 0 && <p className="muted">{t('keys.none')}</p>}
                {keys.data && keys.data.items.length > 0 && (
                    <div className="table-wrap">
                        <table>
                            <thead>
                                <tr>
                                    <th scope="col">{t('keys.name')}</th>
                                    <th scope="col">{t('keys.prefix')}</th>
                                    <th scope="col">{t('keys.scopes')}</th>
                                    <th scope="col">{t('keys.lastUsed')}</th>
                                    <th scope="col">{t('keys.state')}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {keys.data.items.map((k) => (
                                    <tr key={k.id}>
                                        <td>{k.name}</td>
                                        <td>
                                            <code>{k.prefix}…</code>
                                        </td>
                                        <td className="small">{k.scopes.join(', ')}</td>
                                        <td>{formatDate(k.last_used_at, lang)}</td>
                                        <td>
                                            {k.revoked_at ? (
                                                <Badge>{t('keys.revoked')}</Badge>
                                            ) : (
                                                <button type="button" className="small danger" onClick={() => revoke(k)}>
                                                    {t('keys.revoke')}
                                                </button>
                                            )}
                                            {k.expires_at && !k.revoked_at && <span className="small muted"> {t('keys.until', { date: formatDate(k.expires_at, lang) })}</span>}
                                        </td>
                                    </tr>
                                ))}
                            </tbody>
                        </table>
                    </div>
                )}
            </section>
        </>
    );
}

function Privacy() {
    const { api, t, lang, user, session, navigate } = useApp();
    const consents = useLoad(() => api.json<{ items: { policy_version: string; accepted: string[] }[] }>('/api/v1/users/me/consents', { auth: 'required' }), 'consents');
    const exports = useLoad(() => api.json<{ items: ExportJob[] }>('/api/v1/users/me/exports', { auth: 'required' }), 'exports');
    const pending = (exports.data?.items ?? []).some((x) => x.status === 'queued' || x.status === 'running');
    usePolling(
        async () => {
            const r = await api.json<{ items: ExportJob[] }>('/api/v1/users/me/exports', { auth: 'required' });
            exports.setData(r);
            return r.items.some((x) => x.status === 'queued' || x.status === 'running');
        },
        1000,
        pending,
    );
    const [error, setError] = useState<unknown>(null);
    const [password, setPassword] = useState('');
    const [sure, setSure] = useState(false);
    const [eraseError, setEraseError] = useState<unknown>(null);
    const start = async () => {
        setError(null);
        try {
            await api.json('/api/v1/users/me/export', { method: 'POST', auth: 'required' });
            exports.reload();
        } catch (err) {
            setError(err);
        }
    };
    const download = async (x: ExportJob) => {
        setError(null);
        try {
            const { blob, filename } = await api.blob(x.archive_url ?? `/api/v1/users/me/exports/${x.id}/archive`, { auth: 'required' });
            saveBlob(blob, filename ?? `dihya-export-${x.id}.zip`);
        } catch (err) {
            setError(err);
        }
    };
    const erase = async (e: FormEvent) => {
        e.preventDefault();
        setEraseError(null);
        if (!sure) {
            setEraseError(new Error(t('privacy.tickFirst')));
            return;
        }
        try {
            await api.json('/api/v1/users/me', { method: 'DELETE', auth: 'required', body: user?.has_password === false ? {} : { password } });
            session.clear();
            navigate('/?erased=1');
        } catch (err) {
            setEraseError(err instanceof ApiError && err.status === 403 ? new Error(t('privacy.wrongPassword')) : err);
        }
    };
    return (
        <>
            <section className="card" aria-labelledby="consents-title">
                <h2 id="consents-title">{t('privacy.consents')}</h2>
                <ErrorNote error={consents.error} />
                <ul>
                    {(consents.data?.items ?? []).map((c, i) => (
                        <li key={i}>{t('privacy.consent', { version: c.policy_version, accepted: c.accepted.join(', ') || '—' })}</li>
                    ))}
                </ul>
            </section>
            <section className="card" aria-labelledby="export-title">
                <h2 id="export-title">{t('privacy.export')}</h2>
                <p>{t('privacy.exportLead')}</p>
                <div className="actions">
                    <button type="button" className="primary" onClick={start} disabled={pending}>
                        {t('privacy.exportStart')}
                    </button>
                </div>
                {pending && <Status>{t('privacy.exportRunning')}</Status>}
                <ErrorNote error={error ?? exports.error} />
                {(exports.data?.items.length ?? 0) > 0 && (
                    <ul className="export-list">
                        {exports.data!.items.map((x) => (
                            <li key={x.id}>
                                {formatDate(x.created_at, lang)} — <Badge kind={x.status === 'succeeded' ? 'ok' : x.status === 'failed' ? 'error' : 'info'}>{x.status}</Badge>
                                {x.size !== undefined && ` ${formatBytes(x.size, lang)}`}
                                {x.status === 'succeeded' && (
                                    <>
                                        {' '}
                                        <button type="button" className="small secondary" onClick={() => download(x)}>
                                            {t('privacy.download')}
                                        </button>
                                        {x.expires_at && <span className="small muted"> {t('privacy.until', { date: formatDate(x.expires_at, lang) })}</span>}
                                    </>
                                )}
                                {x.error && <span className="error-text small"> {x.error}</span>}
                            </li>
                        ))}
                    </ul>
                )}
            </section>
            <form className="card danger-zone" onSubmit={erase} aria-labelledby="erase-title">
                <h2 id="erase-title">{t('privacy.erase')}</h2>
                <p>{t('privacy.eraseLead')}</p>
                {user?.has_password !== false ? (
                    <div className="form-row">
                        <label htmlFor="erase-password">{t('auth.password')}</label>
                        <input id="erase-password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} dir="ltr" />
                    </div>
                ) : (
                    <p className="hint">{t('privacy.noPassword')}</p>
                )}
                <div className="form-row">
                    <label className="inline">
                        <input type="checkbox" checked={sure} onChange={(e) => setSure(e.target.checked)} /> {t('privacy.sure')}
                    </label>
                </div>
                <div className="actions">
                    <button type="submit" className="danger">
                        {t('privacy.eraseButton')}
                    </button>
                </div>
                <ErrorNote error={eraseError} />
            </form>
        </>
    );
}

const kChannels = ['in_app', 'email', 'push'] as const;

/// Where each kind of notification goes: a checkbox per kind and channel, saved together.
function NotificationChannels() {
    const { api, t } = useApp();
    const loaded = useLoad(() => api.json<{ items: NotificationPreference[] }>('/api/v1/notifications/preferences', { auth: 'required' }), 'preferences');
    const [choices, setChoices] = useState<Record<string, boolean>>({});
    const [error, setError] = useState<unknown>(null);
    const [saved, setSaved] = useState(false);
    const items = loaded.data?.items ?? [];
    useEffect(() => {
        setChoices(Object.fromEntries((loaded.data?.items ?? []).map((p) => [`${p.kind}|${p.channel}`, p.enabled])));
    }, [loaded.data]);
    const kinds = [...new Set(items.map((p) => p.kind))];
    const submit = async (e: FormEvent) => {
        e.preventDefault();
        setError(null);
        setSaved(false);
        try {
            const body = { items: items.map((p) => ({ kind: p.kind, channel: p.channel, enabled: choices[`${p.kind}|${p.channel}`] ?? p.enabled })) };
            const next = await api.json<{ items: NotificationPreference[] }>('/api/v1/notifications/preferences', { method: 'PUT', body, auth: 'required' });
            loaded.setData(next);
            setSaved(true);
        } catch (err) {
            setError(err);
        }
    };
    return (
        <section className="card" aria-labelledby="channels-title">
            <h2 id="channels-title">{t('channels.title')}</h2>
            <p className="hint">{t('channels.lead')}</p>
            <ErrorNote error={error ?? loaded.error} />
            {loaded.loading && !loaded.data && <Status>{t('common.loading')}</Status>}
            {kinds.length > 0 && (
                <form onSubmit={submit}>
                    <table className="channels">
                        <caption className="visually-hidden">{t('channels.title')}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{t('channels.kind')}</th>
                                {kChannels.map((c) => (
                                    <th key={c} scope="col">
                                        {t(`channels.col.${c}` as MessageKey)}
                                    </th>
                                ))}
                            </tr>
                        </thead>
                        <tbody>
                            {kinds.map((k) => (
                                <tr key={k}>
                                    <th scope="row">{t(`kind.${k}` as MessageKey)}</th>
                                    {kChannels.map((c) => {
                                        const here = items.find((p) => p.kind === k && p.channel === c);
                                        const id = `ch-${k.replace(/\W/g, '-')}-${c}`;
                                        return (
                                            <td key={c}>
                                                {here && (
                                                    <input
                                                        id={id}
                                                        type="checkbox"
                                                        aria-label={`${t(`kind.${k}` as MessageKey)} — ${t(`channels.col.${c}` as MessageKey)}`}
                                                        checked={choices[`${k}|${c}`] ?? here.enabled}
                                                        onChange={(e) => {
                                                            setSaved(false);
                                                            setChoices((old) => ({ ...old, [`${k}|${c}`]: e.target.checked }));
                                                        }}
                                                    />
                                                )}
                                            </td>
                                        );
                                    })}
                                </tr>
                            ))}
                        </tbody>
                    </table>
                    <p className="hint small">{t('channels.pushHint')}</p>
                    <button type="submit">{t('channels.save')}</button>
                    {saved && <Status>{t('channels.saved')}</Status>}
                </form>
            )}
        </section>
    );
}

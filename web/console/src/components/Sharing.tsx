// Who a project is shared with (GET /api/v1/projects/{id}/members): the owner shares by email as viewer or
// editor, changes a role or removes someone; a member sees the others and may leave.

import { useState } from 'react';

import { useApp } from '../state';
import { Badge, ErrorNote, Status } from './common';
import { useLoad } from './hooks';
import { ApiError } from '../lib/api';
import type { Member, Project } from '../lib/types';

export function Sharing({ project, onLeft }: { project: Project; onLeft: () => void }) {
    const { api, t, user } = useApp();
    const [tick, setTick] = useState(0);
    const members = useLoad(
        () => api.json<{ items: Member[] }>(`/api/v1/projects/${project.id}/members`, { auth: 'required' }),
        `${project.id}:${tick}`,
    );
    const [email, setEmail] = useState('');
    const [role, setRole] = useState<'viewer' | 'editor'>('viewer');
    const [error, setError] = useState<unknown>(null);
    const [fieldError, setFieldError] = useState<string | null>(null);
    const [done, setDone] = useState<string | null>(null);
    const owner = project.role === 'owner';

    const share = async (to: string, as: 'viewer' | 'editor') => {
        setError(null);
        setFieldError(null);
        setDone(null);
        try {
            const m = await api.json<Member>(`/api/v1/projects/${project.id}/members`, { method: 'POST', body: { email: to, role: as }, auth: 'required' });
            setDone(t('sharing.shared', { name: m.display_name || to, role: t(`sharing.role.${m.role}`) }));
            setEmail('');
            setTick((n) => n + 1);
        } catch (e) {
            if (e instanceof ApiError && e.fieldErrors.length > 0) setFieldError(e.fieldErrors[0].reason);
            setError(e);
        }
    };
    const remove = async (m: Member) => {
        const self = m.user_id === user?.id;
        if (!window.confirm(self ? t('sharing.confirmLeave', { title: project.title }) : t('sharing.confirmRemove', { name: m.display_name || m.user_id }))) return;
        setError(null);
        try {
            await api.json(`/api/v1/projects/${project.id}/members/${m.user_id}`, { method: 'DELETE', auth: 'required' });
            if (self) onLeft();
            else setTick((n) => n + 1);
        } catch (e) {
            setError(e);
        }
    };

    return (
        <section className="card" aria-labelledby="sharing-title">
            <h2 id="sharing-title">{t('sharing.title')}</h2>
            <p className="muted small">{t('sharing.roles')}</p>
            <ErrorNote error={members.error} />
            {members.data && (
                <ul className="member-list">
                    {members.data.items.map((m) => (
                        <li key={m.user_id}>
                            <span>{m.display_name || (m.user_id === user?.id ? t('sharing.you') : m.user_id.slice(0, 8))}</span>{' '}
                            <Badge kind={m.role === 'owner' ? 'info' : 'neutral'}>{t(`sharing.role.${m.role}`)}</Badge>
                            {m.user_id === user?.id && m.role !== 'owner' && <span className="muted small"> ({t('sharing.you')})</span>}
                            {(owner || m.user_id === user?.id) && m.role !== 'owner' && (
                                <button type="button" className="link-button" onClick={() => remove(m)}>
                                    {m.user_id === user?.id ? t('sharing.leave') : t('sharing.remove')}
                                </button>
                            )}
                        </li>
                    ))}
                </ul>
            )}
            {owner && (
                <form
                    className="share-form"
                    onSubmit={(e) => {
                        e.preventDefault();
                        if (email.trim()) share(email.trim(), role);
                    }}
                >
                    <label htmlFor="share-email">{t('sharing.email')}</label>
                    <input
                        id="share-email"
                        type="email"
                        required
                        value={email}
                        onChange={(e) => setEmail(e.target.value)}
                        aria-invalid={fieldError ? true : undefined}
                        aria-describedby={fieldError ? 'share-email-error' : undefined}
                    />
                    {fieldError && (
                        <p id="share-email-error" className="field-error">
                            {fieldError}
                        </p>
                    )}
                    <label htmlFor="share-role">{t('sharing.roleLabel')}</label>
                    <select id="share-role" value={role} onChange={(e) => setRole(e.target.value as 'viewer' | 'editor')}>
                        <option value="viewer">{t('sharing.role.viewer')}</option>
                        <option value="editor">{t('sharing.role.editor')}</option>
                    </select>
                    <button type="submit" className="secondary">
                        {t('sharing.share')}
                    </button>
                </form>
            )}
            {done && <Status>{done}</Status>}
            <ErrorNote error={error} />
        </section>
    );
}

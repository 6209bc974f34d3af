// Editing a project's specification together (/projects/<id>/edit): the project's collaborative document
// (docs/collaboration.md) through the stock Yjs WebSocket provider, in a plain text area kept in step with the
// shared Y.Text; who else is here (awareness); saving makes the text the project's specification. Viewers follow
// read-only.

import { useEffect, useRef, useState } from 'react';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

import { useApp } from '../state';
import { ErrorNote, Link, PageTitle, Status } from '../components/common';
import { useLoad } from '../components/hooks';
import { ApiError } from '../lib/api';
import { diffText, moveThrough, type Delta } from '../lib/textsync';
import type { FieldError, Project } from '../lib/types';

type Connection = 'connecting' | 'connected' | 'disconnected';

export function CollabPage({ id }: { id: string }) {
    const { api, t, user } = useApp();
    const loaded = useLoad(() => api.json<Project>(`/api/v1/projects/${id}`, { auth: 'required' }), id);
    const project = loaded.data;
    const area = useRef<HTMLTextAreaElement>(null);
    const textRef = useRef<Y.Text | null>(null);
    const [connection, setConnection] = useState<Connection>('connecting');
    const [peers, setPeers] = useState<string[]>([]);
    const [error, setError] = useState<unknown>(null);
    const [fieldErrors, setFieldErrors] = useState<FieldError[]>([]);
    const [saved, setSaved] = useState<string | null>(null);
    const [busy, setBusy] = useState(false);
    const readOnly = project ? project.role === 'viewer' || project.role === 'admin' : true;
    const ready = project !== null;
    const name = user?.display_name || user?.email || '?';

    useEffect(() => {
        if (!ready) return;
        const doc = new Y.Doc();
        const text = doc.getText('spec');
        textRef.current = text;
        let provider: WebsocketProvider | null = null;
        let stopped = false;
        const ticket = async () => (await api.json<{ ticket: string }>('/api/v1/auth/ticket', { method: 'POST', auth: 'required' })).ticket;
        text.observe((event, tr) => {
            const el = area.current;
            if (!el || tr.local) return;
            const delta = event.delta as Delta;
            const start = moveThrough(el.selectionStart, delta);
            const end = moveThrough(el.selectionEnd, delta);
            el.value = text.toString();
            if (document.activeElement === el) el.setSelectionRange(start, end);
        });
        ticket()
            .then((first) => {
                if (stopped) return;
                const base = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/api/v1/collab`;
                const p = new WebsocketProvider(base, id, doc, { params: { ticket: first }, disableBc: true });
                provider = p;
                p.awareness.setLocalStateField('user', { name });
                p.on('status', (e: { status: Connection }) => setConnection(e.status));
                // A reconnection needs a fresh ticket (each lives a minute): fetch one as the connection drops.
                p.on('connection-close', () => {
                    ticket()
                        .then((next) => {
                            p.params = { ticket: next };
                        })
                        .catch(() => {});
                });
                p.on('sync', (synced: boolean) => {
                    if (synced && area.current) area.current.value = text.toString();
                });
                const onAwareness = () =>
                    setPeers(
                        [...p.awareness.getStates().entries()]
                            .filter(([client]) => client !== doc.clientID)
                            .map(([, state]) => String((state as { user?: { name?: string } }).user?.name ?? '?')),
                    );
                p.awareness.on('change', onAwareness);
            })
            .catch(setError);
        return () => {
            stopped = true;
            provider?.destroy();
            doc.destroy();
            textRef.current = null;
        };
    }, [ready, id, api, name]);

    const onInput = () => {
        const el = area.current;
        const text = textRef.current;
        if (!el || !text || readOnly) return;
        const edit = diffText(text.toString(), el.value);
        if (!edit) return;
        text.doc?.transact(() => {
            if (edit.remove > 0) text.delete(edit.at, edit.remove);
            if (edit.insert) text.insert(edit.at, edit.insert);
        });
        setSaved(null);
    };

    const save = async () => {
        setBusy(true);
        setError(null);
        setFieldErrors([]);
        setSaved(null);
        try {
            const next = await api.json<{ version: number }>(`/api/v1/projects/${id}/collab/save`, { method: 'POST', auth: 'required' });
            setSaved(t('collab.saved', { version: next.version }));
        } catch (e) {
            if (e instanceof ApiError) setFieldErrors(e.fieldErrors);
            setError(e);
        } finally {
            setBusy(false);
        }
    };

    if (loaded.loading && !project) return <Status>{t('common.loading')}</Status>;
    if (loaded.error || !project) {
        return (
            <div className="page">
                <PageTitle title={t('project.notFound')}>{t('project.notFound')}</PageTitle>
                <ErrorNote error={loaded.error} />
            </div>
        );
    }
    return (
        <div className="page collab">
            <nav aria-label={t('common.breadcrumb')} className="breadcrumb">
                <Link to="/projects">{t('nav.projects')}</Link> <span aria-hidden="true">/</span> <Link to={`/projects/${id}`}>{project.title}</Link>{' '}
                <span aria-hidden="true">/</span> <span>{t('collab.title')}</span>
            </nav>
            <PageTitle title={`${t('collab.title')} — ${project.title}`}>{t('collab.title')}</PageTitle>
            <p className="muted small" id="collab-help">
                {readOnly ? t('collab.readOnly') : t('collab.help')}
            </p>
            <p data-connection={connection} className="small">
                {t(`collab.${connection}`)} · {peers.length === 0 ? t('collab.alone') : t('collab.with', { names: peers.join(', ') })}
            </p>
            <label htmlFor="collab-text" className="visually-hidden">
                {t('collab.title')}
            </label>
            <textarea
                id="collab-text"
                ref={area}
                className="collab-text"
                spellCheck={false}
                rows={28}
                readOnly={readOnly}
                aria-describedby="collab-help"
                onInput={onInput}
                dir="ltr"
            />
            {!readOnly && (
                <div className="actions">
                    <button type="button" className="primary" onClick={save} disabled={busy}>
                        {t('collab.save')}
                    </button>
                </div>
            )}
            {fieldErrors.length > 0 && (
                <ul className="field-errors">
                    {fieldErrors.map((f) => (
                        <li key={f.field}>
                            <code>{f.field}</code>: {f.reason}
                        </li>
                    ))}
                </ul>
            )}
            {saved && <Status>{saved}</Status>}
            <ErrorNote error={error} />
        </div>
    );
}

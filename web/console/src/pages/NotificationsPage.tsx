// The signed-in user's notifications, newest first: what finished or failed, each leading to its page; read
// state (one, or all), unread only, delete; the list follows the user's channel live.

import { useState } from 'react';

import { useApp } from '../state';
import { Badge, ErrorNote, Link, PageTitle, Pager, Status } from '../components/common';
import { useCursorPages, useLive } from '../components/hooks';
import { query } from '../lib/api';
import { formatDate } from '../lib/format';
import type { Notification, NotificationPage } from '../lib/types';

const kPageSize = 20;
const kEvents = ['notification.created', 'notification.read', 'notification.deleted'];

export function NotificationsPage() {
    const { api, t, lang, user } = useApp();
    const [unreadOnly, setUnreadOnly] = useState(false);
    const [tick, setTick] = useState(0);
    const [error, setError] = useState<unknown>(null);
    const pages = useCursorPages<Notification>(
        (cursor) => api.json<NotificationPage>(`/api/v1/notifications${query({ limit: kPageSize, cursor, unread: unreadOnly ? 'true' : undefined })}`, { auth: 'required' }),
        `${unreadOnly}\u0000${tick}`,
    );
    useLive(api, user ? [`user:${user.id}`] : [], kEvents, () => pages.reload(), !!user);
    const act = async (call: () => Promise<unknown>) => {
        setError(null);
        try {
            await call();
            setTick((n) => n + 1);
        } catch (e) {
            setError(e);
        }
    };
    const data = pages.data as NotificationPage | null;
    const items = data?.items ?? [];
    const unread = data?.unread ?? 0;
    return (
        <div className="page notifications">
            <PageTitle title={t('notifications.title')}>{t('notifications.title')}</PageTitle>
            <div className="toolbar">
                <p className="muted" role="status" id="unread-count">
                    {t('notifications.unread', { n: unread })}
                </p>
                <label className="inline">
                    <input type="checkbox" checked={unreadOnly} onChange={(e) => setUnreadOnly(e.target.checked)} /> {t('notifications.unreadOnly')}
                </label>{' '}
                <button type="button" className="secondary" disabled={unread === 0} onClick={() => act(() => api.json('/api/v1/notifications/read-all', { method: 'POST', auth: 'required' }))}>
                    {t('notifications.readAll')}
                </button>
            </div>
            <ErrorNote error={error ?? pages.error} />
            {pages.loading && !data && <Status>{t('common.loading')}</Status>}
            {data && items.length === 0 && <p className="muted">{t('notifications.none')}</p>}
            {items.length > 0 && (
                <ul className="notification-list">
                    {items.map((n) => (
                        <li key={n.id} className={`notification ${n.read ? 'read' : 'unread'}`} data-kind={n.kind}>
                            <h2>
                                <Link to={n.link}>{n.title}</Link>
                                {!n.read && (
                                    <>
                                        {' '}
                                        <Badge kind="info">{t('notifications.new')}</Badge>
                                    </>
                                )}
                            </h2>
                            <p className="notification-body">{n.body}</p>
                            <p className="muted small">
                                {formatDate(n.created_at, lang)}{' '}
                                {!n.read && (
                                    <button
                                        type="button"
                                        className="link-button"
                                        aria-label={`${t('notifications.markRead')}: ${n.title}`}
                                        onClick={() => act(() => api.json(`/api/v1/notifications/${n.id}/read`, { method: 'POST', auth: 'required' }))}
                                    >
                                        {t('notifications.markRead')}
                                    </button>
                                )}{' '}
                                <button
                                    type="button"
                                    className="link-button"
                                    aria-label={`${t('notifications.delete')}: ${n.title}`}
                                    onClick={() => act(() => api.response(`/api/v1/notifications/${n.id}`, { method: 'DELETE', auth: 'required' }))}
                                >
                                    {t('notifications.delete')}
                                </button>
                            </p>
                        </li>
                    ))}
                </ul>
            )}
            <Pager label={t('notifications.pages')} hasPrevious={pages.hasPrevious} hasNext={pages.hasNext} onPrevious={pages.previous} onNext={pages.next} />
        </div>
    );
}

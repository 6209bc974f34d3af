import { useEffect, useState, useSyncExternalStore } from 'react';
import { ErrorMessage } from '../components/ErrorMessage';
import { useI18n } from '../i18n/I18nContext';
import { bellLabel, describeNotification, isUnread, notifications } from './notifications';

const getState = () => notifications.state;

/** The bell of the top bar: the unread count, and the latest notifications when opened. */
export function NotificationBell() {
  const { t } = useI18n();
  const state = useSyncExternalStore(notifications.subscribe, getState, getState);
  const [open, setOpen] = useState(false);

  useEffect(() => {
    void notifications.refresh();
  }, []);

  function toggle() {
    if (!open) void notifications.refresh();
    setOpen(!open);
  }

  const label = bellLabel(state.unread, t);
  return (
    <div className="notifications">
      <button
        type="button"
        className="bell"
        aria-label={label}
        aria-expanded={open}
        aria-controls="notification-panel"
        onClick={toggle}
      >
        <svg aria-hidden="true" viewBox="0 0 24 24" width="20" height="20">
          <path d="M12 22a2.5 2.5 0 0 0 2.5-2.5h-5A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.8V3.5a1.5 1.5 0 0 0-3 0v.7A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z" />
        </svg>
        {state.unread > 0 ? (
          <span className="badge" aria-hidden="true">
            {state.unread}
          </span>
        ) : null}
      </button>
      {open ? (
        <section id="notification-panel" className="notification-panel" aria-label={t('notifications.title')}>
          <div className="notification-header">
            <h2>{t('notifications.title')}</h2>
            {state.unread > 0 ? (
              <button type="button" className="link" onClick={() => void notifications.markAllRead()}>
                {t('notifications.markAllRead')}
              </button>
            ) : null}
          </div>
          <ErrorMessage error={state.error} />
          {state.items.length === 0 ? (
            <p>{t('notifications.empty')}</p>
          ) : (
            <ul>
              {state.items.map((notification) => (
                <li key={notification.id} className={isUnread(notification) ? 'unread' : undefined}>
                  <span>{describeNotification(notification, t)}</span>
                  {isUnread(notification) ? (
                    <button type="button" className="link" onClick={() => void notifications.markRead(notification.id)}>
                      {t('notifications.markRead')}
                    </button>
                  ) : null}
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}
    </div>
  );
}

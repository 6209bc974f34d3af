// The frame of every page: a skip link, the header with the navigation, the language switcher and the account,
// the page in <main>, a footer.

import { useEffect, useState, type ReactNode } from 'react';

import { useApp } from '../state';
import { kLanguageNames, kLanguages, isLang } from '../lib/i18n';
import { Link } from './common';
import { useLive } from './hooks';

/// The signed-in user's unread notifications: loaded once, then kept by the events of their channel.
function useUnread(): number {
    const { api, user } = useApp();
    const [unread, setUnread] = useState(0);
    useEffect(() => {
        if (!user) return;
        let live = true;
        api.json<{ unread: number }>('/api/v1/notifications/unread-count', { auth: 'required' })
            .then((r) => live && setUnread(r.unread))
            .catch(() => {});
        return () => {
            live = false;
        };
    }, [api, user]);
    useLive(
        api,
        user ? [`user:${user.id}`] : [],
        ['notification.created', 'notification.read', 'notification.deleted'],
        (e) => {
            const n = (e.data as { unread?: unknown } | null)?.unread;
            if (typeof n === 'number') setUnread(n);
        },
        !!user,
    );
    return user ? unread : 0;
}

export function LanguageSwitcher() {
    const { lang, setLang, t } = useApp();
    return (
        <div className="lang-switcher">
            <label htmlFor="lang-select">{t('nav.language')}</label>
            <select
                id="lang-select"
                value={lang}
                onChange={(e) => {
                    if (isLang(e.target.value)) setLang(e.target.value);
                }}
            >
                {kLanguages.map((l) => (
                    <option key={l} value={l} lang={l}>
                        {kLanguageNames[l]}
                    </option>
                ))}
            </select>
        </div>
    );
}

export function Layout({ children }: { children: ReactNode }) {
    const { t, user, session, navigate, location } = useApp();
    const unread = useUnread();
    const here = location.pathname;
    const current = (prefix: string) => (prefix === '/' ? here === '/' || here === '/new' : here === prefix || here.startsWith(`${prefix}/`));
    const item = (to: string, label: string, match = to) => (
        <li>
            <Link to={to} aria-current={current(match) ? 'page' : undefined}>
                {label}
            </Link>
        </li>
    );
    const returnTo = encodeURIComponent(here + location.search);
    return (
        <>
            <a className="skip-link" href="#main">
                {t('nav.skip')}
            </a>
            <header className="site-header">
                <div className="brand">
                    <Link to="/" className="brand-link">
                        <span className="brand-mark" aria-hidden="true">
                            D
                        </span>
                        <span>Dihya</span>
                    </Link>
                </div>
                <nav aria-label={t('nav.main')} className="main-nav">
                    <ul>
                        {item('/', t('nav.new'))}
                        {user && item('/projects', t('nav.projects'))}
                        {user?.role === 'admin' && item('/admin/users', t('nav.admin'), '/admin')}
                        <li>
                            <a href="/docs">{t('nav.apiDocs')}</a>
                        </li>
                    </ul>
                </nav>
                <div className="header-tools">
                    <LanguageSwitcher />
                    {user ? (
                        <nav aria-label={t('nav.account')} className="account-nav">
                            <ul>
                                {item('/notifications', unread > 0 ? t('nav.notificationsN', { n: unread }) : t('nav.notifications'))}
                                {item('/settings/profile', user.display_name || user.email, '/settings')}
                                <li>
                                    <button
                                        type="button"
                                        className="link-button"
                                        onClick={async () => {
                                            await session.signOut();
                                            navigate('/sign-in');
                                        }}
                                    >
                                        {t('nav.signOut')}
                                    </button>
                                </li>
                            </ul>
                        </nav>
                    ) : (
                        <nav aria-label={t('nav.account')} className="account-nav">
                            <ul>
                                {item(`/sign-in?return_to=${returnTo}`, t('nav.signIn'), '/sign-in')}
                                {item('/sign-up', t('nav.signUp'))}
                            </ul>
                        </nav>
                    )}
                </div>
            </header>
            <main id="main" tabIndex={-1}>
                {children}
            </main>
            <footer className="site-footer">
                <p>
                    {t('footer.text')} · <a href="/docs">{t('nav.apiDocs')}</a> · <a href="/api/v1/openapi.json">OpenAPI</a>
                </p>
            </footer>
        </>
    );
}

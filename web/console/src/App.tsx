// The pages by address; pages that need an account send guests to the sign-in page, and back after it.

import { lazy, Suspense, useEffect } from 'react';

import { useApp } from './state';
import { Link, PageTitle, Status } from './components/common';
import { Layout } from './components/Layout';
import { parseRoute, needsSignIn } from './lib/routes';
import { ForgotPassword, SignIn, SignUp, SignedIn } from './pages/AuthPages';
import { NewProject } from './pages/NewProject';
import { ProjectPage } from './pages/ProjectPage';
import { ProjectsPage } from './pages/ProjectsPage';

// Loaded when first opened (their own files under /assets): the file browser with highlight.js, marked and
// DOMPurify; the account and administration pages.
const CollabPage = lazy(() => import('./pages/CollabPage').then((m) => ({ default: m.CollabPage })));
const GenerationPage = lazy(() => import('./pages/GenerationPage').then((m) => ({ default: m.GenerationPage })));
const SettingsPage = lazy(() => import('./pages/SettingsPages').then((m) => ({ default: m.SettingsPage })));
const NotificationsPage = lazy(() => import('./pages/NotificationsPage').then((m) => ({ default: m.NotificationsPage })));
const AdminPage = lazy(() => import('./pages/AdminPages').then((m) => ({ default: m.AdminPage })));

function NotFound() {
    const { t } = useApp();
    return (
        <div className="page">
            <PageTitle title={t('notFound.title')}>{t('notFound.title')}</PageTitle>
            <p>{t('notFound.lead')}</p>
            <p>
                <Link to="/">{t('nav.new')}</Link>
            </p>
        </div>
    );
}

export function App() {
    const { location, user, userLoading, navigate, t } = useApp();
    const route = parseRoute(location.pathname);
    const guarded = needsSignIn(route);

    useEffect(() => {
        if (guarded && !userLoading && !user) {
            navigate(`/sign-in?return_to=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
        }
    }, [guarded, userLoading, user, navigate, location.pathname, location.search]);

    let page;
    if (guarded && (userLoading || !user)) page = <Status>{t('common.loading')}</Status>;
    else {
        switch (route.page) {
            case 'new':
                page = <NewProject />;
                break;
            case 'projects':
                page = <ProjectsPage />;
                break;
            case 'project':
                page = <ProjectPage key={route.id} id={route.id} />;
                break;
            case 'collab':
                page = <CollabPage key={route.id} id={route.id} />;
                break;
            case 'generation':
                page = <GenerationPage key={route.gid} id={route.id} gid={route.gid} />;
                break;
            case 'notifications':
                page = <NotificationsPage />;
                break;
            case 'sign-in':
                page = <SignIn />;
                break;
            case 'sign-up':
                page = <SignUp />;
                break;
            case 'forgot-password':
                page = <ForgotPassword />;
                break;
            case 'signed-in':
                page = <SignedIn />;
                break;
            case 'settings':
                page = <SettingsPage key={route.section} section={route.section} />;
                break;
            case 'admin':
                page = <AdminPage key={route.section} section={route.section} />;
                break;
            default:
                page = <NotFound />;
        }
    }
    return (
        <Layout>
            <Suspense fallback={<Status>{t('common.loading')}</Status>}>{page}</Suspense>
        </Layout>
    );
}

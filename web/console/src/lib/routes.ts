// The console's pages. The server answers index.html for any path that is not its own (and has no dot in its
// last segment), so these are ordinary paths: /projects/<id>, /admin/audit, ...

export type Route =
    | { page: 'new' }
    | { page: 'projects' }
    | { page: 'project'; id: string }
    | { page: 'collab'; id: string }
    | { page: 'generation'; id: string; gid: string }
    | { page: 'notifications' }
    | { page: 'sign-in' }
    | { page: 'sign-up' }
    | { page: 'forgot-password' }
    | { page: 'signed-in' }
    | { page: 'settings'; section: 'profile' | 'security' | 'api-keys' | 'notifications' | 'privacy' }
    | { page: 'admin'; section: 'users' | 'audit' | 'health' }
    | { page: 'not-found' };

const kSettings = ['profile', 'security', 'api-keys', 'notifications', 'privacy'] as const;
const kAdmin = ['users', 'audit', 'health'] as const;

export function parseRoute(pathname: string): Route {
    const parts = pathname.split('/').filter(Boolean).map((p) => {
        try {
            return decodeURIComponent(p);
        } catch {
            return p;
        }
    });
    const [a, b, c, d] = parts;
    if (parts.length === 0 || (a === 'new' && parts.length === 1)) return { page: 'new' };
    if (a === 'projects') {
        if (parts.length === 1) return { page: 'projects' };
        if (parts.length === 2) return { page: 'project', id: b };
        if (parts.length === 3 && c === 'edit') return { page: 'collab', id: b };
        if (parts.length === 4 && c === 'generations') return { page: 'generation', id: b, gid: d };
    }
    if (parts.length === 1 && a === 'notifications') return { page: 'notifications' };
    if (parts.length === 1 && (a === 'sign-in' || a === 'sign-up' || a === 'forgot-password' || a === 'signed-in')) return { page: a };
    if (a === 'settings' && parts.length <= 2) {
        const section = (b ?? 'profile') as (typeof kSettings)[number];
        if (kSettings.includes(section)) return { page: 'settings', section };
    }
    if (a === 'admin' && parts.length <= 2) {
        const section = (b ?? 'users') as (typeof kAdmin)[number];
        if (kAdmin.includes(section)) return { page: 'admin', section };
    }
    return { page: 'not-found' };
}

/// Pages that need a signed-in user (others send guests to the sign-in page and back).
export function needsSignIn(route: Route): boolean {
    return ['projects', 'project', 'collab', 'generation', 'notifications', 'settings', 'admin'].includes(route.page);
}

/// A same-site path to come back to after signing in (never another origin, never the sign-in pages).
export function safeReturnPath(value: string | null | undefined): string {
    if (!value || !value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return '/';
    if (/^\/(sign-in|sign-up|signed-in)(\/|\?|$)/.test(value)) return '/';
    return value;
}

// Signing in (password, and the OAuth / OpenID Connect providers the server reports), signing up with consent,
// asking for a password reset link, and the page OAuth sign-ins come back to (tokens in the URL fragment, which
// browsers never send to servers; it is removed from the address at once).

import { useEffect, useRef, useState, type FormEvent } from 'react';

import { useApp } from '../state';
import { ErrorNote, FieldErrors, Link, PageTitle, Status } from '../components/common';
import { useLoad } from '../components/hooks';
import { ApiError } from '../lib/api';
import { errorsAt } from '../lib/errors';
import { safeReturnPath } from '../lib/routes';
import type { FieldError, Provider, Tokens } from '../lib/types';

const kOauthReturn = 'dihya.oauth-return';
const kOauthKeep = 'dihya.oauth-keep';

/// The privacy policy version registrations consent to. The catalog is where the API documents it; until the
/// server publishes it there, the console uses the server's default ("1") and shows the server's refusal if the
/// installation changed it.
export function policyVersion(catalog: { privacy?: { policy_version?: string } } | null): string {
    return catalog?.privacy?.policy_version ?? '1';
}

function Providers({ keep }: { keep: boolean }) {
    const { api, t, location } = useApp();
    const providers = useLoad(() => api.json<{ items: Provider[] }>('/api/v1/auth/providers', { auth: 'none' }), 'providers');
    const items = providers.data?.items ?? [];
    if (items.length === 0) return null;
    const back = safeReturnPath(new URLSearchParams(location.search).get('return_to'));
    return (
        <section className="providers" aria-labelledby="providers-title">
            <h2 id="providers-title">{t('signIn.with')}</h2>
            <ul>
                {items.map((p) => {
                    const url = new URL(p.start_url, window.location.origin);
                    url.searchParams.set('return_to', '/signed-in');
                    return (
                        <li key={p.name}>
                            <a
                                className={`button secondary provider provider-${p.kind}`}
                                href={url.pathname + url.search}
                                onClick={() => {
                                    try {
                                        sessionStorage.setItem(kOauthReturn, back);
                                        sessionStorage.setItem(kOauthKeep, keep ? '1' : '');
                                    } catch {
                                        // comes back to the start page
                                    }
                                }}
                            >
                                {t('signIn.withProvider', { provider: p.title })}
                            </a>
                        </li>
                    );
                })}
            </ul>
        </section>
    );
}

export function SignIn() {
    const { api, t, session, reloadUser, navigate, location } = useApp();
    const params = new URLSearchParams(location.search);
    const [email, setEmail] = useState(params.get('email') ?? '');
    const [password, setPassword] = useState('');
    const [keep, setKeep] = useState(false);
    const [error, setError] = useState<unknown>(null);
    const [busy, setBusy] = useState(false);
    const submit = async (e: FormEvent) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
            const tokens = await api.json<Tokens>('/api/v1/auth/login', { body: { email: email.trim(), password }, auth: 'none' });
            session.setTokens(tokens, keep);
            await reloadUser();
            navigate(safeReturnPath(params.get('return_to')));
        } catch (err) {
            if (err instanceof ApiError && err.status === 401) setError(new Error(t('signIn.wrong')));
            else setError(err);
        } finally {
            setBusy(false);
        }
    };
    return (
        <div className="page narrow">
            <PageTitle title={t('signIn.title')}>{t('signIn.title')}</PageTitle>
            {params.get('registered') && <p className="note ok">{t('signUp.done')}</p>}
            <form onSubmit={submit} className="card" noValidate>
                <div className="form-row">
                    <label htmlFor="signin-email">{t('auth.email')}</label>
                    <input id="signin-email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} dir="ltr" />
                </div>
                <div className="form-row">
                    <label htmlFor="signin-password">{t('auth.password')}</label>
                    <input id="signin-password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} dir="ltr" />
                </div>
                <div className="form-row">
                    <label className="inline">
                        <input type="checkbox" checked={keep} onChange={(e) => setKeep(e.target.checked)} aria-describedby="keep-hint" /> {t('signIn.keep')}
                    </label>
                    <p id="keep-hint" className="hint small">
                        {t('signIn.keepHint')}
                    </p>
                </div>
                <div className="actions">
                    <button type="submit" className="primary" disabled={busy}>
                        {busy ? t('signIn.busy') : t('signIn.submit')}
                    </button>
                </div>
                <ErrorNote error={error} />
            </form>
            <Providers keep={keep} />
            <p>
                <Link to="/forgot-password">{t('signIn.forgot')}</Link> · <Link to="/sign-up">{t('signIn.noAccount')}</Link>
            </p>
        </div>
    );
}

export function SignUp() {
    const { api, t, lang, catalog, navigate } = useApp();
    const [email, setEmail] = useState('');
    const [name, setName] = useState('');
    const [password, setPassword] = useState('');
    const [again, setAgain] = useState('');
    const [terms, setTerms] = useState(false);
    const [privacy, setPrivacy] = useState(false);
    const [errors, setErrors] = useState<FieldError[]>([]);
    const [error, setError] = useState<unknown>(null);
    const [busy, setBusy] = useState(false);
    const version = policyVersion(catalog);
    const submit = async (e: FormEvent) => {
        e.preventDefault();
        const local: FieldError[] = [];
        if (!email.includes('@')) local.push({ field: 'email', reason: 'email' });
        if (password.length === 0) local.push({ field: 'password', reason: 'empty' });
        if (password !== again) local.push({ field: 'again', reason: 'mismatch' });
        if (!terms || !privacy) local.push({ field: 'consent', reason: 'consent' });
        setErrors(local);
        if (local.length > 0) return;
        setBusy(true);
        setError(null);
        try {
            await api.json('/api/v1/auth/register', {
                body: { email: email.trim(), password, ...(name.trim() ? { display_name: name.trim() } : {}), locale: lang, consent: { policy_version: version, accepted: ['terms', 'privacy'] } },
                auth: 'none',
            });
            navigate(`/sign-in?registered=1&email=${encodeURIComponent(email.trim())}`);
        } catch (err) {
            if (err instanceof ApiError) setErrors(err.fieldErrors);
            setError(err);
        } finally {
            setBusy(false);
        }
    };
    const invalid = (f: string) => (errorsAt(errors, f, true).length > 0 ? { 'aria-invalid': true as const, 'aria-describedby': `${f}-errors` } : {});
    const consentErrors = errors.filter((x) => x.field.startsWith('consent'));
    return (
        <div className="page narrow">
            <PageTitle title={t('signUp.title')}>{t('signUp.title')}</PageTitle>
            <form onSubmit={submit} className="card" noValidate>
                <div className="form-row">
                    <label htmlFor="email">{t('auth.email')}</label>
                    <input id="email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} dir="ltr" {...invalid('email')} />
                    <FieldErrors errors={errorsAt(errors, 'email')} id="email-errors" />
                </div>
                <div className="form-row">
                    <label htmlFor="display_name">{t('auth.displayName')}</label>
                    <input id="display_name" type="text" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} maxLength={200} {...invalid('display_name')} />
                    <FieldErrors errors={errorsAt(errors, 'display_name')} id="display_name-errors" />
                </div>
                <div className="form-row">
                    <label htmlFor="password">{t('auth.password')}</label>
                    <input id="password" type="password" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.target.value)} dir="ltr" aria-describedby="password-hint" {...invalid('password')} />
                    <p id="password-hint" className="hint small">
                        {t('auth.passwordRule')}
                    </p>
                    <FieldErrors errors={errorsAt(errors, 'password')} id="password-errors" />
                </div>
                <div className="form-row">
                    <label htmlFor="again">{t('auth.passwordAgain')}</label>
                    <input id="again" type="password" autoComplete="new-password" required value={again} onChange={(e) => setAgain(e.target.value)} dir="ltr" {...invalid('again')} />
                    <FieldErrors errors={errorsAt(errors, 'again')} id="again-errors" />
                </div>
                <fieldset className="form-row consent">
                    <legend>{t('signUp.consent')}</legend>
                    <label className="inline">
                        <input type="checkbox" checked={terms} onChange={(e) => setTerms(e.target.checked)} /> {t('signUp.terms')}
                    </label>
                    <label className="inline">
                        <input type="checkbox" checked={privacy} onChange={(e) => setPrivacy(e.target.checked)} /> {t('signUp.privacy', { version })}
                    </label>
                    <p className="hint small">{t('signUp.privacyHint')}</p>
                    <FieldErrors errors={consentErrors} id="consent-errors" />
                </fieldset>
                <div className="actions">
                    <button type="submit" className="primary" disabled={busy}>
                        {busy ? t('signUp.busy') : t('signUp.submit')}
                    </button>
                </div>
                <ErrorNote error={error} />
            </form>
            <p>
                <Link to="/sign-in">{t('signUp.haveAccount')}</Link>
            </p>
        </div>
    );
}

export function ForgotPassword() {
    const { api, t } = useApp();
    const [email, setEmail] = useState('');
    const [done, setDone] = useState(false);
    const [error, setError] = useState<unknown>(null);
    const [busy, setBusy] = useState(false);
    const submit = async (e: FormEvent) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
            await api.json('/api/v1/auth/password-reset', { body: { email: email.trim() }, auth: 'none' });
            setDone(true);
        } catch (err) {
            setError(err);
        } finally {
            setBusy(false);
        }
    };
    return (
        <div className="page narrow">
            <PageTitle title={t('forgot.title')}>{t('forgot.title')}</PageTitle>
            <p>{t('forgot.lead')}</p>
            <form onSubmit={submit} className="card">
                <div className="form-row">
                    <label htmlFor="forgot-email">{t('auth.email')}</label>
                    <input id="forgot-email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} dir="ltr" />
                </div>
                <div className="actions">
                    <button type="submit" className="primary" disabled={busy}>
                        {t('forgot.submit')}
                    </button>
                </div>
                {done && <Status className="ok">{t('forgot.done')}</Status>}
                <ErrorNote error={error} />
            </form>
            <p>
                <Link to="/sign-in">{t('nav.signIn')}</Link>
            </p>
        </div>
    );
}

/// Reads an OAuth callback's fragment: the tokens, a link, or an error.
export function parseOAuthFragment(hash: string): { tokens: Tokens } | { linked: string } | { error: string; description: string } | null {
    const p = new URLSearchParams(hash.replace(/^#/, ''));
    if (p.get('access_token') && p.get('refresh_token')) {
        return {
            tokens: {
                access_token: p.get('access_token')!,
                refresh_token: p.get('refresh_token')!,
                token_type: p.get('token_type') ?? 'Bearer',
                expires_in: Number(p.get('expires_in') ?? '0') || 0,
                refresh_expires_in: Number(p.get('refresh_expires_in') ?? '0') || undefined,
            },
        };
    }
    if (p.get('linked')) return { linked: p.get('linked')! };
    if (p.get('error')) return { error: p.get('error')!, description: p.get('error_description') ?? '' };
    return null;
}

export function SignedIn() {
    const { t, session, reloadUser, navigate } = useApp();
    const [message, setMessage] = useState<string | null>(null);
    const done = useRef(false);
    useEffect(() => {
        if (done.current) return;
        done.current = true;
        const result = parseOAuthFragment(window.location.hash);
        // The tokens leave the address bar (and the history) at once.
        window.history.replaceState(null, '', '/signed-in');
        let back = '/';
        let keep = false;
        try {
            back = safeReturnPath(sessionStorage.getItem(kOauthReturn));
            keep = sessionStorage.getItem(kOauthKeep) === '1';
            sessionStorage.removeItem(kOauthReturn);
            sessionStorage.removeItem(kOauthKeep);
        } catch {
            // defaults
        }
        if (result && 'tokens' in result) {
            session.setTokens(result.tokens, keep);
            void reloadUser().then(() => navigate(back, { replace: true }));
        } else if (result && 'linked' in result) {
            navigate('/settings/security?linked=' + encodeURIComponent(result.linked), { replace: true });
        } else if (result && 'error' in result) {
            setMessage(result.description || result.error);
        } else {
            setMessage(t('signedIn.nothing'));
        }
    }, [navigate, reloadUser, session, t]);
    return (
        <div className="page narrow">
            <PageTitle title={t('signedIn.title')}>{t('signedIn.title')}</PageTitle>
            {message ? (
                <>
                    <div className="note error" role="alert">
                        <p>{message}</p>
                    </div>
                    <p>
                        <Link to="/sign-in">{t('nav.signIn')}</Link>
                    </p>
                </>
            ) : (
                <Status>{t('common.loading')}</Status>
            )}
        </div>
    );
}

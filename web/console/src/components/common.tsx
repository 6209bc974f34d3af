// Small building blocks shared by the pages.

import { useEffect, useRef, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from 'react';

import { useApp } from '../state';
import { ApiError } from '../lib/api';
import { navigation } from '../lib/navigation';
import type { FieldError } from '../lib/types';
import type { MessageKey } from '../lib/i18n';

/// A link inside the console: a real <a href> (opens in a new tab with the usual keys), navigated in place.
export function Link({ to, children, ...rest }: { to: string; children: ReactNode } & AnchorHTMLAttributes<HTMLAnchorElement>) {
    const { navigate } = useApp();
    const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
        rest.onClick?.(e);
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(to);
    };
    return (
        <a href={to} {...rest} onClick={onClick}>
            {children}
        </a>
    );
}

/// The page's heading: sets the document's title and, when the page changed within the console, takes the
/// focus, so that screen readers announce the new page and keyboard users start from its top.
export function PageTitle({ children, title }: { children: ReactNode; title: string }) {
    const ref = useRef<HTMLHeadingElement>(null);
    useEffect(() => {
        document.title = `${title} · Dihya`;
    }, [title]);
    useEffect(() => {
        if (navigation.moved) ref.current?.focus({ preventScroll: false });
    }, []);
    return (
        <h1 ref={ref} tabIndex={-1} className="page-title">
            {children}
        </h1>
    );
}

/// What went wrong with a call, in words: the problem's detail, its request id, and when to retry.
export function ErrorNote({ error, id }: { error: unknown; id?: string }) {
    const { t } = useApp();
    if (!error) return null;
    let text: string;
    let extra: string | null = null;
    if (error instanceof ApiError) {
        text = error.status === 0 ? t('error.network') : error.message;
        if (error.status === 429) text = t('error.rateLimited', { seconds: error.retryAfter ?? 1 });
        if (error.status === 401 && error.problem.detail === 'sign in first') text = t('error.signIn');
        if (error.problem.instance) extra = t('error.requestId', { id: error.problem.instance });
    } else if (error instanceof TypeError) {
        text = t('error.network');
    } else {
        text = error instanceof Error ? error.message : String(error);
    }
    return (
        <div className="note error" role="alert" id={id}>
            <p>{text}</p>
            {extra && <p className="muted small">{extra}</p>}
        </div>
    );
}

/// Messages of the console's own checks are codes (translated here); the server's are its own words.
export function problemText(t: (k: MessageKey, p?: Record<string, string | number>) => string, e: FieldError): string {
    const key = `check.${e.reason}` as MessageKey;
    const text = t(key);
    return text === key ? e.reason : text;
}

/// Errors shown under an input (its aria-describedby points here).
export function FieldErrors({ errors, id }: { errors: FieldError[]; id: string }) {
    const { t } = useApp();
    if (errors.length === 0) return null;
    return (
        <ul className="field-errors" id={id}>
            {errors.map((e, i) => (
                <li key={i}>{problemText(t, e)}</li>
            ))}
        </ul>
    );
}

/// A polite live region: status changes are read out without moving the focus.
export function Status({ children, className = '' }: { children: ReactNode; className?: string }) {
    return (
        <div className={`status ${className}`} role="status" aria-live="polite">
            {children}
        </div>
    );
}

/// Previous / next for cursor-paged lists (the API's next_cursor; previous pages are remembered here).
export function Pager({ hasPrevious, hasNext, onPrevious, onNext, label }: { hasPrevious: boolean; hasNext: boolean; onPrevious: () => void; onNext: () => void; label: string }) {
    const { t } = useApp();
    if (!hasPrevious && !hasNext) return null;
    return (
        <nav className="pager" aria-label={label}>
            <button type="button" onClick={onPrevious} disabled={!hasPrevious}>
                {t('pager.previous')}
            </button>
            <button type="button" onClick={onNext} disabled={!hasNext}>
                {t('pager.next')}
            </button>
        </nav>
    );
}

/// Saves a blob as a file (downloads of archives that need the bearer token, so no plain link can fetch them).
export function saveBlob(blob: Blob, filename: string): void {
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = filename;
    a.rel = 'noopener';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function Badge({ children, kind = 'neutral', title }: { children: ReactNode; kind?: 'neutral' | 'ok' | 'warn' | 'error' | 'info'; title?: string }) {
    return (
        <span className={`badge badge-${kind}`} title={title}>
            {children}
        </span>
    );
}

// Data loading for pages: one call's state, and cursor-paged lists.

import { useCallback, useEffect, useRef, useState } from 'react';

import { openLive, type LiveEvent } from '../lib/live';
import type { ApiClient } from '../lib/api';
import type { Page } from '../lib/types';

export interface Loaded<T> {
    data: T | null;
    error: unknown;
    loading: boolean;
    reload: () => void;
    setData: (value: T | null) => void;
}

/// Runs `load` when the page opens and whenever `key` changes; the last call wins.
export function useLoad<T>(load: () => Promise<T>, key: string): Loaded<T> {
    const [data, setData] = useState<T | null>(null);
    const [error, setError] = useState<unknown>(null);
    const [loading, setLoading] = useState(true);
    const [tick, setTick] = useState(0);
    const loadRef = useRef(load);
    loadRef.current = load;
    useEffect(() => {
        let live = true;
        setLoading(true);
        setError(null);
        loadRef.current().then(
            (v) => {
                if (!live) return;
                setData(v);
                setLoading(false);
            },
            (e) => {
                if (!live) return;
                setError(e);
                setLoading(false);
            },
        );
        return () => {
            live = false;
        };
    }, [key, tick]);
    const reload = useCallback(() => setTick((n) => n + 1), []);
    return { data, error, loading, reload, setData };
}

export interface Paged<T> extends Loaded<Page<T>> {
    pageIndex: number;
    hasPrevious: boolean;
    hasNext: boolean;
    next: () => void;
    previous: () => void;
}

/// A cursor-paged list: `load(cursor)` fetches one page; the cursors of the pages seen are kept for "previous".
/// A change of `key` (the filters) starts again from the first page.
export function useCursorPages<T>(load: (cursor: string | undefined) => Promise<Page<T>>, key: string): Paged<T> {
    const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
    const [lastKey, setLastKey] = useState(key);
    if (lastKey !== key) {
        setLastKey(key);
        setCursors([undefined]);
    }
    const cursor = cursors[cursors.length - 1];
    const loaded = useLoad(() => load(cursor), `${key}\u0000${cursors.length}\u0000${cursor ?? ''}`);
    const nextCursor = loaded.data?.next_cursor;
    return {
        ...loaded,
        pageIndex: cursors.length - 1,
        hasPrevious: cursors.length > 1,
        hasNext: !!nextCursor,
        next: () => nextCursor && setCursors((c) => [...c, nextCursor]),
        previous: () => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)),
    };
}

/// Calls `fn` every `ms` until it returns false (or the component goes); no overlap between calls.
export function usePolling(fn: () => Promise<boolean>, ms: number, active: boolean): void {
    const fnRef = useRef(fn);
    fnRef.current = fn;
    useEffect(() => {
        if (!active) return;
        let live = true;
        let timer: ReturnType<typeof setTimeout>;
        const tick = async () => {
            let again = true;
            try {
                again = await fnRef.current();
            } catch {
                again = true;
            }
            if (live && again) timer = setTimeout(tick, ms);
        };
        timer = setTimeout(tick, ms);
        return () => {
            live = false;
            clearTimeout(timer);
        };
    }, [ms, active]);
}

/// Follows `channels` live while `active`: calls `onEvent` for each of `events` (and `reset`); true while the
/// stream is open, so a page may poll only when it is not.
export function useLive(api: ApiClient, channels: string[], events: string[], onEvent: (e: LiveEvent) => void, active: boolean): boolean {
    const [open, setOpen] = useState(false);
    const handler = useRef(onEvent);
    handler.current = onEvent;
    const channelKey = channels.join(',');
    const eventKey = events.join(',');
    useEffect(() => {
        if (!active || channelKey === '') return;
        const close = openLive({ api, channels: channelKey.split(','), events: eventKey.split(','), onEvent: (e) => handler.current(e), onState: setOpen });
        return () => {
            close();
            setOpen(false);
        };
    }, [api, channelKey, eventKey, active]);
    return open;
}

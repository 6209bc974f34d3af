// Live events from the server's realtime hub (docs/realtime.md): an EventSource on /api/v1/events for some
// channels, authenticated with a short-lived ticket (an EventSource cannot send headers). When the stream
// ends (a restart, a network change, the ticket's minute is over), it is opened again with a new ticket and the
// last event id, so nothing is missed.

import type { ApiClient } from './api';

export interface LiveEvent {
    channel: string;
    event: string;
    id: number;
    data: unknown;
}

export interface LiveOptions {
    api: ApiClient;
    channels: string[];
    events: string[];
    onEvent: (e: LiveEvent) => void;
    /// Told when the stream is open (true) or lost and not yet back (false).
    onState?: (open: boolean) => void;
    eventSource?: typeof EventSource;
}

/// Opens the stream; returns the function that closes it for good.
export function openLive({ api, channels, events, onEvent, onState, eventSource }: LiveOptions): () => void {
    const Source = eventSource ?? (typeof EventSource === 'undefined' ? undefined : EventSource);
    let closed = false;
    let source: EventSource | null = null;
    let lastId = '';
    let retryMs = 1000;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const open = async () => {
        if (closed || !Source) return;
        let ticket: string;
        try {
            ticket = (await api.json<{ ticket: string }>('/api/v1/auth/ticket', { method: 'POST', auth: 'required' })).ticket;
        } catch {
            schedule();
            return;
        }
        if (closed) return;
        const params = new URLSearchParams({ channels: channels.join(','), ticket });
        if (lastId) params.set('lastEventId', lastId);
        const es = new Source(`/api/v1/events?${params.toString()}`);
        source = es;
        es.onopen = () => {
            retryMs = 1000;
            onState?.(true);
        };
        es.onerror = () => {
            // The browser reconnects by itself with the same URL, whose ticket may be stale: start again instead.
            es.close();
            if (source === es) source = null;
            onState?.(false);
            schedule();
        };
        const handle = (m: MessageEvent<string>) => {
            if (m.lastEventId) lastId = m.lastEventId;
            try {
                onEvent(JSON.parse(m.data) as LiveEvent);
            } catch {
                // not an event message
            }
        };
        for (const name of [...events, 'reset']) es.addEventListener(name, handle as EventListener);
    };
    const schedule = () => {
        if (closed) return;
        clearTimeout(timer);
        timer = setTimeout(open, retryMs);
        retryMs = Math.min(retryMs * 2, 30_000);
    };
    void open();
    return () => {
        closed = true;
        clearTimeout(timer);
        source?.close();
    };
}

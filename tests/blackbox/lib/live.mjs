// Real clients of dihya's realtime hub: a WebSocket (npm `ws`) and an EventSource (npm `eventsource`) whose
// messages are collected so a test can wait for the next one that matches.

import { EventSource } from 'eventsource';
import WebSocket from 'ws';

const kWaitMs = 30_000;

/// Collects items; `next(pred)` resolves with the first not yet taken that matches (already there or later).
class Inbox {
    constructor(describe) {
        this.items = [];
        this.waiters = new Set();
        this.describe = describe;
    }

    push(item) {
        this.items.push(item);
        for (const w of [...this.waiters]) w();
    }

    next(pred = () => true, { timeoutMs = kWaitMs, what = 'a message' } = {}) {
        return new Promise((resolve, reject) => {
            const check = () => {
                const i = this.items.findIndex(pred);
                if (i < 0) return false;
                const [hit] = this.items.splice(i, 1);
                done();
                resolve(hit);
                return true;
            };
            const timer = setTimeout(() => {
                done();
                reject(new Error(`timed out waiting for ${what}; received: ${this.describe(this.items)}`));
            }, timeoutMs);
            const done = () => {
                clearTimeout(timer);
                this.waiters.delete(check);
            };
            if (!check()) this.waiters.add(check);
        });
    }
}

/// Opens ws://…/api/v1/ws. Resolves {ws, inbox, send(obj), next(pred), closed} once open; `closed` resolves
/// {code, reason} when the server closes the connection. `protocols`: the subprotocols offered.
export async function openSocket(srv, { path = '/api/v1/ws', protocols } = {}) {
    const ws = new WebSocket(`ws://127.0.0.1:${srv.port}${path}`, protocols);
    const inbox = new Inbox((items) => JSON.stringify(items).slice(0, 2000));
    const pings = new Inbox((items) => `${items.length} pings`);
    ws.on('message', (data, isBinary) => inbox.push(isBinary ? { binary: data } : JSON.parse(String(data))));
    ws.on('ping', () => pings.push(Date.now()));
    const closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
    await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
    });
    return {
        ws,
        inbox,
        pings,
        closed,
        send: (obj) => ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj)),
        next: (pred, options) => inbox.next(pred, options),
        close: () => ws.close(),
    };
}

/// A socket that has authenticated with `token` (or {ticket}).
export async function authedSocket(srv, credential) {
    const s = await openSocket(srv);
    s.send({ type: 'auth', ...(typeof credential === 'string' ? { token: credential } : credential) });
    const ready = await s.next((m) => m.type === 'ready' || m.type === 'error', { what: 'ready' });
    if (ready.type !== 'ready') throw new Error(`auth refused: ${JSON.stringify(ready)}`);
    s.user = ready.user;
    return s;
}

/// Subscribes and waits for the answer: resolves the `subscribed` or `error` message of that channel.
export async function subscribe(s, channel) {
    s.send({ type: 'subscribe', channel });
    return s.next((m) => (m.type === 'subscribed' || m.type === 'error') && m.channel === channel, {
        what: `the answer to subscribe ${channel}`,
    });
}

/// An EventSource on /api/v1/events?channels=… (Authorization from `token`, or `query` such as ticket=…) that
/// records every event of `names`. Resolves {es, inbox, next(pred), close()} once open.
export async function openStream(srv, channels, { token, query = '', names = [], headers = {} } = {}) {
    const url = `${srv.url}/api/v1/events?channels=${encodeURIComponent(channels.join(','))}${query ? `&${query}` : ''}`;
    const es = new EventSource(url, {
        fetch: (input, init) =>
            fetch(input, {
                ...init,
                headers: { ...init.headers, ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
            }),
    });
    const inbox = new Inbox((items) => JSON.stringify(items.map((e) => [e.type, e.lastEventId])).slice(0, 2000));
    for (const name of ['reset', ...names]) {
        es.addEventListener(name, (e) => inbox.push({ type: e.type, lastEventId: e.lastEventId, data: JSON.parse(e.data) }));
    }
    await new Promise((resolve, reject) => {
        es.onopen = resolve;
        es.onerror = (err) => reject(new Error(`event stream refused: ${err.code ?? ''} ${err.message ?? ''}`));
    });
    es.onerror = null;
    return { es, inbox, next: (pred, options) => inbox.next(pred, options), close: () => es.close() };
}

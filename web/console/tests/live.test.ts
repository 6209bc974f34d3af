import { afterEach, describe, expect, it, vi } from 'vitest';

import type { ApiClient } from '../src/lib/api';
import { openLive, type LiveEvent } from '../src/lib/live';

/// Records every stream the code opens; a test drives them.
class FakeSource {
    static made: FakeSource[] = [];
    readonly url: string;
    onopen: (() => void) | null = null;
    onerror: (() => void) | null = null;
    closed = false;
    private listeners = new Map<string, ((m: MessageEvent<string>) => void)[]>();
    constructor(url: string) {
        this.url = url;
        FakeSource.made.push(this);
    }
    addEventListener(name: string, fn: (m: MessageEvent<string>) => void) {
        this.listeners.set(name, [...(this.listeners.get(name) ?? []), fn]);
    }
    close() {
        this.closed = true;
    }
    emit(name: string, id: string, data: unknown) {
        for (const fn of this.listeners.get(name) ?? []) fn({ lastEventId: id, data: JSON.stringify(data) } as MessageEvent<string>);
    }
}

function fakeApi() {
    let n = 0;
    const json = vi.fn(async (path: string) => {
        expect(path).toBe('/api/v1/auth/ticket');
        n += 1;
        return { ticket: `ticket-${n}` };
    });
    return { api: { json } as unknown as ApiClient, json };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

afterEach(() => {
    FakeSource.made = [];
    vi.useRealTimers();
});

describe('openLive', () => {
    it('opens the stream with a ticket, hands over the named events, and reopens after the last one seen', async () => {
        const { api, json } = fakeApi();
        const got: LiveEvent[] = [];
        const states: boolean[] = [];
        const close = openLive({
            api,
            channels: ['generation:g1', 'user:u1'],
            events: ['generation.progress'],
            onEvent: (e) => got.push(e),
            onState: (s) => states.push(s),
            eventSource: FakeSource as unknown as typeof EventSource,
        });
        await flush();
        expect(FakeSource.made).toHaveLength(1);
        const first = new URL(FakeSource.made[0].url, 'http://x');
        expect(first.pathname).toBe('/api/v1/events');
        expect(first.searchParams.get('channels')).toBe('generation:g1,user:u1');
        expect(first.searchParams.get('ticket')).toBe('ticket-1');
        expect(first.searchParams.has('lastEventId')).toBe(false);
        FakeSource.made[0].onopen?.();
        FakeSource.made[0].emit('generation.progress', '41', { channel: 'generation:g1', event: 'generation.progress', id: 41, data: { done: 1 } });
        FakeSource.made[0].emit('generation.other', '42', {});
        expect(got.map((e) => e.id)).toEqual([41]);

        vi.useFakeTimers();
        FakeSource.made[0].onerror?.();
        expect(FakeSource.made[0].closed).toBe(true);
        expect(states).toEqual([true, false]);
        await vi.advanceTimersByTimeAsync(1000);
        expect(json).toHaveBeenCalledTimes(2);
        expect(FakeSource.made).toHaveLength(2);
        const second = new URL(FakeSource.made[1].url, 'http://x');
        expect(second.searchParams.get('ticket')).toBe('ticket-2');
        expect(second.searchParams.get('lastEventId')).toBe('41');

        FakeSource.made[1].emit('reset', '', { type: 'reset' });
        expect(got).toHaveLength(2);
        close();
        expect(FakeSource.made[1].closed).toBe(true);
        await vi.advanceTimersByTimeAsync(60_000);
        expect(FakeSource.made).toHaveLength(2);
    });

    it('tries again later when no ticket can be had', async () => {
        vi.useFakeTimers();
        let fail = true;
        const json = vi.fn(async () => {
            if (fail) throw new Error('offline');
            return { ticket: 't' };
        });
        const close = openLive({ api: { json } as unknown as ApiClient, channels: ['user:u'], events: [], onEvent: () => {}, eventSource: FakeSource as unknown as typeof EventSource });
        await vi.advanceTimersByTimeAsync(0);
        expect(FakeSource.made).toHaveLength(0);
        fail = false;
        await vi.advanceTimersByTimeAsync(1000);
        expect(FakeSource.made).toHaveLength(1);
        close();
    });
});

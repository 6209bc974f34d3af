// A summary of the server's Prometheus text (/metrics) for the health page.

export interface Sample {
    name: string;
    labels: Record<string, string>;
    value: number;
}

/// The samples of a Prometheus text exposition (comments and malformed lines skipped).
export function parsePrometheus(text: string): Sample[] {
    const out: Sample[] = [];
    const line = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
    const label = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
    for (const raw of text.split('\n')) {
        const l = raw.trim();
        if (!l || l.startsWith('#')) continue;
        const m = line.exec(l);
        if (!m) continue;
        const labels: Record<string, string> = {};
        for (const lm of (m[2] ?? '').matchAll(label)) labels[lm[1]] = lm[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
        const value = m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : Number(m[3]);
        if (Number.isNaN(value) && m[3] !== 'NaN') continue;
        out.push({ name: m[1], labels, value });
    }
    return out;
}

export interface MetricsSummary {
    requests: number;
    byClass: Record<string, number>;
    /// Mean answer time in milliseconds, over every request counted.
    meanMs: number | null;
    openConnections: number | null;
    pool: { open: number | null; inUse: number | null; waiting: number | null };
    /// The busiest routes: [{route, requests, errors}] (errors: 5xx answers).
    routes: { route: string; requests: number; errors: number }[];
}

export function summarise(samples: Sample[]): MetricsSummary {
    const byClass: Record<string, number> = {};
    const routes = new Map<string, { requests: number; errors: number }>();
    let requests = 0;
    let sum = 0;
    let count = 0;
    let open: number | null = null;
    const pool = { open: null as number | null, inUse: null as number | null, waiting: null as number | null };
    for (const s of samples) {
        if (s.name === 'dihya_http_requests_total') {
            requests += s.value;
            const cls = `${(s.labels.status ?? '?').charAt(0)}xx`;
            byClass[cls] = (byClass[cls] ?? 0) + s.value;
            const key = `${s.labels.method ?? ''} ${s.labels.route ?? ''}`.trim();
            const r = routes.get(key) ?? { requests: 0, errors: 0 };
            r.requests += s.value;
            if (cls === '5xx') r.errors += s.value;
            routes.set(key, r);
        } else if (s.name === 'dihya_http_request_duration_seconds_sum') sum += s.value;
        else if (s.name === 'dihya_http_request_duration_seconds_count') count += s.value;
        else if (s.name === 'dihya_http_open_connections') open = s.value;
        else if (s.name === 'dihya_db_pool_connections' && s.labels.state === 'open') pool.open = s.value;
        else if (s.name === 'dihya_db_pool_connections' && s.labels.state === 'in_use') pool.inUse = s.value;
        else if (s.name === 'dihya_db_pool_waiting') pool.waiting = s.value;
    }
    return {
        requests,
        byClass,
        meanMs: count > 0 ? (sum / count) * 1000 : null,
        openConnections: open,
        pool,
        routes: [...routes.entries()]
            .map(([route, r]) => ({ route, ...r }))
            .sort((a, b) => b.requests - a.requests || a.route.localeCompare(b.route))
            .slice(0, 10),
    };
}

import { describe, expect, it } from 'vitest';

import { filenameOf, query } from '../src/lib/api';
import { languageOf } from '../src/lib/highlight';
import { formatBytes } from '../src/lib/format';
import { parsePrometheus, summarise } from '../src/lib/metrics';

const text = `# HELP dihya_http_requests_total HTTP requests answered.
# TYPE dihya_http_requests_total counter
dihya_http_requests_total{route="/api/v1/catalog",method="GET",status="200"} 3
dihya_http_requests_total{route="/api/v1/projects",method="POST",status="400"} 2
dihya_http_requests_total{route="/api/v1/projects",method="POST",status="201"} 5
dihya_http_requests_total{route="/x",method="GET",status="500"} 1
dihya_http_request_duration_seconds_bucket{route="/x",method="GET",status="500",le="+Inf"} 1
dihya_http_request_duration_seconds_sum{route="/api/v1/catalog",method="GET",status="200"} 0.006
dihya_http_request_duration_seconds_count{route="/api/v1/catalog",method="GET",status="200"} 3
dihya_http_request_duration_seconds_sum{route="/x",method="GET",status="500"} 0.004
dihya_http_request_duration_seconds_count{route="/x",method="GET",status="500"} 1
dihya_db_pool_connections{state="open"} 2
dihya_db_pool_connections{state="in_use"} 1
dihya_db_pool_waiting 0
dihya_http_open_connections 4
garbage line here
`;

describe('metrics', () => {
    it('parses the Prometheus text, labels and all', () => {
        const s = parsePrometheus(text);
        expect(s[0]).toEqual({ name: 'dihya_http_requests_total', labels: { route: '/api/v1/catalog', method: 'GET', status: '200' }, value: 3 });
        expect(s.find((x) => x.labels.le === '+Inf')?.value).toBe(1);
        expect(parsePrometheus('m{a="q\\"uote"} 1')[0].labels.a).toBe('q"uote');
    });

    it('sums requests by class and route, and the mean time', () => {
        const m = summarise(parsePrometheus(text));
        expect(m.requests).toBe(11);
        expect(m.byClass).toEqual({ '2xx': 8, '4xx': 2, '5xx': 1 });
        expect(m.meanMs).toBeCloseTo(2.5);
        expect(m.openConnections).toBe(4);
        expect(m.pool).toEqual({ open: 2, inUse: 1, waiting: 0 });
        expect(m.routes[0]).toEqual({ route: 'POST /api/v1/projects', requests: 7, errors: 0 });
        expect(m.routes.find((r) => r.route === 'GET /x')).toEqual({ route: 'GET /x', requests: 1, errors: 1 });
    });
});

describe('small helpers', () => {
    it('names a download from Content-Disposition', () => {
        expect(filenameOf('attachment; filename="clinic.zip"')).toBe('clinic.zip');
        expect(filenameOf("attachment; filename*=UTF-8''caf%C3%A9.zip; filename=\"cafe.zip\"")).toBe('café.zip');
        expect(filenameOf('attachment; filename=a.tar.gz')).toBe('a.tar.gz');
        expect(filenameOf(null)).toBeNull();
    });

    it('builds query strings from the values given', () => {
        expect(query({ q: 'a b', limit: 20, cursor: undefined, owner: '' })).toBe('?q=a+b&limit=20');
        expect(query({})).toBe('');
    });

    it('picks a highlighting language from the file name', () => {
        expect(languageOf('backend/app/__init__.py')).toBe('python');
        expect(languageOf('backend/src/app.js')).toBe('javascript');
        expect(languageOf('frontend/src/App.tsx')).toBe('typescript');
        expect(languageOf('backend/Dockerfile')).toBe('dockerfile');
        expect(languageOf('compose.yaml')).toBe('yaml');
        expect(languageOf('.github/workflows/ci.yml')).toBe('yaml');
        expect(languageOf('backend/.gitignore')).toBe('plaintext');
        expect(languageOf('README.md')).toBe('markdown');
        expect(languageOf('LICENSE')).toBe('plaintext');
    });

    it('writes sizes in the page’s language', () => {
        expect(formatBytes(512, 'en')).toBe('512 B');
        expect(formatBytes(43468, 'en')).toBe('42.4 KiB');
        expect(formatBytes(43468, 'fr')).toBe('42,4 KiB');
    });
});

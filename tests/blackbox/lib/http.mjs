// HTTP helpers shared by the black-box tests: a node:http request that returns the whole
// response, and assertions for the server's cross-cutting contract (problem+json, security
// headers, request ids, Prometheus text).

import assert from 'node:assert/strict';
import http from 'node:http';

/**
 * One request with node:http on a fresh connection (no agent, no pooling).
 * Resolves {status, headers (lower-case), body Buffer, text, json()}.
 * options: method, headers, body (string|Buffer), localAddress, timeoutMs.
 */
export function request(url, { method = 'GET', headers = {}, body, localAddress, timeoutMs = 15_000 } = {}) {
    return new Promise((resolve, reject) => {
        const req = http.request(url, { method, headers, agent: false, localAddress }, (res) => {
            const chunks = [];
            res.on('data', (c) => chunks.push(c));
            res.on('error', reject);
            res.on('end', () => {
                clearTimeout(timer);
                const buf = Buffer.concat(chunks);
                const text = buf.toString('utf8');
                resolve({
                    status: res.statusCode,
                    headers: res.headers,
                    rawHeaders: res.rawHeaders,
                    body: buf,
                    text,
                    json: () => JSON.parse(text),
                });
            });
        });
        const timer = setTimeout(() => req.destroy(new Error(`${method} ${url}: no response after ${timeoutMs} ms`)), timeoutMs);
        req.on('error', (err) => {
            clearTimeout(timer);
            reject(err);
        });
        if (body !== undefined) req.write(body);
        req.end();
    });
}

/// Splits a comma-separated header value into lower-case trimmed items.
export function headerList(value) {
    if (value === undefined || value === null) return [];
    return String(value)
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean);
}

/// The request id the server put on a response (node:http, fetch or raw headers).
function header(res, name) {
    if (res.headers instanceof Headers) return res.headers.get(name) ?? undefined;
    return res.headers[name.toLowerCase()];
}

/// Asserts `res` (our request() result, a RawClient response or a fetch Response whose body
/// was read into `text`) is an RFC 9457 problem with `status`, and returns the document.
export function assertProblem(res, status, text = res.text) {
    assert.equal(res.status, status, `expected status ${status}, got ${res.status}: ${text}`);
    const ct = header(res, 'content-type') ?? '';
    assert.match(ct, /^application\/problem\+json\b/i, `Content-Type should be application/problem+json, got "${ct}"`);
    let doc;
    try {
        doc = JSON.parse(text);
    } catch {
        assert.fail(`problem body is not JSON: ${JSON.stringify(text)}`);
    }
    assert.equal(typeof doc, 'object', 'problem body must be a JSON object');
    for (const key of ['type', 'title', 'detail', 'instance']) {
        assert.equal(typeof doc[key], 'string', `problem.${key} must be a string in ${text}`);
    }
    assert.equal(doc.status, status, `problem.status must equal the HTTP status in ${text}`);
    const rid = header(res, 'x-request-id');
    assert.ok(rid, 'problem responses carry X-Request-Id');
    assert.equal(doc.instance, rid, 'problem.instance must be the request id');
    return doc;
}

/// Asserts the security headers every plain-HTTP response carries.
export function assertSecurityHeaders(res, what = '') {
    const h = (n) => header(res, n);
    const where = what ? ` (${what})` : '';
    const csp = h('content-security-policy');
    assert.ok(csp, `Content-Security-Policy missing${where}`);
    assert.match(csp, /frame-ancestors\s+'none'/, `CSP must contain frame-ancestors 'none'${where}: ${csp}`);
    assert.equal(h('x-content-type-options'), 'nosniff', `X-Content-Type-Options${where}`);
    assert.equal(String(h('x-frame-options')).toUpperCase(), 'DENY', `X-Frame-Options${where}`);
    assert.equal(h('referrer-policy'), 'no-referrer', `Referrer-Policy${where}`);
    assert.equal(h('strict-transport-security'), undefined, `no Strict-Transport-Security over plain HTTP${where}`);
    assert.ok(h('x-request-id'), `X-Request-Id missing${where}`);
}

/**
 * Parses Prometheus text exposition into {samples: [{name, labels, value}], types: {name: type}}.
 */
export function parsePrometheus(text) {
    const samples = [];
    const types = {};
    for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        if (line.startsWith('#')) {
            const m = /^# TYPE (\S+) (\S+)/.exec(line);
            if (m) types[m[1]] = m[2];
            continue;
        }
        const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\d+)?$/.exec(line);
        if (!m) throw new Error(`not a Prometheus sample line: ${JSON.stringify(line)}`);
        const labels = {};
        if (m[3]) {
            const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/g;
            let lm;
            let consumed = 0;
            while ((lm = re.exec(m[3]))) {
                labels[lm[1]] = lm[2].replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
                consumed = re.lastIndex;
            }
            if (consumed !== m[3].length) throw new Error(`bad label set in ${JSON.stringify(line)}`);
        }
        const value = m[4] === '+Inf' ? Infinity : m[4] === '-Inf' ? -Infinity : Number(m[4]);
        if (Number.isNaN(value) && m[4] !== 'NaN') throw new Error(`bad sample value in ${JSON.stringify(line)}`);
        samples.push({ name: m[1], labels, value });
    }
    return { samples, types };
}

/// Calls `fn` until it returns something truthy, and resolves with it; throws naming `what` after `timeoutMs`.
/// For state the test cannot be told about (a job's status, a count): a deadline, never a timing assertion.
export async function until(what, fn, { timeoutMs = 60_000, intervalMs = 50 } = {}) {
    for (const end = Date.now() + timeoutMs; ;) {
        const v = await fn();
        if (v) return v;
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, intervalMs));
    }
}

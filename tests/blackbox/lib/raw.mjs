// Raw TCP clients for HTTP/1.1 tests where the exact bytes matter: partial requests, stalls,
// pipelining, oversized headers, malformed input, keep-alive and connection close.
//
//   const c = await RawClient.connect(port);
//   await c.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
//   const res = await c.readResponse();        // {status, headers, body, text, json()}
//   await c.closed;                            // {by: 'server' | 'client', error?}

import net from 'node:net';

/// Builds a request: `raw('GET', '/healthz', {Host: 'x'}, body)`. Host defaults to 127.0.0.1.
export function rawRequest(method, target, headers = {}, body = '') {
    const lines = [`${method} ${target} HTTP/1.1`];
    const names = Object.keys(headers).map((h) => h.toLowerCase());
    if (!names.includes('host')) lines.push('Host: 127.0.0.1');
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
    if (body && !names.includes('content-length') && !names.includes('transfer-encoding')) {
        lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
    }
    return lines.join('\r\n') + '\r\n\r\n' + body;
}

export class RawClient {
    /// Connects to 127.0.0.1:port (optionally from `localAddress`, e.g. 127.0.0.2).
    static connect(port, { host = '127.0.0.1', localAddress } = {}) {
        return new Promise((resolve, reject) => {
            const socket = net.connect({ port, host, localAddress });
            const onError = (err) => reject(err);
            socket.once('error', onError);
            socket.once('connect', () => {
                socket.off('error', onError);
                resolve(new RawClient(socket));
            });
        });
    }

    constructor(socket) {
        this.socket = socket;
        this.buffer = Buffer.alloc(0);
        this.ended = false; // the server sent FIN
        this.error = null; // e.g. ECONNRESET
        this.isClosed = false;
        this.waiters = new Set();
        socket.setNoDelay(true);
        socket.on('data', (chunk) => {
            this.buffer = Buffer.concat([this.buffer, chunk]);
            this.#notify();
        });
        socket.on('end', () => {
            this.ended = true;
            this.#notify();
        });
        socket.on('error', (err) => {
            this.error = err;
            this.#notify();
        });
        /// Resolves when the socket is fully closed: {by: 'server'|'client', error}.
        /// 'server' means the peer ended (FIN) or reset the connection.
        this.closed = new Promise((resolve) => {
            socket.on('close', () => {
                this.isClosed = true;
                this.#notify();
                const by = this.ended || this.error ? 'server' : 'client';
                resolve({ by, error: this.error?.code ?? null });
            });
        });
    }

    #notify() {
        for (const fn of [...this.waiters]) fn();
    }

    /// Writes and resolves once the data is handed to the kernel. Rejects on a write error
    /// (EPIPE/ECONNRESET), which callers may expect when the server closes early.
    write(data) {
        return new Promise((resolve, reject) => {
            if (this.socket.destroyed) {
                reject(Object.assign(new Error('socket already closed'), { code: 'ERR_SOCKET_CLOSED' }));
                return;
            }
            this.socket.write(data, (err) => (err ? reject(err) : resolve()));
        });
    }

    /// Like write, but ignores errors (the server may already have answered and closed).
    async tryWrite(data) {
        try {
            await this.write(data);
            return true;
        } catch {
            return false;
        }
    }

    /// Half-closes our side (sends FIN).
    end() {
        this.socket.end();
    }

    destroy() {
        this.socket.destroy();
    }

    /// Waits until `parse(buffer)` returns a result (not undefined) or the connection closes.
    #waitFor(parse, what, timeoutMs) {
        return new Promise((resolve, reject) => {
            let timer;
            const check = () => {
                let result;
                try {
                    result = parse(this.buffer);
                } catch (err) {
                    finish();
                    reject(err);
                    return;
                }
                if (result !== undefined) {
                    finish();
                    resolve(result);
                    return;
                }
                if (this.ended || this.isClosed || this.error) {
                    // A response delimited by the end of the connection.
                    let atEnd;
                    try {
                        atEnd = parse(this.buffer, true);
                    } catch (err) {
                        finish();
                        reject(err);
                        return;
                    }
                    finish();
                    if (atEnd !== undefined) {
                        resolve(atEnd);
                        return;
                    }
                    const why = this.error ? `connection error ${this.error.code}` : 'connection closed';
                    const got = this.buffer.length ? `; received: ${JSON.stringify(this.buffer.toString('latin1').slice(0, 500))}` : '; nothing received';
                    reject(Object.assign(new Error(`${why} before ${what}${got}`), { code: 'ERR_CLOSED_EARLY' }));
                }
            };
            const finish = () => {
                clearTimeout(timer);
                this.waiters.delete(check);
            };
            if (timeoutMs) {
                timer = setTimeout(() => {
                    finish();
                    reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; buffered: ${JSON.stringify(this.buffer.toString('latin1').slice(0, 500))}`));
                }, timeoutMs);
            }
            this.waiters.add(check);
            check();
        });
    }

    /// Reads one response. `head: true` for a response to HEAD (no body whatever the headers
    /// say). Interim 1xx responses are skipped unless `interim: true`.
    async readResponse({ head = false, interim = false, timeoutMs = 15_000 } = {}) {
        for (;;) {
            const res = await this.#waitFor((buf, atEnd) => parseResponse(buf, { head, atEnd }), 'a complete HTTP response', timeoutMs);
            this.buffer = this.buffer.subarray(res.consumed);
            if (res.status >= 100 && res.status < 200 && res.status !== 101 && !interim) continue;
            return res;
        }
    }

    /// Resolves true as soon as the server sent something or closed; false if neither
    /// happened within `timeoutMs`.
    waitActivity(timeoutMs) {
        const active = () => this.buffer.length > 0 || this.ended || this.error || this.isClosed;
        if (active()) return Promise.resolve(true);
        return new Promise((resolve) => {
            const check = () => {
                if (!active()) return;
                clearTimeout(timer);
                this.waiters.delete(check);
                resolve(true);
            };
            const timer = setTimeout(() => {
                this.waiters.delete(check);
                resolve(false);
            }, timeoutMs);
            this.waiters.add(check);
        });
    }

    /// Resolves true when the server closes the connection (FIN or reset); false if it
    /// is still open after `timeoutMs` (default: never gives up; rely on the test timeout).
    async waitServerClose(timeoutMs) {
        if (this.ended || this.error || this.isClosed) return true;
        return new Promise((resolve) => {
            let timer;
            const check = () => {
                if (this.ended || this.error || this.isClosed) {
                    clearTimeout(timer);
                    this.waiters.delete(check);
                    resolve(true);
                }
            };
            if (timeoutMs) {
                timer = setTimeout(() => {
                    this.waiters.delete(check);
                    resolve(false);
                }, timeoutMs);
            }
            this.waiters.add(check);
        });
    }
}

/// One-shot: connect, send `data`, read one response, close.
export async function rawExchange(port, data, opts = {}) {
    const c = await RawClient.connect(port, opts);
    try {
        await c.write(data);
        return await c.readResponse(opts);
    } finally {
        c.destroy();
    }
}

/// Tries to connect; resolves 'connected' (and closes) or the error code, e.g. 'ECONNREFUSED'.
export function probeConnect(port, host = '127.0.0.1') {
    return new Promise((resolve) => {
        const s = net.connect({ port, host });
        s.once('connect', () => {
            s.destroy();
            resolve('connected');
        });
        s.once('error', (err) => resolve(err.code || err.message));
    });
}

/**
 * Parses one HTTP/1.x response at the start of `buf`. Returns undefined if incomplete.
 * Result: {status, reason, version, headers (lower-case name → value, repeated headers
 * joined with ", "), rawHeaders [[name, value]], body Buffer, text, json(), consumed}.
 */
export function parseResponse(buf, { head = false, atEnd = false } = {}) {
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) {
        if (atEnd && buf.length > 0) throw new Error(`incomplete response head at end of connection: ${JSON.stringify(buf.toString('latin1').slice(0, 500))}`);
        return undefined;
    }
    const headText = buf.subarray(0, end).toString('latin1');
    const [statusLine, ...headerLines] = headText.split('\r\n');
    const m = /^HTTP\/(\d\.\d) (\d{3})(?: (.*))?$/.exec(statusLine);
    if (!m) throw new Error(`bad status line: ${JSON.stringify(statusLine)}`);
    const status = Number(m[2]);
    const headers = {};
    const rawHeaders = [];
    for (const line of headerLines) {
        const colon = line.indexOf(':');
        if (colon <= 0) throw new Error(`bad header line: ${JSON.stringify(line)}`);
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        rawHeaders.push([name, value]);
        const key = name.toLowerCase();
        headers[key] = key in headers ? `${headers[key]}, ${value}` : value;
    }
    let pos = end + 4;
    let body;
    const noBody = head || status === 204 || status === 304 || (status >= 100 && status < 200);
    if (noBody) {
        body = Buffer.alloc(0);
    } else if (/\bchunked\b/i.test(headers['transfer-encoding'] ?? '')) {
        const chunks = [];
        for (;;) {
            const lineEnd = buf.indexOf('\r\n', pos);
            if (lineEnd < 0) return incomplete(atEnd, 'chunk size');
            const size = parseInt(buf.subarray(pos, lineEnd).toString('latin1').split(';')[0], 16);
            if (Number.isNaN(size)) throw new Error('bad chunk size');
            pos = lineEnd + 2;
            if (size === 0) {
                // trailers until an empty line
                for (;;) {
                    const tEnd = buf.indexOf('\r\n', pos);
                    if (tEnd < 0) return incomplete(atEnd, 'trailers');
                    const empty = tEnd === pos;
                    pos = tEnd + 2;
                    if (empty) break;
                }
                break;
            }
            if (buf.length < pos + size + 2) return incomplete(atEnd, 'chunk data');
            chunks.push(buf.subarray(pos, pos + size));
            pos += size + 2;
        }
        body = Buffer.concat(chunks);
    } else if (headers['content-length'] !== undefined) {
        const len = Number(headers['content-length']);
        if (!Number.isInteger(len) || len < 0) throw new Error(`bad Content-Length: ${headers['content-length']}`);
        if (buf.length < pos + len) return incomplete(atEnd, `body (${buf.length - pos} of ${len} bytes)`);
        body = buf.subarray(pos, pos + len);
        pos += len;
    } else {
        // Delimited by the end of the connection.
        if (!atEnd) return undefined;
        body = buf.subarray(pos);
        pos = buf.length;
    }
    const text = body.toString('utf8');
    return {
        version: m[1],
        status,
        reason: m[3] ?? '',
        headers,
        rawHeaders,
        body,
        text,
        json: () => JSON.parse(text),
        consumed: pos,
    };
}

function incomplete(atEnd, what) {
    if (atEnd) throw new Error(`connection ended in the middle of the response ${what}`);
    return undefined;
}

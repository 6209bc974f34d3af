// A real SMTP server (npm smtp-server, from the nodemailer project) on a free loopback port, keeping every
// message it receives, for tests of the mail Dihya sends.
//
//   const smtp = await startSmtp();            // smtp.url → config mail.smtp_url
//   const msg = await smtp.waitFor((m) => m.to === 'ada@example.org');
//   msg.text                                   // decoded body; msg.subject decoded too

import { after } from 'node:test';
import { SMTPServer } from 'smtp-server';

const servers = new Set();
after(async () => {
    await Promise.all([...servers].map((s) => new Promise((resolve) => s.close(resolve))));
});

function decodeWords(s) {
    return s.replace(/=\?UTF-8\?B\?([^?]+)\?=/gi, (_, b64) => Buffer.from(b64, 'base64').toString('utf8'));
}

/// Parses the single-part text messages Dihya sends: headers, then a base64 (or 8bit) body.
export function parseMessage(raw) {
    const sep = raw.indexOf('\r\n\r\n');
    const head = raw.slice(0, sep).replace(/\r\n[ \t]+/g, ' ');
    const body = raw.slice(sep + 4);
    const headers = {};
    for (const line of head.split('\r\n')) {
        const i = line.indexOf(':');
        if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    const base64 = /base64/i.test(headers['content-transfer-encoding'] ?? '');
    const text = base64 ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8') : body;
    return { headers, subject: decodeWords(headers.subject ?? ''), text, raw };
}

/// A real SMTP server (npm smtp-server) on `port` (default: any free one) that keeps what it receives.
export async function startSmtp({ port: wanted = 0 } = {}) {
    const messages = [];
    const waiters = new Set();
    const server = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS'],
        logger: false,
        onData(stream, session, callback) {
            const chunks = [];
            stream.on('data', (c) => chunks.push(c));
            stream.on('end', () => {
                const parsed = parseMessage(Buffer.concat(chunks).toString('utf8'));
                const msg = {
                    ...parsed,
                    from: session.envelope.mailFrom?.address,
                    to: session.envelope.rcptTo.map((r) => r.address).join(','),
                };
                messages.push(msg);
                for (const w of waiters) w();
                callback();
            });
        },
    });
    servers.add(server);
    await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(wanted, '127.0.0.1', resolve);
    });
    const port = server.server.address().port;
    return {
        url: `smtp://127.0.0.1:${port}`,
        messages,
        /// Resolves with the first message (already received or later) for which `pred` is true.
        waitFor(pred, { timeoutMs = 15_000 } = {}) {
            return new Promise((resolve, reject) => {
                const check = () => {
                    const hit = messages.find(pred);
                    if (!hit) return;
                    waiters.delete(check);
                    clearTimeout(timer);
                    resolve(hit);
                };
                const timer = setTimeout(() => {
                    waiters.delete(check);
                    reject(new Error(`no matching mail after ${timeoutMs} ms; got ${messages.length}`));
                }, timeoutMs);
                waiters.add(check);
                check();
            });
        },
        close: () => new Promise((resolve) => server.close(resolve)),
    };
}

/// The token in a mailed link (…#token=XYZ).
export function tokenOf(msg) {
    const m = /#token=([A-Za-z0-9_-]+)/.exec(msg.text);
    if (!m) throw new Error(`no token link in the mail:\n${msg.text}`);
    return m[1];
}

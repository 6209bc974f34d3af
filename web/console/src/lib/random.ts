// Random identifiers (Idempotency-Key): crypto.randomUUID needs a secure context (HTTPS or localhost), which a
// self-hosted server on a LAN address is not; getRandomValues works everywhere.

export function randomId(): string {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

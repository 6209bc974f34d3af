// Numbers, sizes and times in the page's language.

export function formatBytes(n: number, lang: string): string {
    const units = ['B', 'KiB', 'MiB', 'GiB'];
    let v = n;
    let u = 0;
    while (v >= 1024 && u < units.length - 1) {
        v /= 1024;
        u++;
    }
    const nf = new Intl.NumberFormat(lang, { maximumFractionDigits: u === 0 ? 0 : 1 });
    return `${nf.format(v)} ${units[u]}`;
}

export function formatDate(iso: string | undefined | null, lang: string): string {
    if (!iso) return '—';
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return iso;
    return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

export function formatNumber(n: number, lang: string, digits = 0): string {
    return new Intl.NumberFormat(lang, { maximumFractionDigits: digits }).format(n);
}

/// Seconds between two times, or null.
export function durationSeconds(from?: string, to?: string): number | null {
    if (!from || !to) return null;
    const ms = new Date(to).getTime() - new Date(from).getTime();
    return Number.isFinite(ms) && ms >= 0 ? ms / 1000 : null;
}

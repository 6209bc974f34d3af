// Where an analysis's assumptions come from. The API names, for each assumption, the model member it concerns
// (`field`: "domain", "entities.Appointment", "entities.Book.isbn", "stacks.frontend", ...), and the places in the
// text it comes from (`spans`: UTF-16 offsets, which are JavaScript string indices). Servers from before spans
// only quote the words in the message ("clinique", «rendez-vous»): for those, every occurrence of a quoted word
// is marked instead, an approximation the page says it is.

import type { Assumption, ProjectModel } from './types';

const kQuoted = /"([^"\n]{2,80})"|«\s*([^»\n]{1,80}?)\s*»|“([^”\n]{2,80})”/gu;

/// The words of the text an assumption's message quotes.
export function quotedTerms(message: string): string[] {
    const out: string[] = [];
    for (const m of message.matchAll(kQuoted)) {
        const term = (m[1] ?? m[2] ?? m[3] ?? '').trim();
        if (term.length >= 2 && !out.includes(term)) out.push(term);
    }
    return out;
}

export interface Segment {
    text: string;
    /// Indexes of the assumptions whose quoted words this piece of text is; empty for plain text.
    assumptions: number[];
}

function escapeRegExp(s: string): string {
    return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/// Whether the analysis says where its assumptions come from (a server with spans).
export function hasSpans(assumptions: Assumption[]): boolean {
    return assumptions.some((a) => Array.isArray(a.spans));
}

/// Places of the quoted words (for servers without spans): case-insensitive, every occurrence.
function quotedRanges(text: string, assumptions: Assumption[]): { start: number; end: number; index: number }[] {
    const out: { start: number; end: number; index: number }[] = [];
    assumptions.forEach((a, index) => {
        for (const term of quotedTerms(a.message)) {
            for (const m of text.matchAll(new RegExp(escapeRegExp(term), 'giu'))) {
                const start = m.index ?? 0;
                out.push({ start, end: start + m[0].length, index });
            }
        }
    });
    return out;
}

/// The text cut into pieces, each with the assumptions whose places cover it: the spans when the server gives
/// them, else the quoted words. Overlapping places give pieces that belong to several assumptions.
export function segmentText(text: string, assumptions: Assumption[]): Segment[] {
    const ranges = hasSpans(assumptions)
        ? assumptions.flatMap((a, index) => (a.spans ?? []).map((s) => ({ start: s.start, end: s.end, index })))
        : quotedRanges(text, assumptions);
    const valid = ranges.filter((r) => Number.isInteger(r.start) && Number.isInteger(r.end) && r.start >= 0 && r.end <= text.length && r.start < r.end);
    const cuts = new Set<number>([0, text.length]);
    for (const r of valid) {
        cuts.add(r.start);
        cuts.add(r.end);
    }
    const points = [...cuts].sort((a, b) => a - b);
    const out: Segment[] = [];
    for (let k = 0; k + 1 < points.length; k++) {
        const [from, to] = [points[k], points[k + 1]];
        const covering = [...new Set(valid.filter((r) => r.start <= from && r.end >= to).map((r) => r.index))].sort((a, b) => a - b);
        const last = out[out.length - 1];
        if (last && last.assumptions.join() === covering.join()) last.text += text.slice(from, to);
        else out.push({ text: text.slice(from, to), assumptions: covering });
    }
    return out;
}

/// The editor's path of the model member an assumption concerns: `entities.Book.isbn` → `entities[0].fields[2]`;
/// members that are not entities keep their name (`stacks.frontend`, `roles`). Null when the model no longer has it.
export function assumptionPath(field: string, model: ProjectModel): string | null {
    if (!field.startsWith('entities.')) return field;
    const [, entity, fieldName] = field.split('.');
    const i = model.entities.findIndex((e) => e.name.toLowerCase() === (entity ?? '').toLowerCase());
    if (i < 0) return null;
    if (fieldName === undefined) return `entities[${i}]`;
    const j = model.entities[i].fields.findIndex((f) => f.name.toLowerCase() === fieldName.toLowerCase());
    return j < 0 ? `entities[${i}]` : `entities[${i}].fields[${j}]`;
}

/// The assumptions of the model member at `path` (and of its parts, when `deep`).
export function assumptionsAt(path: string, assumptions: Assumption[], model: ProjectModel, deep = false): number[] {
    const out: number[] = [];
    assumptions.forEach((a, i) => {
        const p = assumptionPath(a.field, model);
        if (p === null) return;
        if (p === path || (deep && (p.startsWith(`${path}.`) || p.startsWith(`${path}[`)))) out.push(i);
    });
    return out;
}

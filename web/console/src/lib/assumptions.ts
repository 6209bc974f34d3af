// Where an analysis's assumptions come from. The API names, for each assumption, the model member it concerns
// (`field`: "domain", "entities.Appointment", "entities.Book.isbn", "stacks.frontend", ...) and says in its
// message which words of the text it read, quoted ("clinique", «rendez-vous»). It gives no offsets in the text
// yet, so the console marks the quoted words wherever they occur in the text: an approximation it says it is.

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

/// The text cut into plain pieces and pieces that assumptions quote (case-insensitive, non-overlapping:
/// longer terms first, then the earlier occurrence).
export function segmentText(text: string, assumptions: Assumption[]): Segment[] {
    const byTerm = new Map<string, number[]>();
    assumptions.forEach((a, i) => {
        for (const term of quotedTerms(a.message)) {
            const key = term.toLocaleLowerCase();
            const list = byTerm.get(key) ?? [];
            if (!list.includes(i)) list.push(i);
            byTerm.set(key, list);
        }
    });
    const ranges: { start: number; end: number; assumptions: number[] }[] = [];
    const terms = [...byTerm.keys()].sort((a, b) => b.length - a.length);
    for (const term of terms) {
        const re = new RegExp(escapeRegExp(term), 'giu');
        for (const m of text.matchAll(re)) {
            const start = m.index ?? 0;
            const end = start + m[0].length;
            if (ranges.some((r) => start < r.end && end > r.start)) continue;
            ranges.push({ start, end, assumptions: byTerm.get(term) ?? [] });
        }
    }
    ranges.sort((a, b) => a.start - b.start);
    const out: Segment[] = [];
    let at = 0;
    for (const r of ranges) {
        if (r.start > at) out.push({ text: text.slice(at, r.start), assumptions: [] });
        out.push({ text: text.slice(r.start, r.end), assumptions: r.assumptions });
        at = r.end;
    }
    if (at < text.length) out.push({ text: text.slice(at), assumptions: [] });
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

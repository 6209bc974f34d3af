// Keeping a plain <textarea> and a Y.Text in step: what a person types becomes the smallest delete + insert on the
// Y.Text (common prefix and suffix kept), and a remote change moves the caret as the text around it moved.
// Offsets are UTF-16 code units on both sides, as JavaScript strings and Yjs count.

/// The edit that turns `before` into `after`: delete `remove` units at `at`, then insert `insert` there.
export function diffText(before: string, after: string): { at: number; remove: number; insert: string } | null {
    if (before === after) return null;
    let start = 0;
    const max = Math.min(before.length, after.length);
    while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
    // Never between the halves of a surrogate pair (Yjs would turn both into U+FFFD).
    const high = (c: number) => c >= 0xd800 && c <= 0xdbff;
    const low = (c: number) => c >= 0xdc00 && c <= 0xdfff;
    if (start > 0 && high(before.charCodeAt(start - 1))) start--;
    let end = 0;
    while (end < max - start && before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)) end++;
    if (end > 0 && low(before.charCodeAt(before.length - end))) end--;
    return { at: start, remove: before.length - start - end, insert: after.slice(start, after.length - end) };
}

export type Delta = { retain?: number; insert?: string | object; delete?: number }[];

/// Where `offset` is after a remote change described by a Yjs text delta.
export function moveThrough(offset: number, delta: Delta): number {
    let index = 0;
    let out = offset;
    for (const op of delta) {
        if (op.retain !== undefined) {
            index += op.retain;
        } else if (op.insert !== undefined) {
            const n = typeof op.insert === 'string' ? op.insert.length : 1;
            if (index <= out) out += n;
            index += n;
        } else if (op.delete !== undefined) {
            if (index < out) out -= Math.min(op.delete, out - index);
        }
    }
    return out;
}

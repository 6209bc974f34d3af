// JSON merge patches (RFC 7386), as PATCH /api/v1/projects/{id} takes them: members that changed, null for the
// removed ones, arrays whole.

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isObject(v: unknown): v is Record<string, Json> {
    return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function equal(a: unknown, b: unknown): boolean {
    return JSON.stringify(a) === JSON.stringify(b);
}

/// The merge patch that turns `before` into `after`; undefined when they are equal.
export function mergePatch(before: unknown, after: unknown): Json | undefined {
    if (!isObject(before) || !isObject(after)) return equal(before, after) ? undefined : ((after ?? null) as Json);
    const out: Record<string, Json> = {};
    for (const key of Object.keys(before)) {
        if (!(key in after) || after[key] === undefined) out[key] = null;
    }
    for (const [key, value] of Object.entries(after)) {
        if (value === undefined) continue;
        if (!(key in before)) {
            out[key] = value;
            continue;
        }
        const sub = mergePatch(before[key], value);
        if (sub !== undefined) out[key] = sub;
    }
    return Object.keys(out).length > 0 ? out : undefined;
}

/// Applies a merge patch (for checking the patches made here, and for optimistic views).
export function applyMergePatch(target: unknown, patch: unknown): unknown {
    if (!isObject(patch)) return patch;
    const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
    for (const [key, value] of Object.entries(patch)) {
        if (value === null) delete out[key];
        else out[key] = applyMergePatch(out[key], value);
    }
    return out;
}

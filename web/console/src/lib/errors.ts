// Field errors (the API's problem+json `errors[].field`, or the console's own checks) shown beside the input
// they concern: `entities[0].fields[1].type` beside that type, `entities[0].fields[1].values[2]` beside the
// values, anything no input shows in the summary above the form.

import type { FieldError } from './types';

/// The path as the editor names it: without a leading `model.` or `spec.` (the request member it was sent in).
export function normalisePath(field: string): string {
    return field.replace(/^(model|spec)\./, '');
}

/// The errors of the member at `path`, and of its items (`path[3]`) when `items` is set.
export function errorsAt(errors: FieldError[], path: string, items = false): FieldError[] {
    return errors.filter((e) => {
        const p = normalisePath(e.field);
        if (p === path) return true;
        if (!items || !p.startsWith(`${path}[`)) return false;
        return /^\[\d+\]$/.test(p.slice(path.length));
    });
}

/// The item index of an error at `path[n]`, or null for the member itself.
export function itemIndex(error: FieldError, path: string): number | null {
    const m = /^\[(\d+)\]$/.exec(normalisePath(error.field).slice(path.length));
    return m ? Number(m[1]) : null;
}

/// The errors that no shown input claims (`shown` are the paths the form displays, items included).
export function unclaimed(errors: FieldError[], shown: (path: string) => boolean): FieldError[] {
    return errors.filter((e) => !shown(normalisePath(e.field)));
}

/// A DOM id for the input of a model path (`entities[0].fields[1].type` → `m-entities-0-fields-1-type`).
export function inputId(path: string): string {
    return `m-${path.replace(/[[\].]+/g, '-').replace(/-+$/, '')}`;
}

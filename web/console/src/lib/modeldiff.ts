// What changed between two specifications, member by member: what a regeneration will be generated from,
// compared with what the last generation was (its `.dihya/answers.json`).

import type { ProjectModel } from './types';

export type ModelChange =
    | { kind: 'entity-added' | 'entity-removed'; entity: string }
    | { kind: 'field-added' | 'field-removed'; entity: string; field: string }
    | { kind: 'field-type'; entity: string; field: string; from: string; to: string }
    | { kind: 'field-values'; entity: string; field: string; added: string[]; removed: string[] }
    | { kind: 'field-flags'; entity: string; field: string }
    | { kind: 'list'; member: 'roles' | 'features' | 'locales'; added: string[]; removed: string[] }
    | { kind: 'stack'; stack: string; from: string; to: string }
    | { kind: 'member'; member: 'title' | 'name' | 'description' | 'domain' };

function listDiff(a: string[], b: string[]) {
    return { added: b.filter((x) => !a.includes(x)), removed: a.filter((x) => !b.includes(x)) };
}

const lower = (s: string) => s.toLowerCase();

export function diffModels(before: ProjectModel, after: ProjectModel): ModelChange[] {
    const out: ModelChange[] = [];
    for (const member of ['title', 'name', 'description', 'domain'] as const) {
        if ((before[member] ?? '') !== (after[member] ?? '')) out.push({ kind: 'member', member });
    }
    for (const member of ['locales', 'roles', 'features'] as const) {
        const d = listDiff(before[member], after[member]);
        if (d.added.length || d.removed.length) out.push({ kind: 'list', member, ...d });
    }
    for (const stack of ['frontend', 'backend', 'mobile', 'ai', 'blockchain'] as const) {
        if (before.stacks[stack] !== after.stacks[stack]) out.push({ kind: 'stack', stack, from: before.stacks[stack], to: after.stacks[stack] });
    }
    const devA = [...before.stacks.devops].sort().join(', ');
    const devB = [...after.stacks.devops].sort().join(', ');
    if (devA !== devB) out.push({ kind: 'stack', stack: 'devops', from: devA || 'none', to: devB || 'none' });

    for (const e of after.entities) {
        const old = before.entities.find((x) => lower(x.name) === lower(e.name));
        if (!old) {
            out.push({ kind: 'entity-added', entity: e.name });
            continue;
        }
        for (const f of e.fields) {
            const of = old.fields.find((x) => lower(x.name) === lower(f.name));
            if (!of) {
                out.push({ kind: 'field-added', entity: e.name, field: f.name });
                continue;
            }
            if (of.type !== f.type) out.push({ kind: 'field-type', entity: e.name, field: f.name, from: of.type, to: f.type });
            else if (f.type === 'enum') {
                const d = listDiff(of.values ?? [], f.values ?? []);
                if (d.added.length || d.removed.length) out.push({ kind: 'field-values', entity: e.name, field: f.name, ...d });
            }
            if (!!of.required !== !!f.required || !!of.unique !== !!f.unique || (of.ref ?? '') !== (f.ref ?? '')) {
                out.push({ kind: 'field-flags', entity: e.name, field: f.name });
            }
        }
        for (const of of old.fields) {
            if (!e.fields.some((x) => lower(x.name) === lower(of.name))) out.push({ kind: 'field-removed', entity: e.name, field: of.name });
        }
    }
    for (const old of before.entities) {
        if (!after.entities.some((x) => lower(x.name) === lower(old.name))) out.push({ kind: 'entity-removed', entity: old.name });
    }
    return out;
}

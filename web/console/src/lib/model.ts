// The structured specification as the console edits it: read from any of the server's forms (the analysis's
// expanded model with name spellings, a project's `spec`, a generated project's `.dihya/answers.json`, a
// YAML or JSON file), checked locally for what can be checked without the server, and sent back in the form
// a person writes.

import type { Catalog, Entity, Field, FieldError, ProjectModel, Stacks } from './types';

const kDefaultStacks: Stacks = {
    frontend: 'react',
    backend: 'express',
    mobile: 'none',
    ai: 'none',
    devops: ['docker', 'compose', 'github-actions'],
    blockchain: 'none',
};

function str(v: unknown): string | undefined {
    return typeof v === 'string' ? v : undefined;
}

function strings(v: unknown): string[] | undefined {
    if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
    if (typeof v === 'string') return v === '' || v === 'none' ? [] : v.split(',').map((s) => s.trim()).filter(Boolean);
    return undefined;
}

function obj(v: unknown): Record<string, unknown> {
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function toField(raw: unknown): Field {
    const f = obj(raw);
    const out: Field = { name: str(f.name) ?? '', type: str(f.type) ?? 'string' };
    if (f.required === true) out.required = true;
    if (f.unique === true) out.unique = true;
    const values = strings(f.values);
    if (values && (values.length > 0 || out.type === 'enum')) out.values = values;
    if (out.type === 'enum' && !out.values) out.values = [];
    const ref = str(f.ref);
    if (ref) out.ref = ref;
    const description = str(f.description);
    if (description) out.description = description;
    return out;
}

function toEntity(raw: unknown): Entity {
    const e = obj(raw);
    const out: Entity = { name: str(e.name) ?? '', fields: Array.isArray(e.fields) ? e.fields.map(toField) : [] };
    const description = str(e.description);
    if (description) out.description = description;
    return out;
}

/// The structured specification of any of the model's forms; members it does not know are left out, missing
/// ones get the server's defaults.
export function toSpec(raw: unknown): ProjectModel {
    const m = obj(raw);
    const s = obj(m.stacks);
    const stacks: Stacks = {
        frontend: str(s.frontend) ?? kDefaultStacks.frontend,
        backend: str(s.backend) ?? kDefaultStacks.backend,
        mobile: str(s.mobile) ?? kDefaultStacks.mobile,
        ai: str(s.ai) ?? kDefaultStacks.ai,
        devops: strings(s.devops) ?? [...kDefaultStacks.devops],
        blockchain: str(s.blockchain) ?? kDefaultStacks.blockchain,
    };
    const out: ProjectModel = {
        title: str(m.title) ?? '',
        domain: str(m.domain) ?? 'custom',
        locales: strings(m.locales) ?? ['en'],
        roles: strings(m.roles) ?? ['admin', 'user'],
        features: strings(m.features) ?? [],
        entities: Array.isArray(m.entities) ? m.entities.map(toEntity) : [],
        stacks,
    };
    const name = str(m.name);
    if (name) out.name = name;
    const description = str(m.description);
    if (description) out.description = description;
    return out;
}

/// A new, empty specification (a person starting from the model instead of a text).
export function emptyModel(): ProjectModel {
    return toSpec({ title: '', entities: [{ name: '', fields: [{ name: '', type: 'string' }] }] });
}

/// The specification as JSON for the API: empty optional members left out.
export function specForApi(model: ProjectModel): ProjectModel {
    const clean = toSpec(JSON.parse(JSON.stringify(model)));
    if (clean.name !== undefined && clean.name.trim() === '') delete clean.name;
    if (clean.description !== undefined && clean.description.trim() === '') delete clean.description;
    return clean;
}

/// Reads a structured specification from a file's text: JSON, else YAML (parsed by `parseYaml`).
export function parseSpecFile(
    name: string,
    text: string,
    parseYaml: (text: string) => unknown,
): { model: ProjectModel } | { text: string } {
    const lower = name.toLowerCase();
    if (lower.endsWith('.json')) return { model: toSpec(JSON.parse(text)) };
    if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return { model: toSpec(parseYaml(text)) };
    return { text };
}

// ---- the checks the console makes before asking the server (which checks everything again) ----

/// Problems found without the server, as the server names them (`entities[0].fields[1].values`).
export function localProblems(model: ProjectModel, catalog: Catalog | null): FieldError[] {
    const out: FieldError[] = [];
    const add = (field: string, reason: string) => out.push({ field, reason });
    if (!model.title.trim() && !(model.name ?? '').trim()) add('title', 'required');
    if (model.entities.length === 0) add('entities', 'no-entities');
    if (model.roles.length === 0) add('roles', 'no-roles');
    model.roles.forEach((r, i) => {
        if (!r.trim()) add(`roles[${i}]`, 'empty');
    });
    if (model.locales.length === 0) add('locales', 'no-locales');
    const entityNames = new Map<string, number>();
    model.entities.forEach((e, i) => {
        const key = e.name.trim().toLowerCase();
        if (!key) add(`entities[${i}].name`, 'empty');
        else if (entityNames.has(key)) add(`entities[${i}].name`, 'duplicate');
        else entityNames.set(key, i);
        if (e.fields.length === 0) add(`entities[${i}].fields`, 'no-fields');
        const fieldNames = new Set<string>();
        e.fields.forEach((f, j) => {
            const at = `entities[${i}].fields[${j}]`;
            const fkey = f.name.trim().toLowerCase();
            if (!fkey) add(`${at}.name`, 'empty');
            else if (fieldNames.has(fkey)) add(`${at}.name`, 'duplicate');
            else fieldNames.add(fkey);
            if (catalog && !catalog.field_types.includes(f.type)) add(`${at}.type`, 'unknown-type');
            if (f.type === 'enum') {
                const values = f.values ?? [];
                if (values.length === 0) add(`${at}.values`, 'no-values');
                const seen = new Set<string>();
                values.forEach((v, k) => {
                    const vkey = v.trim().toLowerCase();
                    if (!vkey) add(`${at}.values[${k}]`, 'empty');
                    else if (seen.has(vkey)) add(`${at}.values[${k}]`, 'duplicate');
                    seen.add(vkey);
                });
            }
            if (f.type === 'ref') {
                const target = (f.ref ?? '').trim().toLowerCase();
                if (!target) add(`${at}.ref`, 'no-ref');
                else if (!model.entities.some((x) => x.name.trim().toLowerCase() === target)) add(`${at}.ref`, 'unknown-ref');
            }
            if (f.type === 'file' && !model.features.includes('uploads')) add(`${at}.type`, 'file-needs-uploads');
        });
    });
    return out;
}

// ---- edits (pure: each returns a new model) ----

export function setAt<T>(list: T[], index: number, value: T): T[] {
    return list.map((x, i) => (i === index ? value : x));
}

export function removeAt<T>(list: T[], index: number): T[] {
    return list.filter((_, i) => i !== index);
}

export function moveTo<T>(list: T[], from: number, to: number): T[] {
    if (to < 0 || to >= list.length || from === to) return list;
    const out = [...list];
    const [item] = out.splice(from, 1);
    out.splice(to, 0, item);
    return out;
}

/// Renames an entity and every ref that pointed to it.
export function renameEntity(model: ProjectModel, index: number, name: string): ProjectModel {
    const old = model.entities[index]?.name;
    return {
        ...model,
        entities: model.entities.map((e, i) => ({
            ...(i === index ? { ...e, name } : e),
            fields: e.fields.map((f) => (f.type === 'ref' && old && f.ref === old ? { ...f, ref: name } : f)),
        })),
    };
}

/// Changes a field's type, keeping what the new type uses (values for enum, ref for ref).
export function changeFieldType(field: Field, type: string): Field {
    const out: Field = { ...field, type };
    if (type === 'enum') out.values = field.values ?? [];
    else delete out.values;
    if (type !== 'ref') delete out.ref;
    return out;
}

/// Removes an entity; fields of other entities that referred to it become plain strings.
export function removeEntity(model: ProjectModel, index: number): ProjectModel {
    const name = model.entities[index]?.name;
    return {
        ...model,
        entities: removeAt(model.entities, index).map((e) => ({
            ...e,
            fields: e.fields.map((f) => (f.type === 'ref' && f.ref === name ? changeFieldType(f, 'string') : f)),
        })),
    };
}

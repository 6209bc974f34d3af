import { describe, expect, it } from 'vitest';

import { diffModels } from '../src/lib/modeldiff';
import { toSpec } from '../src/lib/model';
import { applyMergePatch, mergePatch } from '../src/lib/patch';

describe('mergePatch', () => {
    it('sends what changed, null for removed members, arrays whole', () => {
        const before = { title: 'A', description: 'd', stacks: { frontend: 'react', backend: 'express', devops: ['docker'] }, entities: [{ name: 'X' }] };
        const after = { title: 'A', stacks: { frontend: 'none', backend: 'express', devops: ['docker', 'compose'] }, entities: [{ name: 'X' }, { name: 'Y' }] };
        const patch = mergePatch(before, after);
        expect(patch).toEqual({ description: null, stacks: { frontend: 'none', devops: ['docker', 'compose'] }, entities: [{ name: 'X' }, { name: 'Y' }] });
        expect(applyMergePatch(before, patch)).toEqual(after);
    });

    it('is undefined when nothing changed', () => {
        expect(mergePatch({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBeUndefined();
    });

    it('round-trips arbitrary specification edits', () => {
        const before = toSpec({ title: 'T', entities: [{ name: 'Book', fields: [{ name: 'title', type: 'string' }] }] });
        const after = structuredClone(before);
        after.entities[0].fields[0].name = 'heading';
        after.entities[0].fields.push({ name: 'status', type: 'enum', values: ['a', 'b'] });
        after.roles = ['admin'];
        after.stacks.devops = [];
        expect(applyMergePatch(before, mergePatch(before, after))).toEqual(after);
    });
});

describe('diffModels', () => {
    it('lists what a regeneration will change in the specification', () => {
        const before = toSpec({
            title: 'Lib',
            roles: ['admin', 'user'],
            entities: [
                { name: 'Book', fields: [{ name: 'title', type: 'string' }, { name: 'status', type: 'enum', values: ['in', 'out'] }, { name: 'pages', type: 'int' }] },
                { name: 'Old', fields: [{ name: 'x', type: 'string' }] },
            ],
            stacks: { backend: 'express', devops: ['docker'] },
        });
        const after = toSpec({
            title: 'Library',
            roles: ['admin', 'member'],
            entities: [
                { name: 'Book', fields: [{ name: 'heading', type: 'string' }, { name: 'status', type: 'enum', values: ['in', 'out', 'lost'] }, { name: 'pages', type: 'float', required: true }] },
                { name: 'Member', fields: [{ name: 'name', type: 'string' }] },
            ],
            stacks: { backend: 'flask', devops: [] },
        });
        expect(diffModels(before, after)).toEqual([
            { kind: 'member', member: 'title' },
            { kind: 'list', member: 'roles', added: ['member'], removed: ['user'] },
            { kind: 'stack', stack: 'backend', from: 'express', to: 'flask' },
            { kind: 'stack', stack: 'devops', from: 'docker', to: 'none' },
            { kind: 'field-added', entity: 'Book', field: 'heading' },
            { kind: 'field-values', entity: 'Book', field: 'status', added: ['lost'], removed: [] },
            { kind: 'field-type', entity: 'Book', field: 'pages', from: 'int', to: 'float' },
            { kind: 'field-flags', entity: 'Book', field: 'pages' },
            { kind: 'field-removed', entity: 'Book', field: 'title' },
            { kind: 'entity-added', entity: 'Member' },
            { kind: 'entity-removed', entity: 'Old' },
        ]);
        expect(diffModels(after, after)).toEqual([]);
    });
});

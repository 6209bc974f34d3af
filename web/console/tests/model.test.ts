import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { changeFieldType, emptyModel, localProblems, moveTo, parseSpecFile, removeEntity, renameEntity, specForApi, toSpec } from '../src/lib/model';
import type { Catalog } from '../src/lib/types';
import { catalog } from './fixtures';

// The analysis's expanded form (names, tables, routes, enum_values ...), as POST /api/v1/analyze answers it.
const analysed = {
    name: 'clinic-booking',
    title: 'Clinic Booking',
    description: 'Une application',
    domain: 'health',
    locales: ['fr'],
    default_locale: 'fr',
    locale_info: [{ code: 'fr', rtl: false, default: true }],
    rtl: false,
    roles: ['admin', 'patient'],
    features: ['auth'],
    feature_flags: { auth: true },
    entities: [
        {
            name: 'Patient',
            names: { pascal: 'Patient' },
            table: 'patients',
            route: '/api/patients',
            description: '',
            fields: [
                { name: 'full_name', names: {}, type: 'string', required: true, unique: false, description: '' },
                { name: 'email', type: 'email', required: false, unique: true, description: '' },
            ],
        },
        {
            name: 'Appointment',
            fields: [
                { name: 'status', type: 'enum', required: false, values: ['booked', 'done'], enum_values: [{ value: 'booked' }] },
                { name: 'patient', type: 'ref', ref: 'Patient', ref_names: {}, ref_table: 'patients' },
            ],
        },
    ],
    stacks: { frontend: 'react', backend: 'express', mobile: 'none', ai: 'none', devops: ['docker'], blockchain: 'none' },
};

describe('toSpec', () => {
    it('keeps the structured members of the analysis and drops the derived ones', () => {
        const m = toSpec(analysed);
        expect(m).toEqual({
            name: 'clinic-booking',
            title: 'Clinic Booking',
            description: 'Une application',
            domain: 'health',
            locales: ['fr'],
            roles: ['admin', 'patient'],
            features: ['auth'],
            entities: [
                { name: 'Patient', fields: [{ name: 'full_name', type: 'string', required: true }, { name: 'email', type: 'email', unique: true }] },
                { name: 'Appointment', fields: [{ name: 'status', type: 'enum', values: ['booked', 'done'] }, { name: 'patient', type: 'ref', ref: 'Patient' }] },
            ],
            stacks: { frontend: 'react', backend: 'express', mobile: 'none', ai: 'none', devops: ['docker'], blockchain: 'none' },
        });
    });

    it('reads `devops: none` (answers.json) as no devops stack, and fills the server defaults', () => {
        const m = toSpec({ title: 'T', stacks: { devops: 'none' } });
        expect(m.stacks.devops).toEqual([]);
        expect(m.stacks.frontend).toBe('react');
        expect(m.locales).toEqual(['en']);
        expect(m.roles).toEqual(['admin', 'user']);
        expect(toSpec({ stacks: { devops: 'docker, compose' } }).stacks.devops).toEqual(['docker', 'compose']);
    });

    it('gives an enum without values an empty list to fill', () => {
        expect(toSpec({ entities: [{ name: 'A', fields: [{ name: 's', type: 'enum' }] }] }).entities[0].fields[0].values).toEqual([]);
    });
});

describe('specForApi', () => {
    it('leaves out an empty name and description', () => {
        const m = { ...emptyModel(), title: 'X', name: ' ', description: '' };
        const out = specForApi(m);
        expect('name' in out).toBe(false);
        expect('description' in out).toBe(false);
    });
});

describe('parseSpecFile', () => {
    it('reads JSON and YAML as models, text and Markdown as text', () => {
        const yaml = 'title: Lib\nentities:\n  - name: Book\n    fields:\n      - {name: title, type: string, required: true}\nstacks:\n  backend: flask\n';
        const y = parseSpecFile('spec.yaml', yaml, parse);
        expect('model' in y && y.model.entities[0].fields[0]).toEqual({ name: 'title', type: 'string', required: true });
        expect('model' in y && y.model.stacks.backend).toBe('flask');
        const j = parseSpecFile('SPEC.JSON', JSON.stringify({ title: 'J', entities: [] }), parse);
        expect('model' in j && j.model.title).toBe('J');
        expect(parseSpecFile('cahier.md', '# Une app', parse)).toEqual({ text: '# Une app' });
        expect(parseSpecFile('cahier.txt', 'texte', parse)).toEqual({ text: 'texte' });
    });

    it('throws on a malformed JSON file', () => {
        expect(() => parseSpecFile('x.json', '{nope', parse)).toThrow();
    });
});

describe('localProblems', () => {
    const base = () => toSpec(analysed);

    it('finds nothing in a valid model', () => {
        expect(localProblems(base(), catalog)).toEqual([]);
    });

    it('names the paths as the server does', () => {
        const m = base();
        m.entities[0].fields[1].name = 'FULL_NAME';
        m.entities[1].fields[0].values = ['booked', 'Booked', ''];
        m.entities[1].fields[1].ref = 'Doctor';
        m.entities.push({ name: 'patient', fields: [] });
        m.entities[0].fields.push({ name: 'scan', type: 'file' });
        m.entities[0].fields.push({ name: 'x', type: 'blob' });
        expect(localProblems(m, catalog)).toEqual([
            { field: 'entities[0].fields[1].name', reason: 'duplicate' },
            { field: 'entities[0].fields[2].type', reason: 'file-needs-uploads' },
            { field: 'entities[0].fields[3].type', reason: 'unknown-type' },
            { field: 'entities[1].fields[0].values[1]', reason: 'duplicate' },
            { field: 'entities[1].fields[0].values[2]', reason: 'empty' },
            { field: 'entities[1].fields[1].ref', reason: 'unknown-ref' },
            { field: 'entities[2].name', reason: 'duplicate' },
            { field: 'entities[2].fields', reason: 'no-fields' },
        ]);
    });

    it('asks for a title, roles, languages and entities', () => {
        const m = { ...base(), title: '', name: undefined, roles: [], locales: [], entities: [] };
        expect(localProblems(m, catalog).map((p) => p.field)).toEqual(['title', 'entities', 'roles', 'locales']);
    });

    it('asks for an enum without values and a ref without a target', () => {
        const m = base();
        m.entities[1].fields[0].values = [];
        m.entities[1].fields[1].ref = '';
        expect(localProblems(m, catalog as Catalog)).toEqual([
            { field: 'entities[1].fields[0].values', reason: 'no-values' },
            { field: 'entities[1].fields[1].ref', reason: 'no-ref' },
        ]);
    });
});

describe('edits', () => {
    it('renaming an entity renames the refs to it', () => {
        const m = renameEntity(toSpec(analysed), 0, 'Client');
        expect(m.entities[0].name).toBe('Client');
        expect(m.entities[1].fields[1]).toEqual({ name: 'patient', type: 'ref', ref: 'Client' });
    });

    it('removing an entity turns the refs to it into strings', () => {
        const m = removeEntity(toSpec(analysed), 0);
        expect(m.entities.map((e) => e.name)).toEqual(['Appointment']);
        expect(m.entities[0].fields[1]).toEqual({ name: 'patient', type: 'string' });
    });

    it('changing a type keeps only what the new type uses', () => {
        expect(changeFieldType({ name: 's', type: 'enum', values: ['a'] }, 'string')).toEqual({ name: 's', type: 'string' });
        expect(changeFieldType({ name: 's', type: 'string' }, 'enum')).toEqual({ name: 's', type: 'enum', values: [] });
        expect(changeFieldType({ name: 'p', type: 'ref', ref: 'P' }, 'int')).toEqual({ name: 'p', type: 'int' });
    });

    it('moves items within bounds', () => {
        expect(moveTo(['a', 'b', 'c'], 2, 0)).toEqual(['c', 'a', 'b']);
        expect(moveTo(['a', 'b'], 0, -1)).toEqual(['a', 'b']);
        expect(moveTo(['a', 'b'], 1, 2)).toEqual(['a', 'b']);
    });
});

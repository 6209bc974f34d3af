import { describe, expect, it } from 'vitest';

import { assumptionPath, assumptionsAt, quotedTerms, segmentText } from '../src/lib/assumptions';
import { toSpec } from '../src/lib/model';

describe('quotedTerms', () => {
    it('reads the words the analyser quotes, in both quote styles', () => {
        expect(quotedTerms('recognised health from "clinique", "patients", "rendez-vous"')).toEqual(['clinique', 'patients', 'rendez-vous']);
        expect(quotedTerms('entity «rendez-vous» named Appointment')).toEqual(['rendez-vous']);
        expect(quotedTerms('entity « مريض » named Patient')).toEqual(['مريض']);
        expect(quotedTerms('no role named: admin, user')).toEqual([]);
        expect(quotedTerms('"a" is too short')).toEqual([]);
    });
});

describe('segmentText', () => {
    const assumptions = [
        { field: 'domain', message: 'recognised health from "clinique", "patients"' },
        { field: 'entities.Patient', message: 'entity «patients» named Patient' },
        { field: 'title', message: 'no project name given: "Clinic Booking"' },
    ];

    it('marks every occurrence, case-insensitively, with the assumptions that quote it', () => {
        const segs = segmentText('Une Clinique : les patients et leurs rendez-vous. Patients !', assumptions);
        expect(segs.map((s) => s.text).join('')).toBe('Une Clinique : les patients et leurs rendez-vous. Patients !');
        expect(segs.filter((s) => s.assumptions.length > 0)).toEqual([
            { text: 'Clinique', assumptions: [0] },
            { text: 'patients', assumptions: [0, 1] },
            { text: 'Patients', assumptions: [0, 1] },
        ]);
    });

    it('gives overlapping places to every assumption that covers them', () => {
        const segs = segmentText('prise de rendez-vous', [
            { field: 'a', message: '"rendez"' },
            { field: 'b', message: '«rendez-vous»' },
        ]);
        expect(segs).toEqual([
            { text: 'prise de ', assumptions: [] },
            { text: 'rendez', assumptions: [0, 1] },
            { text: '-vous', assumptions: [1] },
        ]);
    });

    it('uses the spans when the server gives them, and only them', () => {
        const text = 'Une application pour une clinique : les patients et les rendez-vous.';
        const start = text.indexOf('clinique');
        const rdv = text.indexOf('rendez-vous');
        const segs = segmentText(text, [
            { field: 'domain', message: 'recognised health from "clinique", "patients"', spans: [{ start, end: start + 8 }] },
            { field: 'entities.Appointment', message: 'entity «rendez-vous» named Appointment', spans: [{ start: rdv, end: rdv + 11 }] },
            { field: 'roles', message: 'added the admin role' },
            { field: 'x', message: 'out of range', spans: [{ start: 5, end: 500 }, { start: 9, end: 3 }] },
        ]);
        expect(segs.filter((s) => s.assumptions.length > 0)).toEqual([
            { text: 'clinique', assumptions: [0] },
            { text: 'rendez-vous', assumptions: [1] },
        ]);
        expect(segs.map((s) => s.text).join('')).toBe(text);
    });

    it('counts offsets in UTF-16 code units, as JavaScript strings do', () => {
        const text = '🙂 مرضى';
        const start = text.indexOf('مرضى');
        expect(start).toBe(3);
        expect(segmentText(text, [{ field: 'domain', message: '', spans: [{ start, end: start + 4 }] }])).toEqual([
            { text: '🙂 ', assumptions: [] },
            { text: 'مرضى', assumptions: [0] },
        ]);
    });

    it('treats regular-expression characters in quotes as text', () => {
        const segs = segmentText('prix (HT) et prix (TTC)', [{ field: 'x', message: '"(HT)"' }]);
        expect(segs.find((s) => s.assumptions.length)?.text).toBe('(HT)');
    });

    it('works on Arabic text', () => {
        const segs = segmentText('تطبيق لإدارة المرضى والمواعيد', [{ field: 'domain', message: 'recognised health from "المرضى"' }]);
        expect(segs).toEqual([
            { text: 'تطبيق لإدارة ', assumptions: [] },
            { text: 'المرضى', assumptions: [0] },
            { text: ' والمواعيد', assumptions: [] },
        ]);
    });

    it('gives the whole text as one piece when nothing is quoted', () => {
        expect(segmentText('abc', [])).toEqual([{ text: 'abc', assumptions: [] }]);
        expect(segmentText('', [])).toEqual([]);
    });
});

describe('assumptionPath', () => {
    const model = toSpec({
        entities: [
            { name: 'Book', fields: [{ name: 'title', type: 'string' }, { name: 'cover', type: 'url' }] },
            { name: 'Member', fields: [{ name: 'name', type: 'string' }] },
        ],
    });

    it('turns entity names into the editor’s indexes', () => {
        expect(assumptionPath('entities.Member', model)).toBe('entities[1]');
        expect(assumptionPath('entities.Book.cover', model)).toBe('entities[0].fields[1]');
        expect(assumptionPath('entities.book.COVER', model)).toBe('entities[0].fields[1]');
        expect(assumptionPath('entities.Book.gone', model)).toBe('entities[0]');
        expect(assumptionPath('entities.Gone', model)).toBeNull();
        expect(assumptionPath('stacks.frontend', model)).toBe('stacks.frontend');
        expect(assumptionPath('entities', model)).toBe('entities');
    });

    it('finds the assumptions of a member, and of its parts when asked', () => {
        const a = [
            { field: 'entities.Book', message: 'x' },
            { field: 'entities.Book.cover', message: 'y' },
            { field: 'roles', message: 'z' },
        ];
        expect(assumptionsAt('entities[0]', a, model)).toEqual([0]);
        expect(assumptionsAt('entities[0]', a, model, true)).toEqual([0, 1]);
        expect(assumptionsAt('roles', a, model)).toEqual([2]);
    });
});

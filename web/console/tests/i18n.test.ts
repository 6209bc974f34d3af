import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { detectLanguage, dirOf, format, kMessages, pickLanguage, placeholders, translate } from '../src/lib/i18n';

describe('language', () => {
    it('follows ?lang=, then the stored choice, then the browser, then English', () => {
        expect(detectLanguage({ search: '?lang=ar', stored: 'fr', browser: ['en-US'] })).toBe('ar');
        expect(detectLanguage({ search: '?lang=xx', stored: 'fr', browser: ['en-US'] })).toBe('fr');
        expect(detectLanguage({ search: '', stored: null, browser: ['de-DE', 'fr-CA', 'en'] })).toBe('fr');
        expect(detectLanguage({ search: '', stored: 'nope', browser: ['ar-DZ'] })).toBe('ar');
        expect(detectLanguage({ search: '', stored: null, browser: ['de'] })).toBe('en');
        expect(pickLanguage(['FR_fr;q=0.9'])).toBe('fr');
    });

    it('writes Arabic right to left', () => {
        expect(dirOf('ar')).toBe('rtl');
        expect(dirOf('fr')).toBe('ltr');
    });

    it('fills placeholders and leaves unknown ones', () => {
        expect(format('{a} and {b}', { a: 1 })).toBe('1 and {b}');
        expect(translate('fr', 'model.addField', { entity: 'Livre' })).toBe('Ajouter un champ à Livre');
    });
});

describe('messages', () => {
    const keys = Object.keys(kMessages.en).sort();

    it('French and Arabic have every English message, with the same placeholders, and nothing else', () => {
        for (const lang of ['fr', 'ar'] as const) {
            expect(Object.keys(kMessages[lang]).sort()).toEqual(keys);
            for (const k of keys) {
                const key = k as keyof typeof kMessages.en;
                expect([lang, k, placeholders(kMessages[lang][key])]).toEqual([lang, k, placeholders(kMessages.en[key])]);
                expect(kMessages[lang][key].trim()).not.toBe('');
            }
        }
    });

    it('every message the code asks for by name exists', () => {
        const files: string[] = [];
        const walk = (dir: string) => {
            for (const name of readdirSync(dir)) {
                const p = path.join(dir, name);
                if (statSync(p).isDirectory()) walk(p);
                else if (/\.tsx?$/.test(name) && !p.includes(`${path.sep}messages${path.sep}`)) files.push(p);
            }
        };
        walk(fileURLToPath(new URL('../src', import.meta.url)));
        const used = new Set<string>();
        for (const file of files) {
            for (const m of readFileSync(file, 'utf8').matchAll(/\bt\(\s*'([a-zA-Z][\w.-]*)'/g)) used.add(m[1]);
        }
        expect(used.size).toBeGreaterThan(100);
        const missing = [...used].filter((k) => !(k in kMessages.en));
        expect(missing).toEqual([]);
    });
});

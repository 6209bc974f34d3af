// French, English and Arabic. The language is, in order: `?lang=` in the address, the one chosen with the
// switcher (kept in localStorage), the browser's languages (what it sends as Accept-Language), English.
// Arabic is written right to left: <html dir="rtl">, and the styles use logical properties.

import { ar } from '../messages/ar';
import { en } from '../messages/en';
import { fr } from '../messages/fr';

export const kLanguages = ['fr', 'en', 'ar'] as const;
export type Lang = (typeof kLanguages)[number];
export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;

export const kMessages: Record<Lang, Messages> = { en, fr, ar };
export const kLangKey = 'dihya.lang';

/// The language names, each in its own language (for the switcher).
export const kLanguageNames: Record<Lang, string> = { fr: 'Français', en: 'English', ar: 'العربية' };

export function isLang(v: unknown): v is Lang {
    return typeof v === 'string' && (kLanguages as readonly string[]).includes(v);
}

/// The first supported language of a list of language tags (`fr-FR`, `ar`, `en-GB;q=0.8` ...).
export function pickLanguage(tags: readonly string[]): Lang | null {
    for (const tag of tags) {
        const base = tag.split(';')[0].trim().toLowerCase().split(/[-_]/)[0];
        if (isLang(base)) return base;
    }
    return null;
}

export function detectLanguage(input: { search: string; stored: string | null; browser: readonly string[] }): Lang {
    const fromQuery = new URLSearchParams(input.search).get('lang');
    const q = fromQuery ? pickLanguage([fromQuery]) : null;
    if (q) return q;
    if (isLang(input.stored)) return input.stored;
    return pickLanguage(input.browser) ?? 'en';
}

export function dirOf(lang: Lang): 'rtl' | 'ltr' {
    return lang === 'ar' ? 'rtl' : 'ltr';
}

/// The message with its `{name}` placeholders replaced.
export function format(template: string, params?: Record<string, string | number>): string {
    if (!params) return template;
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function translate(lang: Lang, key: MessageKey, params?: Record<string, string | number>): string {
    return format(kMessages[lang][key] ?? kMessages.en[key] ?? key, params);
}

/// The placeholders a message uses (for checking that translations keep them).
export function placeholders(template: string): string[] {
    return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
}

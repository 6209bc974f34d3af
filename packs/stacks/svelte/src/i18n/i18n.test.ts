import { describe, expect, it } from 'vitest';
import { applyLocaleToDocument, i18n } from './i18n.svelte';
import { DEFAULT_LOCALE, LOCALES } from './locales';
import { messagesFor, translate } from './messages';

describe('i18n', () => {
  it('has every interface string in every dictionary', () => {
    const keys = Object.keys(messagesFor('en')).sort();
    for (const { code } of LOCALES) expect(Object.keys(messagesFor(code)).sort()).toEqual(keys);
    expect(translate('en', 'pagination.range', { from: 1, to: 20, total: 45 })).toBe('1–20 of 45');
  });

  it('sets the language and direction of the document', () => {
    for (const { code, rtl } of LOCALES) {
      i18n.setLocale(code, false);
      applyLocaleToDocument();
      expect(document.documentElement.lang).toBe(code);
      expect(document.documentElement.dir).toBe(rtl ? 'rtl' : 'ltr');
    }
    i18n.setLocale('xx-unknown', false);
    expect(i18n.locale).toBe(LOCALES[LOCALES.length - 1].code);
    i18n.setLocale(DEFAULT_LOCALE, false);
  });
});

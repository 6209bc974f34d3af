import { describe, expect, it } from 'vitest';
import { applyLocaleToDocument, i18n } from './i18n.svelte';
import { DEFAULT_LOCALE, LOCALES } from './locales';

describe('i18n', () => {
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

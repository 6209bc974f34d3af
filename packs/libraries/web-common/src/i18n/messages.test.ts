import { describe, expect, it } from 'vitest';
import { LOCALES, supportedLocale } from './locales';
import { messagesFor, translate } from './messages';

describe('messages', () => {
  it('has every interface string in every dictionary', () => {
    const keys = Object.keys(messagesFor('en')).sort();
    for (const code of ['fr', 'ar', 'es', 'de', ...LOCALES.map((info) => info.code)]) {
      expect(Object.keys(messagesFor(code)).sort()).toEqual(keys);
      for (const key of keys) expect(messagesFor(code)[key as keyof ReturnType<typeof messagesFor>]).not.toBe('');
    }
  });

  it('fills placeholders', () => {
    expect(translate('en', 'pagination.range', { from: 1, to: 20, total: 45 })).toBe('1–20 of 45');
  });

  it('finds the language of a regional code', () => {
    const { code } = LOCALES[0];
    expect(supportedLocale(`${code}-XX`)).toBe(code);
    expect(supportedLocale('xx-unknown')).toBeUndefined();
  });
});

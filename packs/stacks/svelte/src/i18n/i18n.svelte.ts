import { initialLocale, isRtl, LOCALE_STORAGE_KEY, LOCALES, supportedLocale, type LocaleInfo } from './locales';
import { translate, type MessageKey } from './messages';

const state = $state({ locale: initialLocale() });

/** The interface language. Reading `locale`, `dir` or `t(...)` in a component keeps it up to date. */
export const i18n = {
  get locale(): string {
    return state.locale;
  },
  get dir(): 'ltr' | 'rtl' {
    return isRtl(state.locale) ? 'rtl' : 'ltr';
  },
  locales: LOCALES as readonly LocaleInfo[],
  /** Switches language; the choice is remembered unless `remember` is false. */
  setLocale(code: string, remember = true): void {
    const next = supportedLocale(code);
    if (!next) return;
    if (remember) localStorage.setItem(LOCALE_STORAGE_KEY, next);
    state.locale = next;
  },
  t(key: MessageKey, params?: Record<string, string | number>): string {
    return translate(state.locale, key, params);
  },
};

/** Puts the language and its direction on <html> (dir="rtl" for Arabic, Hebrew, ...). */
export function applyLocaleToDocument(): void {
  document.documentElement.lang = i18n.locale;
  document.documentElement.dir = i18n.dir;
}

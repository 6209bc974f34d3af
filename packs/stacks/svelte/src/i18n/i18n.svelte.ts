import { APP_ID } from '../config';
import { DEFAULT_LOCALE, LOCALES, type LocaleInfo } from './locales';
import { translate, type MessageKey } from './messages';

const STORAGE_KEY = `${APP_ID}.locale`;

function supported(code: string | null | undefined): string | undefined {
  if (!code) return undefined;
  const exact = LOCALES.find((info) => info.code === code);
  return (exact ?? LOCALES.find((info) => info.code === code.split('-')[0]))?.code;
}

/** The saved choice, else the browser's first supported language, else the default. */
function initialLocale(): string {
  const saved = supported(localStorage.getItem(STORAGE_KEY));
  if (saved) return saved;
  for (const language of navigator.languages ?? []) {
    const match = supported(language);
    if (match) return match;
  }
  return DEFAULT_LOCALE;
}

const state = $state({ locale: initialLocale() });

/** The interface language. Reading `locale`, `dir` or `t(...)` in a component keeps it up to date. */
export const i18n = {
  get locale(): string {
    return state.locale;
  },
  get dir(): 'ltr' | 'rtl' {
    return LOCALES.find((info) => info.code === state.locale)?.rtl ? 'rtl' : 'ltr';
  },
  locales: LOCALES as readonly LocaleInfo[],
  /** Switches language; the choice is remembered unless `remember` is false. */
  setLocale(code: string, remember = true): void {
    const next = supported(code);
    if (!next) return;
    if (remember) localStorage.setItem(STORAGE_KEY, next);
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

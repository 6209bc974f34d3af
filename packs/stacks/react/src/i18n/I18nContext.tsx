import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { APP_ID } from '../config';
import { DEFAULT_LOCALE, LOCALES, type LocaleInfo } from './locales';
import { translate, type MessageKey } from './messages';

const STORAGE_KEY = `${APP_ID}.locale`;

export interface I18n {
  locale: string;
  dir: 'ltr' | 'rtl';
  locales: readonly LocaleInfo[];
  setLocale(code: string): void;
  t(key: MessageKey, params?: Record<string, string | number>): string;
}

const I18nContext = createContext<I18n | null>(null);

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

export function I18nProvider({ locale: fixedLocale, children }: { locale?: string; children: ReactNode }) {
  const [locale, setLocaleState] = useState(() => supported(fixedLocale) ?? initialLocale());
  const dir = LOCALES.find((info) => info.code === locale)?.rtl ? 'rtl' : 'ltr';

  useEffect(() => {
    document.documentElement.lang = locale;
    document.documentElement.dir = dir;
  }, [locale, dir]);

  const setLocale = useCallback((code: string) => {
    const next = supported(code);
    if (!next) return;
    localStorage.setItem(STORAGE_KEY, next);
    setLocaleState(next);
  }, []);

  const value = useMemo<I18n>(
    () => ({
      locale,
      dir,
      locales: LOCALES,
      setLocale,
      t: (key, params) => translate(locale, key, params),
    }),
    [locale, dir, setLocale],
  );

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n must be used inside <I18nProvider>');
  return value;
}

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { initialLocale, isRtl, LOCALE_STORAGE_KEY, LOCALES, supportedLocale, type LocaleInfo } from './locales';
import { translate, type MessageKey } from './messages';

export interface I18n {
  locale: string;
  dir: 'ltr' | 'rtl';
  locales: readonly LocaleInfo[];
  setLocale(code: string): void;
  t(key: MessageKey, params?: Record<string, string | number>): string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ locale: fixedLocale, children }: { locale?: string; children: ReactNode }) {
  const [locale, setLocaleState] = useState(() => supportedLocale(fixedLocale) ?? initialLocale());
  const dir = isRtl(locale) ? 'rtl' : 'ltr';

  useEffect(() => {
    document.documentElement.lang = locale;
    document.documentElement.dir = dir;
  }, [locale, dir]);

  const setLocale = useCallback((code: string) => {
    const next = supportedLocale(code);
    if (!next) return;
    localStorage.setItem(LOCALE_STORAGE_KEY, next);
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

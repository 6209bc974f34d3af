import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { I18nManager } from 'react-native';
import { loadItem, saveItem } from '../storage';
import { DEFAULT_LOCALE, LOCALES, type LocaleInfo } from './locales';
import { translate, type MessageKey } from './messages';

const STORAGE_NAME = 'locale';

export interface I18n {
  locale: string;
  dir: 'ltr' | 'rtl';
  locales: readonly LocaleInfo[];
  setLocale(code: string): void;
  t(key: MessageKey, params?: Record<string, string | number>): string;
}

const I18nContext = createContext<I18n | null>(null);

/** The supported locale for `code` ("ar", "ar-DZ", ...), if any. */
export function supportedLocale(code: string | null | undefined): string | undefined {
  if (!code) return undefined;
  const exact = LOCALES.find((info) => info.code === code);
  return (exact ?? LOCALES.find((info) => info.code === code.split('-')[0]))?.code;
}

export function isRtl(code: string): boolean {
  return LOCALES.find((info) => info.code === code)?.rtl === true;
}

/** The device's language when the app supports it, else the default. */
export function deviceLocale(): string {
  return supportedLocale(Intl.DateTimeFormat().resolvedOptions().locale) ?? DEFAULT_LOCALE;
}

/** The language chosen in an earlier run, if any. */
export async function savedLocale(): Promise<string | undefined> {
  return supportedLocale(await loadItem(STORAGE_NAME));
}

/**
 * Right-to-left languages mirror the layout: at once through the root view's `direction` (see
 * App.tsx), and natively through I18nManager, which the platform applies from the next start.
 */
function applyNativeDirection(rtl: boolean): void {
  I18nManager.allowRTL(true);
  if (I18nManager.isRTL !== rtl) I18nManager.forceRTL(rtl);
}

export function I18nProvider({ locale: initial, children }: { locale?: string; children: ReactNode }) {
  const [locale, setLocaleState] = useState(() => supportedLocale(initial) ?? deviceLocale());
  const dir = isRtl(locale) ? 'rtl' : 'ltr';

  useEffect(() => {
    applyNativeDirection(dir === 'rtl');
  }, [dir]);

  const setLocale = useCallback((code: string) => {
    const next = supportedLocale(code);
    if (!next) return;
    setLocaleState(next);
    void saveItem(STORAGE_NAME, next);
  }, []);

  const value = useMemo<I18n>(
    () => ({ locale, dir, locales: LOCALES, setLocale, t: (key, params) => translate(locale, key, params) }),
    [locale, dir, setLocale],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n must be used inside <I18nProvider>');
  return value;
}

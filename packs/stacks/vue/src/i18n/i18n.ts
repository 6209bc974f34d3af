import { computed, inject, ref, watch, type App, type ComputedRef, type InjectionKey, type Ref } from 'vue';
import { initialLocale, isRtl, LOCALE_STORAGE_KEY, LOCALES, supportedLocale, type LocaleInfo } from './locales';
import { translate, type MessageKey } from './messages';

export interface I18n {
  /** The current language; reading it in a template re-renders on change. */
  locale: Readonly<Ref<string>>;
  dir: ComputedRef<'ltr' | 'rtl'>;
  locales: readonly LocaleInfo[];
  setLocale(code: string): void;
  t(key: MessageKey, params?: Record<string, string | number>): string;
}

const I18N_KEY: InjectionKey<I18n> = Symbol('i18n');

/**
 * The i18n plugin: `app.use(createI18n())`. `locale` fixes the starting language (tests);
 * otherwise it is the saved choice or the browser's. Keeps <html lang dir> in step.
 */
export function createI18n(locale?: string) {
  const current = ref(supportedLocale(locale) ?? initialLocale());
  const dir = computed(() => (isRtl(current.value) ? 'rtl' : 'ltr'));
  const i18n: I18n = {
    locale: current,
    dir,
    locales: LOCALES,
    setLocale(code) {
      const next = supportedLocale(code);
      if (!next) return;
      localStorage.setItem(LOCALE_STORAGE_KEY, next);
      current.value = next;
    },
    t: (key, params) => translate(current.value, key, params),
  };
  return {
    install(app: App) {
      const stop = watch(
        [current, dir],
        ([code, direction]) => {
          document.documentElement.lang = code;
          document.documentElement.dir = direction;
        },
        { immediate: true, flush: 'sync' },
      );
      app.onUnmount(stop);
      app.provide(I18N_KEY, i18n);
    },
  };
}

export function useI18n(): I18n {
  const i18n = inject(I18N_KEY, null);
  if (!i18n) throw new Error('useI18n needs the i18n plugin: app.use(createI18n())');
  return i18n;
}

import { useI18n } from '../i18n/I18nContext';

/** Each language's name in that language, e.g. "français", "العربية". */
function nativeName(code: string): string {
  try {
    return new Intl.DisplayNames([code], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

export function LanguageSwitcher() {
  const { locale, locales, setLocale, t } = useI18n();
  if (locales.length < 2) return null;
  return (
    <label className="language">
      <span className="visually-hidden">{t('nav.language')}</span>
      <select value={locale} onChange={(event) => setLocale(event.target.value)}>
        {locales.map(({ code }) => (
          <option key={code} value={code} lang={code}>
            {nativeName(code)}
          </option>
        ))}
      </select>
    </label>
  );
}

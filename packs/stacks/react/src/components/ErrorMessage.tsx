import { useI18n } from '../i18n/I18nContext';

/** Shows an error (an ApiError's detail, or any Error's message); nothing when there is none. */
export function ErrorMessage({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!error) return null;
  const message = error instanceof Error && error.message ? error.message : t('common.error');
  return (
    <p className="error" role="alert">
      {message}
    </p>
  );
}

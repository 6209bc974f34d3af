import { useI18n } from '../i18n/I18nContext';

interface PaginationProps {
  /** 1-based. */
  page: number;
  pageSize: number;
  total: number;
  onChange(page: number): void;
}

export function Pagination({ page, pageSize, total, onChange }: PaginationProps) {
  const { t } = useI18n();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = Math.min(page * pageSize, total);
  return (
    <nav className="pagination" aria-label={t('pagination.label')}>
      <button type="button" onClick={() => onChange(page - 1)} disabled={page <= 1}>
        {t('pagination.previous')}
      </button>
      <span>{t('pagination.range', { from, to, total })}</span>
      <button type="button" onClick={() => onChange(page + 1)} disabled={page >= pages}>
        {t('pagination.next')}
      </button>
    </nav>
  );
}

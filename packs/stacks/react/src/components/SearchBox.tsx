import { useEffect, useState, type FormEvent } from 'react';
import { useI18n } from '../i18n/I18nContext';

interface SearchBoxProps {
  /** The search in the address (`?q=`). */
  value: string;
  onSearch(text: string): void;
}

/** The search box of a list page: submitting it puts the text in the address. */
export function SearchBox({ value, onSearch }: SearchBoxProps) {
  const { t } = useI18n();
  const [text, setText] = useState(value);
  // Back and forward change the address: show its search.
  useEffect(() => setText(value), [value]);

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    onSearch(text.trim());
  }

  return (
    <form role="search" className="search" onSubmit={handleSubmit}>
      <label htmlFor="search-q" className="visually-hidden">
        {t('search.label')}
      </label>
      <input id="search-q" type="search" name="q" value={text} onChange={(event) => setText(event.target.value)} />
      <button type="submit">{t('search.submit')}</button>
      {value ? (
        <button type="button" className="link" onClick={() => onSearch('')}>
          {t('search.clear')}
        </button>
      ) : null}
    </form>
  );
}

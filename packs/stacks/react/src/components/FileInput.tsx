import type { FieldDef, StoredFile } from '../entities/types';
import { fileUrl, formatSize } from '../features/uploads';
import { useI18n } from '../i18n/I18nContext';

/** A stored file: its name, linking to the download, and its size. */
export function FileLink({ file }: { file: StoredFile }) {
  const { locale } = useI18n();
  return (
    <span className="file">
      <a href={fileUrl(file)} target="_blank" rel="noopener noreferrer">
        {file.name}
      </a>{' '}
      <span className="file-size">({formatSize(file.size, locale)})</span>
    </span>
  );
}

interface FileInputProps {
  field: FieldDef;
  /** The row's file (null: none yet); undefined for a row not saved yet. */
  current?: StoredFile | null;
  error?: string;
  onSelect(file: File | null): void;
}

/** A file field: the file stored now, and a file input to send another once the row is saved. */
export function FileInput({ field, current, error, onSelect }: FileInputProps) {
  const { t } = useI18n();
  const id = `field-${field.name}`;
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{field.label}</label>
      {current !== undefined ? (
        <p className="file-current">
          {t('upload.current')}: {current ? <FileLink file={current} /> : t('upload.none')}
        </p>
      ) : null}
      <input
        id={id}
        name={field.name}
        type="file"
        aria-describedby={errorId}
        onChange={(event) => onSelect(event.target.files?.[0] ?? null)}
      />
      {error ? (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

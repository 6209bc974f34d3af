import { API_URL, ApiError, type ResourceApi, type Row } from '../api/client';
import type { EntityDef, FieldDef, StoredFile } from '../entities/types';
import { isStoredFile } from '../fields';
import type { MessageKey } from '../i18n/messages';

/**
 * Uploads: the fields of type `file`. A file is sent once its row is saved, as the raw body of
 * `PUT <route>/{id}/<field>` with its Content-Type and its name in X-Filename; the API checks its
 * size (413 beyond its limit) and type (415), and rows then hold `{name, type, size, url}`.
 */

/** The file fields of `entity`, in order. */
export function fileFields(entity: EntityDef): FieldDef[] {
  return entity.fields.filter((field) => field.type === 'file');
}

/** The stored file of each file field of `row` (null where there is none). */
export function storedFiles(entity: EntityDef, row: Row): Record<string, StoredFile | null> {
  return Object.fromEntries(
    fileFields(entity).map((field) => {
      const value = row[field.name];
      return [field.name, isStoredFile(value) ? value : null];
    }),
  );
}

/** Where the browser downloads a stored file: its URL on the API's origin. */
export function fileUrl(file: StoredFile): string {
  return `${API_URL}${file.url}`;
}

/** A file size for people, in `locale`: "512 byte", "2.5 kB", "1.2 MB". */
export function formatSize(bytes: number, locale: string): string {
  const [unit, amount] =
    bytes < 1000 ? ['byte', bytes] : bytes < 1_000_000 ? ['kilobyte', bytes / 1000] : ['megabyte', bytes / 1_000_000];
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: 1 }).format(
    amount,
  );
}

/** What to show next to a file field whose upload failed. */
export function uploadErrorMessage(error: unknown, t: (key: MessageKey) => string): string {
  if (error instanceof ApiError) {
    if (error.status === 413) return t('upload.tooLarge');
    if (error.status === 415) return t('upload.wrongType');
    if (error.status === 400 && error.message) return error.message;
  }
  return t('upload.failed');
}

export interface UploadResult<T extends Row> {
  /** The row as the last upload that succeeded returned it (null when none was sent or none succeeded). */
  row: T | null;
  /** The message of each upload that failed, by field name. */
  errors: Record<string, string>;
}

/** Sends the chosen `files` of row `id`, one after the other; a failure does not stop the others. */
export async function uploadFiles<T extends Row>(
  api: ResourceApi<T>,
  id: number,
  files: Record<string, File | null | undefined>,
  t: (key: MessageKey) => string,
): Promise<UploadResult<T>> {
  const result: UploadResult<T> = { row: null, errors: {} };
  for (const [field, file] of Object.entries(files)) {
    if (!file) continue;
    try {
      result.row = await api.upload(id, field, file);
    } catch (caught) {
      result.errors[field] = uploadErrorMessage(caught, t);
    }
  }
  return result;
}

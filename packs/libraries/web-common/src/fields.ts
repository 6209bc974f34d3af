import type { Payload, Row } from './api/client';
import type { EntityDef, FieldDef, FieldType, StoredFile } from './entities/types';

/** What a form control holds: text for inputs and selects, a boolean for checkboxes. */
export type FormValue = string | boolean;
export type FormValues = Record<string, FormValue>;

/** The <input> type of the fields edited with a plain input (text is a textarea, enum and ref selects, bool a checkbox). */
export const INPUT_TYPES: Partial<Record<FieldType, string>> = {
  string: 'text',
  int: 'number',
  float: 'number',
  date: 'date',
  datetime: 'datetime-local',
  email: 'email',
  url: 'url',
};

/** The API's length limits. */
export const MAX_LENGTH: Partial<Record<FieldType, number>> = { string: 255, text: 10000, email: 254, url: 2048 };

/** The `step` of a number input: whole numbers for int, any for float. */
export function inputStep(field: FieldDef): number | 'any' | undefined {
  return field.type === 'int' ? 1 : field.type === 'float' ? 'any' : undefined;
}

const pad = (value: number) => String(value).padStart(2, '0');

/** An ISO date-time as the value of <input type="datetime-local"> (local time, minutes). */
export function toLocalDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}

/** The form value of one field of a row (or of a new row when `value` is undefined). */
export function toFormValue(field: FieldDef, value: unknown): FormValue {
  if (field.type === 'bool') return value === true;
  if (value === null || value === undefined) return '';
  if (field.type === 'datetime') return toLocalDateTime(String(value));
  return String(value);
}

/** The fields a form edits as values: all but files, which are uploaded on their own once the row is saved. */
export function formFields(entity: EntityDef): FieldDef[] {
  return entity.fields.filter((field) => field.type !== 'file');
}

export function toFormValues(entity: EntityDef, row?: Row): FormValues {
  return Object.fromEntries(formFields(entity).map((field) => [field.name, toFormValue(field, row?.[field.name])]));
}

/** The API value of a form value: numbers for int, float and ref, ISO 8601 for datetime. */
export function fromFormValue(field: FieldDef, value: FormValue): unknown {
  if (field.type === 'bool') return value === true;
  const text = String(value).trim();
  if (text === '') return null;
  switch (field.type) {
    case 'int':
    case 'float':
    case 'ref':
      return Number(text);
    case 'datetime': {
      const date = new Date(text);
      return Number.isNaN(date.getTime()) ? text : date.toISOString();
    }
    default:
      return text;
  }
}

export function toPayload(entity: EntityDef, values: FormValues): Payload {
  return Object.fromEntries(
    formFields(entity).map((field) => [field.name, fromFormValue(field, values[field.name] ?? '')]),
  );
}

/** Whether a row's value is a stored file (`{name, type, size, url}`). */
export function isStoredFile(value: unknown): value is StoredFile {
  const file = value as Partial<StoredFile> | null;
  return typeof file?.name === 'string' && typeof file.url === 'string' && typeof file.size === 'number';
}

/** A day (YYYY-MM-DD) as text for `locale`, e.g. "Jan 31, 2024". */
export function formatDay(day: string, locale: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(date.getTime())
    ? day
    : new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(date);
}

/** A value as text for a table cell, formatted for `locale`. */
export function formatValue(
  field: FieldDef,
  value: unknown,
  locale: string,
  words: { yes: string; no: string },
): string {
  if (value === null || value === undefined || value === '') return '—';
  switch (field.type) {
    case 'bool':
      return value === true ? words.yes : words.no;
    case 'int':
    case 'float':
      return typeof value === 'number' ? new Intl.NumberFormat(locale).format(value) : String(value);
    case 'date':
      return formatDay(String(value), locale);
    case 'datetime': {
      const date = new Date(String(value));
      return Number.isNaN(date.getTime())
        ? String(value)
        : new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
    }
    case 'file':
      return isStoredFile(value) ? value.name : '—';
    default:
      return String(value);
  }
}

/** The field types the API searches in (`?q=`). */
export const SEARCHED_TYPES: ReadonlySet<FieldType> = new Set<FieldType>(['string', 'text', 'email', 'url', 'enum']);

/** Whether `?q=` can find anything in `entity`: it has a field the API searches in. */
export function isSearchable(entity: EntityDef): boolean {
  return entity.fields.some((field) => SEARCHED_TYPES.has(field.type));
}

/** A short label for a row: its first non-empty text field, else "#id". */
export function rowLabel(entity: EntityDef | undefined, row: Row): string {
  for (const field of entity?.fields ?? []) {
    const value = row[field.name];
    if (SEARCHED_TYPES.has(field.type) && typeof value === 'string' && value !== '') return value;
  }
  return `#${row.id}`;
}

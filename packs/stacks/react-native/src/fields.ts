import type { Payload, Row } from './api/client';
import type { EntityDef, FieldDef, FieldType } from './entities/types';
import type { MessageKey } from './i18n/messages';

/** What a form control holds: text for text inputs and pickers, a boolean for switches. */
export type FormValue = string | boolean;
export type FormValues = Record<string, FormValue>;

/** The API's length limits. */
export const MAX_LENGTH: Partial<Record<FieldType, number>> = { string: 255, text: 10000, email: 254, url: 2048 };

const pad = (value: number) => String(value).padStart(2, '0');

/** An ISO date-time as the text of a datetime input: local time, "YYYY-MM-DD HH:MM". */
export function toLocalDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    ` ${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}

/** "YYYY-MM-DD HH:MM" (local time; a "T" may stand for the space) as a Date, or null. */
export function parseLocalDateTime(text: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})$/.exec(text.trim());
  if (!match) return null;
  const [year, month, day, hours, minutes] = match.slice(1).map(Number);
  const date = new Date(year, month - 1, day, hours, minutes);
  const same =
    date.getFullYear() === year && date.getMonth() === month - 1 && date.getDate() === day &&
    date.getHours() === hours && date.getMinutes() === minutes;
  return same ? date : null;
}

function isDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

/** The form value of one field of a row (or of a new row when `value` is undefined). */
export function toFormValue(field: FieldDef, value: unknown): FormValue {
  if (field.type === 'bool') return value === true;
  if (value === null || value === undefined) return '';
  if (field.type === 'datetime') return toLocalDateTime(String(value));
  return String(value);
}

export function toFormValues(entity: EntityDef, row?: Row): FormValues {
  return Object.fromEntries(entity.fields.map((field) => [field.name, toFormValue(field, row?.[field.name])]));
}

/** Decimal commas (as keypads show them in many languages) read as points. */
function numberText(text: string): string {
  return text.replace(',', '.');
}

/** The API value of a form value: numbers for int, float and ref, ISO 8601 UTC for datetime. */
export function fromFormValue(field: FieldDef, value: FormValue): unknown {
  if (field.type === 'bool') return value === true;
  const text = String(value).trim();
  if (text === '') return null;
  switch (field.type) {
    case 'int':
    case 'float':
      return Number(numberText(text));
    case 'ref':
      return Number(text);
    case 'datetime':
      return parseLocalDateTime(text)?.toISOString() ?? text;
    default:
      return text;
  }
}

export function toPayload(entity: EntityDef, values: FormValues): Payload {
  return Object.fromEntries(entity.fields.map((field) => [field.name, fromFormValue(field, values[field.name] ?? '')]));
}

export interface Problem {
  key: MessageKey;
  params?: Record<string, string | number>;
}

/** What is wrong with one form value before it is sent, or null (the API still checks everything). */
export function checkField(field: FieldDef, value: FormValue): Problem | null {
  if (field.type === 'bool') return null;
  const text = String(value).trim();
  if (text === '') return field.required ? { key: 'validation.required' } : null;
  const max = MAX_LENGTH[field.type];
  if (max !== undefined && text.length > max) return { key: 'validation.tooLong', params: { max } };
  switch (field.type) {
    case 'int':
      return /^[-+]?\d+$/.test(text) ? null : { key: 'validation.int' };
    case 'float':
      return /^[-+]?(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)?$/.test(text) ? null : { key: 'validation.float' };
    case 'date':
      return isDate(text) ? null : { key: 'validation.date' };
    case 'datetime':
      return parseLocalDateTime(text) ? null : { key: 'validation.datetime' };
    case 'email':
      return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text) ? null : { key: 'validation.email' };
    case 'url':
      return /^https?:\/\/\S+$/i.test(text) ? null : { key: 'validation.url' };
    default:
      return null;
  }
}

/** The problems of a whole form, keyed by field name. */
export function checkForm(entity: EntityDef, values: FormValues): Record<string, Problem> {
  const problems: Record<string, Problem> = {};
  for (const field of entity.fields) {
    const problem = checkField(field, values[field.name] ?? '');
    if (problem) problems[field.name] = problem;
  }
  return problems;
}

/** A value as text, formatted for `locale`. */
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
    case 'date': {
      const date = new Date(`${String(value)}T00:00:00Z`);
      return Number.isNaN(date.getTime())
        ? String(value)
        : new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(date);
    }
    case 'datetime': {
      const date = new Date(String(value));
      return Number.isNaN(date.getTime())
        ? String(value)
        : new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
    }
    default:
      return String(value);
  }
}

/** A short label for a row: its first non-empty text field, else "#id". */
export function rowLabel(entity: EntityDef | undefined, row: Row): string {
  const textual = new Set<FieldType>(['string', 'email', 'url', 'enum', 'text']);
  for (const field of entity?.fields ?? []) {
    const value = row[field.name];
    if (textual.has(field.type) && typeof value === 'string' && value !== '') return value;
  }
  return `#${row.id}`;
}

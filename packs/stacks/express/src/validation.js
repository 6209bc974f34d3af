/** Validation of request bodies from the field types of a resource. */

export const MAX_LENGTH = { string: 255, text: 10_000, email: 254, url: 2048 };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Years the databases store as dates and timestamps (SQLite and PostgreSQL alike). */
const FIRST_YEAR = 1;
const LAST_YEAR = 9999;

function isCalendarDate(value) {
  const match = DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day); // (Date.UTC would read the years 0 to 99 as 1900 to 1999)
  return (
    year >= FIRST_YEAR && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

/** A date-time that DATETIME accepts, as a Date (fractions of a millisecond are dropped). */
export function parseDateTime(value) {
  const [, day, hour, minute, second = '0', fraction = '', zone, sign, zoneHours, zoneMinutes] =
    /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|([+-])(\d{2}):(\d{2}))$/i.exec(value);
  const [year, month, date] = day.split('-').map(Number);
  const instant = new Date(0);
  instant.setUTCFullYear(year, month - 1, date);
  instant.setUTCHours(Number(hour), Number(minute), Number(second), Number(fraction.padEnd(3, '0').slice(0, 3)));
  const offsetMinutes =
    zone.toUpperCase() === 'Z' ? 0 : (sign === '-' ? -1 : 1) * (Number(zoneHours) * 60 + Number(zoneMinutes));
  return new Date(instant.getTime() - offsetMinutes * 60_000);
}

function checkText(value, maxLength) {
  if (typeof value !== 'string') return 'must be a string';
  if (value.length > maxLength) return `must be at most ${maxLength} characters`;
  if (value.includes('\u0000')) return 'must not contain the character U+0000'; // PostgreSQL cannot store it
  return null;
}

const checks = {
  string: (value) => checkText(value, MAX_LENGTH.string),
  text: (value) => checkText(value, MAX_LENGTH.text),
  int: (value) => (Number.isSafeInteger(value) ? null : 'must be an integer'),
  float: (value) => (typeof value === 'number' && Number.isFinite(value) ? null : 'must be a number'),
  bool: (value) => (typeof value === 'boolean' ? null : 'must be a boolean'),
  date: (value) =>
    typeof value === 'string' && isCalendarDate(value) ? null : 'must be a date in the form YYYY-MM-DD',
  datetime: (value) => {
    const match = typeof value === 'string' && DATETIME.exec(value);
    if (!match || !isCalendarDate(match[1])) {
      return 'must be an ISO 8601 date-time with a time zone, e.g. 2024-01-31T09:30:00Z';
    }
    const year = parseDateTime(value).getUTCFullYear();
    return year >= FIRST_YEAR && year <= LAST_YEAR ? null : `must be between the years ${FIRST_YEAR} and ${LAST_YEAR} in UTC`;
  },
  email: (value) =>
    checkText(value, MAX_LENGTH.email) ?? (EMAIL.test(value) ? null : 'must be an email address'),
  url: (value) => {
    const problem = checkText(value, MAX_LENGTH.url);
    if (problem) return problem;
    try {
      const { protocol } = new URL(value);
      return protocol === 'http:' || protocol === 'https:' ? null : 'must be an http or https URL';
    } catch {
      return 'must be an http or https URL';
    }
  },
  enum: (value, field) =>
    field.values.includes(value) ? null : `must be one of: ${field.values.join(', ')}`,
  ref: (value, field) =>
    Number.isSafeInteger(value) && value > 0 ? null : `must be the id of a ${field.ref}`,
};

/** Returns an error message when `value` does not fit `field`, or null. */
export function checkField(field, value) {
  const check = checks[field.type];
  if (!check) throw new Error(`Unknown field type ${field.type}`);
  return check(value, field);
}

/**
 * Checks a request body against the fields of a resource.
 * Returns `{ data, errors }`: `data` holds the accepted values (missing optional fields become
 * null), `errors` lists `{ field, message }`. With `partial` (PATCH) only the fields present in
 * the body are checked and returned. File fields are not set through JSON bodies: their values are ignored.
 */
export function validateBody(resource, body, { partial = false } = {}) {
  const errors = [];
  const data = {};
  const known = new Set(resource.fields.map((field) => field.name));
  for (const key of Object.keys(body)) {
    if (key !== 'id' && !known.has(key)) errors.push({ field: key, message: 'is not a known field' });
  }
  for (const field of resource.fields) {
    // A file is sent on its own URL (PUT <route>/{id}/<field>): in a JSON body it is ignored.
    if (field.type === 'file') continue;
    if (partial && !Object.hasOwn(body, field.name)) continue;
    const value = body[field.name];
    if (value === undefined || value === null || value === '') {
      if (field.required) errors.push({ field: field.name, message: 'is required' });
      else data[field.name] = null;
      continue;
    }
    const message = checkField(field, value);
    if (message) errors.push({ field: field.name, message });
    else data[field.name] = value;
  }
  return { data, errors };
}

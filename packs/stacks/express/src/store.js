/**
 * Rows of the model's tables in the database (knex). Values go in and come out as the API sends them:
 * `date` as YYYY-MM-DD, `datetime` as RFC 3339 in UTC, booleans, numbers, `ref` as the referenced id.
 */
import { isPostgres } from './db.js';
import { parseDateTime } from './validation.js';

/** Ids are 32-bit integers (the tables' `increments` column): a larger one names no row. */
export const MAX_ID = 2 ** 31 - 1;
const isId = (id) => Number.isSafeInteger(id) && id >= 1 && id <= MAX_ID;

/** The field types that `?q=` searches. */
export const SEARCHED_TYPES = new Set(['string', 'text', 'email', 'url', 'enum']);

/** RFC 3339 in UTC, with milliseconds only when there are some: 2024-01-31T09:30:00Z. */
export function formatDateTime(value) {
  const date = value instanceof Date ? value : new Date(value);
  return date.toISOString().replace('.000Z', 'Z');
}

/** A value of the API as stored in the database. */
function toColumn(field, value) {
  if (value === null || value === undefined) return null;
  // An uploaded file's description (src/uploads.js): {name, type, size}, as JSON text.
  if (field.type === 'file') return JSON.stringify({ name: value.name, type: value.type, size: value.size });
  // Stored as ISO 8601 in UTC: a timestamp with time zone in PostgreSQL, text that sorts by time in SQLite.
  if (field.type === 'datetime') return parseDateTime(value).toISOString();
  return value;
}

/** A value of the database as the API sends it. */
function fromColumn(field, value) {
  if (value === null || value === undefined) return null;
  switch (field.type) {
    case 'bool':
      return Boolean(value); // SQLite stores 0 and 1
    case 'int':
    case 'float':
    case 'ref':
      return Number(value);
    case 'date':
      return value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
    case 'datetime':
      return formatDateTime(value);
    default:
      return value;
  }
}

/** A file field's value in rows: null, or {name, type, size, url} (the file itself is at the url). */
function fileValue(resource, id, field, value) {
  if (value === null || value === undefined) return null;
  const { name, type, size } = JSON.parse(value);
  return { name, type, size, url: `${resource.route}/${id}/${field.name}` };
}

export function toRow(resource, record) {
  const id = Number(record.id);
  const row = { id };
  for (const field of resource.fields) {
    const value = record[field.name];
    row[field.name] = field.type === 'file' ? fileValue(resource, id, field, value) : fromColumn(field, value);
  }
  return row;
}

function toColumns(resource, data) {
  const columns = {};
  for (const field of resource.fields) {
    if (Object.hasOwn(data, field.name)) columns[field.name] = toColumn(field, data[field.name]);
  }
  return columns;
}

/** `text` inside a LIKE pattern, with its wildcards escaped (the escape character is a backslash). */
const likeContaining = (text) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * What a database error says about a constraint: `{ kind: 'unique' | 'foreign_key' | 'not_null' | 'check',
 * column }` (column when the database names it), or undefined for other errors. SQLite and PostgreSQL.
 */
export function constraintViolation(error) {
  const code = String(error?.code ?? '');
  const message = String(error?.message ?? '');
  const detailColumn = /^Key \(([^)]+)\)=/.exec(error?.detail ?? '')?.[1];
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return { kind: 'unique', column: /constraint failed: [^.\s]+\.([^,\s]+)/.exec(message)?.[1] };
  }
  if (code.startsWith('SQLITE_CONSTRAINT') && message.includes('FOREIGN KEY constraint failed')) {
    return { kind: 'foreign_key' };
  }
  if (code === 'SQLITE_CONSTRAINT_NOTNULL') {
    return { kind: 'not_null', column: /constraint failed: [^.\s]+\.(\S+)/.exec(message)?.[1] };
  }
  if (code === 'SQLITE_CONSTRAINT_CHECK') return { kind: 'check', column: /constraint failed: (\S+)/.exec(message)?.[1] };
  if (code === '23505') return { kind: 'unique', column: detailColumn };
  if (code === '23503') return { kind: 'foreign_key', column: detailColumn };
  if (code === '23502') return { kind: 'not_null', column: error.column };
  if (code === '23514') return { kind: 'check' };
  return undefined;
}

export class Store {
  /** @param {import('knex').Knex} db */
  constructor(db) {
    this.db = db;
    // unicode_lower is registered on each SQLite connection (src/db.js); PostgreSQL's lower() knows Unicode.
    this.lower = isPostgres(db) ? 'lower' : 'unicode_lower';
  }

  #columns(resource) {
    return ['id', ...resource.fields.map((field) => field.name)];
  }

  /** A page of rows in id order; with `q`, only those whose text fields contain it (any case). */
  async list(resource, { limit, offset, q }) {
    const query = this.db(resource.table);
    if (q) {
      const searched = resource.fields.filter((field) => SEARCHED_TYPES.has(field.type));
      const pattern = likeContaining(q.toLowerCase());
      if (searched.length === 0) query.whereRaw('1 = 0');
      else {
        query.where((where) => {
          for (const field of searched) {
            where.orWhereRaw(`${this.lower}(??) like ? escape ?`, [field.name, pattern, '\\']);
          }
        });
      }
    }
    const [{ total }] = await query.clone().count({ total: '*' });
    const records = await query.select(this.#columns(resource)).orderBy('id').limit(limit).offset(offset);
    return { items: records.map((record) => toRow(resource, record)), total: Number(total) };
  }

  async get(resource, id) {
    if (!isId(id)) return undefined;
    const record = await this.db(resource.table).select(this.#columns(resource)).where({ id }).first();
    return record ? toRow(resource, record) : undefined;
  }

  async count(resource) {
    const [{ total }] = await this.db(resource.table).count({ total: '*' });
    return Number(total);
  }

  async exists(table, id) {
    if (!isId(id)) return false;
    return Boolean(await this.db(table).select('id').where({ id }).first());
  }

  /** Whether another row than `exceptId` already has this value of `field`. */
  async isTaken(resource, field, value, exceptId) {
    const query = this.db(resource.table).select('id').where(field.name, toColumn(field, value));
    if (exceptId !== undefined) query.whereNot({ id: exceptId });
    return Boolean(await query.first());
  }

  /** The id of a row of `resource` whose `field` is `value`, if any. */
  async findBy(resource, field, value) {
    const record = await this.db(resource.table).select('id').where(field, value).first();
    return record ? Number(record.id) : undefined;
  }

  async insert(resource, data) {
    const [record] = await this.db(resource.table).insert(toColumns(resource, data)).returning('id');
    return this.get(resource, Number(record.id));
  }

  async update(resource, id, data) {
    const columns = toColumns(resource, data);
    if (Object.keys(columns).length > 0) await this.db(resource.table).where({ id }).update(columns);
    return this.get(resource, id);
  }

  async delete(resource, id) {
    return (await this.db(resource.table).where({ id }).delete()) > 0;
  }
}

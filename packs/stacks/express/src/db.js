/**
 * The database, through knex: a SQLite file by default (data/app.sqlite, or SQLITE_FILE, or app.sqlite in
 * DATA_DIR), PostgreSQL when DATABASE_URL is a postgresql:// URL. The schema is kept by the migrations in
 * migrations/, applied at start.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import knex from 'knex';
import pg from 'pg';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DEFAULT_SQLITE_FILE = path.join(ROOT, 'data', 'app.sqlite');

const migrations = {
  directory: path.join(ROOT, 'migrations'),
  // `npm run migrate:make -- name` writes migrations/<timestamp>_name.js from this template (an ES module).
  stub: path.join(ROOT, 'migration.stub'),
  extension: 'js',
};

export const isPostgresUrl = (url) => /^postgres(ql)?:\/\//i.test(url);

// PostgreSQL values as the API sends them: a `date` stays 'YYYY-MM-DD' (not a Date at local midnight) and
// 64-bit integers (int fields, count(*)) become numbers (the API only accepts safe integers).
const DATE_OID = 1082;
const INT8_OID = 20;
const pgTypes = {
  getTypeParser(oid, format) {
    if (format !== 'binary' && oid === DATE_OID) return (value) => value;
    if (format !== 'binary' && oid === INT8_OID) return Number;
    return pg.types.getTypeParser(oid, format);
  },
};

/** Reads DATABASE_URL, else SQLITE_FILE, else DATA_DIR (a folder for app.sqlite, e.g. a mounted volume). */
export function settingsFromEnv(env = process.env) {
  const file = env.SQLITE_FILE || (env.DATA_DIR ? path.join(env.DATA_DIR, 'app.sqlite') : undefined);
  return { url: env.DATABASE_URL || undefined, file };
}

/**
 * The knex configuration for PostgreSQL at `url`, or else for the SQLite file `file` (its folder is created).
 * `searchPath` (PostgreSQL) names the schema to use, e.g. one per test run.
 */
export function databaseConfig({ url, file, searchPath } = {}) {
  if (url) {
    if (!isPostgresUrl(url)) {
      throw new Error('DATABASE_URL must be a postgresql:// URL; leave it unset to use a SQLite file');
    }
    return {
      client: 'pg',
      connection: { connectionString: url, types: pgTypes },
      searchPath,
      pool: { min: 0, max: 10 },
      migrations,
    };
  }
  const filename = path.resolve(file ?? DEFAULT_SQLITE_FILE);
  mkdirSync(path.dirname(filename), { recursive: true });
  return {
    client: 'better-sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    pool: { afterCreate: prepareSqliteConnection },
    migrations,
  };
}

function prepareSqliteConnection(connection, done) {
  // SQLite checks foreign keys only when asked, per connection.
  connection.pragma('foreign_keys = ON');
  // SQLite's lower() folds ASCII only; search folds every letter, as PostgreSQL's lower() does.
  connection.function('unicode_lower', { deterministic: true }, (value) =>
    value === null ? null : String(value).toLowerCase(),
  );
  done();
}

/** A knex instance (a connection pool); call `destroy()` when done. */
export function connect(settings = settingsFromEnv()) {
  return knex(databaseConfig(settings));
}

/** Applies the migrations that have not run yet. */
export async function migrate(db) {
  const [batch, applied] = await db.migrate.latest();
  return { batch, applied };
}

export const isPostgres = (db) => db.client.config.client === 'pg';

import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import express, { Router } from 'express';
import { parseId } from './crud.js';
import { ROOT } from './db.js';
import { HttpError, notFound } from './errors.js';

export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
export const DEFAULT_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'application/pdf'];
const MAX_NAME_LENGTH = 255;

/** The first bytes of each type this application recognises. */
const SIGNATURES = {
  'image/png': (bytes) => bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/jpeg': (bytes) => bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff,
  'image/webp': (bytes) => bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP',
  'image/gif': (bytes) => /^GIF8[79]a$/.test(bytes.toString('latin1', 0, 6)),
  'application/pdf': (bytes) => bytes.toString('latin1', 0, 5) === '%PDF-',
};

/** The recognised type of `bytes`, from their first bytes, or undefined. */
export function sniffType(bytes) {
  return Object.keys(SIGNATURES).find((type) => SIGNATURES[type](bytes));
}

/** UPLOAD_DIR, UPLOAD_MAX_BYTES and UPLOAD_TYPES (DATA_DIR/uploads when only DATA_DIR is set). */
export function uploadSettingsFromEnv(env = process.env) {
  const dir = env.UPLOAD_DIR || (env.DATA_DIR ? path.join(env.DATA_DIR, 'uploads') : path.join(ROOT, 'uploads'));
  const maxBytes = env.UPLOAD_MAX_BYTES ? Number(env.UPLOAD_MAX_BYTES) : DEFAULT_MAX_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new Error('UPLOAD_MAX_BYTES must be a positive integer');
  const types = env.UPLOAD_TYPES ? env.UPLOAD_TYPES.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean) : DEFAULT_TYPES;
  return { dir: path.resolve(dir), maxBytes, types };
}

/** The name to show for an upload: X-Filename (percent-encoded UTF-8 allowed) without folders or control characters. */
function displayName(header, field, type) {
  let name = '';
  if (typeof header === 'string') {
    try {
      name = decodeURIComponent(header);
    } catch {
      name = header;
    }
  }
  // eslint-disable-next-line no-control-regex
  name = name.split(/[\\/]/).pop().replace(/[\u0000-\u001f\u007f"]/g, '').trim().slice(0, MAX_NAME_LENGTH);
  if (name && name !== '.' && name !== '..') return name;
  const extension = { 'image/png': '.png', 'image/jpeg': '.jpg', 'image/webp': '.webp', 'image/gif': '.gif', 'application/pdf': '.pdf' };
  return `${field}${extension[type] ?? ''}`;
}

/** `inline; filename="..."; filename*=UTF-8''...` (RFC 6266), for any name. */
function contentDisposition(name) {
  const ascii = name.replace(/[^\x20-\x7e]|[\\"]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `inline; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * Files of the `file` fields: `PUT <route>/{id}/<field>` with the file as the raw body and its Content-Type
 * (and an optional X-Filename) stores it, `GET` sends it back, `DELETE` removes it. Rows show the field as
 * null or {name, type, size, url}.
 *
 * Files are kept on disk at <dir>/<table>/<id>/<field>: paths made here, never from what the client sends.
 * A file is at most `maxBytes` (413 beyond) and one of `types` (415 otherwise), checked against its first
 * bytes and not only its Content-Type.
 */
export class Uploads {
  constructor({ store, changes, ...settings } = {}) {
    const { dir, maxBytes, types } = { ...uploadSettingsFromEnv(), ...settings };
    Object.assign(this, { store, changes, dir: path.resolve(dir), maxBytes, types: types.map((t) => t.toLowerCase()) });
    // A deleted row's files go with it.
    changes.subscribe(async ({ resource, action, id }) => {
      if (action === 'deleted' && this.handles(resource)) {
        await rm(this.#rowFolder(resource, id), { recursive: true, force: true });
      }
    });
  }

  handles(resource) {
    return resource.fields.some((field) => field.type === 'file');
  }

  #rowFolder(resource, id) {
    return path.join(this.dir, resource.table, String(id));
  }

  /** The routes of `resource`'s file fields; `guards.write` protects PUT and DELETE. */
  router(resource, guards) {
    const router = Router();
    const fileFields = new Set(resource.fields.filter((field) => field.type === 'file').map((field) => field.name));

    const findRow = async (req) => {
      const id = parseId(req.params.id);
      const row = id && fileFields.has(req.params.field) && (await this.store.get(resource, id));
      if (!row) throw notFound(`No file field ${req.params.field} on ${resource.name} ${req.params.id}`);
      return row;
    };

    const checkDeclaredType = (req, res, next) => {
      const declared = (req.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
      if (!this.types.includes(declared)) {
        throw new HttpError(415, `Files must be one of: ${this.types.join(', ')}`);
      }
      req.declaredType = declared;
      next();
    };

    router.put(
      '/:id/:field',
      ...guards.write,
      async (req, res, next) => {
        req.row = await findRow(req);
        next();
      },
      checkDeclaredType,
      express.raw({ type: () => true, limit: this.maxBytes }),
      async (req, res) => {
        const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        if (bytes.length === 0) throw new HttpError(400, 'The request body is the file: it is empty');
        const detected = sniffType(bytes);
        // A type this application recognises must match the file's first bytes; another type listed in
        // UPLOAD_TYPES is taken as declared, unless the bytes are one of the recognised types.
        if (SIGNATURES[req.declaredType] ? detected !== req.declaredType : detected !== undefined) {
          throw new HttpError(415, `The file's content is not ${req.declaredType}`);
        }
        const { id } = req.row;
        const field = req.params.field;
        const folder = this.#rowFolder(resource, id);
        await mkdir(folder, { recursive: true });
        const temporary = path.join(folder, `.${field}.${randomBytes(8).toString('hex')}.part`);
        await writeFile(temporary, bytes);
        try {
          const file = { name: displayName(req.get('x-filename'), field, req.declaredType), type: req.declaredType, size: bytes.length };
          const row = await this.store.update(resource, id, { [field]: file });
          await rename(temporary, path.join(folder, field));
          await this.changes.publish({ resource, action: 'updated', id, user: req.user });
          res.json(row);
        } finally {
          await rm(temporary, { force: true });
        }
      },
    );

    router.get('/:id/:field', async (req, res) => {
      const row = await findRow(req);
      const file = row[req.params.field];
      if (!file) throw notFound(`${resource.name} ${row.id} has no ${req.params.field}`);
      const location = path.join(this.#rowFolder(resource, row.id), req.params.field);
      if (!(await stat(location).catch(() => null))) throw notFound(`The file of ${resource.name} ${row.id} is missing`);
      res.set({
        'Content-Type': file.type,
        'Content-Disposition': contentDisposition(file.name),
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': "default-src 'none'; sandbox",
      });
      res.sendFile(location);
    });

    router.delete('/:id/:field', ...guards.write, async (req, res) => {
      const row = await findRow(req);
      const field = req.params.field;
      if (!row[field]) throw notFound(`${resource.name} ${row.id} has no ${field}`);
      await this.store.update(resource, row.id, { [field]: null });
      await rm(path.join(this.#rowFolder(resource, row.id), field), { force: true });
      await this.changes.publish({ resource, action: 'updated', id: row.id, user: req.user });
      res.status(204).end();
    });

    return router;
  }
}

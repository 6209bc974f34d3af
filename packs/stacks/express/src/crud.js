import { Router } from 'express';
import { badRequest, conflict, notFound } from './errors.js';
import { MAX_ID, constraintViolation } from './store.js';
import { validateBody } from './validation.js';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;
export const MAX_SEARCH_LENGTH = 255;

function parseQueryInteger(query, name, fallback, min) {
  const raw = query[name];
  if (raw === undefined || raw === '') return fallback;
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || Number(raw) < min || !Number.isSafeInteger(Number(raw))) {
    const message = `must be an integer greater than or equal to ${min}`;
    throw badRequest(`Invalid query parameter ${name}`, [{ field: name, message }]);
  }
  return Number(raw);
}

export function parsePagination(query) {
  const limit = Math.min(parseQueryInteger(query, 'limit', DEFAULT_LIMIT, 1), MAX_LIMIT);
  const offset = parseQueryInteger(query, 'offset', 0, 0);
  return { limit, offset };
}

/** `?q=`: the text to search for, or undefined. */
function parseSearch(query) {
  const raw = query.q;
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || raw.length > MAX_SEARCH_LENGTH || raw.includes('\u0000')) {
    const message = `must be a single text of at most ${MAX_SEARCH_LENGTH} characters, without U+0000`;
    throw badRequest('Invalid query parameter q', [{ field: 'q', message }]);
  }
  return raw.trim() || undefined;
}

/** A row id from a URL, or undefined (also beyond the largest id a table can have). */
export function parseId(raw) {
  return /^[1-9]\d{0,9}$/.test(raw) && Number(raw) <= MAX_ID ? Number(raw) : undefined;
}

/**
 * REST CRUD routes for one resource: list, get, create, replace (PUT), update (PATCH), delete.
 * `guards.write` protects create and update, `guards.remove` protects delete. With `search`, lists take
 * `?q=`. Each write is published to `changes` (notifications, live updates) before the response.
 */
export function crudRouter(resource, { store, resources, guards = {}, search = false, changes }) {
  const { write: writeGuards = [], remove: removeGuards = [] } = guards;
  const byName = new Map(resources.map((other) => [other.name, other]));
  const router = Router();

  async function findOr404(req) {
    const id = parseId(req.params.id);
    const row = id && (await store.get(resource, id));
    if (!row) throw notFound(`${resource.name} ${req.params.id} not found`);
    return row;
  }

  function readBody(req, options) {
    const body = req.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw badRequest('Request body must be a JSON object');
    }
    const { data, errors } = validateBody(resource, body, options);
    if (errors.length > 0) throw badRequest('Validation failed', errors);
    return data;
  }

  const missingReference = (field, data) => ({ field: field.name, message: `no ${field.ref} with id ${data[field.name]}` });
  const duplicate = (name) => ({ field: name, message: 'is already used by another row' });

  /** References must point at existing rows (400); unique fields must not repeat (409). */
  async function checkConstraints(data, id) {
    const missing = [];
    for (const field of resource.fields) {
      if (field.type !== 'ref' || data[field.name] == null) continue;
      if (!(await store.exists(byName.get(field.ref).table, data[field.name]))) missing.push(missingReference(field, data));
    }
    if (missing.length > 0) throw badRequest('Validation failed', missing);

    const duplicates = [];
    for (const field of resource.fields) {
      if (!field.unique || data[field.name] == null) continue;
      if (await store.isTaken(resource, field, data[field.name], id)) duplicates.push(duplicate(field.name));
    }
    if (duplicates.length > 0) throw conflict('Duplicate value', duplicates);
  }

  /**
   * Writes `data`; a constraint the database still refuses (a concurrent request got there between the checks
   * and the write) is answered like the checks answer it.
   */
  async function save(data, operation) {
    try {
      return await operation();
    } catch (error) {
      const violation = constraintViolation(error);
      if (violation?.kind === 'unique') {
        throw conflict('Duplicate value', [duplicate(violation.column ?? 'id')]);
      }
      if (violation?.kind === 'foreign_key') {
        const refs = resource.fields.filter((field) => field.type === 'ref' && data[field.name] != null);
        const named = refs.filter((field) => field.name === violation.column);
        throw badRequest('Validation failed', (named.length > 0 ? named : refs).map((field) => missingReference(field, data)));
      }
      throw error;
    }
  }

  /** The first row of any resource that still references `id`, if any. */
  async function findReferrer(id) {
    for (const other of resources) {
      for (const field of other.fields) {
        if (field.type !== 'ref' || field.ref !== resource.name) continue;
        const referrer = await store.findBy(other, field.name, id);
        if (referrer !== undefined) return { resource: other, id: referrer };
      }
    }
    return undefined;
  }

  const publish = (req, action, id) => changes?.publish({ resource, action, id, user: req.user });

  router.get('/', async (req, res) => {
    const { limit, offset } = parsePagination(req.query);
    const q = search ? parseSearch(req.query) : undefined;
    const { items, total } = await store.list(resource, { limit, offset, q });
    res.json({ items, total, limit, offset });
  });

  router.get('/:id', async (req, res) => {
    res.json(await findOr404(req));
  });

  router.post('/', ...writeGuards, async (req, res) => {
    const data = readBody(req);
    await checkConstraints(data);
    const row = await save(data, () => store.insert(resource, data));
    await publish(req, 'created', row.id);
    res.status(201).location(`${req.baseUrl}/${row.id}`).json(row);
  });

  router.put('/:id', ...writeGuards, async (req, res) => {
    const { id } = await findOr404(req);
    const data = readBody(req);
    await checkConstraints(data, id);
    const row = await save(data, () => store.update(resource, id, data));
    await publish(req, 'updated', id);
    res.json(row);
  });

  router.patch('/:id', ...writeGuards, async (req, res) => {
    const { id } = await findOr404(req);
    const data = readBody(req, { partial: true });
    await checkConstraints(data, id);
    const row = await save(data, () => store.update(resource, id, data));
    await publish(req, 'updated', id);
    res.json(row);
  });

  router.delete('/:id', ...removeGuards, async (req, res) => {
    const { id } = await findOr404(req);
    const stillReferenced = (referrer) =>
      conflict(`${resource.name} ${id} is still referenced by ${referrer ? `${referrer.resource.name} ${referrer.id}` : 'another row'}`);
    const referrer = await findReferrer(id);
    if (referrer) throw stillReferenced(referrer);
    try {
      await store.delete(resource, id);
    } catch (error) {
      // ON DELETE RESTRICT: a row that references this one was added after the check.
      if (constraintViolation(error)?.kind === 'foreign_key') throw stillReferenced(await findReferrer(id));
      throw error;
    }
    await publish(req, 'deleted', id);
    res.status(204).end();
  });

  return router;
}

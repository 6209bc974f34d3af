import { Router } from 'express';
import { badRequest, conflict, notFound } from './errors.js';
import { validateBody } from './validation.js';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

function parseQueryInteger(query, name, fallback, min) {
  const raw = query[name];
  if (raw === undefined || raw === '') return fallback;
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || Number(raw) < min) {
    const message = `must be an integer greater than or equal to ${min}`;
    throw badRequest(`Invalid query parameter ${name}`, [{ field: name, message }]);
  }
  return Number(raw);
}

function parsePagination(query) {
  const limit = Math.min(parseQueryInteger(query, 'limit', DEFAULT_LIMIT, 1), MAX_LIMIT);
  const offset = parseQueryInteger(query, 'offset', 0, 0);
  return { limit, offset };
}

function parseId(raw) {
  return /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : undefined;
}

/**
 * REST CRUD routes for one resource: list, get, create, replace (PUT), update (PATCH), delete.
 * `guards.write` protects create and update, `guards.remove` protects delete.
 */
export function crudRouter(resource, { store, resources, guards = {} }) {
  const { write = [], remove = [] } = guards;
  const byName = new Map(resources.map((other) => [other.name, other]));
  const router = Router();

  function findOr404(req) {
    const id = parseId(req.params.id);
    const row = id && store.get(resource.table, id);
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

  /** References must point at existing rows (400); unique fields must not repeat (409). */
  function checkConstraints(data, id) {
    const missing = resource.fields
      .filter((field) => field.type === 'ref' && data[field.name] != null)
      .filter((field) => !store.has(byName.get(field.ref).table, data[field.name]))
      .map((field) => ({ field: field.name, message: `no ${field.ref} with id ${data[field.name]}` }));
    if (missing.length > 0) throw badRequest('Validation failed', missing);

    const duplicates = resource.fields
      .filter((field) => field.unique && data[field.name] != null)
      .filter((field) =>
        store.find(resource.table, (row) => row.id !== id && row[field.name] === data[field.name]),
      )
      .map((field) => ({ field: field.name, message: 'is already used by another row' }));
    if (duplicates.length > 0) throw conflict('Duplicate value', duplicates);
  }

  /** The first row of any resource that still references `id`, if any. */
  function findReferrer(id) {
    for (const other of resources) {
      for (const field of other.fields) {
        if (field.type !== 'ref' || field.ref !== resource.name) continue;
        const row = store.find(other.table, (candidate) => candidate[field.name] === id);
        if (row) return { resource: other, row };
      }
    }
    return undefined;
  }

  router.get('/', (req, res) => {
    const { limit, offset } = parsePagination(req.query);
    const { items, total } = store.list(resource.table, { limit, offset });
    res.json({ items, total, limit, offset });
  });

  router.get('/:id', (req, res) => {
    res.json(findOr404(req));
  });

  router.post('/', ...write, (req, res) => {
    const data = readBody(req);
    checkConstraints(data);
    const row = store.insert(resource.table, data);
    res.status(201).location(`${req.baseUrl}/${row.id}`).json(row);
  });

  router.put('/:id', ...write, (req, res) => {
    const { id } = findOr404(req);
    const data = readBody(req);
    checkConstraints(data, id);
    res.json(store.update(resource.table, id, data));
  });

  router.patch('/:id', ...write, (req, res) => {
    const { id } = findOr404(req);
    const data = readBody(req, { partial: true });
    checkConstraints(data, id);
    res.json(store.update(resource.table, id, data));
  });

  router.delete('/:id', ...remove, (req, res) => {
    const { id } = findOr404(req);
    const referrer = findReferrer(id);
    if (referrer) {
      throw conflict(
        `${resource.name} ${id} is still referenced by ${referrer.resource.name} ${referrer.row.id}`,
      );
    }
    store.delete(resource.table, id);
    res.status(204).end();
  });

  return router;
}

import { Router } from 'express';
import { badRequest } from './errors.js';

export const MAX_PATH_LENGTH = 512; // short enough for the unique index on (day, path)
export const DEFAULT_DAYS = 30;
export const MAX_DAYS = 366;

const today = (now = new Date()) => now.toISOString().slice(0, 10);

/** The path of a page, without its query string or fragment (which may hold personal data). */
function pagePath(body) {
  const raw = body?.path;
  const path = typeof raw === 'string' ? raw.split(/[?#]/, 1)[0] : undefined;
  let message;
  if (typeof path !== 'string' || !path.startsWith('/')) message = 'must be the path of a page, starting with /';
  else if (path.length > MAX_PATH_LENGTH) message = `must be at most ${MAX_PATH_LENGTH} characters`;
  // eslint-disable-next-line no-control-regex
  else if (/[\u0000-\u001f\u007f]/.test(path)) message = 'must not contain control characters';
  if (message) throw badRequest('Validation failed', [{ field: 'path', message }]);
  return path;
}

/**
 * Privacy-friendly page views: a count per path and day (UTC), and nothing about the visitor — no cookie,
 * no IP address, no user agent. Requests with `DNT: 1` are not counted.
 *   POST /pageview {path} → 204
 *   GET  /?days=30        → {days: [{day, path, views}]} (`guards.admin`)
 */
export function analyticsRouter({ db, guards }) {
  const router = Router();

  router.post('/pageview', async (req, res) => {
    const path = pagePath(req.body);
    if (req.get('dnt') !== '1') {
      await db('page_views')
        .insert({ day: today(), path, views: 1 })
        .onConflict(['day', 'path'])
        .merge({ views: db.raw('?? + 1', ['page_views.views']) });
    }
    res.status(204).end();
  });

  router.get('/', ...guards.admin, async (req, res) => {
    const raw = req.query.days ?? String(DEFAULT_DAYS);
    const days = /^\d{1,3}$/.test(raw) ? Number(raw) : 0;
    if (days < 1 || days > MAX_DAYS) {
      throw badRequest('Invalid query parameter days', [{ field: 'days', message: `must be an integer from 1 to ${MAX_DAYS}` }]);
    }
    const since = today(new Date(Date.now() - (days - 1) * 86_400_000));
    const rows = await db('page_views')
      .select('day', 'path', 'views')
      .where('day', '>=', since)
      .orderBy([{ column: 'day', order: 'desc' }, { column: 'views', order: 'desc' }, { column: 'path' }]);
    res.json({ days: rows.map(({ day, path, views }) => ({ day: String(day), path, views: Number(views) })) });
  });

  return router;
}

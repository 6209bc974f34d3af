import { Router } from 'express';

/**
 * The administration area: `GET /summary` lists every entity with its route and number of rows
 * (`guards.admin`: the administrator only, when authentication is on).
 */
export function adminRouter({ store, resources, guards }) {
  const router = Router();

  router.get('/summary', ...guards.admin, async (req, res) => {
    const entities = [];
    for (const resource of resources) {
      entities.push({ name: resource.name, route: resource.route, count: await store.count(resource) });
    }
    res.json({ entities });
  });

  return router;
}

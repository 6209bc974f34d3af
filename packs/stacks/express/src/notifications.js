import { Router } from 'express';
import { parseId, parsePagination } from './crud.js';
import { notFound } from './errors.js';
import { ADMIN_ROLE } from './roles.js';
import { formatDateTime } from './store.js';

function toNotification(record) {
  return {
    id: Number(record.id),
    entity: record.entity,
    action: record.action,
    record_id: Number(record.record_id),
    message: record.message,
    read: record.read_at !== null,
    created_at: formatDateTime(record.created_at),
  };
}

/**
 * In-app notifications: every create, update and delete is recorded for the administrator role (ADMIN_ROLE).
 * Each signed-in user sees those of their role (without authentication, everyone sees the administrator's).
 *   GET  /               {items, total, limit, offset, unread}, newest first
 *   POST /{id}/read      → the notification, read
 *   POST /read-all       → 204
 */
export class Notifications {
  /** @param {import('knex').Knex} db */
  constructor(db) {
    this.db = db;
  }

  /** Records the change `{resource, action, id, user}` for the administrator: `{role, notification}`. */
  async record({ resource, action, id, user }) {
    const by = user?.email ? ` by ${user.email}` : '';
    const row = {
      role: ADMIN_ROLE,
      entity: resource.plural,
      action,
      record_id: id,
      message: `${resource.name} ${id} was ${action}${by}`,
      created_at: new Date().toISOString(),
      read_at: null,
    };
    const [{ id: notificationId }] = await this.db('notifications').insert(row).returning('id');
    return { role: ADMIN_ROLE, notification: toNotification({ ...row, id: notificationId }) };
  }

  async list(role, { limit, offset }) {
    const mine = () => this.db('notifications').where({ role });
    const [{ total }] = await mine().count({ total: '*' });
    const [{ unread }] = await mine().whereNull('read_at').count({ unread: '*' });
    const records = await mine().orderBy('id', 'desc').limit(limit).offset(offset);
    return { items: records.map(toNotification), total: Number(total), limit, offset, unread: Number(unread) };
  }

  async markRead(role, id) {
    await this.db('notifications').where({ role, id }).whereNull('read_at').update({ read_at: new Date().toISOString() });
    const record = await this.db('notifications').where({ role, id }).first();
    return record ? toNotification(record) : undefined;
  }

  async markAllRead(role) {
    await this.db('notifications').where({ role }).whereNull('read_at').update({ read_at: new Date().toISOString() });
  }

  /** The routes; `guards.signedIn` protects them (when authentication is on). */
  router(guards) {
    const router = Router();
    const roleOf = (req) => req.user?.role ?? ADMIN_ROLE;

    router.get('/', ...guards.signedIn, async (req, res) => {
      res.json(await this.list(roleOf(req), parsePagination(req.query)));
    });

    router.post('/read-all', ...guards.signedIn, async (req, res) => {
      await this.markAllRead(roleOf(req));
      res.status(204).end();
    });

    router.post('/:id/read', ...guards.signedIn, async (req, res) => {
      const id = parseId(req.params.id);
      const notification = id && (await this.markRead(roleOf(req), id));
      if (!notification) throw notFound(`notification ${req.params.id} not found`);
      res.json(notification);
    });

    return router;
  }
}

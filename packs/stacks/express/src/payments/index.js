import { randomBytes } from 'node:crypto';
import { Router } from 'express';
import { parseId, parsePagination } from '../crud.js';
import { HttpError, badRequest, conflict, notFound } from '../errors.js';
import { ADMIN_ROLE } from '../roles.js';
import { MAX_ID, formatDateTime } from '../store.js';
import { validateBody } from '../validation.js';
import { TestProvider } from './test-provider.js';

/** The body of `POST /api/payments`: an amount in the currency's smallest unit (cents), an ISO 4217 code. */
const paymentRequest = {
  fields: [
    { name: 'amount', type: 'int', required: true },
    { name: 'currency', type: 'string', required: true },
    { name: 'description', type: 'string' },
  ],
};

function readPaymentRequest(body) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('Request body must be a JSON object');
  }
  const { data, errors } = validateBody(paymentRequest, body);
  if (data.amount !== undefined && data.amount !== null && data.amount < 1) {
    errors.push({ field: 'amount', message: "must be a positive integer, in the currency's smallest unit (e.g. cents)" });
  }
  if (typeof data.currency === 'string' && !/^[A-Za-z]{3}$/.test(data.currency)) {
    errors.push({ field: 'currency', message: 'must be a three-letter ISO 4217 code, e.g. EUR' });
  }
  if (errors.length > 0) throw badRequest('Validation failed', errors);
  return { ...data, currency: data.currency.toUpperCase() };
}

function toPayment(record) {
  return {
    id: Number(record.id),
    status: record.status,
    amount: Number(record.amount),
    currency: record.currency,
    description: record.description,
    checkout_url: record.checkout_url,
    created_at: formatDateTime(record.created_at),
    updated_at: formatDateTime(record.updated_at),
  };
}

/** The secret that signs webhook calls: PAYMENT_WEBHOOK_SECRET (required in production). */
function webhookSecretFromEnv() {
  if (process.env.PAYMENT_WEBHOOK_SECRET) return process.env.PAYMENT_WEBHOOK_SECRET;
  if (process.env.NODE_ENV === 'production') {
    console.warn('PAYMENT_WEBHOOK_SECRET is not set: payment webhooks will be refused');
    return undefined;
  }
  return randomBytes(32).toString('hex'); // development: a fresh secret per process
}

/**
 * Payments through a PaymentProvider (provider.js; the TestProvider by default):
 *   POST /api/payments {amount, currency, description}  → 201 {id, status: "pending", amount, currency, checkout_url}
 *   GET  /api/payments (administrator)                  → the payments, paged like lists, newest first
 *   GET  /api/payments/{id} (administrator or its payer) → one payment
 *   POST /api/payments/webhook (signed by the provider)  → the payment, its status updated
 */
export class Payments {
  /** @param {import('knex').Knex} db */
  constructor(db, { provider, webhookSecret } = {}) {
    this.db = db;
    this.provider = provider ?? new TestProvider({ webhookSecret: webhookSecret ?? webhookSecretFromEnv() });
  }

  async create(request, user) {
    const now = new Date().toISOString();
    const [{ id }] = await this.db('payments')
      .insert({
        ...request,
        status: 'pending',
        provider: this.provider.name,
        created_by: user?.email ?? null,
        created_at: now,
        updated_at: now,
      })
      .returning('id');
    const { reference, checkoutUrl } = await this.provider.createCheckout({ id: Number(id), ...request });
    await this.db('payments').where({ id }).update({ reference, checkout_url: checkoutUrl });
    return this.db('payments').where({ id }).first();
  }

  /**
   * `POST /api/payments/webhook`, with the raw body (see createApp): the payment's outcome. The same event
   * again gets the payment as it is (providers repeat their calls); another outcome for a settled payment is a
   * 409.
   */
  webhook = async (req, res) => {
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const event = await this.provider.parseWebhook(rawBody, req.headers);
    if (!event) return res.status(204).end(); // an event of the provider that settles no payment
    const which =
      event.paymentId !== undefined ? { id: event.paymentId } : { provider: this.provider.name, reference: event.reference };
    const record = which.id > MAX_ID ? undefined : await this.db('payments').where(which).first();
    if (!record) throw notFound('No such payment');
    if (record.status !== event.status) {
      if (record.status !== 'pending') throw conflict(`Payment ${record.id} is already ${record.status}`);
      await this.db('payments')
        .where({ id: record.id, status: 'pending' })
        .update({ status: event.status, updated_at: new Date().toISOString() });
    }
    return res.json(toPayment(await this.db('payments').where({ id: record.id }).first()));
  };

  /** The routes but the webhook; `guards.signedIn` and `guards.admin` protect them. */
  router(guards) {
    const router = Router();

    router.post('/', ...guards.signedIn, async (req, res) => {
      const payment = toPayment(await this.create(readPaymentRequest(req.body), req.user));
      res.status(201).location(`${req.baseUrl}/${payment.id}`).json(payment);
    });

    router.get('/', ...guards.admin, async (req, res) => {
      const { limit, offset } = parsePagination(req.query);
      const [{ total }] = await this.db('payments').count({ total: '*' });
      const records = await this.db('payments').orderBy('id', 'desc').limit(limit).offset(offset);
      res.json({ items: records.map(toPayment), total: Number(total), limit, offset });
    });

    router.get('/:id', ...guards.signedIn, async (req, res) => {
      const id = parseId(req.params.id);
      const record = id && (await this.db('payments').where({ id }).first());
      if (!record) throw notFound(`payment ${req.params.id} not found`);
      if (req.user && req.user.role !== ADMIN_ROLE && record.created_by !== req.user.email) {
        throw new HttpError(403, 'Only the administrator and the payer can see a payment');
      }
      res.json(toPayment(record));
    });

    return router;
  }
}

import { createHmac, timingSafeEqual } from 'node:crypto';
import { HttpError, badRequest } from '../errors.js';
import { PaymentProvider } from './provider.js';

export const SIGNATURE_HEADER = 'x-signature';
export const FINAL_STATUSES = ['succeeded', 'failed'];

/** `sha256=<hex HMAC-SHA256 of the raw body with the secret>`: the X-Signature of a webhook call. */
export function signWebhook(rawBody, secret) {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

/**
 * A payment provider that reaches nothing: checkouts get a placeholder URL (on the reserved .invalid domain),
 * and payments change status when a webhook call signed with the webhook secret says so:
 *   POST /api/payments/webhook   X-Signature: sha256=<hex>   {"payment_id": 1, "status": "succeeded"}
 * It is the default, for development and tests; replace it with a real provider to take payments.
 */
export class TestProvider extends PaymentProvider {
  name = 'test';
  #secret;

  constructor({ webhookSecret, checkoutBaseUrl = 'https://checkout.test-provider.invalid/pay' } = {}) {
    super();
    this.#secret = webhookSecret;
    this.checkoutBaseUrl = checkoutBaseUrl;
  }

  async createCheckout(payment) {
    const reference = `test_${payment.id}`;
    return { reference, checkoutUrl: `${this.checkoutBaseUrl}/${reference}` };
  }

  async parseWebhook(rawBody, headers) {
    if (!this.#secret) {
      throw new HttpError(503, 'PAYMENT_WEBHOOK_SECRET is not set: webhook calls cannot be checked');
    }
    const given = Buffer.from(String(headers[SIGNATURE_HEADER] ?? ''));
    const expected = Buffer.from(signWebhook(rawBody, this.#secret));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new HttpError(401, 'Missing or invalid webhook signature');
    }
    let event;
    try {
      event = JSON.parse(rawBody.toString('utf8'));
    } catch {
      throw badRequest('The webhook body is not JSON');
    }
    const errors = [];
    if (!Number.isSafeInteger(event?.payment_id) || event.payment_id < 1) {
      errors.push({ field: 'payment_id', message: 'must be the id of a payment' });
    }
    if (!FINAL_STATUSES.includes(event?.status)) {
      errors.push({ field: 'status', message: `must be one of: ${FINAL_STATUSES.join(', ')}` });
    }
    if (errors.length > 0) throw badRequest('Invalid webhook event', errors);
    return { paymentId: event.payment_id, status: event.status };
  }
}

/**
 * What the application needs from a payment provider. The TestProvider (test-provider.js) implements it
 * without any network; to take real payments, write a class like it for your provider (Stripe, Adyen, Mollie,
 * PayPal, ...) and pass it to createApp({ payments: { provider } }) in src/server.js. See README.md, Payments.
 */
export class PaymentProvider {
  /** Stored with each payment, e.g. 'stripe'. */
  name = 'abstract';

  /**
   * Starts the payment `{id, amount, currency, description}` (amount in the currency's smallest unit) at the
   * provider. Resolves with `{reference, checkoutUrl}`: the provider's id for it, and the page where the
   * customer pays.
   */
  // eslint-disable-next-line no-unused-vars
  async createCheckout(payment) {
    throw new Error(`${this.constructor.name} must implement createCheckout()`);
  }

  /**
   * Checks that a webhook call comes from the provider (its signature over the raw body), and reads it.
   * Resolves with `{paymentId, status}` or `{reference, status}` (status 'succeeded' or 'failed'), or null for
   * an event that does not settle a payment (it is acknowledged with a 204 and ignored); throws an HttpError 401 when the
   * signature is missing or wrong and 400 when the body is not an event.
   */
  // eslint-disable-next-line no-unused-vars
  async parseWebhook(rawBody, headers) {
    throw new Error(`${this.constructor.name} must implement parseWebhook()`);
  }
}

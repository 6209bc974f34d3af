import { request, type Page } from '../api/client';

export type PaymentStatus = 'pending' | 'succeeded' | 'failed';

/** A payment as the API returns it; `amount` is in the currency's smallest unit (cents). */
export interface Payment {
  id: number;
  status: PaymentStatus;
  amount: number;
  currency: string;
  description?: string | null;
  checkout_url?: string | null;
  created_at?: string;
}

/** The currencies the form offers (ISO 4217); edit the list for your market. */
export const CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF', 'CAD', 'DZD', 'MAD', 'TND', 'EGP', 'SAR', 'AED', 'JPY'] as const;

/** How many decimals `currency` has (2 for EUR, 0 for JPY, 3 for TND). */
export function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** "12.50" EUR → 1250 (the smallest unit); null unless a positive amount with at most the currency's decimals. */
export function toMinorUnits(text: string, currency: string): number | null {
  const digits = currencyDigits(currency);
  const match = /^(\d+)(?:[.,](\d+))?$/.exec(text.trim());
  if (!match || (match[2] ?? '').length > digits) return null;
  const minor = Number(match[1]) * 10 ** digits + Number((match[2] ?? '').padEnd(digits, '0') || 0);
  return Number.isSafeInteger(minor) && minor > 0 ? minor : null;
}

/** 1250 EUR → "€12.50" in `locale`. */
export function formatAmount(amount: number, currency: string, locale: string): string {
  const value = amount / 10 ** currencyDigits(currency);
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(value);
  } catch {
    return `${value} ${currency}`;
  }
}

/** POST /api/payments: starts a payment with the provider; its checkout_url is where to pay. */
export function startPayment(input: { amount: number; currency: string; description: string }): Promise<Payment> {
  return request<Payment>('/api/payments', { method: 'POST', body: input });
}

/** GET /api/payments (the administrator): every payment, with its status. */
export function listPayments(): Promise<Page<Payment>> {
  return request<Page<Payment>>('/api/payments?limit=50');
}

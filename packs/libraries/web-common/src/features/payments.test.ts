import { describe, expect, it } from 'vitest';
import { currencyDigits, formatAmount, toMinorUnits } from './payments';

describe('payment amounts', () => {
  it('are sent in the currency’s smallest unit', () => {
    expect(toMinorUnits('12.50', 'EUR')).toBe(1250);
    expect(toMinorUnits('12,5', 'EUR')).toBe(1250);
    expect(toMinorUnits('7', 'USD')).toBe(700);
    expect(toMinorUnits('1500', 'JPY')).toBe(1500);
    expect(toMinorUnits('2.125', 'TND')).toBe(2125);
  });

  it('refuse what is not a positive amount of that currency', () => {
    for (const text of ['', '0', '-3', 'abc', '1.234', '1e3']) expect(toMinorUnits(text, 'EUR')).toBeNull();
    expect(toMinorUnits('10.5', 'JPY')).toBeNull();
    expect(currencyDigits('TND')).toBe(3);
  });

  it('are shown in the language of the page', () => {
    expect(formatAmount(1250, 'EUR', 'en')).toBe('€12.50');
    expect(formatAmount(1500, 'JPY', 'en')).toBe('¥1,500');
  });
});

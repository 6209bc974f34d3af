import { describe, expect, it } from '@jest/globals';
import type { EntityDef, FieldDef } from '../entities/types';
import {
  checkField,
  formatValue,
  fromFormValue,
  parseLocalDateTime,
  rowLabel,
  toFormValue,
  toLocalDateTime,
} from '../fields';

const field = (type: FieldDef['type'], required = false): FieldDef => ({ name: 'x', label: 'X', type, required });
const words = { yes: 'Yes', no: 'No' };

describe('form values', () => {
  it('round-trips every type between the API and the form', () => {
    const cases: [FieldDef['type'], unknown][] = [
      ['string', 'a'],
      ['text', 'two\nlines'],
      ['int', 42],
      ['float', 2.5],
      ['bool', true],
      ['date', '2024-02-29'],
      ['datetime', '2024-01-31T09:30:00.000Z'],
      ['email', 'a@example.com'],
      ['url', 'https://example.com/'],
      ['enum', 'open'],
      ['ref', 7],
    ];
    for (const [type, value] of cases) {
      expect(fromFormValue(field(type), toFormValue(field(type), value))).toEqual(value);
    }
  });

  it('sends empty values as null and reads decimal commas', () => {
    expect(fromFormValue(field('int'), '')).toBeNull();
    expect(fromFormValue(field('float'), '2,5')).toBe(2.5);
    expect(fromFormValue(field('bool'), false)).toBe(false);
  });

  it('writes datetimes in local time and reads them back', () => {
    const text = toLocalDateTime('2024-06-01T12:00:00Z');
    expect(text).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(parseLocalDateTime(text)?.toISOString()).toBe('2024-06-01T12:00:00.000Z');
    expect(parseLocalDateTime('2024-02-30 10:00')).toBeNull();
  });
});

describe('checks before sending', () => {
  it('finds what the API would refuse', () => {
    expect(checkField(field('string', true), '  ')?.key).toBe('validation.required');
    expect(checkField(field('string'), '')).toBeNull();
    expect(checkField(field('int'), '4.5')?.key).toBe('validation.int');
    expect(checkField(field('int'), '-12')).toBeNull();
    expect(checkField(field('float'), 'abc')?.key).toBe('validation.float');
    expect(checkField(field('float'), '3,25')).toBeNull();
    expect(checkField(field('date'), '2023-02-29')?.key).toBe('validation.date');
    expect(checkField(field('date'), '2024-02-29')).toBeNull();
    expect(checkField(field('datetime'), '2024-01-31')?.key).toBe('validation.datetime');
    expect(checkField(field('email'), 'nobody')?.key).toBe('validation.email');
    expect(checkField(field('url'), 'example.com')?.key).toBe('validation.url');
    expect(checkField(field('string'), 'x'.repeat(256))).toEqual({ key: 'validation.tooLong', params: { max: 255 } });
    expect(checkField(field('bool', true), false)).toBeNull();
  });
});

describe('display', () => {
  it('formats values for the language', () => {
    expect(formatValue(field('bool'), false, 'en', words)).toBe('No');
    expect(formatValue(field('float'), 1234.5, 'en', words)).toBe('1,234.5');
    expect(formatValue(field('date'), '2024-01-31', 'en', words)).toContain('2024');
    expect(formatValue(field('string'), null, 'en', words)).toBe('—');
  });

  it('labels a row by its first text field', () => {
    const entity: EntityDef = {
      name: 'Book',
      title: 'Book',
      pluralTitle: 'Books',
      path: '/books',
      route: '/api/books',
      fields: [field('int'), { name: 'title', label: 'Title', type: 'string' }],
    };
    expect(rowLabel(entity, { id: 3, x: 1, title: 'Dune' })).toBe('Dune');
    expect(rowLabel(entity, { id: 3, x: 1, title: '' })).toBe('#3');
  });
});

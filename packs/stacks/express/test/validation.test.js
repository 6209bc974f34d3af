import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_LENGTH, checkField, validateBody } from '../src/validation.js';
import { CASES, fieldOptions, invalidCases, validCases } from './contract.js';

const cases = {
  string: { valid: ['x', 'a'.repeat(MAX_LENGTH.string)], invalid: [1, true, 'a'.repeat(MAX_LENGTH.string + 1), 'a\u0000b'] },
  text: { valid: ['long text\nwith lines'], invalid: [42, 'a'.repeat(MAX_LENGTH.text + 1), '\u0000'] },
  int: { valid: [0, -3, 42], invalid: [1.5, '1', Number.NaN] },
  float: { valid: [0, 1.5, -2], invalid: ['1.5', Number.POSITIVE_INFINITY] },
  bool: { valid: [true, false], invalid: ['true', 0] },
  date: {
    valid: ['2024-02-29', '0001-01-01', '0099-12-31', '9999-12-31'],
    invalid: ['2023-02-29', '2024-1-5', '2024-01-05T00:00:00Z', 20240105, '0000-01-01'],
  },
  datetime: {
    valid: ['2024-01-31T09:30:00Z', '2024-01-31T09:30:00.123+02:00', '2024-01-31T09:30Z', '0001-01-01T00:30:00-01:00'],
    invalid: [
      '2024-01-31', '2024-01-31T25:00:00Z', '2024-01-31T09:30:00', 'yesterday',
      '0001-01-01T00:30:00+01:00', '9999-12-31T23:30:00-01:00', // before year 1 or after 9999 in UTC
    ],
  },
  email: { valid: ['someone@example.com'], invalid: ['someone', 'a b@example.com', 7] },
  url: { valid: ['https://example.com/x?y=1', 'http://localhost:3000'], invalid: ['ftp://example.com', 'example.com', 1] },
  enum: { valid: ['small'], invalid: ['huge', 1], values: ['small', 'large'] },
  ref: { valid: [1, 42], invalid: [0, -1, 1.5, '1'], ref: 'Thing' },
};

describe('the API contract\'s cases (validation-cases.json)', () => {
  for (const type of Object.keys(CASES.field_types).sort()) {
    test(`${type} fields`, () => {
      const field = { name: 'value', type, ...fieldOptions(type) };
      for (const { value } of validCases(type)) assert.equal(checkField(field, value), null, `${type} ${JSON.stringify(value)}`);
      for (const { value, why } of invalidCases(type)) {
        assert.notEqual(checkField(field, value), null, `${type} ${JSON.stringify(value)} (${why})`);
      }
    });
  }

  test('cover every field type a JSON body can carry', () => {
    assert.deepEqual(Object.keys(CASES.field_types).sort(),
      ['bool', 'date', 'datetime', 'email', 'enum', 'float', 'int', 'ref', 'string', 'text', 'url']);
  });
});

describe('field validation', () => {
  for (const [type, { valid, invalid, ...extra }] of Object.entries(cases)) {
    test(`${type} fields`, () => {
      const field = { name: 'value', type, ...extra };
      for (const value of valid) assert.equal(checkField(field, value), null, `${type} ${value}`);
      for (const value of invalid) assert.notEqual(checkField(field, value), null, `${type} ${value}`);
    });
  }

  const resource = {
    fields: [
      { name: 'title', type: 'string', required: true },
      { name: 'rating', type: 'int' },
    ],
  };

  test('reports missing required fields and unknown fields', () => {
    const { errors } = validateBody(resource, { rating: 'high', colour: 'red' });
    assert.deepEqual(errors.map((error) => error.field), ['colour', 'title', 'rating']);
  });

  test('fills missing optional fields with null, except for partial updates', () => {
    assert.deepEqual(validateBody(resource, { title: 'A' }).data, { title: 'A', rating: null });
    assert.deepEqual(validateBody(resource, { rating: 3 }, { partial: true }), { data: { rating: 3 }, errors: [] });
  });
});

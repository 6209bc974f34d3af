import { describe, expect, it } from 'vitest';
import type { EntityDef } from './entities/types';
import { formatValue, fromFormValue, isSearchable, isStoredFile, toFormValues, toLocalDateTime, toPayload } from './fields';

const entity: EntityDef = {
  name: 'Sample',
  title: 'Sample',
  pluralTitle: 'Samples',
  path: '/samples',
  route: '/api/samples',
  fields: [
    { name: 'title', label: 'Title', type: 'string', required: true },
    { name: 'count', label: 'Count', type: 'int' },
    { name: 'ratio', label: 'Ratio', type: 'float' },
    { name: 'active', label: 'Active', type: 'bool' },
    { name: 'day', label: 'Day', type: 'date' },
    { name: 'at', label: 'At', type: 'datetime' },
    { name: 'owner', label: 'Owner', type: 'ref', ref: 'Person', refRoute: '/api/people' },
  ],
};

describe('file fields', () => {
  const withFile: EntityDef = {
    ...entity,
    fields: [entity.fields[0], { name: 'scan', label: 'Scan', type: 'file' }],
  };
  const scan = { name: 'scan.pdf', type: 'application/pdf', size: 1234, url: '/api/samples/1/scan' };

  it('leaves files out of the form values and of the body (they are uploaded on their own)', () => {
    expect(toFormValues(withFile, { id: 1, title: 'A', scan })).toEqual({ title: 'A' });
    expect(toPayload(withFile, { title: 'A' })).toEqual({ title: 'A' });
  });

  it('shows a stored file by its name', () => {
    expect(isStoredFile(scan)).toBe(true);
    expect(isStoredFile(null)).toBe(false);
    expect(formatValue(withFile.fields[1], scan, 'en', { yes: 'Yes', no: 'No' })).toBe('scan.pdf');
    expect(formatValue(withFile.fields[1], null, 'en', { yes: 'Yes', no: 'No' })).toBe('—');
  });
});

describe('form values', () => {
  it('converts form values to API values', () => {
    const payload = toPayload(entity, {
      title: ' Hello ',
      count: '12',
      ratio: '0.5',
      active: true,
      day: '2024-02-29',
      at: '2024-01-31T09:30',
      owner: '',
    });
    expect(payload).toEqual({
      title: 'Hello',
      count: 12,
      ratio: 0.5,
      active: true,
      day: '2024-02-29',
      at: new Date('2024-01-31T09:30').toISOString(),
      owner: null,
    });
  });

  it('starts a new row empty and round-trips an existing one', () => {
    expect(toFormValues(entity)).toEqual({ title: '', count: '', ratio: '', active: false, day: '', at: '', owner: '' });
    const row = { id: 1, title: 'A', count: 3, ratio: 1.25, active: false, day: '2024-01-01', at: '2024-05-06T07:08:00.000Z', owner: 4 };
    const { id, ...fields } = row;
    expect(id).toBe(1);
    expect(toPayload(entity, toFormValues(entity, row))).toEqual(fields);
  });

  it('shows datetimes in local time for datetime-local inputs', () => {
    const local = toLocalDateTime('2024-05-06T07:08:00.000Z');
    expect(local).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
    expect(new Date(local).toISOString()).toBe('2024-05-06T07:08:00.000Z');
    expect(fromFormValue(entity.fields[1], '  ')).toBeNull();
  });
});

describe('formatValue', () => {
  const words = { yes: 'Yes', no: 'No' };
  it('formats by type', () => {
    expect(formatValue(entity.fields[3], true, 'en', words)).toBe('Yes');
    expect(formatValue(entity.fields[1], 1234, 'en', words)).toBe('1,234');
    expect(formatValue(entity.fields[4], '2024-01-31', 'en', words)).toBe('Jan 31, 2024');
    expect(formatValue(entity.fields[0], null, 'en', words)).toBe('—');
  });
});

describe('search', () => {
  it('knows which entities have text to search in', () => {
    expect(isSearchable(entity)).toBe(true);
    expect(isSearchable({ ...entity, fields: entity.fields.filter((field) => field.type !== 'string') })).toBe(false);
  });
});

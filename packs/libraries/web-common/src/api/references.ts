import { resourceApi, type Row } from './client';
import { entityByName } from '../entities';
import type { EntityDef, FieldDef } from '../entities/types';
import { rowLabel } from '../fields';

export interface Option {
  id: number;
  label: string;
}

/** The API returns at most 200 rows a page: enough to pick from in a select. */
const OPTION_LIMIT = 200;

/** The rows a ref field can point at, as options. */
export async function loadOptions(field: FieldDef): Promise<Option[]> {
  if (!field.refRoute) return [];
  const target = entityByName(field.ref ?? '');
  const page = await resourceApi<Row>(field.refRoute).list({ limit: OPTION_LIMIT });
  return page.items.map((row) => ({ id: row.id, label: rowLabel(target, row) }));
}

/** For each ref field of `entity`: referenced id → label, to show names instead of ids. */
export async function loadReferenceLabels(entity: EntityDef): Promise<Record<string, Map<number, string>>> {
  const refFields = entity.fields.filter((field) => field.type === 'ref');
  const entries = await Promise.all(
    refFields.map(async (field) => {
      const options = await loadOptions(field).catch((): Option[] => []);
      return [field.name, new Map(options.map((option) => [option.id, option.label]))] as const;
    }),
  );
  return Object.fromEntries(entries);
}

import { useEffect, useState } from 'react';
import { resourceApi, type Row } from '../api/client';
import { entityByName } from '../entities';
import type { EntityDef, FieldDef } from '../entities/types';
import { rowLabel } from '../fields';

export interface Option {
  value: string;
  label: string;
}

/** The API returns at most 200 rows a page: enough to pick from. */
const OPTION_LIMIT = 200;

/** The rows a ref field can point at, as options labelled by their first text field. */
export async function loadReferenceOptions(field: FieldDef): Promise<Option[]> {
  if (!field.refRoute) return [];
  const target = entityByName(field.ref ?? '');
  const page = await resourceApi<Row>(field.refRoute).list({ limit: OPTION_LIMIT });
  return page.items.map((row) => ({ value: String(row.id), label: rowLabel(target, row) }));
}

/** The options of a ref field: null while loading, the error if they could not be loaded. */
export function useReferenceOptions(field: FieldDef): { options: Option[] | null; error: unknown } {
  const [state, setState] = useState<{ options: Option[] | null; error: unknown }>({ options: null, error: null });
  useEffect(() => {
    let active = true;
    loadReferenceOptions(field).then(
      (options) => active && setState({ options, error: null }),
      (error: unknown) => active && setState({ options: [], error }),
    );
    return () => {
      active = false;
    };
  }, [field]);
  return state;
}

/** The label of the row a ref field points at ("#id" until it has loaded, or if it cannot be). */
export function useReferenceLabel(field: FieldDef, id: unknown): string | null {
  const [label, setLabel] = useState<string | null>(null);
  useEffect(() => {
    if (typeof id !== 'number' || !field.refRoute) return undefined;
    let active = true;
    const target = entityByName(field.ref ?? '');
    setLabel(`#${id}`);
    resourceApi<Row>(field.refRoute)
      .get(id)
      .then(
        (row) => active && setLabel(rowLabel(target, row)),
        () => undefined,
      );
    return () => {
      active = false;
    };
  }, [field, id]);
  return label;
}

/** For each ref field of `entity`: referenced id → label, to show names instead of ids in lists. */
export function useReferenceLabels(entity: EntityDef): Record<string, Map<number, string>> {
  const [labels, setLabels] = useState<Record<string, Map<number, string>>>({});
  useEffect(() => {
    let active = true;
    const refFields = entity.fields.filter((field) => field.type === 'ref');
    Promise.all(
      refFields.map(async (field) => {
        const options = await loadReferenceOptions(field).catch((): Option[] => []);
        return [field.name, new Map(options.map((option) => [Number(option.value), option.label]))] as const;
      }),
    ).then((entries) => active && setLabels(Object.fromEntries(entries)));
    return () => {
      active = false;
    };
  }, [entity]);
  return labels;
}

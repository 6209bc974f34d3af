import { ref, watchEffect, type Ref } from 'vue';
import { resourceApi, type Row } from '../api/client';
import { entityByName } from '../entities';
import type { EntityDef, FieldDef } from '../entities/types';
import { rowLabel } from '../fields';

export interface Option {
  id: number;
  label: string;
}

/** The API returns at most 200 rows a page: enough to pick from in a select. */
const OPTION_LIMIT = 200;

async function loadOptions(field: FieldDef): Promise<Option[]> {
  if (!field.refRoute) return [];
  const target = entityByName(field.ref ?? '');
  const page = await resourceApi<Row>(field.refRoute).list({ limit: OPTION_LIMIT });
  return page.items.map((row) => ({ id: row.id, label: rowLabel(target, row) }));
}

/** The rows a ref field can point at, as options (empty while loading or on error). */
export function useReferenceOptions(field: () => FieldDef): Ref<Option[]> {
  const options = ref<Option[]>([]);
  watchEffect((onCleanup) => {
    let active = true;
    onCleanup(() => (active = false));
    loadOptions(field()).then(
      (loaded) => active && (options.value = loaded),
      () => active && (options.value = []),
    );
  });
  return options;
}

/** For each ref field of `entity`: referenced id → label, to show names instead of ids. */
export function useReferenceLabels(entity: () => EntityDef): Ref<Record<string, Map<number, string>>> {
  const labels = ref<Record<string, Map<number, string>>>({});
  watchEffect((onCleanup) => {
    let active = true;
    onCleanup(() => (active = false));
    const refFields = entity().fields.filter((field) => field.type === 'ref');
    Promise.all(
      refFields.map(async (field) => {
        const options = await loadOptions(field).catch(() => []);
        return [field.name, new Map(options.map((option) => [option.id, option.label]))] as const;
      }),
    ).then((entries) => active && (labels.value = Object.fromEntries(entries)));
  });
  return labels;
}

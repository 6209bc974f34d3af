import { ref, watchEffect, type Ref } from 'vue';
import { loadOptions, loadReferenceLabels, type Option } from '../api/references';
import type { EntityDef, FieldDef } from '../entities/types';

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
    loadReferenceLabels(entity()).then((loaded) => active && (labels.value = loaded));
  });
  return labels;
}

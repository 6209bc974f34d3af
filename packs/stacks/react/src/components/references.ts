import { useEffect, useState } from 'react';
import { loadOptions, loadReferenceLabels, type Option } from '../api/references';
import type { EntityDef, FieldDef } from '../entities/types';

/** The rows a ref field can point at, as options (empty while loading or on error). */
export function useReferenceOptions(field: FieldDef): Option[] {
  const [options, setOptions] = useState<Option[]>([]);
  useEffect(() => {
    let active = true;
    loadOptions(field).then(
      (loaded) => active && setOptions(loaded),
      () => active && setOptions([]),
    );
    return () => {
      active = false;
    };
  }, [field]);
  return options;
}

/** For each ref field of `entity`: referenced id → label, to show names instead of ids. */
export function useReferenceLabels(entity: EntityDef): Record<string, Map<number, string>> {
  const [labels, setLabels] = useState<Record<string, Map<number, string>>>({});
  useEffect(() => {
    let active = true;
    loadReferenceLabels(entity).then((loaded) => active && setLabels(loaded));
    return () => {
      active = false;
    };
  }, [entity]);
  return labels;
}

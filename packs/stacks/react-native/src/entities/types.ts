export type FieldType =
  | 'string'
  | 'text'
  | 'int'
  | 'float'
  | 'bool'
  | 'date'
  | 'datetime'
  | 'email'
  | 'url'
  | 'enum'
  | 'ref';

export interface FieldDef {
  name: string;
  label: string;
  type: FieldType;
  required?: boolean;
  unique?: boolean;
  /** enum: the allowed values. */
  values?: readonly string[];
  /** ref: the referenced entity's name and REST route. */
  ref?: string;
  refRoute?: string;
}

export interface EntityDef {
  name: string;
  title: string;
  pluralTitle: string;
  /** REST route of the API. */
  route: string;
  fields: readonly FieldDef[];
}

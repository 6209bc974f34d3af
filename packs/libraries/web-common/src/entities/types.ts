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
  | 'ref'
  | 'file';

/**
 * The value of a `file` field in a row: the stored file, sent back by `GET <url>`; null when there is none.
 * A file is uploaded once its row exists (`PUT <route>/{id}/<field>`), never in the row's JSON.
 */
export interface StoredFile {
  name: string;
  type: string;
  size: number;
  url: string;
}

export interface FieldDef {
  name: string;
  label: string;
  type: FieldType;
  required?: boolean;
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
  /** Path of the list page in this app. */
  path: string;
  /** REST route of the API. */
  route: string;
  fields: readonly FieldDef[];
}

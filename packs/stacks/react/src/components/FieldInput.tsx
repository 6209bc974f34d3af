import type { FieldDef } from '../entities/types';
import { INPUT_TYPES, inputStep, MAX_LENGTH, type FormValue } from '../fields';
import { useI18n } from '../i18n/I18nContext';
import { useReferenceOptions } from './references';

interface FieldInputProps {
  field: FieldDef;
  value: FormValue;
  error?: string;
  onChange(value: FormValue): void;
}

interface ControlProps {
  id: string;
  field: FieldDef;
  value: string;
  describedBy?: string;
  onChange(value: string): void;
}

function ReferenceSelect({ id, field, value, describedBy, onChange }: ControlProps) {
  const { t } = useI18n();
  const options = useReferenceOptions(field);
  return (
    <select
      id={id}
      name={field.name}
      required={field.required}
      aria-describedby={describedBy}
      value={value}
      onChange={(event) => onChange(event.target.value)}
    >
      <option value="">{t('form.choose')}</option>
      {options.map((option) => (
        <option key={option.id} value={String(option.id)}>
          {option.label}
        </option>
      ))}
    </select>
  );
}

function Control({ id, field, value, describedBy, onChange }: ControlProps) {
  const { t } = useI18n();
  const common = {
    id,
    name: field.name,
    required: field.required,
    'aria-describedby': describedBy,
    value,
  };
  switch (field.type) {
    case 'text':
      return (
        <textarea {...common} rows={5} maxLength={MAX_LENGTH.text} onChange={(event) => onChange(event.target.value)} />
      );
    case 'enum':
      return (
        <select {...common} onChange={(event) => onChange(event.target.value)}>
          <option value="">{t('form.choose')}</option>
          {(field.values ?? []).map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      );
    case 'ref':
      return <ReferenceSelect id={id} field={field} value={value} describedBy={describedBy} onChange={onChange} />;
    default:
      return (
        <input
          {...common}
          type={INPUT_TYPES[field.type] ?? 'text'}
          step={inputStep(field)}
          maxLength={MAX_LENGTH[field.type]}
          onChange={(event) => onChange(event.target.value)}
        />
      );
  }
}

/** A labelled form control for one field, chosen by the field's type. */
export function FieldInput({ field, value, error, onChange }: FieldInputProps) {
  const id = `field-${field.name}`;
  const errorId = error ? `${id}-error` : undefined;
  const message = error ? (
    <p className="field-error" id={errorId}>
      {error}
    </p>
  ) : null;

  if (field.type === 'bool') {
    return (
      <div className="field field-checkbox">
        <input
          id={id}
          name={field.name}
          type="checkbox"
          aria-describedby={errorId}
          checked={value === true}
          onChange={(event) => onChange(event.target.checked)}
        />
        <label htmlFor={id}>{field.label}</label>
        {message}
      </div>
    );
  }
  return (
    <div className="field">
      <label htmlFor={id} className={field.required ? 'required' : undefined}>
        {field.label}
      </label>
      <Control id={id} field={field} value={String(value)} describedBy={errorId} onChange={onChange} />
      {message}
    </div>
  );
}

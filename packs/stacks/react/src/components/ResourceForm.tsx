import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { ApiError, type ResourceApi, type Row } from '../api/client';
import type { EntityDef } from '../entities/types';
import { toFormValues, toPayload, type FormValue, type FormValues } from '../fields';
import { useI18n } from '../i18n/I18nContext';
import { ErrorMessage } from './ErrorMessage';
import { FieldInput } from './FieldInput';
import { usePageTitle } from './usePageTitle';

interface ResourceFormProps<T extends Row> {
  entity: EntityDef;
  api: ResourceApi<T>;
  /** The row to edit; a new row is created when absent. */
  id?: number;
}

/** Create (POST) or edit (PUT) form of an entity, one control per field. */
export function ResourceForm<T extends Row>({ entity, api, id }: ResourceFormProps<T>) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const editing = id !== undefined;
  const [values, setValues] = useState<FormValues | null>(() => (editing ? null : toFormValues(entity)));
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const title = editing
    ? t('form.editTitle', { entity: entity.title, id })
    : t('form.createTitle', { entity: entity.title });
  usePageTitle(title);

  useEffect(() => {
    if (id === undefined) return;
    let active = true;
    api.get(id).then(
      (row) => active && setValues(toFormValues(entity, row)),
      (caught: unknown) => active && setError(caught),
    );
    return () => {
      active = false;
    };
  }, [api, entity, id]);

  function setValue(name: string, value: FormValue) {
    setValues((current) => (current ? { ...current, [name]: value } : current));
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!values) return;
    setSaving(true);
    setError(null);
    try {
      const payload = toPayload(entity, values);
      if (id === undefined) await api.create(payload);
      else await api.replace(id, payload);
      navigate(entity.path);
    } catch (caught) {
      setError(caught);
      setSaving(false);
    }
  }

  const fieldErrors = error instanceof ApiError ? error.fieldErrors : {};

  return (
    <section className="narrow">
      <h1>{title}</h1>
      <ErrorMessage error={error} />
      {values ? (
        <form aria-label={title} onSubmit={handleSubmit}>
          {entity.fields.map((field) => (
            <FieldInput
              key={field.name}
              field={field}
              value={values[field.name] ?? ''}
              error={fieldErrors[field.name]}
              onChange={(value) => setValue(field.name, value)}
            />
          ))}
          <div className="actions">
            <button type="submit" disabled={saving}>
              {saving ? t('form.saving') : t('form.save')}
            </button>
            <Link to={entity.path}>{t('form.cancel')}</Link>
          </div>
        </form>
      ) : error ? null : (
        <p>{t('common.loading')}</p>
      )}
    </section>
  );
}

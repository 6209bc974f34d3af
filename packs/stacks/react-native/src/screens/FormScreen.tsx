import { useEffect, useMemo, useState } from 'react';
import { KeyboardAvoidingView, Platform, ScrollView, Text, View } from 'react-native';
import { ApiError, resourceApi, type Row } from '../api/client';
import { FieldInput } from '../components/FieldInput';
import { Button, ErrorBanner, Header, Loading, styles as ui } from '../components/ui';
import type { EntityDef } from '../entities/types';
import { checkForm, toFormValues, toPayload, type FormValue, type FormValues } from '../fields';
import { useI18n } from '../i18n/I18nContext';
import { useNavigation } from '../navigation/navigation';

/**
 * Create (POST) or edit (PUT) a row: one control per field, checked before sending; the API's own
 * errors (problem+json `errors`) are shown next to their fields.
 */
export function FormScreen({ entity, id }: { entity: EntityDef; id?: number }) {
  const { t } = useI18n();
  const { replace } = useNavigation();
  const api = useMemo(() => resourceApi<Row>(entity.route), [entity]);
  const editing = id !== undefined;
  const [values, setValues] = useState<FormValues | null>(() => (editing ? null : toFormValues(entity)));
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const title = editing
    ? t('form.editTitle', { entity: entity.title, id })
    : t('form.createTitle', { entity: entity.title });

  useEffect(() => {
    if (id === undefined) return undefined;
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
    setFieldErrors(({ [name]: _fixed, ...others }) => others);
  }

  async function save() {
    if (!values || saving) return;
    const problems = checkForm(entity, values);
    if (Object.keys(problems).length > 0) {
      setFieldErrors(
        Object.fromEntries(Object.entries(problems).map(([name, problem]) => [name, t(problem.key, problem.params)])),
      );
      setNotice(t('form.invalid'));
      setError(null);
      return;
    }
    setSaving(true);
    setNotice(null);
    setError(null);
    try {
      const payload = toPayload(entity, values);
      const saved = id === undefined ? await api.create(payload) : await api.replace(id, payload);
      replace({ name: 'detail', entity: entity.name, id: saved.id });
    } catch (caught) {
      setError(caught);
      setFieldErrors(caught instanceof ApiError ? caught.fieldErrors : {});
      setSaving(false);
    }
  }

  return (
    <KeyboardAvoidingView style={ui.screen} behavior={Platform.OS === 'ios' ? 'padding' : undefined}>
      <Header title={title} />
      {values === null ? (
        error ? (
          <View style={ui.content}>
            <ErrorBanner error={error} />
          </View>
        ) : (
          <Loading />
        )
      ) : (
        <ScrollView testID="form" contentContainerStyle={ui.content} keyboardShouldPersistTaps="handled">
          {notice ? (
            <Text accessibilityRole="alert" style={ui.errorText}>
              {notice}
            </Text>
          ) : null}
          <ErrorBanner error={error} />
          {entity.fields.map((field) => (
            <FieldInput
              key={field.name}
              field={field}
              value={values[field.name] ?? ''}
              error={fieldErrors[field.name]}
              onChange={(value) => setValue(field.name, value)}
            />
          ))}
          <Button title={saving ? t('form.saving') : t('form.save')} disabled={saving} onPress={() => void save()} />
        </ScrollView>
      )}
    </KeyboardAvoidingView>
  );
}

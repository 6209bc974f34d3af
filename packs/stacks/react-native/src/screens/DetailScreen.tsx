import { useCallback, useEffect, useMemo, useState } from 'react';
import { Alert, Linking, ScrollView, Text, View } from 'react-native';
import { resourceApi, type Row } from '../api/client';
import { useReferenceLabel } from '../components/references';
import { Button, ErrorBanner, Header, Loading, colors, styles as ui } from '../components/ui';
import type { EntityDef, FieldDef } from '../entities/types';
import { formatValue } from '../fields';
import { useI18n } from '../i18n/I18nContext';
import { useNavigation } from '../navigation/navigation';
import { usePermissions } from '../permissions';

function FieldValue({ field, value }: { field: FieldDef; value: unknown }) {
  const { t, locale } = useI18n();
  const refLabel = useReferenceLabel(field, value);
  const shown =
    field.type === 'ref' && refLabel !== null
      ? refLabel
      : formatValue(field, value, locale, { yes: t('common.yes'), no: t('common.no') });
  const link =
    typeof value === 'string' && value !== ''
      ? field.type === 'url'
        ? value
        : field.type === 'email'
          ? `mailto:${value}`
          : null
      : null;
  return (
    <View style={{ gap: 2 }}>
      <Text style={ui.label}>{field.label}</Text>
      {link ? (
        <Text accessibilityRole="link" style={[ui.value, { color: colors.primary }]} onPress={() => void Linking.openURL(link)}>
          {shown}
        </Text>
      ) : (
        <Text style={ui.value}>{shown}</Text>
      )}
    </View>
  );
}

/** One row: every field, Edit, and Delete for those the API lets delete. */
export function DetailScreen({ entity, id }: { entity: EntityDef; id: number }) {
  const { t } = useI18n();
  const { back } = useNavigation();
  const { canDelete, openEditor } = usePermissions();
  const api = useMemo(() => resourceApi<Row>(entity.route), [entity]);
  const [row, setRow] = useState<Row | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [deleting, setDeleting] = useState(false);

  const load = useCallback(() => {
    setError(null);
    api.get(id).then(setRow, setError);
  }, [api, id]);

  useEffect(load, [load]);

  async function remove() {
    setDeleting(true);
    try {
      await api.remove(id);
      back();
    } catch (caught) {
      setError(caught);
      setDeleting(false);
    }
  }

  function confirmDelete() {
    Alert.alert(t('detail.delete'), t('detail.confirmDelete'), [
      { text: t('common.cancel'), style: 'cancel' },
      { text: t('detail.delete'), style: 'destructive', onPress: () => void remove() },
    ]);
  }

  return (
    <View style={ui.screen}>
      <Header title={t('detail.title', { entity: entity.title, id })} />
      <ScrollView contentContainerStyle={ui.content}>
        <ErrorBanner error={error} onRetry={row === null ? load : undefined} />
        {row === null ? (
          error ? null : <Loading />
        ) : (
          <>
            <View style={[ui.card, { gap: 12 }]}>
              {entity.fields.map((field) => (
                <FieldValue key={field.name} field={field} value={row[field.name]} />
              ))}
            </View>
            <View style={ui.row}>
              <Button title={t('detail.edit')} onPress={() => openEditor({ name: 'form', entity: entity.name, id })} />
              {canDelete ? (
                <Button title={t('detail.delete')} variant="danger" disabled={deleting} onPress={confirmDelete} />
              ) : null}
            </View>
          </>
        )}
      </ScrollView>
    </View>
  );
}

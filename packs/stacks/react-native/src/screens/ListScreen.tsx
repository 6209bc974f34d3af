import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ActivityIndicator, FlatList, Pressable, Text, View } from 'react-native';
import { resourceApi, type Row } from '../api/client';
import { useReferenceLabels } from '../components/references';
import { Button, ErrorBanner, Header, Loading, colors, styles as ui } from '../components/ui';
import type { EntityDef } from '../entities/types';
import { formatValue, rowLabel } from '../fields';
import { useI18n } from '../i18n/I18nContext';
import { useNavigation } from '../navigation/navigation';
import { usePermissions } from '../permissions';

/** Rows asked for at a time; the next page loads when the list is scrolled to its end. */
export const PAGE_SIZE = 20;

/** How many fields a row shows under its label. */
const SUMMARY_FIELDS = 3;

function RowCard({ entity, row, refLabels, onPress }: {
  entity: EntityDef;
  row: Row;
  refLabels: Record<string, Map<number, string>>;
  onPress(): void;
}) {
  const { t, locale } = useI18n();
  const label = rowLabel(entity, row);
  const summary = entity.fields
    .filter((field) => row[field.name] !== label)
    .slice(0, SUMMARY_FIELDS)
    .map((field) => {
      const value = row[field.name];
      const shown =
        field.type === 'ref' && typeof value === 'number'
          ? (refLabels[field.name]?.get(value) ?? `#${value}`)
          : formatValue(field, value, locale, { yes: t('common.yes'), no: t('common.no') });
      return `${field.label}: ${shown}`;
    });
  return (
    <Pressable accessibilityRole="button" onPress={onPress} style={ui.card}>
      <Text style={ui.value}>{label}</Text>
      {summary.map((line) => (
        <Text key={line} style={ui.muted} numberOfLines={1}>
          {line}
        </Text>
      ))}
    </Pressable>
  );
}

/** The rows of an entity, newest pages loaded as the list scrolls; pull down to reload. */
export function ListScreen({ entity }: { entity: EntityDef }) {
  const { t } = useI18n();
  const { push } = useNavigation();
  const { openEditor } = usePermissions();
  const api = useMemo(() => resourceApi<Row>(entity.route), [entity]);
  const refLabels = useReferenceLabels(entity);
  const [items, setItems] = useState<Row[] | null>(null);
  const [total, setTotal] = useState(0);
  const [refreshing, setRefreshing] = useState(false);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // Each reload starts a new generation: pages asked for by an older one are dropped.
  const generation = useRef(0);

  const reload = useCallback(
    async (pulled: boolean) => {
      const mine = ++generation.current;
      if (pulled) setRefreshing(true);
      try {
        const page = await api.list({ limit: PAGE_SIZE, offset: 0 });
        if (mine !== generation.current) return;
        setItems(page.items);
        setTotal(page.total);
        setError(null);
      } catch (caught) {
        if (mine === generation.current) setError(caught);
      } finally {
        if (mine === generation.current) setRefreshing(false);
      }
    },
    [api],
  );

  useEffect(() => {
    void reload(false);
  }, [reload]);

  const loadMore = useCallback(async () => {
    if (items === null || loadingMore || items.length >= total) return;
    const mine = generation.current;
    setLoadingMore(true);
    try {
      const page = await api.list({ limit: PAGE_SIZE, offset: items.length });
      if (mine !== generation.current) return;
      setItems((current) => {
        const seen = new Set((current ?? []).map((row) => row.id));
        return [...(current ?? []), ...page.items.filter((row) => !seen.has(row.id))];
      });
      setTotal(page.total);
    } catch (caught) {
      if (mine === generation.current) setError(caught);
    } finally {
      setLoadingMore(false);
    }
  }, [api, items, loadingMore, total]);

  return (
    <View style={ui.screen}>
      <Header title={entity.pluralTitle}>
        <Button title={t('list.new')} onPress={() => openEditor({ name: 'form', entity: entity.name })} />
      </Header>
      <ErrorBanner error={error} onRetry={() => void reload(false)} />
      {items === null ? (
        error ? null : <Loading />
      ) : (
        <FlatList
          testID="list"
          data={items}
          keyExtractor={(row) => String(row.id)}
          renderItem={({ item }) => (
            <RowCard
              entity={entity}
              row={item}
              refLabels={refLabels}
              onPress={() => push({ name: 'detail', entity: entity.name, id: item.id })}
            />
          )}
          refreshing={refreshing}
          onRefresh={() => void reload(true)}
          onEndReached={() => void loadMore()}
          onEndReachedThreshold={0.5}
          contentContainerStyle={ui.content}
          ListEmptyComponent={<Text style={ui.muted}>{t('list.empty')}</Text>}
          ListFooterComponent={
            items.length > 0 ? (
              <View style={ui.row}>
                <Text style={ui.muted}>{t('list.count', { shown: items.length, total })}</Text>
                {loadingMore ? <ActivityIndicator color={colors.primary} /> : null}
              </View>
            ) : null
          }
        />
      )}
    </View>
  );
}

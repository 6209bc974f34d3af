import { useState } from 'react';
import { FlatList, Modal, Pressable, StyleSheet, Text, View } from 'react-native';
import { useI18n } from '../i18n/I18nContext';
import type { Option } from './references';
import { colors, styles as ui } from './ui';

interface SelectProps {
  label: string;
  value: string;
  /** null while the options load. */
  options: Option[] | null;
  required?: boolean;
  invalid?: boolean;
  onChange(value: string): void;
}

/** A picker: a button showing the chosen option, opening the list of options. */
export function Select({ label, value, options, required = false, invalid = false, onChange }: SelectProps) {
  const { t, dir } = useI18n();
  const [open, setOpen] = useState(false);
  const chosen = options?.find((option) => option.value === value);
  const shown = chosen ? chosen.label : value !== '' ? value : t('form.choose');

  function choose(next: string) {
    onChange(next);
    setOpen(false);
  }

  return (
    <>
      <Pressable
        accessibilityRole="button"
        accessibilityLabel={label}
        accessibilityValue={{ text: shown }}
        accessibilityState={{ expanded: open }}
        onPress={() => setOpen(true)}
        style={[styles.control, invalid && styles.invalid]}
      >
        <Text style={chosen ? ui.value : ui.muted}>{shown}</Text>
      </Pressable>
      <Modal visible={open} transparent animationType="fade" onRequestClose={() => setOpen(false)}>
        <View style={[styles.backdrop, { direction: dir }]}>
          <View style={styles.sheet} testID="select-options">
            <Text accessibilityRole="header" style={ui.title}>
              {label}
            </Text>
            {options === null ? (
              <Text style={ui.muted}>{t('common.loading')}</Text>
            ) : (
              <FlatList
                data={required ? options : [{ value: '', label: t('form.none') }, ...options]}
                keyExtractor={(option) => option.value}
                renderItem={({ item }) => (
                  <Pressable
                    accessibilityRole="radio"
                    accessibilityState={{ checked: item.value === value }}
                    onPress={() => choose(item.value)}
                    style={styles.option}
                  >
                    <Text style={[ui.value, item.value === value && styles.chosen]}>{item.label}</Text>
                  </Pressable>
                )}
              />
            )}
            <Pressable accessibilityRole="button" onPress={() => setOpen(false)} style={styles.option}>
              <Text style={styles.cancel}>{t('common.cancel')}</Text>
            </Pressable>
          </View>
        </View>
      </Modal>
    </>
  );
}

const styles = StyleSheet.create({
  control: {
    minHeight: 44,
    justifyContent: 'center',
    paddingHorizontal: 12,
    borderRadius: 8,
    borderWidth: 1,
    borderColor: colors.border,
    backgroundColor: colors.surface,
  },
  invalid: { borderColor: colors.danger },
  backdrop: { flex: 1, justifyContent: 'flex-end', backgroundColor: 'rgba(0,0,0,0.4)' },
  sheet: { maxHeight: '70%', padding: 16, gap: 8, backgroundColor: colors.surface, borderTopLeftRadius: 12, borderTopRightRadius: 12 },
  option: { paddingVertical: 12 },
  chosen: { fontWeight: '700', color: colors.primary },
  cancel: { color: colors.primary, fontSize: 16, textAlign: 'center' },
});

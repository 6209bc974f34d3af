import { StyleSheet, Switch, Text, TextInput, View, type KeyboardTypeOptions } from 'react-native';
import type { FieldDef, FieldType } from '../entities/types';
import { MAX_LENGTH, type FormValue } from '../fields';
import { useI18n } from '../i18n/I18nContext';
import { useReferenceOptions } from './references';
import { Select } from './Select';
import { colors, styles as ui } from './ui';

interface FieldInputProps {
  field: FieldDef;
  value: FormValue;
  /** The message to show under the control (the form's check, or the API's). */
  error?: string;
  onChange(value: FormValue): void;
}

/** The keyboard of each field edited as text. */
const KEYBOARDS: Partial<Record<FieldType, KeyboardTypeOptions>> = {
  int: 'number-pad',
  float: 'decimal-pad',
  date: 'numbers-and-punctuation',
  datetime: 'numbers-and-punctuation',
  email: 'email-address',
  url: 'url',
};

const PLACEHOLDERS: Partial<Record<FieldType, string>> = {
  date: 'YYYY-MM-DD',
  datetime: 'YYYY-MM-DD HH:MM',
  email: 'name@example.com',
  url: 'https://',
};

function ReferencePicker({ field, value, invalid, onChange }: { field: FieldDef; value: string; invalid: boolean; onChange(value: string): void }) {
  const { options } = useReferenceOptions(field);
  return (
    <Select label={field.label} value={value} options={options} required={field.required} invalid={invalid} onChange={onChange} />
  );
}

function Control({ field, value, invalid, onChange }: { field: FieldDef; value: FormValue; invalid: boolean; onChange(value: FormValue): void }) {
  const { dir } = useI18n();
  switch (field.type) {
    case 'bool':
      return (
        <Switch
          accessibilityLabel={field.label}
          value={value === true}
          onValueChange={onChange}
          trackColor={{ true: colors.primary, false: colors.border }}
        />
      );
    case 'enum':
      return (
        <Select
          label={field.label}
          value={String(value)}
          options={(field.values ?? []).map((option) => ({ value: option, label: option }))}
          required={field.required}
          invalid={invalid}
          onChange={onChange}
        />
      );
    case 'ref':
      return <ReferencePicker field={field} value={String(value)} invalid={invalid} onChange={onChange} />;
    default: {
      const plain = field.type === 'email' || field.type === 'url';
      return (
        <TextInput
          accessibilityLabel={field.label}
          value={String(value)}
          onChangeText={onChange}
          keyboardType={KEYBOARDS[field.type] ?? 'default'}
          placeholder={PLACEHOLDERS[field.type]}
          multiline={field.type === 'text'}
          numberOfLines={field.type === 'text' ? 4 : undefined}
          maxLength={MAX_LENGTH[field.type]}
          autoCapitalize={plain ? 'none' : 'sentences'}
          autoCorrect={!plain}
          autoComplete={field.type === 'email' ? 'email' : undefined}
          textAlign={dir === 'rtl' && !plain ? 'right' : 'left'}
          style={[styles.input, field.type === 'text' && styles.multiline, invalid && styles.invalid]}
        />
      );
    }
  }
}

/** A labelled control for one field, chosen by its type, with its error message under it. */
export function FieldInput({ field, value, error, onChange }: FieldInputProps) {
  return (
    <View style={styles.field} testID={`field-${field.name}`}>
      <Text style={ui.label}>
        {field.label}
        {field.required ? ' *' : ''}
      </Text>
      <Control field={field} value={value} invalid={Boolean(error)} onChange={onChange} />
      {error ? (
        <Text accessibilityRole="alert" style={styles.error}>
          {error}
        </Text>
      ) : null}
    </View>
  );
}

const styles = StyleSheet.create({
  field: { gap: 6 },
  input: {
    minHeight: 44,
    paddingHorizontal: 12,
    paddingVertical: 8,
    borderRadius: 8,
    borderWidth: 1,
    borderColor: colors.border,
    backgroundColor: colors.surface,
    color: colors.text,
    fontSize: 16,
  },
  multiline: { minHeight: 96, textAlignVertical: 'top' },
  invalid: { borderColor: colors.danger },
  error: { color: colors.danger },
});

import type { ReactNode } from 'react';
import { ActivityIndicator, Pressable, StyleSheet, Text, View } from 'react-native';
import { ApiError } from '../api/client';
import { useI18n } from '../i18n/I18nContext';
import { useNavigation } from '../navigation/navigation';

export const colors = {
  background: '#f6f7f9',
  surface: '#ffffff',
  text: '#1b1f24',
  muted: '#5b6570',
  border: '#d5dae0',
  primary: '#2454c5',
  onPrimary: '#ffffff',
  danger: '#b3261e',
};

interface ButtonProps {
  title: string;
  onPress(): void;
  variant?: 'primary' | 'secondary' | 'danger';
  disabled?: boolean;
  testID?: string;
}

export function Button({ title, onPress, variant = 'primary', disabled = false, testID }: ButtonProps) {
  return (
    <Pressable
      accessibilityRole="button"
      accessibilityState={{ disabled }}
      disabled={disabled}
      onPress={onPress}
      testID={testID}
      style={({ pressed }) => [
        styles.button,
        variant === 'primary' && styles.primary,
        variant === 'danger' && styles.danger,
        (pressed || disabled) && styles.dimmed,
      ]}
    >
      <Text style={[styles.buttonText, variant !== 'secondary' && styles.buttonTextOnColor]}>{title}</Text>
    </Pressable>
  );
}

/** The top bar of a screen: back button (when there is somewhere to go back to), title, actions. */
export function Header({ title, children }: { title: string; children?: ReactNode }) {
  const { canGoBack, back } = useNavigation();
  const { t, dir } = useI18n();
  return (
    <View style={styles.header}>
      {canGoBack ? (
        <Pressable accessibilityRole="button" accessibilityLabel={t('nav.back')} onPress={back} hitSlop={12}>
          <Text style={styles.back}>{dir === 'rtl' ? '›' : '‹'}</Text>
        </Pressable>
      ) : null}
      <Text accessibilityRole="header" style={styles.title} numberOfLines={2}>
        {title}
      </Text>
      {children}
    </View>
  );
}

/** The message of an error: the API's (problem+json `detail`), or a general one. */
export function errorMessage(error: unknown, t: ReturnType<typeof useI18n>['t']): string {
  if (error instanceof ApiError) return error.status === 0 ? t('common.offline') : error.message;
  return t('common.error');
}

export function ErrorBanner({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  if (!error) return null;
  return (
    <View accessibilityRole="alert" style={styles.errorBanner}>
      <Text style={styles.errorText}>{errorMessage(error, t)}</Text>
      {onRetry ? <Button title={t('common.retry')} variant="secondary" onPress={onRetry} /> : null}
    </View>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <View style={styles.centered}>
      <ActivityIndicator accessibilityLabel={t('common.loading')} color={colors.primary} />
    </View>
  );
}

export const styles = StyleSheet.create({
  screen: { flex: 1, backgroundColor: colors.background },
  content: { padding: 16, gap: 12 },
  header: {
    flexDirection: 'row',
    alignItems: 'center',
    gap: 12,
    paddingHorizontal: 16,
    paddingVertical: 12,
    backgroundColor: colors.surface,
    borderBottomWidth: StyleSheet.hairlineWidth,
    borderBottomColor: colors.border,
  },
  back: { fontSize: 28, lineHeight: 30, color: colors.primary, paddingHorizontal: 4 },
  title: { flex: 1, fontSize: 20, fontWeight: '600', color: colors.text },
  button: {
    paddingHorizontal: 16,
    paddingVertical: 10,
    borderRadius: 8,
    borderWidth: 1,
    borderColor: colors.border,
    backgroundColor: colors.surface,
    alignItems: 'center',
  },
  primary: { backgroundColor: colors.primary, borderColor: colors.primary },
  danger: { backgroundColor: colors.danger, borderColor: colors.danger },
  dimmed: { opacity: 0.6 },
  buttonText: { fontSize: 16, color: colors.text },
  buttonTextOnColor: { color: colors.onPrimary, fontWeight: '600' },
  errorBanner: { padding: 12, gap: 8, borderRadius: 8, backgroundColor: '#fdecea' },
  errorText: { color: colors.danger },
  centered: { flex: 1, alignItems: 'center', justifyContent: 'center', padding: 24 },
  card: {
    padding: 16,
    borderRadius: 8,
    backgroundColor: colors.surface,
    borderWidth: StyleSheet.hairlineWidth,
    borderColor: colors.border,
  },
  label: { fontSize: 14, fontWeight: '600', color: colors.muted },
  value: { fontSize: 16, color: colors.text },
  muted: { color: colors.muted },
  row: { flexDirection: 'row', flexWrap: 'wrap', gap: 8 },
});

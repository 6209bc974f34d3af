import { useState } from 'react';
import { KeyboardAvoidingView, Platform, ScrollView, Text, TextInput, View } from 'react-native';
import { ApiError } from '../api/client';
import { useAuth } from '../auth/useAuth';
import { Button, Header, colors, errorMessage, styles as ui } from '../components/ui';
import { useI18n } from '../i18n/I18nContext';
import { useNavigation, type Route } from '../navigation/navigation';

const inputStyle = {
  minHeight: 44,
  paddingHorizontal: 12,
  borderRadius: 8,
  borderWidth: 1,
  borderColor: colors.border,
  backgroundColor: colors.surface,
  fontSize: 16,
} as const;

/** `POST /api/auth/login`, then on to `next` (or back where the user came from). */
export function SignInScreen({ next }: { next?: Route }) {
  const { t } = useI18n();
  const { signIn } = useAuth();
  const { replace, back } = useNavigation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit() {
    if (busy) return;
    setBusy(true);
    setMessage(null);
    try {
      await signIn(email.trim(), password);
      if (next) replace(next);
      else back();
    } catch (caught) {
      setMessage(caught instanceof ApiError && caught.status === 401 ? t('auth.failed') : errorMessage(caught, t));
      setBusy(false);
    }
  }

  return (
    <KeyboardAvoidingView style={ui.screen} behavior={Platform.OS === 'ios' ? 'padding' : undefined}>
      <Header title={t('auth.signIn')} />
      <ScrollView contentContainerStyle={ui.content} keyboardShouldPersistTaps="handled">
        {next ? <Text style={ui.muted}>{t('auth.required')}</Text> : null}
        {message ? (
          <Text accessibilityRole="alert" style={ui.errorText}>
            {message}
          </Text>
        ) : null}
        <View style={{ gap: 6 }}>
          <Text style={ui.label}>{t('auth.email')}</Text>
          <TextInput
            accessibilityLabel={t('auth.email')}
            value={email}
            onChangeText={setEmail}
            keyboardType="email-address"
            autoCapitalize="none"
            autoCorrect={false}
            autoComplete="email"
            textContentType="username"
            style={inputStyle}
          />
        </View>
        <View style={{ gap: 6 }}>
          <Text style={ui.label}>{t('auth.password')}</Text>
          <TextInput
            accessibilityLabel={t('auth.password')}
            value={password}
            onChangeText={setPassword}
            secureTextEntry
            autoCapitalize="none"
            autoComplete="current-password"
            textContentType="password"
            onSubmitEditing={() => void submit()}
            style={inputStyle}
          />
        </View>
        <Button title={t('auth.submit')} disabled={busy || email.trim() === '' || password === ''} onPress={() => void submit()} />
      </ScrollView>
    </KeyboardAvoidingView>
  );
}

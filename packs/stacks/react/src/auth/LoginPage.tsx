import { useState, type FormEvent } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { ApiError } from '../api/client';
import { ErrorMessage } from '../components/ErrorMessage';
import { usePageTitle } from '../components/usePageTitle';
import { useI18n } from '../i18n/I18nContext';
import { useAuth } from './useAuth';

export function LoginPage() {
  const { t } = useI18n();
  const { login } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  usePageTitle(t('auth.login'));

  const from = (location.state as { from?: string } | null)?.from ?? '/';

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(email, password);
      navigate(from, { replace: true });
    } catch (caught) {
      setError(caught instanceof ApiError && caught.status === 401 ? new Error(t('auth.failed')) : caught);
      setBusy(false);
    }
  }

  return (
    <section className="narrow">
      <h1>{t('auth.login')}</h1>
      {location.state ? <p>{t('auth.required')}</p> : null}
      <ErrorMessage error={error} />
      <form onSubmit={handleSubmit}>
        <div className="field">
          <label htmlFor="login-email">{t('auth.email')}</label>
          <input
            id="login-email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="login-password">{t('auth.password')}</label>
          <input
            id="login-password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </div>
        <div className="actions">
          <button type="submit" disabled={busy}>
            {t('auth.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}

import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useNavigate } from 'react-router';
import { api, unwrap } from '../api/client';
import type { components } from '../api/schema';
import { ErrorMessage } from '../components/ErrorMessage';
import { TextField } from '../components/TextField';

type Me = components['schemas']['UserResponse'];

interface Credentials {
  loginId: string;
  password: string;
}

interface SecondFactor {
  code: string;
}

/** ログイン: the password, then (when the account has one) the TOTP code. */
export function LoginPage() {
  const [mfaToken, setMfaToken] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const navigate = useNavigate();
  const queryClient = useQueryClient();

  async function signedIn(user: Me) {
    // What was cached before (a 401 of /api/auth/me above all) belongs to no one.
    queryClient.clear();
    queryClient.setQueryData(['me'], user);
    await navigate(user.mustChangePassword ? '/password' : '/');
  }

  async function submitPassword(values: Credentials) {
    setError(null);
    try {
      const answer = await unwrap(
        api.POST('/api/auth/login', { body: { ...values, session: 'cookie' } }),
      );
      if ('mfaRequired' in answer) setMfaToken(answer.mfaToken);
      else if ('user' in answer) await signedIn(answer.user);
    } catch (e) {
      setError(e);
    }
  }

  async function submitCode(values: SecondFactor) {
    setError(null);
    try {
      const answer = await unwrap(
        api.POST('/api/auth/mfa/verify', {
          body: { code: values.code, session: 'cookie' },
          headers: { Authorization: `Bearer ${mfaToken}` },
        }),
      );
      await signedIn(answer.user);
    } catch (e) {
      setError(e);
    }
  }

  return (
    <main id="main" className="login">
      <h1>管理簿 ログイン</h1>
      {mfaToken ? <CodeForm onSubmit={submitCode} /> : <PasswordForm onSubmit={submitPassword} />}
      <ErrorMessage error={error} />
    </main>
  );
}

export function PasswordForm({ onSubmit }: { onSubmit: (v: Credentials) => Promise<void> }) {
  const form = useForm<Credentials>({ defaultValues: { loginId: '', password: '' } });
  const { errors, isSubmitting } = form.formState;
  return (
    <form onSubmit={(e) => void form.handleSubmit(onSubmit)(e)} noValidate>
      <TextField
        label="ログインID"
        autoComplete="username"
        error={errors.loginId?.message}
        {...form.register('loginId', { required: 'ログインIDを入力してください。' })}
      />
      <TextField
        label="パスワード"
        type="password"
        autoComplete="current-password"
        error={errors.password?.message}
        {...form.register('password', { required: 'パスワードを入力してください。' })}
      />
      <button type="submit" className="button primary" disabled={isSubmitting}>
        ログイン
      </button>
    </form>
  );
}

export function CodeForm({ onSubmit }: { onSubmit: (v: SecondFactor) => Promise<void> }) {
  const form = useForm<SecondFactor>({ defaultValues: { code: '' } });
  const { errors, isSubmitting } = form.formState;
  return (
    <form onSubmit={(e) => void form.handleSubmit(onSubmit)(e)} noValidate>
      <p>認証アプリに表示されている6桁の確認コードを入力してください。</p>
      <TextField
        label="確認コード"
        inputMode="numeric"
        autoComplete="one-time-code"
        error={errors.code?.message}
        {...form.register('code', {
          required: '確認コードを入力してください。',
          pattern: { value: /^\d{6}$/, message: '確認コードは6桁の数字です。' },
        })}
      />
      <button type="submit" className="button primary" disabled={isSubmitting}>
        確認
      </button>
    </form>
  );
}

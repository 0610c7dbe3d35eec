import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useNavigate } from 'react-router';
import { api, unwrap } from '../api/client';
import { ApiError } from '../api/errors';
import type { components } from '../api/schema';
import { ErrorMessage } from '../components/ErrorMessage';
import { TextField } from '../components/TextField';
import { dateTime } from '../format';

type Me = components['schemas']['UserResponse'];

interface Credentials {
  loginId: string;
  password: string;
}

/** A TOTP code, or (`recovery`) one of the recovery codes shown at enrollment. */
interface SecondFactor {
  code: string;
  recovery?: boolean;
}

/**
 * The lock of a login id after failed attempts, in Japanese, with when it
 * ends (the answer's retryAfterSeconds counted from `now`) in Japan time.
 */
export function LockoutMessage({ error, now }: { error: ApiError; now: Date }) {
  const seconds = Number(error.details.retryAfterSeconds);
  const until =
    Number.isFinite(seconds) && seconds > 0 ? new Date(now.getTime() + seconds * 1000) : null;
  return (
    <div role="alert" className="error">
      <p>ログインに続けて失敗したため、このログインIDは一時的にロックされています。</p>
      {until && <p>{dateTime(until.toISOString())} ごろに解除されます。</p>}
      <p>急ぐときは、システム管理者にロックの解除を依頼してください。</p>
    </div>
  );
}

function LoginError({ error }: { error: unknown }) {
  if (error instanceof ApiError && error.code === 'TOO_MANY_ATTEMPTS') {
    return <LockoutMessage error={error} now={new Date()} />;
  }
  return <ErrorMessage error={error} />;
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
          body: values.recovery
            ? { recoveryCode: values.code.trim(), session: 'cookie' }
            : { code: values.code.trim(), session: 'cookie' },
          headers: { Authorization: `Bearer ${mfaToken}` },
        }),
      );
      await signedIn(answer.user);
    } catch (e) {
      // The five minutes of the password step ran out: start again from the password.
      if (e instanceof ApiError && e.status === 401 && e.code !== 'MFA_CODE_INVALID') {
        setMfaToken(null);
      }
      setError(e);
    }
  }

  return (
    <main id="main" className="login">
      <h1>管理簿 ログイン</h1>
      {mfaToken ? <CodeForm onSubmit={submitCode} /> : <PasswordForm onSubmit={submitPassword} />}
      <LoginError error={error} />
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
  const [recovery, setRecovery] = useState(false);
  const form = useForm<SecondFactor>({ defaultValues: { code: '' } });
  const { errors, isSubmitting } = form.formState;
  function toggle() {
    form.reset({ code: '' });
    setRecovery((r) => !r);
  }
  return (
    <form
      onSubmit={(e) =>
        void form.handleSubmit((v) => onSubmit(recovery ? { code: v.code, recovery } : v))(e)
      }
      noValidate
    >
      {recovery ? (
        <>
          <p>
            二要素認証の設定時に保管した回復コードを1つ入力してください。使ったコードは再び使えません。
          </p>
          <TextField
            key="recovery"
            label="回復コード"
            autoComplete="off"
            spellCheck={false}
            error={errors.code?.message}
            {...form.register('code', {
              required: '回復コードを入力してください。',
              pattern: {
                value: /^\s*[0-9A-Za-z -]{10,20}\s*$/,
                message: '回復コードは英数字10〜20文字です（例: 7k2m9-q4x8d）。',
              },
            })}
          />
        </>
      ) : (
        <>
          <p>認証アプリに表示されている6桁の確認コードを入力してください。</p>
          <TextField
            key="code"
            label="確認コード"
            inputMode="numeric"
            autoComplete="one-time-code"
            error={errors.code?.message}
            {...form.register('code', {
              required: '確認コードを入力してください。',
              pattern: { value: /^\s*\d{6}\s*$/, message: '確認コードは6桁の数字です。' },
            })}
          />
        </>
      )}
      <div className="actions">
        <button type="submit" className="button primary" disabled={isSubmitting}>
          確認
        </button>
        <button type="button" className="button secondary" onClick={toggle}>
          {recovery ? '確認コードを使う' : '回復コードを使う'}
        </button>
      </div>
    </form>
  );
}

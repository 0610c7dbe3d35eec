import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useForm } from 'react-hook-form';
import { Link, useNavigate } from 'react-router';
import { api, unwrap } from '../api/client';
import { ApiError } from '../api/errors';
import type { components } from '../api/schema';
import { ErrorMessage } from '../components/ErrorMessage';
import { TextField } from '../components/TextField';
import { dateTime } from '../format';
import { useMfaStatus } from '../session';

type Enrollment = components['schemas']['MfaEnrollmentResponse'];

/** Base32 in groups of four, easier to type into an app by hand. */
export function groupSecret(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

/**
 * 二要素認証の設定: the QR code and the secret of a new TOTP key, the first
 * code that confirms it, then the recovery codes, shown this once. A user
 * who has one sees its state.
 */
export function MfaEnrollPage() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const status = useMfaStatus();
  const [enrollment, setEnrollment] = useState<Enrollment | null>(null);
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const enroll = useMutation({
    mutationFn: () => unwrap(api.POST('/api/auth/mfa/enroll')),
    onSuccess: setEnrollment,
  });
  const logout = useMutation({
    mutationFn: () => unwrap(api.POST('/api/auth/logout')),
    onSettled: () => {
      queryClient.clear();
      void navigate('/login');
    },
  });

  useEffect(() => {
    const error = status.error;
    if (!(error instanceof ApiError)) return;
    if (error.status === 401) void navigate('/login');
    else if (error.code === 'PASSWORD_CHANGE_REQUIRED') void navigate('/password');
  }, [status.error, navigate]);

  async function confirmed(codes: string[]) {
    setRecoveryCodes(codes);
    setEnrollment(null);
    await queryClient.invalidateQueries({ queryKey: ['mfa'] });
  }

  const s = status.data;
  return (
    <main id="main" className="login mfa" tabIndex={-1}>
      <h1>二要素認証の設定</h1>
      {status.isPending && <p className="loading">読み込み中…</p>}
      <ErrorMessage error={status.error} />
      {recoveryCodes ? (
        <RecoveryCodes codes={recoveryCodes} onDone={() => void navigate('/')} />
      ) : (
        s &&
        (s.enrolled ? (
          <section aria-labelledby="mfa-state">
            <h2 id="mfa-state">設定済みです</h2>
            <dl className="facts">
              <dt>設定日時</dt>
              <dd>{dateTime(s.enrolledAt)}</dd>
              <dt>未使用の回復コード</dt>
              <dd>{s.recoveryCodesLeft}個</dd>
            </dl>
            <p>
              スマートフォンを替えた・なくした場合や、回復コードが残り少ない場合は、システム管理者に二要素認証のリセットを依頼してください。次回ログイン時に設定し直せます。
            </p>
            <p>
              <Link to="/">今日の作業へ戻る</Link>
            </p>
          </section>
        ) : (
          <>
            {s.required && (
              <p>
                このアカウントでは二要素認証が必要です。設定が終わるまで、ほかの画面は使えません。
              </p>
            )}
            <ol className="steps">
              <li>
                スマートフォンに認証アプリ（Google Authenticator、Microsoft Authenticator
                など）を用意します。
              </li>
              <li>
                「設定を始める」を押し、表示される QR
                コードをアプリで読み取ります（読み取れないときは、設定キーを手で入力します）。
              </li>
              <li>アプリに表示された6桁の確認コードを入力します。</li>
            </ol>
            {!enrollment && (
              <button
                type="button"
                className="button primary"
                disabled={enroll.isPending}
                onClick={() => enroll.mutate()}
              >
                設定を始める
              </button>
            )}
            <ErrorMessage error={enroll.error} />
            {enrollment && (
              <EnrollmentStep
                enrollment={enrollment}
                onConfirmed={confirmed}
                onRestart={() => enroll.mutate()}
              />
            )}
          </>
        ))
      )}
      {!recoveryCodes && s && !s.enrolled && (
        <p>
          <button type="button" className="button secondary" onClick={() => logout.mutate()}>
            ログアウト
          </button>
        </p>
      )}
    </main>
  );
}

function EnrollmentStep({
  enrollment,
  onConfirmed,
  onRestart,
}: {
  enrollment: Enrollment;
  onConfirmed: (codes: string[]) => Promise<void>;
  onRestart: () => void;
}) {
  const form = useForm<{ code: string }>({ defaultValues: { code: '' } });
  const { errors, isSubmitting } = form.formState;
  const [error, setError] = useState<unknown>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [enrollment]);

  async function submit({ code }: { code: string }) {
    setError(null);
    try {
      const { recoveryCodes } = await unwrap(
        api.POST('/api/auth/mfa/confirm', { body: { code: code.trim() } }),
      );
      await onConfirmed(recoveryCodes);
    } catch (e) {
      setError(e);
    }
  }

  const notStarted = error instanceof ApiError && error.code === 'MFA_ENROLLMENT_NOT_STARTED';
  return (
    <section aria-labelledby="mfa-scan">
      <h2 id="mfa-scan" ref={heading} tabIndex={-1}>
        認証アプリに登録する
      </h2>
      <img
        className="qr-code"
        src={enrollment.qrCode}
        width={200}
        height={200}
        alt="認証アプリで読み取る二要素認証の設定用 QR コード"
      />
      <p>QR コードを読み取れないときは、次の設定キーをアプリに入力してください（時間ベース）。</p>
      <p>
        設定キー:{' '}
        <code className="secret" data-secret={enrollment.secret}>
          {groupSecret(enrollment.secret)}
        </code>
      </p>
      <form onSubmit={(e) => void form.handleSubmit(submit)(e)} noValidate>
        <TextField
          label="確認コード"
          inputMode="numeric"
          autoComplete="one-time-code"
          hint="アプリに表示されている6桁の数字"
          error={errors.code?.message}
          {...form.register('code', {
            required: '確認コードを入力してください。',
            pattern: { value: /^\s*\d{6}\s*$/, message: '確認コードは6桁の数字です。' },
          })}
        />
        <button type="submit" className="button primary" disabled={isSubmitting}>
          確認して設定する
        </button>
      </form>
      <ErrorMessage error={error} />
      {notStarted && (
        <button type="button" className="button secondary" onClick={onRestart}>
          最初からやり直す
        </button>
      )}
    </section>
  );
}

function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const [kept, setKept] = useState(false);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section aria-labelledby="recovery-heading">
      <p role="status" className="success">
        二要素認証を設定しました。
      </p>
      <h2 id="recovery-heading" ref={heading} tabIndex={-1}>
        回復コード
      </h2>
      <div className="panel warning">
        <p>
          <strong>
            次の回復コードは、今回しか表示されません。印刷するか書き写して、スマートフォンとは別の安全な場所に保管してください。
          </strong>
        </p>
        <p>スマートフォンをなくしたときなど、確認コードの代わりに各コードを1回ずつ使えます。</p>
      </div>
      <ul className="recovery-codes" aria-label="回復コードの一覧">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <div className="field checkbox">
        <input
          id="recovery-kept"
          type="checkbox"
          checked={kept}
          onChange={(e) => setKept(e.target.checked)}
        />
        <label htmlFor="recovery-kept">回復コードを安全な場所に保管しました</label>
      </div>
      <button type="button" className="button primary" disabled={!kept} onClick={onDone}>
        今日の作業へ進む
      </button>
    </section>
  );
}

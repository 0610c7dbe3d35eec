import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import { api, unwrap } from '../api/client';
import { fieldErrors } from '../api/errors';
import type { components } from '../api/schema';
import { ErrorMessage } from '../components/ErrorMessage';
import { TextField } from '../components/TextField';
import { MAIL_MODES } from '../format';
import { useMe } from '../session';
import { EMAIL_INVALID, EMAIL_RULES } from '../email-rules';

type MailMode = NonNullable<components['schemas']['UserResponse']['mailMode']>;

interface MailSettings {
  email: string;
  mailMode: MailMode;
}

/**
 * 設定: the user's own e-mail notifications, their address and whether mails
 * come one by one, once a day, or not at all. The inbox stays as it is.
 */
export function SettingsPage() {
  const me = useMe();
  const queryClient = useQueryClient();
  const form = useForm<MailSettings>({ defaultValues: { email: '', mailMode: 'immediate' } });
  const { errors, isSubmitting } = form.formState;
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const { reset } = form;
  useEffect(() => {
    if (me.data) reset({ email: me.data.email ?? '', mailMode: me.data.mailMode ?? 'immediate' });
  }, [me.data, reset]);
  const save = useMutation({
    mutationFn: (body: MailSettings) => unwrap(api.PATCH('/api/auth/me/mail-settings', { body })),
    onSuccess: (user) => queryClient.setQueryData(['me'], user),
  });

  async function submit(values: MailSettings) {
    setError(null);
    setSaved(false);
    try {
      await save.mutateAsync({ email: values.email.trim(), mailMode: values.mailMode });
      setSaved(true);
    } catch (e) {
      if (fieldErrors(e).email) {
        form.setError('email', { message: EMAIL_INVALID });
      } else {
        setError(e);
      }
    }
  }

  return (
    <section>
      <h1>設定</h1>
      <ErrorMessage error={me.error} />
      <h2>メールでの通知</h2>
      <p>
        通知は画面の「通知」に届きます。メールアドレスを登録すると、同じ内容をメールでも受け取れます（画面へのリンク付き）。
      </p>
      <form
        onSubmit={(e) => void form.handleSubmit(submit)(e)}
        noValidate
        aria-label="メールでの通知"
      >
        <TextField
          label="メールアドレス"
          type="email"
          autoComplete="email"
          hint="空にすると、メールでは送りません。"
          error={errors.email?.message}
          {...form.register('email', EMAIL_RULES)}
        />
        <fieldset>
          <legend>受け取り方</legend>
          {(Object.keys(MAIL_MODES) as MailMode[]).map((mode) => (
            <div className="field checkbox" key={mode}>
              <input
                id={`mail-mode-${mode}`}
                type="radio"
                value={mode}
                {...form.register('mailMode')}
              />
              <label htmlFor={`mail-mode-${mode}`}>{MAIL_MODES[mode]}</label>
            </div>
          ))}
        </fieldset>
        <div className="actions">
          <button type="submit" className="button primary" disabled={isSubmitting || !me.data}>
            保存する
          </button>
        </div>
      </form>
      <ErrorMessage error={error} />
      {saved && (
        <p role="status" className="success">
          保存しました。
        </p>
      )}
    </section>
  );
}

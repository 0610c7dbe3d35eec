import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useNavigate } from 'react-router';
import { api, unwrap } from '../api/client';
import { passwordRefusalOf } from '../api/errors';
import { ErrorMessage } from '../components/ErrorMessage';
import { TextField } from '../components/TextField';

interface PasswordChange {
  currentPassword: string;
  newPassword: string;
  confirmation: string;
}

/** パスワード変更: forced after a one-time password, and on request. */
export function PasswordChangePage() {
  const [error, setError] = useState<unknown>(null);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const form = useForm<PasswordChange>({
    defaultValues: { currentPassword: '', newPassword: '', confirmation: '' },
  });
  const { errors, isSubmitting } = form.formState;

  async function submit(values: PasswordChange) {
    setError(null);
    try {
      const user = await unwrap(
        api.POST('/api/auth/password', {
          body: { currentPassword: values.currentPassword, newPassword: values.newPassword },
        }),
      );
      // The answer is the account as it is now: without it the layout would
      // still see the temporary password and send the user back here.
      queryClient.setQueryData(['me'], user);
      await navigate('/');
    } catch (e) {
      const refused = passwordRefusalOf(e, 'newPassword', '新しいパスワード');
      if (refused) form.setError('newPassword', { message: refused });
      else setError(e);
    }
  }

  return (
    <main id="main" className="login">
      <h1>パスワードの変更</h1>
      <p>12文字以上で、ログインIDを含まない、推測されにくいパスワードにしてください。</p>
      <form onSubmit={(e) => void form.handleSubmit(submit)(e)} noValidate>
        <TextField
          label="現在のパスワード"
          type="password"
          autoComplete="current-password"
          error={errors.currentPassword?.message}
          {...form.register('currentPassword', {
            required: '現在のパスワードを入力してください。',
          })}
        />
        <TextField
          label="新しいパスワード"
          type="password"
          autoComplete="new-password"
          error={errors.newPassword?.message}
          {...form.register('newPassword', {
            required: '新しいパスワードを入力してください。',
            minLength: { value: 12, message: '12文字以上にしてください。' },
          })}
        />
        <TextField
          label="新しいパスワード（確認）"
          type="password"
          autoComplete="new-password"
          error={errors.confirmation?.message}
          {...form.register('confirmation', {
            validate: (v, all) => v === all.newPassword || '新しいパスワードが一致しません。',
          })}
        />
        <button type="submit" className="button primary" disabled={isSubmitting}>
          変更する
        </button>
      </form>
      <ErrorMessage error={error} />
    </main>
  );
}

import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { ApiError, fieldErrors, passwordRefusalOf } from '../../api/errors';
import { EMAIL_INVALID, EMAIL_RULES } from '../../email-rules';
import { ErrorMessage } from '../../components/ErrorMessage';
import { OneTimeSecret } from '../../components/OneTimeSecret';
import { SelectField } from '../../components/SelectField';
import { TextField } from '../../components/TextField';
import { ROLES } from '../../format';
import {
  ORGANIZATION_KINDS,
  ROLE_ORGANIZATION_KIND,
  type Organization,
  type Role,
  type User,
} from './admin-hooks';

export interface NewUser {
  organizationId: string;
  role: Role | '';
  loginId: string;
  displayName: string;
  password: string;
  email: string;
}

/** What the service takes: the e-mail address only when one was typed. */
export type NewUserRequest = Omit<NewUser, 'role' | 'email'> & { role: Role; email?: string };

const LOGIN_ID = /^[A-Za-z0-9._@-]{3,64}$/;
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** 20 characters from a 56-letter alphabet without look-alikes (about 116 bits). */
export function generatePassword(length = 20): string {
  const bytes = new Uint8Array(length * 2);
  crypto.getRandomValues(bytes);
  let out = '';
  for (const byte of bytes) {
    // Rejection sampling keeps every letter equally likely.
    if (byte >= ALPHABET.length * Math.floor(256 / ALPHABET.length)) continue;
    out += ALPHABET[byte % ALPHABET.length];
    if (out.length === length) return out;
  }
  return out + generatePassword(length - out.length);
}

/**
 * 利用者の追加: the organization, role, login id, name and a temporary
 * password (typed, or made here), checked as the service checks them. The
 * service's refusals land next to the field they concern.
 */
export function CreateUserForm({
  organizations,
  onSubmit,
}: {
  organizations: Organization[];
  onSubmit: (values: NewUserRequest) => Promise<User>;
}) {
  const form = useForm<NewUser>({
    defaultValues: {
      organizationId: '',
      role: '',
      loginId: '',
      displayName: '',
      password: '',
      email: '',
    },
  });
  const { errors, isSubmitting } = form.formState;
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<{ user: User; password: string } | null>(null);

  async function submit(values: NewUser) {
    setError(null);
    setCreated(null);
    try {
      const { email, ...rest } = values;
      const user = await onSubmit({
        ...rest,
        role: values.role as Role,
        ...(email.trim() ? { email: email.trim() } : {}),
      });
      setCreated({ user, password: values.password });
      form.reset();
    } catch (e) {
      const refused = passwordRefusalOf(e, 'password', '仮パスワード');
      if (e instanceof ApiError && e.code === 'LOGIN_ID_TAKEN') {
        form.setError('loginId', { message: 'このログインIDはすでに使われています。' });
      } else if (fieldErrors(e).email) {
        form.setError('email', { message: EMAIL_INVALID });
      } else if (refused) {
        form.setError('password', { message: refused });
      } else {
        setError(e);
      }
    }
  }

  return (
    <>
      <form
        onSubmit={(e) => void form.handleSubmit(submit)(e)}
        noValidate
        aria-label="利用者の追加"
      >
        <SelectField
          label="組織"
          error={errors.organizationId?.message}
          {...form.register('organizationId', { required: '組織を選んでください。' })}
        >
          <option value="">選んでください</option>
          {organizations.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}（{ORGANIZATION_KINDS[o.kind]}）
            </option>
          ))}
        </SelectField>
        <SelectField
          label="役割"
          error={errors.role?.message}
          {...form.register('role', {
            required: '役割を選んでください。',
            validate: (role, all) => {
              const organization = organizations.find((o) => o.id === all.organizationId);
              if (!role || !organization) return true;
              return (
                ROLE_ORGANIZATION_KIND[role] === organization.kind ||
                (organization.kind === 'contractor'
                  ? '委託先の組織に作れるのは委託先取扱者だけです。'
                  : '区の組織に委託先取扱者は作れません。')
              );
            },
          })}
        >
          <option value="">選んでください</option>
          {(Object.keys(ROLES) as Role[]).map((role) => (
            <option key={role} value={role}>
              {ROLES[role]}
            </option>
          ))}
        </SelectField>
        <TextField
          label="ログインID"
          autoComplete="off"
          hint="半角英数字と . _ @ - で3〜64文字"
          error={errors.loginId?.message}
          {...form.register('loginId', {
            required: 'ログインIDを入力してください。',
            pattern: {
              value: LOGIN_ID,
              message: 'ログインIDは半角英数字と . _ @ - で3〜64文字にしてください。',
            },
          })}
        />
        <TextField
          label="氏名"
          autoComplete="off"
          error={errors.displayName?.message}
          {...form.register('displayName', {
            validate: (v) => v.trim() !== '' || '氏名を入力してください。',
            maxLength: { value: 200, message: '氏名は200文字以内にしてください。' },
          })}
        />
        <TextField
          label="メールアドレス（任意）"
          type="email"
          autoComplete="off"
          hint="通知をメールでも送ります（SMTPが設定されているとき）。本人が「設定」で変えられます。"
          error={errors.email?.message}
          {...form.register('email', EMAIL_RULES)}
        />
        <TextField
          label="仮パスワード"
          autoComplete="off"
          spellCheck={false}
          hint="12文字以上でログインIDを含まないもの。本人は初回ログイン時に変更します。"
          error={errors.password?.message}
          {...form.register('password', {
            required: '仮パスワードを入力するか、自動生成してください。',
            minLength: { value: 12, message: '仮パスワードは12文字以上にしてください。' },
            maxLength: { value: 256, message: '仮パスワードは256文字以内にしてください。' },
            validate: (v, all) =>
              !all.loginId ||
              !v.toLowerCase().includes(all.loginId.trim().toLowerCase()) ||
              '仮パスワードにログインIDを含めないでください。',
          })}
        />
        <div className="actions">
          <button
            type="button"
            className="button secondary"
            onClick={() =>
              form.setValue('password', generatePassword(), {
                shouldValidate: form.formState.isSubmitted,
              })
            }
          >
            自動生成
          </button>
          <button type="submit" className="button primary" disabled={isSubmitting}>
            追加する
          </button>
        </div>
      </form>
      <ErrorMessage error={error} />
      {created && (
        <div className="panel one-time">
          <p role="status" className="success">
            {created.user.displayName}（{created.user.loginId}）を追加しました。
          </p>
          <OneTimeSecret label="仮パスワード" value={created.password} />
          <p>
            仮パスワードはこの画面を離れると二度と表示されません。本人に安全な方法で伝えてください。初回ログインで変更が求められます。
          </p>
        </div>
      )}
    </>
  );
}

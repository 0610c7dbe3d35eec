import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { api, unwrap } from '../api/client';
import type { components } from '../api/schema';
import { ErrorMessage } from '../components/ErrorMessage';
import { SelectField } from '../components/SelectField';
import { TextField } from '../components/TextField';
import { dateTime, MEDIUM_KINDS } from '../format';
import { useMe } from '../session';
import { useTakeoutRequests } from './TakeoutTab';

type Medium = components['schemas']['MediumResponse'];
type Kind = Medium['kind'];

interface Values {
  kind: Kind;
  label: string;
  description: string;
  recordCount: string;
  encrypted: boolean;
  unlocksMediumId: string;
  location: string;
  takeoutRequestId: string;
}

/** 媒体の登録: a medium, or the password notice of one already registered. */
export function MediumForm({ contractId, media }: { contractId: string; media: Medium[] }) {
  const queryClient = useQueryClient();
  const form = useForm<Values>({
    defaultValues: {
      kind: 'dvd_r',
      label: '',
      description: '',
      recordCount: '0',
      encrypted: true,
      unlocksMediumId: '',
      location: '',
      takeoutRequestId: '',
    },
  });
  const me = useMe();
  const requests = useTakeoutRequests(contractId, me.data?.role === 'ward_officer');
  // The ward's data goes on a medium only under the officer's own approved take-out request.
  const approved = (requests.data?.items ?? []).filter(
    (r) => r.status === 'approved' && r.applicantUserId === me.data?.id,
  );
  const { errors, isSubmitting } = form.formState;
  const kind = form.watch('kind');
  const notice = kind === 'password_notice';
  const register = useMutation({
    mutationFn: (v: Values) =>
      unwrap(
        api.POST('/api/contracts/{id}/media', {
          params: { path: { id: contractId } },
          body: {
            kind: v.kind,
            label: v.label,
            description: v.description,
            recordCount: Number(v.recordCount),
            encrypted: notice ? false : v.encrypted,
            ...(notice ? { unlocksMediumId: v.unlocksMediumId } : {}),
            ...(v.location ? { location: v.location } : {}),
            ...(!notice && v.takeoutRequestId ? { takeoutRequestId: v.takeoutRequestId } : {}),
          },
        }),
      ),
    onSuccess: async () => {
      form.reset();
      await queryClient.invalidateQueries({ queryKey: ['media', contractId] });
      await queryClient.invalidateQueries({ queryKey: ['ledger', contractId] });
    },
  });
  const lockable = media.filter((m) => m.kind !== 'password_notice' && m.encrypted);
  return (
    <form
      aria-labelledby="medium-form-title"
      onSubmit={(e) => void form.handleSubmit((v) => register.mutateAsync(v).catch(() => {}))(e)}
      noValidate
      className="panel"
    >
      <h3 id="medium-form-title">媒体を登録する</h3>
      <SelectField label="種類" {...form.register('kind')}>
        {Object.entries(MEDIUM_KINDS).map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </SelectField>
      <TextField
        label="名前（ラベル）"
        hint="例：住民-001。契約の中で重複できません。"
        error={errors.label?.message}
        {...form.register('label', { required: '名前を入力してください。' })}
      />
      <TextField
        label="情報の内容"
        error={errors.description?.message}
        {...form.register('description', { required: '情報の内容を入力してください。' })}
      />
      <TextField
        label="件数"
        inputMode="numeric"
        error={errors.recordCount?.message}
        {...form.register('recordCount', {
          pattern: { value: /^\d{1,9}$/, message: '件数は0以上の整数で入力してください。' },
        })}
      />
      {notice ? (
        <SelectField
          label="どの媒体のパスワードか"
          error={errors.unlocksMediumId?.message}
          {...form.register('unlocksMediumId', { required: '対象の媒体を選んでください。' })}
        >
          <option value="">選んでください</option>
          {lockable.map((m) => (
            <option key={m.id} value={m.id}>
              {m.label}
            </option>
          ))}
        </SelectField>
      ) : (
        <div className="field checkbox">
          <input id="medium-encrypted" type="checkbox" {...form.register('encrypted')} />
          <label htmlFor="medium-encrypted">暗号化している</label>
        </div>
      )}
      {!notice && me.data?.role === 'ward_officer' && (
        <SelectField label="持出し申請（承認済み）" {...form.register('takeoutRequestId')}>
          <option value="">なし</option>
          {approved.map((r) => (
            <option key={r.id} value={r.id}>
              {r.dataItems.join('、')}（{dateTime(r.decidedAt)} 承認）
            </option>
          ))}
        </SelectField>
      )}
      <TextField label="保管場所（任意）" {...form.register('location')} />
      <button type="submit" className="button primary" disabled={isSubmitting}>
        登録する
      </button>
      <ErrorMessage error={register.error} />
      {register.isSuccess && (
        <p role="status" className="success">
          {register.data.label} を登録しました。
        </p>
      )}
    </form>
  );
}

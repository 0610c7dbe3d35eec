import { useForm } from 'react-hook-form';
import type { components } from '../api/schema';
import { ErrorMessage } from '../components/ErrorMessage';
import { SelectField } from '../components/SelectField';
import { TextField } from '../components/TextField';
import { CUSTODY_STATES } from '../format';
import { tokyoInstant } from './tab-helpers';
import { TextAreaField } from './TextAreaField';

export type IncidentBody = components['schemas']['ReportIncidentRequest'];
type Medium = components['schemas']['MediumResponse'];

export const INCIDENT_KINDS = {
  lost: '紛失',
  other: 'その他',
  seal_broken: '封印の破損',
  fingerprint_mismatch: '内容の不一致',
} satisfies Record<components['schemas']['IncidentResponse']['kind'], string>;

interface Values {
  kind: IncidentBody['kind'];
  mediumIds: string[];
  description: string;
  occurredAt: string;
}

/** 事故の報告: which media, what happened, and when (now unless told). */
export function IncidentForm({
  media,
  onSubmit,
  error,
  done,
}: {
  media: readonly Medium[];
  onSubmit: (body: IncidentBody) => Promise<unknown>;
  error?: unknown;
  done?: string | undefined;
}) {
  const form = useForm<Values>({
    defaultValues: { kind: 'other', mediumIds: [], description: '', occurredAt: '' },
  });
  const { errors, isSubmitting } = form.formState;
  const submit = async (v: Values) => {
    await onSubmit({
      kind: v.kind,
      mediumIds: v.mediumIds,
      description: v.description.trim(),
      ...(v.occurredAt ? { occurredAt: tokyoInstant(v.occurredAt) } : {}),
    }).then(
      () => form.reset(),
      () => undefined,
    );
  };
  return (
    <form
      aria-labelledby="incident-form-title"
      onSubmit={(e) => void form.handleSubmit(submit)(e)}
      noValidate
      className="panel"
    >
      <h3 id="incident-form-title">事故を報告する</h3>
      <SelectField label="事故の種類" {...form.register('kind')}>
        <option value="other">{INCIDENT_KINDS.other}</option>
        <option value="lost">{INCIDENT_KINDS.lost}（以後その媒体は扱えません）</option>
      </SelectField>
      <fieldset>
        <legend>関係する媒体</legend>
        {media.map((m) => (
          <div className="field checkbox" key={m.id}>
            <input
              id={`incident-medium-${m.id}`}
              type="checkbox"
              value={m.id}
              {...form.register('mediumIds', {
                validate: (ids) => ids.length > 0 || '関係する媒体を選んでください。',
              })}
            />
            <label htmlFor={`incident-medium-${m.id}`}>
              {m.label}（{CUSTODY_STATES[m.custody.state]}）
            </label>
          </div>
        ))}
        {media.length === 0 && <p>この契約には媒体がありません。</p>}
        {errors.mediumIds?.message && (
          <p className="field-error" role="alert">
            {errors.mediumIds.message}
          </p>
        )}
      </fieldset>
      <TextAreaField
        label="何が起きたか"
        error={errors.description?.message}
        {...form.register('description', {
          validate: (d) => !!d.trim() || '何が起きたかを入力してください。',
          maxLength: { value: 2000, message: '2000文字以内で入力してください。' },
        })}
      />
      <TextField
        label="発生日時（任意）"
        hint="省略すると報告した時刻になります（日本時間）。"
        type="datetime-local"
        {...form.register('occurredAt')}
      />
      <button type="submit" className="button primary" disabled={isSubmitting}>
        報告する
      </button>
      <ErrorMessage error={error} />
      {done && (
        <p role="status" className="success">
          {done}
        </p>
      )}
    </form>
  );
}

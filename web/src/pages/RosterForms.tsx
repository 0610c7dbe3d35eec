import { useForm } from 'react-hook-form';
import type { components } from '../api/schema';
import { ErrorMessage } from '../components/ErrorMessage';
import { SelectField } from '../components/SelectField';
import { TextField } from '../components/TextField';

export type RosterBody = components['schemas']['CreateRosterEntryRequest'];
export type TrainingBody = components['schemas']['RecordTrainingRequest'];

export const ROSTER_ROLES = {
  responsible: '取扱責任者',
  handler: '取扱者',
} satisfies Record<RosterBody['role'], string>;

interface RosterValues {
  userId: string;
  role: RosterBody['role'];
  validFrom: string;
  validTo: string;
  trainedOn: string;
  course: string;
  trainer: string;
}

/** A training given with all three of day, course and trainer, or none of them. */
function trainingOf(v: { trainedOn: string; course: string; trainer: string }) {
  return v.trainedOn || v.course.trim() || v.trainer.trim()
    ? { trainedOn: v.trainedOn, course: v.course.trim(), trainer: v.trainer.trim() }
    : undefined;
}

/**
 * 名簿に追加: a contractor's staff member by login ID, their role and period,
 * and (on a contract that requires it) the training they were given.
 */
export function RosterEntryForm({
  requireTraining,
  onSubmit,
  error,
  done,
}: {
  requireTraining: boolean;
  onSubmit: (body: RosterBody) => Promise<unknown>;
  error?: unknown;
  done?: string | undefined;
}) {
  const form = useForm<RosterValues>({
    defaultValues: {
      userId: '',
      role: 'handler',
      validFrom: '',
      validTo: '',
      trainedOn: '',
      course: '',
      trainer: '',
    },
  });
  const { errors, isSubmitting } = form.formState;
  const partOfTraining = (_: string, v: RosterValues) =>
    !trainingOf(v) ||
    (Boolean(v.trainedOn) && Boolean(v.course.trim()) && Boolean(v.trainer.trim()));
  const submit = async (v: RosterValues) => {
    const training = trainingOf(v);
    await onSubmit({
      userId: v.userId.trim(),
      role: v.role,
      ...(v.validFrom ? { validFrom: v.validFrom } : {}),
      ...(v.validTo ? { validTo: v.validTo } : {}),
      ...(training ? { training } : {}),
    }).then(
      () => form.reset(),
      () => undefined,
    );
  };
  return (
    <form
      aria-labelledby="roster-form-title"
      onSubmit={(e) => void form.handleSubmit(submit)(e)}
      noValidate
      className="panel"
    >
      <h3 id="roster-form-title">名簿に追加する</h3>
      <TextField
        label="ログインID（受託者・再委託先の担当者）"
        autoComplete="off"
        error={errors.userId?.message}
        {...form.register('userId', { required: 'ログインIDを入力してください。' })}
      />
      <SelectField label="契約上の役割" {...form.register('role')}>
        {Object.entries(ROSTER_ROLES).map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </SelectField>
      <TextField
        label="有効期間の開始日（任意）"
        hint="省略すると、契約開始日と今日の遅いほうからです。"
        type="date"
        {...form.register('validFrom')}
      />
      <TextField
        label="有効期間の終了日（任意）"
        type="date"
        error={errors.validTo?.message}
        {...form.register('validTo', {
          validate: (to, v) =>
            !to || !v.validFrom || to >= v.validFrom || '終了日は開始日以降にしてください。',
        })}
      />
      <fieldset>
        <legend>
          個人情報の取扱いに関する教育
          {requireTraining ? '（この契約では教育の記録が必要です）' : '（任意）'}
        </legend>
        <TextField
          label="受講日"
          type="date"
          error={errors.trainedOn?.message}
          {...form.register('trainedOn', {
            validate: (d, v) => partOfTraining(d, v) || !!d || '受講日を入力してください。',
          })}
        />
        <TextField
          label="研修名"
          error={errors.course?.message}
          {...form.register('course', {
            validate: (c, v) => partOfTraining(c, v) || !!c.trim() || '研修名を入力してください。',
          })}
        />
        <TextField
          label="実施者"
          error={errors.trainer?.message}
          {...form.register('trainer', {
            validate: (t, v) => partOfTraining(t, v) || !!t.trim() || '実施者を入力してください。',
          })}
        />
      </fieldset>
      <button type="submit" className="button primary" disabled={isSubmitting}>
        名簿に追加する
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

interface TrainingValues {
  userId: string;
  trainedOn: string;
  course: string;
  trainer: string;
}

/** 教育の記録: the training a staff member of the roster was given. */
export function TrainingForm({
  people,
  onSubmit,
  error,
  done,
}: {
  people: Array<{ userId: string; displayName: string }>;
  onSubmit: (body: TrainingBody) => Promise<unknown>;
  error?: unknown;
  done?: string | undefined;
}) {
  const form = useForm<TrainingValues>({
    defaultValues: { userId: '', trainedOn: '', course: '', trainer: '' },
  });
  const { errors, isSubmitting } = form.formState;
  const submit = async (v: TrainingValues) => {
    await onSubmit({
      userId: v.userId,
      trainedOn: v.trainedOn,
      course: v.course.trim(),
      trainer: v.trainer.trim(),
    }).then(
      () => form.reset(),
      () => undefined,
    );
  };
  return (
    <form
      aria-labelledby="training-form-title"
      onSubmit={(e) => void form.handleSubmit(submit)(e)}
      noValidate
      className="panel"
    >
      <h3 id="training-form-title">教育の受講を記録する</h3>
      <SelectField
        label="受講した人"
        error={errors.userId?.message}
        {...form.register('userId', { required: '受講した人を選んでください。' })}
      >
        <option value="">選んでください</option>
        {people.map((p) => (
          <option key={p.userId} value={p.userId}>
            {p.displayName}
          </option>
        ))}
      </SelectField>
      <TextField
        label="受講日"
        type="date"
        error={errors.trainedOn?.message}
        {...form.register('trainedOn', { required: '受講日を入力してください。' })}
      />
      <TextField
        label="研修名"
        error={errors.course?.message}
        {...form.register('course', {
          validate: (c) => !!c.trim() || '研修名を入力してください。',
        })}
      />
      <TextField
        label="実施者"
        error={errors.trainer?.message}
        {...form.register('trainer', {
          validate: (t) => !!t.trim() || '実施者を入力してください。',
        })}
      />
      <button type="submit" className="button primary" disabled={isSubmitting}>
        受講を記録する
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

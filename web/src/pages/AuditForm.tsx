import { useForm } from 'react-hook-form';
import type { components } from '../api/schema';
import { ErrorMessage } from '../components/ErrorMessage';
import { SelectField } from '../components/SelectField';
import { TextField } from '../components/TextField';
import { TextAreaField } from './TextAreaField';

export type AuditBody = components['schemas']['RecordAuditRequest'];
type Checklist = components['schemas']['ChecklistResponse'];
type Answer = components['schemas']['ChecklistAnswerDto']['answer'];

export const AUDIT_RESULTS = {
  satisfactory: '良好',
  findings: '指摘事項あり',
  unsatisfactory: '不適切',
} satisfies Record<AuditBody['result'], string>;

export const ANSWERS = {
  yes: '○（できている）',
  no: '×（できていない）',
  na: '−（該当なし）',
} satisfies Record<Answer, string>;

interface ItemValues {
  answer: Answer | '';
  note: string;
  correctiveAction: string;
  dueOn: string;
}

interface Values {
  performedOn: string;
  result: AuditBody['result'];
  auditors: string;
  findings: string;
  answers: Record<string, ItemValues>;
}

/** 調査者: one name a line, or separated by 、 or commas. */
export function auditorsOf(text: string): string[] {
  return text
    .split(/[\n、,，]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * 立入調査の記録: the day, the auditors, the result, and each item of the
 * contract's checklist answered ○ / × / −; a × opens a finding with its
 * corrective action (是正措置) and due date.
 */
export function AuditForm({
  checklist,
  onSubmit,
  error,
  done,
}: {
  checklist: Checklist;
  onSubmit: (body: AuditBody) => Promise<unknown>;
  error?: unknown;
  done?: string | undefined;
}) {
  const items = checklist.sections.flatMap((s) =>
    s.items.map((i) => ({ ...i, label: `${s.title} ${i.number}` })),
  );
  const form = useForm<Values>({
    defaultValues: {
      performedOn: '',
      result: 'satisfactory',
      auditors: '',
      findings: '',
      answers: Object.fromEntries(
        items.map((i) => [i.id, { answer: '', note: '', correctiveAction: '', dueOn: '' }]),
      ),
    },
  });
  const { errors, isSubmitting } = form.formState;
  const answers = form.watch('answers');
  const crosses = (v: Values) => Object.values(v.answers).some((a) => a.answer === 'no');
  const submit = async (v: Values) => {
    await onSubmit({
      performedOn: v.performedOn,
      result: v.result,
      auditors: auditorsOf(v.auditors),
      ...(v.findings.trim() ? { findings: v.findings.trim() } : {}),
      answers: items.map((i) => {
        const a = v.answers[i.id]!;
        return {
          itemId: i.id,
          answer: a.answer as Answer,
          ...(a.note.trim() ? { note: a.note.trim() } : {}),
          ...(a.answer === 'no'
            ? { correctiveAction: a.correctiveAction.trim(), dueOn: a.dueOn }
            : {}),
        };
      }),
    }).then(
      () => form.reset(),
      () => undefined,
    );
  };
  return (
    <form
      aria-labelledby="audit-form-title"
      onSubmit={(e) => void form.handleSubmit(submit)(e)}
      noValidate
      className="panel"
    >
      <h3 id="audit-form-title">立入調査を記録する</h3>
      <TextField
        label="調査日"
        type="date"
        error={errors.performedOn?.message}
        {...form.register('performedOn', { required: '調査日を入力してください。' })}
      />
      <TextAreaField
        label="調査者"
        hint="1行に1人、または「、」で区切って入力してください。"
        rows={2}
        error={errors.auditors?.message}
        {...form.register('auditors', {
          validate: (t) => auditorsOf(t).length > 0 || '調査者を入力してください。',
        })}
      />
      <SelectField
        label="調査結果"
        error={errors.result?.message}
        {...form.register('result', {
          validate: (r, v) =>
            r !== 'satisfactory' || !crosses(v) || '×の項目があるときは「良好」にできません。',
        })}
      >
        {Object.entries(AUDIT_RESULTS).map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </SelectField>
      <TextAreaField
        label="所見"
        hint="結果が「良好」でなく×の項目もないときは必須です。"
        error={errors.findings?.message}
        {...form.register('findings', {
          validate: (f, v) =>
            v.result === 'satisfactory' || crosses(v) || !!f.trim() || '所見を入力してください。',
        })}
      />
      <h4>{checklist.title}</h4>
      {items.map((item) => {
        const e = errors.answers?.[item.id];
        const cross = answers[item.id]?.answer === 'no';
        const errorId = `answer-${item.id}-error`;
        return (
          <fieldset
            key={item.id}
            className="checklist-item"
            aria-describedby={e?.answer ? errorId : undefined}
          >
            <legend>
              {item.label}：{item.text}
            </legend>
            <div className="answers">
              {(Object.keys(ANSWERS) as Answer[]).map((value) => (
                <div className="field checkbox" key={value}>
                  <input
                    id={`answer-${item.id}-${value}`}
                    type="radio"
                    value={value}
                    {...form.register(`answers.${item.id}.answer`, {
                      required: '○・×・−のどれかを選んでください。',
                    })}
                  />
                  <label htmlFor={`answer-${item.id}-${value}`}>{ANSWERS[value]}</label>
                </div>
              ))}
            </div>
            {e?.answer?.message && (
              <p id={errorId} className="field-error" role="alert">
                {e.answer.message}
              </p>
            )}
            {cross && (
              <>
                <TextAreaField
                  label={`${item.label} の是正措置`}
                  rows={2}
                  error={e?.correctiveAction?.message}
                  {...form.register(`answers.${item.id}.correctiveAction`, {
                    validate: (c, v) =>
                      v.answers[item.id]?.answer !== 'no' ||
                      !!c.trim() ||
                      '是正措置を入力してください。',
                  })}
                />
                <TextField
                  label={`${item.label} の是正期限`}
                  type="date"
                  error={e?.dueOn?.message}
                  {...form.register(`answers.${item.id}.dueOn`, {
                    validate: (d, v) =>
                      v.answers[item.id]?.answer !== 'no' ||
                      (!d
                        ? '是正期限を入力してください。'
                        : !v.performedOn ||
                          d >= v.performedOn ||
                          '是正期限は調査日以降にしてください。'),
                  })}
                />
              </>
            )}
            <TextField
              label={`${item.label} の備考（任意）`}
              {...form.register(`answers.${item.id}.note`)}
            />
          </fieldset>
        );
      })}
      <button type="submit" className="button primary" disabled={isSubmitting}>
        調査を記録する
      </button>
      {Object.keys(errors).length > 0 && (
        <p className="field-error" role="alert">
          入力内容に誤りがあります。各項目の表示を確認してください。
        </p>
      )}
      <ErrorMessage error={error} />
      {done && (
        <p role="status" className="success">
          {done}
        </p>
      )}
    </form>
  );
}

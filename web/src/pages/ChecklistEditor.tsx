import { useState } from 'react';
import type { components } from '../api/schema';
import { ErrorMessage } from '../components/ErrorMessage';
import { TextField } from '../components/TextField';
import { TextAreaField } from './TextAreaField';

type Checklist = components['schemas']['ChecklistResponse'];
export type ChecklistBody = components['schemas']['PutChecklistRequest'];

interface DraftItem {
  id: string;
  text: string;
}
interface DraftSection {
  key: string;
  title: string;
  items: DraftItem[];
}

/** An item id not yet used in the list (`op-n1`, `op-n2`…; ids stay stable once saved). */
function freshId(sections: DraftSection[], key: string): string {
  const used = new Set(sections.flatMap((s) => s.items.map((i) => i.id)));
  for (let n = 1; ; n += 1) {
    const id = `${key}-n${n}`.slice(0, 64);
    if (!used.has(id)) return id;
  }
}

/**
 * チェックリストの編集: the ward sets the contract's own copy of the checklist
 * (title, each section's items in order); items are numbered by their place.
 */
export function ChecklistEditor({
  checklist,
  onSubmit,
  onCancel,
  error,
}: {
  checklist: Checklist;
  onSubmit: (body: ChecklistBody) => Promise<unknown>;
  onCancel: () => void;
  error?: unknown;
}) {
  const [title, setTitle] = useState(checklist.title);
  const [sections, setSections] = useState<DraftSection[]>(
    checklist.sections.map((s) => ({
      key: s.key,
      title: s.title,
      items: s.items.map((i) => ({ id: i.id, text: i.text })),
    })),
  );
  const [checked, setChecked] = useState(false);
  const [sending, setSending] = useState(false);
  const titleError = checked && !title.trim() ? '表題を入力してください。' : undefined;
  const itemError = (i: DraftItem) =>
    checked && !i.text.trim() ? '項目の内容を入力してください。' : undefined;
  const sectionError = (s: DraftSection) =>
    checked && !s.title.trim() ? '区分の名前を入力してください。' : undefined;
  const empty = sections.every((s) => s.items.length === 0);
  const update = (k: number, change: (s: DraftSection) => DraftSection) =>
    setSections((all) => all.map((s, n) => (n === k ? change(s) : s)));
  const save = async () => {
    setChecked(true);
    const invalid =
      !title.trim() ||
      empty ||
      sections.some((s) => !s.title.trim() || s.items.some((i) => !i.text.trim()));
    if (invalid) return;
    setSending(true);
    await onSubmit({
      title: title.trim(),
      sections: sections
        .filter((s) => s.items.length > 0)
        .map((s) => ({
          key: s.key,
          title: s.title.trim(),
          items: s.items.map((i, n) => ({ id: i.id, number: n + 1, text: i.text.trim() })),
        })),
    }).catch(() => undefined);
    setSending(false);
  };
  return (
    <form
      aria-labelledby="checklist-editor-title"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
      noValidate
      className="panel"
    >
      <h3 id="checklist-editor-title">チェックリストを編集する</h3>
      <p className="hint">
        現在は第{checklist.version}版{checklist.version === 0 ? '（標準のチェックリスト）' : ''}
        です。保存すると次の版になり、以後の立入調査はその版で記録します。
      </p>
      <TextField
        label="表題"
        value={title}
        error={titleError}
        onChange={(e) => setTitle(e.target.value)}
      />
      {sections.map((s, k) => (
        <fieldset key={s.key}>
          <legend>{s.title || s.key}</legend>
          <TextField
            label={`区分「${s.key}」の名前`}
            value={s.title}
            error={sectionError(s)}
            onChange={(e) => update(k, (x) => ({ ...x, title: e.target.value }))}
          />
          {s.items.map((i, n) => (
            <div key={i.id} className="checklist-edit-item">
              <TextAreaField
                label={`${s.title} ${n + 1}`}
                rows={2}
                value={i.text}
                error={itemError(i)}
                onChange={(e) =>
                  update(k, (x) => ({
                    ...x,
                    items: x.items.map((y) => (y.id === i.id ? { ...y, text: e.target.value } : y)),
                  }))
                }
              />
              <button
                type="button"
                className="button secondary"
                aria-label={`${s.title} ${n + 1} を削除`}
                onClick={() =>
                  update(k, (x) => ({ ...x, items: x.items.filter((y) => y.id !== i.id) }))
                }
              >
                削除
              </button>
            </div>
          ))}
          <button
            type="button"
            className="button secondary"
            onClick={() =>
              update(k, (x) => ({
                ...x,
                items: [...x.items, { id: freshId(sections, x.key), text: '' }],
              }))
            }
          >
            {s.title}に項目を追加
          </button>
        </fieldset>
      ))}
      {checked && empty && (
        <p className="field-error" role="alert">
          項目を1つ以上残してください。
        </p>
      )}
      <div className="actions">
        <button type="submit" className="button primary" disabled={sending}>
          チェックリストを保存する
        </button>
        <button type="button" className="button secondary" onClick={onCancel}>
          やめる
        </button>
      </div>
      <ErrorMessage error={error} />
    </form>
  );
}

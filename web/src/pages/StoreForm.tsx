import { useEffect, useRef } from 'react';
import { useForm } from 'react-hook-form';
import type { components } from '../api/schema';
import { ErrorMessage } from '../components/ErrorMessage';
import { SelectField } from '../components/SelectField';
import { TextField } from '../components/TextField';

export type StoreBody = components['schemas']['StoreMediumRequest'];

interface Values {
  location: string;
  placeId: string;
}

/**
 * 保管場所の記録: the locked safe or cabinet the holder keeps a medium in,
 * and on the contractor's side the ward-designated place it is at.
 */
export function StoreForm({
  mediumLabel,
  places,
  onSubmit,
  onCancel,
  error,
}: {
  mediumLabel: string;
  places: Array<{ id: string; name: string }> | null;
  onSubmit: (body: StoreBody) => Promise<unknown>;
  onCancel: () => void;
  error?: unknown;
}) {
  const form = useForm<Values>({ defaultValues: { location: '', placeId: '' } });
  const { errors, isSubmitting } = form.formState;
  // Opened from the row's button: the keyboard goes on to the field.
  const field = useRef<HTMLInputElement | null>(null);
  useEffect(() => field.current?.focus(), []);
  const location = form.register('location', {
    validate: (l) => !!l.trim() || '保管場所を入力してください。',
    maxLength: { value: 300, message: '300文字以内で入力してください。' },
  });
  const submit = async (v: Values) => {
    await onSubmit({
      location: v.location.trim(),
      ...(v.placeId ? { placeId: v.placeId } : {}),
    }).catch(() => undefined);
  };
  return (
    <form
      aria-label={`${mediumLabel} の保管場所`}
      onSubmit={(e) => void form.handleSubmit(submit)(e)}
      noValidate
      className="inline-form"
    >
      <TextField
        label="保管場所（施錠できる金庫・キャビネット）"
        hint="例：第2書庫 金庫A"
        error={errors.location?.message}
        {...location}
        ref={(el) => {
          location.ref(el);
          field.current = el;
        }}
      />
      {places && places.length > 0 && (
        <SelectField label="区が指定した保管場所" {...form.register('placeId')}>
          <option value="">指定しない</option>
          {places.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </SelectField>
      )}
      <div className="actions">
        <button type="submit" className="button primary" disabled={isSubmitting}>
          記録する
        </button>
        <button type="button" className="button secondary" onClick={onCancel}>
          やめる
        </button>
      </div>
      <ErrorMessage error={error} />
    </form>
  );
}

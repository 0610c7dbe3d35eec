import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { api, unwrap } from '../api/client';
import type { components } from '../api/schema';
import { ErrorMessage } from '../components/ErrorMessage';
import { SelectField } from '../components/SelectField';
import { TextField } from '../components/TextField';
import { MEDIUM_KINDS } from '../format';
import { useMe } from '../session';

type Medium = components['schemas']['MediumResponse'];
type Purpose = components['schemas']['DispatchRequest']['purpose'];
type Party = components['schemas']['PartyResponse'];

interface Values {
  items: string[];
  to: string;
  wardUserId: string;
  method: 'hand' | 'lgwan';
  bagId: string;
  sealNumber: string;
  note: string;
}

const WARD = 'ward';

/**
 * 引渡し: media the user's organization holds, to a person on the roster or,
 * back to the ward, to an officer of its earlier handovers, each by name; by
 * hand in a locked bag or over LGWAN. The purpose follows from who gives to
 * whom, as the service expects.
 */
export function DispatchForm({
  contractId,
  wardOrganizationId,
  media,
}: {
  contractId: string;
  wardOrganizationId: string;
  media: Medium[];
}) {
  const me = useMe();
  const queryClient = useQueryClient();
  const roster = useQuery({
    queryKey: ['roster', contractId],
    queryFn: () =>
      unwrap(api.GET('/api/contracts/{id}/roster', { params: { path: { id: contractId } } })),
  });
  // The ward's officers are not on the roster: the ward's side of this
  // contract's handovers, by name, is whom media go back to.
  const handovers = useQuery({
    queryKey: ['handovers', contractId],
    queryFn: () =>
      unwrap(api.GET('/api/contracts/{id}/handovers', { params: { path: { id: contractId } } })),
  });
  const form = useForm<Values>({
    defaultValues: {
      items: [],
      to: '',
      wardUserId: '',
      method: 'hand',
      bagId: '',
      sealNumber: '',
      note: '',
    },
  });
  const { errors, isSubmitting } = form.formState;
  const method = form.watch('method');
  const to = form.watch('to');
  const mine = media.filter(
    (m) => m.custody.state === 'held' && m.custody.holderOrganizationId === me.data?.organizationId,
  );
  const people = (roster.data?.items ?? []).filter(
    (r) => r.removedAt === null && r.userId !== me.data?.id,
  );
  // The ward's people of this contract's handovers, the latest first.
  const officers = new Map<string, Party>();
  for (const h of [...(handovers.data?.items ?? [])].reverse()) {
    for (const party of [h.from, h.to]) {
      if (
        party.organizationId === wardOrganizationId &&
        party.userId !== me.data?.id &&
        !officers.has(party.userId)
      ) {
        officers.set(party.userId, party);
      }
    }
  }

  function purposeOf(v: Values): Purpose {
    const from = me.data?.organizationId;
    if (v.to === WARD) return from === wardOrganizationId ? 'internal' : 'return';
    const addressee = people.find((p) => p.userId === v.to);
    if (from === wardOrganizationId) return 'provide';
    return addressee?.organizationId === from ? 'internal' : 'subcontract';
  }

  const dispatch = useMutation({
    mutationFn: (v: Values) =>
      unwrap(
        api.POST('/api/contracts/{id}/handovers', {
          params: { path: { id: contractId } },
          body: {
            items: v.items,
            toUserId: v.to === WARD ? v.wardUserId : v.to,
            method: v.method,
            purpose: purposeOf(v),
            ...(v.method === 'hand' ? { bagId: v.bagId } : {}),
            ...(v.method === 'hand' && v.sealNumber ? { sealNumber: v.sealNumber } : {}),
            ...(v.note ? { note: v.note } : {}),
          },
        }),
      ),
    onSuccess: async () => {
      form.reset();
      for (const key of ['media', 'handovers', 'ledger']) {
        await queryClient.invalidateQueries({ queryKey: [key, contractId] });
      }
    },
  });

  return (
    <form
      aria-labelledby="dispatch-form-title"
      onSubmit={(e) =>
        void form.handleSubmit((v) => dispatch.mutateAsync(v).catch(() => undefined))(e)
      }
      noValidate
      className="panel"
    >
      <h3 id="dispatch-form-title">引き渡す</h3>
      <fieldset>
        <legend>渡す媒体</legend>
        {mine.length === 0 && <p>手元で保管中の媒体はありません。</p>}
        {mine.map((m) => (
          <div className="field checkbox" key={m.id}>
            <input
              id={`item-${m.id}`}
              type="checkbox"
              value={m.id}
              {...form.register('items', {
                validate: (v) => v.length > 0 || '媒体を選んでください。',
              })}
            />
            <label htmlFor={`item-${m.id}`}>
              {m.label}（{MEDIUM_KINDS[m.kind]}）
            </label>
          </div>
        ))}
        {errors.items?.message && (
          <p className="field-error" role="alert">
            {errors.items.message}
          </p>
        )}
      </fieldset>
      <SelectField
        label="渡す相手"
        error={errors.to?.message}
        {...form.register('to', { required: '渡す相手を選んでください。' })}
      >
        <option value="">選んでください</option>
        {people.map((p) => (
          <option key={p.id} value={p.userId}>
            {p.displayName}（{p.role === 'responsible' ? '取扱責任者' : '取扱者'}）
          </option>
        ))}
        <option value={WARD}>区の職員</option>
      </SelectField>
      {to === WARD && (
        <SelectField
          label="区の職員（この契約の引渡しの相手）"
          error={errors.wardUserId?.message}
          {...form.register('wardUserId', {
            validate: (v, all) => all.to !== WARD || v.length > 0 || '区の職員を選んでください。',
          })}
        >
          <option value="">選んでください</option>
          {[...officers.values()].map((p) => (
            <option key={p.userId} value={p.userId}>
              {p.displayName}（{p.organizationName}）
            </option>
          ))}
        </SelectField>
      )}
      <SelectField label="方法" {...form.register('method')}>
        <option value="hand">手渡し（施錠できる袋）</option>
        <option value="lgwan">LGWAN</option>
      </SelectField>
      {method === 'hand' && (
        <>
          <TextField
            label="袋の番号"
            error={errors.bagId?.message}
            {...form.register('bagId', {
              validate: (v, all) =>
                all.method !== 'hand' || v.length > 0 || '袋の番号を入力してください。',
            })}
          />
          <TextField label="封印番号" {...form.register('sealNumber')} />
        </>
      )}
      <TextField label="備考（任意）" {...form.register('note')} />
      <button type="submit" className="button primary" disabled={isSubmitting}>
        引き渡す
      </button>
      <ErrorMessage error={dispatch.error} />
      {dispatch.isSuccess && (
        <p role="status" className="success">
          {dispatch.data.items.map((i) => i.label).join('、')} を {dispatch.data.to.displayName}{' '}
          さんへ発送しました。受領の記録を待っています。
        </p>
      )}
    </form>
  );
}

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { api, unwrap } from '../api/client';
import type { components } from '../api/schema';
import { ErrorMessage } from '../components/ErrorMessage';
import { Pager, usePaged } from '../components/Pager';
import { SelectField } from '../components/SelectField';
import { TextField } from '../components/TextField';
import { date, dateTime, MEDIUM_KINDS } from '../format';
import { useMe } from '../session';

type Contract = components['schemas']['ContractResponse'];
type Request = components['schemas']['TakeoutRequestResponse'];
type Kind = components['schemas']['CreateTakeoutRequest']['mediaKinds'][number];
type Purpose = Request['purpose'];

const PURPOSES = {
  provide: '委託先への提供',
  return_copy: '複製の返却',
  other: 'その他',
} satisfies Record<Purpose, string>;

const STATUSES = {
  requested: '承認待ち',
  approved: '承認済み',
  rejected: '却下',
  withdrawn: '取下げ',
} satisfies Record<Request['status'], string>;

const TAKEOUT_KINDS: Kind[] = ['dvd_r', 'cd_r', 'usb', 'encrypted_file', 'paper'];

export function useTakeoutRequests(contractId: string, enabled = true) {
  return useQuery({
    enabled,
    queryKey: ['takeout', contractId],
    queryFn: () =>
      unwrap(
        api.GET('/api/contracts/{id}/takeout-requests', { params: { path: { id: contractId } } }),
      ),
  });
}

/** 持出し申請: requests of the contract, the form to apply, and the approver's decision. */
export function TakeoutTab({ contract }: { contract: Contract }) {
  const me = useMe();
  const requests = useTakeoutRequests(contract.id);
  const officers = useQuery({
    queryKey: ['ward-officers', contract.wardOrganizationId],
    queryFn: () =>
      unwrap(
        api.GET('/api/users', {
          params: { query: { organizationId: contract.wardOrganizationId, role: 'ward_officer' } },
        }),
      ),
    enabled: me.data?.role === 'ward_officer',
  });
  const nameOf = (userId: string | null) =>
    userId === null
      ? '—'
      : userId === me.data?.id
        ? `${me.data.displayName}（本人）`
        : (officers.data?.items.find((u) => u.id === userId)?.displayName ?? '区の職員');
  const applies = me.data?.role === 'ward_officer' && contract.status === 'active';
  const paged = usePaged(requests.data?.items ?? []);
  return (
    <>
      <h2>持出し申請</h2>
      {applies && <TakeoutForm contract={contract} />}
      <ErrorMessage error={requests.error} />
      {requests.data && (
        <table>
          <caption>持出し申請の一覧（{requests.data.items.length}件）</caption>
          <thead>
            <tr>
              <th scope="col">申請日時</th>
              <th scope="col">申請者</th>
              <th scope="col">内容</th>
              <th scope="col">媒体</th>
              <th scope="col">状態</th>
              <th scope="col">承認者・操作</th>
            </tr>
          </thead>
          <tbody>
            {paged.rows.map((r) => (
              <tr key={r.id}>
                <td>{dateTime(r.requestedAt)}</td>
                <td>{nameOf(r.applicantUserId)}</td>
                <td>
                  {r.dataItems.join('、')}（{r.recordCount}件以内）・{PURPOSES[r.purpose]}・予定日{' '}
                  {date(r.plannedOn)}・端末 {r.terminalId}
                </td>
                <td>
                  {r.mediaKinds.map((k) => MEDIUM_KINDS[k as Kind] ?? k).join('、')} ×{r.mediaCount}
                  （登録済み {r.mediaRegistered}）
                </td>
                <td>
                  {STATUSES[r.status]}
                  {r.validUntil && r.status === 'approved' && `（${dateTime(r.validUntil)}まで）`}
                  {r.reason && `：${r.reason}`}
                </td>
                <td>
                  {r.decidedByUserId && (
                    <p>
                      {nameOf(r.decidedByUserId)}（{dateTime(r.decidedAt)}）
                    </p>
                  )}
                  <Decision request={r} contractId={contract.id} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager
        page={paged.page}
        pageCount={paged.pageCount}
        onPage={paged.setPage}
        label="持出し申請の一覧"
      />
    </>
  );
}

/** The steps open to the viewer: an approver decides; the applicant withdraws. */
function Decision({ request, contractId }: { request: Request; contractId: string }) {
  const me = useMe();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const path = { params: { path: { id: contractId, requestId: request.id } } };
  const step = useMutation({
    mutationFn: (kind: 'approve' | 'reject' | 'withdraw') =>
      unwrap(
        kind === 'approve'
          ? api.POST('/api/contracts/{id}/takeout-requests/{requestId}/approve', path)
          : kind === 'reject'
            ? api.POST('/api/contracts/{id}/takeout-requests/{requestId}/reject', {
                ...path,
                body: { reason },
              })
            : api.POST('/api/contracts/{id}/takeout-requests/{requestId}/withdraw', path),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['takeout', contractId] }),
  });
  const mine = request.applicantUserId === me.data?.id;
  const decides = Boolean(me.data?.approver) && !mine && request.status === 'requested';
  const withdraws = mine && (request.status === 'requested' || request.status === 'approved');
  if (!decides && !withdraws) return null;
  return (
    <div className="actions">
      {decides && (
        <>
          <button type="button" className="button primary" onClick={() => step.mutate('approve')}>
            承認する
          </button>
          <TextField
            label="却下の理由"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
          <button
            type="button"
            className="button secondary"
            disabled={reason.trim().length === 0}
            onClick={() => step.mutate('reject')}
          >
            却下する
          </button>
        </>
      )}
      {withdraws && (
        <button type="button" className="button secondary" onClick={() => step.mutate('withdraw')}>
          取り下げる
        </button>
      )}
      <ErrorMessage error={step.error} />
    </div>
  );
}

interface Values {
  dataItems: string[];
  recordCount: string;
  mediaKinds: Kind[];
  mediaCount: string;
  purpose: Purpose;
  plannedOn: string;
  terminalId: string;
  note: string;
}

function TakeoutForm({ contract }: { contract: Contract }) {
  const queryClient = useQueryClient();
  const form = useForm<Values>({
    defaultValues: {
      dataItems: [],
      recordCount: '',
      mediaKinds: [],
      mediaCount: '1',
      purpose: 'provide',
      plannedOn: '',
      terminalId: '',
      note: '',
    },
  });
  const { errors, isSubmitting } = form.formState;
  const apply = useMutation({
    mutationFn: (v: Values) =>
      unwrap(
        api.POST('/api/contracts/{id}/takeout-requests', {
          params: { path: { id: contract.id } },
          body: {
            dataItems: v.dataItems,
            recordCount: Number(v.recordCount),
            mediaKinds: v.mediaKinds,
            mediaCount: Number(v.mediaCount),
            purpose: v.purpose,
            plannedOn: v.plannedOn,
            terminalId: v.terminalId,
            ...(v.note ? { note: v.note } : {}),
          },
        }),
      ),
    onSuccess: async () => {
      form.reset();
      await queryClient.invalidateQueries({ queryKey: ['takeout', contract.id] });
    },
  });
  const count = { value: /^[1-9]\d{0,8}$/, message: '1以上の整数で入力してください。' };
  return (
    <form
      aria-labelledby="takeout-form-title"
      onSubmit={(e) =>
        void form.handleSubmit((v) => apply.mutateAsync(v).catch(() => undefined))(e)
      }
      noValidate
      className="panel"
    >
      <h3 id="takeout-form-title">持出しを申請する</h3>
      <fieldset>
        <legend>持ち出すデータ項目</legend>
        {contract.dataItems.map((item) => (
          <div className="field checkbox" key={item}>
            <input
              id={`data-${item}`}
              type="checkbox"
              value={item}
              {...form.register('dataItems', {
                validate: (v) => v.length > 0 || 'データ項目を選んでください。',
              })}
            />
            <label htmlFor={`data-${item}`}>{item}</label>
          </div>
        ))}
        {errors.dataItems?.message && (
          <p className="field-error" role="alert">
            {errors.dataItems.message}
          </p>
        )}
      </fieldset>
      <TextField
        label="件数（1媒体あたりの上限）"
        inputMode="numeric"
        error={errors.recordCount?.message}
        {...form.register('recordCount', { pattern: count, required: count.message })}
      />
      <fieldset>
        <legend>媒体の種類</legend>
        {TAKEOUT_KINDS.map((kind) => (
          <div className="field checkbox" key={kind}>
            <input
              id={`kind-${kind}`}
              type="checkbox"
              value={kind}
              {...form.register('mediaKinds', {
                validate: (v) => v.length > 0 || '媒体の種類を選んでください。',
              })}
            />
            <label htmlFor={`kind-${kind}`}>{MEDIUM_KINDS[kind]}</label>
          </div>
        ))}
        {errors.mediaKinds?.message && (
          <p className="field-error" role="alert">
            {errors.mediaKinds.message}
          </p>
        )}
      </fieldset>
      <TextField
        label="媒体の数"
        inputMode="numeric"
        error={errors.mediaCount?.message}
        {...form.register('mediaCount', { pattern: count, required: count.message })}
      />
      <SelectField label="目的" {...form.register('purpose')}>
        {Object.entries(PURPOSES).map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </SelectField>
      <TextField
        label="持出し予定日"
        type="date"
        error={errors.plannedOn?.message}
        {...form.register('plannedOn', { required: '予定日を入力してください。' })}
      />
      <TextField
        label="書き出す端末"
        hint="例：KOSEKI-PC-07"
        error={errors.terminalId?.message}
        {...form.register('terminalId', { required: '端末を入力してください。' })}
      />
      <TextField label="備考（任意）" {...form.register('note')} />
      <button type="submit" className="button primary" disabled={isSubmitting}>
        申請する
      </button>
      <ErrorMessage error={apply.error} />
      {apply.isSuccess && (
        <p role="status" className="success">
          申請しました。所属長の承認を待っています。
        </p>
      )}
    </form>
  );
}

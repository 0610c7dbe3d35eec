import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../api/client';
import type { components } from '../api/schema';
import { ContinuityCell } from '../components/ContinuityCell';
import { ErrorMessage } from '../components/ErrorMessage';
import { Pager, usePaged } from '../components/Pager';
import { TextField } from '../components/TextField';
import { date, dateTime } from '../format';
import { useMe } from '../session';
import { AUDIT_RESULTS, AuditForm, type AuditBody } from './AuditForm';
import { ChecklistEditor, type ChecklistBody } from './ChecklistEditor';
import type { Contract } from './ContractPage';
import { isContractWard } from './tab-helpers';

type Finding = components['schemas']['FindingResponse'];

export const FINDING_STATES = {
  open: '是正待ち',
  reported_fixed: '是正報告済み（確認待ち）',
  verified: '確認済み',
} satisfies Record<Finding['state'], string>;

/**
 * 立入調査: the contract's audits with their report PDFs, the findings (是正
 *措置) they opened, and the steps on them: the audited side reports a
 * finding fixed, the auditing side verifies it or sends it back. The ward's
 * officers record an audit against the contract's checklist.
 */
export function AuditsTab({ contract }: { contract: Contract }) {
  const me = useMe();
  const queryClient = useQueryClient();
  const path = { params: { path: { id: contract.id } } };
  const audits = useQuery({
    queryKey: ['audits', contract.id],
    queryFn: () => unwrap(api.GET('/api/contracts/{id}/audits', path)),
  });
  const findings = useQuery({
    queryKey: ['audit-findings', contract.id],
    queryFn: () => unwrap(api.GET('/api/contracts/{id}/audit-findings', path)),
  });
  const ward = isContractWard(me.data, contract);
  const checklist = useQuery({
    enabled: ward,
    queryKey: ['audit-checklist', contract.id],
    queryFn: () => unwrap(api.GET('/api/contracts/{id}/audit-checklist', path)),
  });
  const record = useMutation({
    mutationFn: (body: AuditBody) =>
      unwrap(api.POST('/api/contracts/{id}/audits', { ...path, body })),
    onSuccess: async () => {
      for (const key of ['audits', 'audit-findings', 'ledger']) {
        await queryClient.invalidateQueries({ queryKey: [key, contract.id] });
      }
    },
  });
  const [editing, setEditing] = useState(false);
  const setChecklist = useMutation({
    mutationFn: (body: ChecklistBody) =>
      unwrap(api.PUT('/api/contracts/{id}/audit-checklist', { ...path, body })),
    onSuccess: async () => {
      setEditing(false);
      for (const key of ['audit-checklist', 'ledger']) {
        await queryClient.invalidateQueries({ queryKey: [key, contract.id] });
      }
    },
  });
  const auditRows = [...(audits.data?.items ?? [])].reverse();
  const auditPages = usePaged(auditRows);
  const findingRows = findings.data?.items ?? [];
  const findingPages = usePaged(findingRows);
  return (
    <>
      <h2>立入調査</h2>
      <ErrorMessage error={audits.error} />
      {audits.data && (
        <table>
          <caption>立入調査の記録（{auditRows.length}件、新しい順）</caption>
          <thead>
            <tr>
              <th scope="col">調査日</th>
              <th scope="col">年度</th>
              <th scope="col">結果</th>
              <th scope="col">調査者</th>
              <th scope="col">所見</th>
              <th scope="col">改ざん検証</th>
              <th scope="col">報告書</th>
            </tr>
          </thead>
          <tbody>
            {auditPages.rows.map((a) => (
              <tr key={a.id}>
                <td>{date(a.performedOn)}</td>
                <td>{a.fiscalYear}年度</td>
                <td>{AUDIT_RESULTS[a.result]}</td>
                <td>{a.auditors.join('、')}</td>
                <td>{a.findings ?? '—'}</td>
                <td>
                  <ContinuityCell continuity={a.continuity} />
                </td>
                <td>
                  <a
                    href={`/api/contracts/${contract.id}/audits/${a.id}/report.pdf`}
                    aria-label={`${date(a.performedOn)} の立入調査報告書（PDF）`}
                  >
                    報告書（PDF）
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager
        page={auditPages.page}
        pageCount={auditPages.pageCount}
        onPage={auditPages.setPage}
        label="立入調査の記録"
      />
      <h3>指摘事項（是正措置）</h3>
      <ErrorMessage error={findings.error} />
      {findings.data && (
        <table>
          <caption>指摘事項（{findingRows.length}件）</caption>
          <thead>
            <tr>
              <th scope="col">項目</th>
              <th scope="col">是正措置</th>
              <th scope="col">期限</th>
              <th scope="col">状態</th>
              <th scope="col">操作</th>
            </tr>
          </thead>
          <tbody>
            {findingPages.rows.map((f) => (
              <tr key={f.id}>
                <td>
                  {f.itemLabel}：{f.itemText}
                </td>
                <td>{f.correctiveAction}</td>
                <td>{date(f.dueOn)}</td>
                <td>
                  {FINDING_STATES[f.state]}（{dateTime(f.stateChangedAt)}）
                  {f.stateNote && <p>{f.stateNote}</p>}
                </td>
                <td>
                  <FindingActions contract={contract} finding={f} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager
        page={findingPages.page}
        pageCount={findingPages.pageCount}
        onPage={findingPages.setPage}
        label="指摘事項"
      />
      {ward && <ErrorMessage error={checklist.error} />}
      {ward && checklist.data && (
        <div className="actions">
          <button
            type="button"
            className="button secondary"
            aria-expanded={editing}
            onClick={() => {
              setChecklist.reset();
              setEditing(!editing);
            }}
          >
            チェックリストを編集する（第{checklist.data.version}版）
          </button>
          {setChecklist.data && !editing && (
            <p role="status" className="success">
              チェックリストを第{setChecklist.data.version}版として保存しました。
            </p>
          )}
        </div>
      )}
      {ward && checklist.data && editing && (
        <ChecklistEditor
          checklist={checklist.data}
          onSubmit={(body) => setChecklist.mutateAsync(body)}
          onCancel={() => setEditing(false)}
          error={setChecklist.error}
        />
      )}
      {ward && checklist.data && (
        <AuditForm
          key={checklist.data.version}
          checklist={checklist.data}
          onSubmit={(body) => record.mutateAsync(body)}
          error={record.error}
          done={
            record.data &&
            `立入調査を記録しました（管理簿 ${record.data.seq} 番、指摘事項 ${record.data.findingIds.length}件）。`
          }
        />
      )}
    </>
  );
}

/**
 * The steps open to the viewer on one finding: its owner's rostered staff
 * report it fixed; the auditing organization verifies it or reopens it.
 */
function FindingActions({ contract, finding }: { contract: Contract; finding: Finding }) {
  const me = useMe();
  const queryClient = useQueryClient();
  const [note, setNote] = useState('');
  const [noteError, setNoteError] = useState<string | undefined>();
  const path = { params: { path: { id: contract.id, findingId: finding.id } } };
  const step = useMutation({
    mutationFn: (kind: 'report-fixed' | 'verify' | 'reopen') => {
      const text = note.trim();
      return unwrap(
        kind === 'report-fixed'
          ? api.POST('/api/contracts/{id}/audit-findings/{findingId}/report-fixed', {
              ...path,
              body: text ? { note: text } : {},
            })
          : kind === 'verify'
            ? api.POST('/api/contracts/{id}/audit-findings/{findingId}/verify', {
                ...path,
                body: text ? { note: text } : {},
              })
            : api.POST('/api/contracts/{id}/audit-findings/{findingId}/reopen', {
                ...path,
                body: { reason: text },
              }),
      );
    },
    onSuccess: async () => {
      setNote('');
      for (const key of ['audit-findings', 'ledger']) {
        await queryClient.invalidateQueries({ queryKey: [key, contract.id] });
      }
    },
  });
  const role = me.data?.role;
  const org = me.data?.organizationId;
  const owner =
    role === 'contractor_staff' && org === finding.ownerOrganizationId && finding.state === 'open';
  const auditor =
    (role === 'ward_officer' || role === 'contractor_staff') &&
    org === finding.auditorOrganizationId &&
    finding.state === 'reported_fixed';
  if (!owner && !auditor) return null;
  const what = `${finding.itemLabel}`;
  return (
    <div className="actions">
      <TextField
        label={owner ? `${what} の是正内容（任意）` : `${what} の確認メモ・差戻し理由`}
        value={note}
        error={noteError}
        onChange={(e) => {
          setNote(e.target.value);
          setNoteError(undefined);
        }}
      />
      {owner && (
        <button
          type="button"
          className="button primary"
          disabled={step.isPending}
          onClick={() => step.mutate('report-fixed')}
        >
          是正を報告する
        </button>
      )}
      {auditor && (
        <>
          <button
            type="button"
            className="button primary"
            disabled={step.isPending}
            onClick={() => step.mutate('verify')}
          >
            是正を確認する
          </button>
          <button
            type="button"
            className="button secondary"
            disabled={step.isPending}
            onClick={() => {
              if (!note.trim()) {
                setNoteError('差し戻す理由を入力してください。');
                return;
              }
              step.mutate('reopen');
            }}
          >
            差し戻す
          </button>
        </>
      )}
      <ErrorMessage error={step.error} />
    </div>
  );
}

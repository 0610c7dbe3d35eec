import { Link, useSearchParams } from 'react-router';
import type { components } from '../api/schema';
import { ContinuityCell } from '../components/ContinuityCell';
import { ErrorMessage } from '../components/ErrorMessage';
import { Pager, usePaged } from '../components/Pager';
import { SelectField } from '../components/SelectField';
import { date, fiscalYearOf } from '../format';
import { useMe } from '../session';
import {
  AUDIT_STATES,
  type AuditState,
  auditStateOf,
  fiscalYearChoices,
  useAuditStatus,
} from './audit-status';

type Result = components['schemas']['AuditResponse']['result'];

const RESULTS = {
  satisfactory: '良好',
  findings: '指摘あり',
  unsatisfactory: '不適切',
} satisfies Record<Result, string>;

const ORDER: AuditState[] = ['overdue', 'due', 'done', 'not_required'];

/** 立入調査の状況: per contract of the ward, whether this fiscal year's on-site audit is done. */
export function AuditStatusPage() {
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const current = fiscalYearOf();
  const asked = Number(params.get('fiscalYear'));
  const fiscalYear = Number.isInteger(asked) && asked >= 2000 && asked <= 2100 ? asked : current;
  const status = useAuditStatus(fiscalYear);
  const items = [...(status.data?.items ?? [])].sort(
    (a, b) =>
      ORDER.indexOf(auditStateOf(a)) - ORDER.indexOf(auditStateOf(b)) ||
      (a.dueOn ?? '').localeCompare(b.dueOn ?? ''),
  );
  const paged = usePaged(items);
  const count = (s: AuditState) => items.filter((i) => auditStateOf(i) === s).length;
  const years = fiscalYearChoices(current);
  if (!years.includes(fiscalYear)) years.push(fiscalYear);
  const readsOnly = me.data?.role === 'auditor';
  return (
    <section>
      <h1>立入調査の状況</h1>
      <div className="filters">
        <SelectField
          label="年度"
          value={fiscalYear}
          onChange={(e) => setParams({ fiscalYear: e.target.value })}
        >
          {years.map((y) => (
            <option key={y} value={y}>
              {y}年度（{y}年4月〜{y + 1}年3月）{y === current ? '・今年度' : ''}
            </option>
          ))}
        </SelectField>
      </div>
      <ErrorMessage error={status.error} />
      {!status.data && !status.error && <p className="loading">読み込み中…</p>}
      {status.data && (
        <>
          <p role="status">
            {fiscalYear}年度：期限超過 {count('overdue')}件・未実施 {count('due')}件・実施済み{' '}
            {count('done')}件・対象外 {count('not_required')}件
          </p>
          <div className="table-scroll" role="region" aria-label="立入調査の状況の表" tabIndex={0}>
            <table>
              <caption>
                {fiscalYear}年度の立入調査（契約{items.length}件）
              </caption>
              <thead>
                <tr>
                  <th scope="col">業務名</th>
                  <th scope="col">状態</th>
                  <th scope="col">期限</th>
                  <th scope="col">直近の立入調査</th>
                  <th scope="col">未是正の指摘</th>
                  <th scope="col">管理簿</th>
                </tr>
              </thead>
              <tbody>
                {paged.rows.map((i) => {
                  const state = auditStateOf(i);
                  return (
                    <tr key={i.contractId}>
                      <td>
                        <Link to={`/contracts/${i.contractId}/audits`}>{i.title}</Link>
                      </td>
                      <td>
                        <span className={`state state-${state}`}>{AUDIT_STATES[state]}</span>
                      </td>
                      <td>
                        {i.dueOn ? (
                          <>
                            {date(i.businessDueOn ?? i.dueOn)}
                            {i.businessDueOn && i.businessDueOn !== i.dueOn && (
                              <span className="meta">（契約上の期限 {date(i.dueOn)}）</span>
                            )}
                          </>
                        ) : (
                          '—'
                        )}
                      </td>
                      <td>
                        {i.lastAudit ? (
                          <>
                            {`${date(i.lastAudit.performedOn)}・${RESULTS[i.lastAudit.result]}`}
                            {i.lastAudit.continuity && (
                              <>
                                {' '}
                                <ContinuityCell continuity={i.lastAudit.continuity} />
                              </>
                            )}
                          </>
                        ) : (
                          'なし'
                        )}
                      </td>
                      <td>{i.openFindings > 0 ? `${i.openFindings}件` : 'なし'}</td>
                      <td>
                        <Link
                          to={`/contracts/${i.contractId}/ledger`}
                          aria-label={`${i.title}の管理簿`}
                        >
                          {readsOnly ? '検証・閲覧' : '開く'}
                        </Link>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <Pager
            page={paged.page}
            pageCount={paged.pageCount}
            onPage={paged.setPage}
            label="立入調査の状況"
          />
        </>
      )}
    </section>
  );
}

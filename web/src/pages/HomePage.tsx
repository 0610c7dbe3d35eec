import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../api/client';
import type { components } from '../api/schema';
import { ErrorMessage } from '../components/ErrorMessage';
import { date, dateTime, fiscalYearOf, MEDIUM_KINDS } from '../format';
import { useMe } from '../session';
import { AUDIT_STATES, auditStateOf, useAuditStatus } from './audit-status';
import { useInbox } from './NotificationsPage';

type Section<T> = { total: number; items: T[] };
type Work = components['schemas']['WorkResponse'];

/** The home's query key: any write may change what waits for the user (see main.tsx). */
export const WORK_QUERY_KEY = ['work'] as const;

/** What waits for the signed-in user across their active contracts (GET /api/work). */
export function useWork(enabled: boolean) {
  return useQuery({
    queryKey: WORK_QUERY_KEY,
    queryFn: () => unwrap(api.GET('/api/work')),
    enabled,
  });
}

/**
 * 今日の作業: what waits for the signed-in user across their active
 * contracts, each a link to the tab where they act. The service decides
 * what waits (one request, whatever the number of contracts); the screen
 * shows the kinds the user's role acts on.
 */
export function HomePage() {
  const me = useMe();
  const user = me.data;
  const role = user?.role;
  const handles = role === 'ward_officer' || role === 'contractor_staff';
  const officer = role === 'ward_officer';
  const work = useWork(handles);
  const audits = useAuditStatus(fiscalYearOf(), officer);
  const inbox = useInbox(0, true, 5);

  const auditItems = (audits.data?.items ?? []).filter((i) => {
    const state = auditStateOf(i);
    return state === 'overdue' || state === 'due';
  });
  auditItems.sort(
    (a, b) => Number(b.overdue) - Number(a.overdue) || (a.dueOn ?? '').localeCompare(b.dueOn ?? ''),
  );

  /** One kind of the work: its total and rows once the answer is in. */
  function workList<K extends keyof Work>(
    kind: K,
    row: (item: Work[K]['items'][number]) => { to: string; text: string },
  ) {
    const section: Section<Work[K]['items'][number]> | undefined = work.data?.[kind];
    const shown = section?.items.length ?? 0;
    return {
      loading: work.isPending,
      error: work.error,
      count: section?.total,
      rows: (section?.items ?? []).map((item) => ({ key: item.id, ...row(item) })),
      // The service sends the oldest 100 of a kind at most, and how many there are.
      more:
        section && section.total > shown
          ? `古い順に${shown}件を表示しています。残りは契約ごとの画面で確認してください。`
          : undefined,
    };
  }

  return (
    <section>
      <h1>今日の作業</h1>
      <div className="work-grid">
        {handles && (
          <WorkList
            id="to-receive"
            title="受領待ちの引渡し"
            {...workList('toReceive', (item) => ({
              to: `/contracts/${item.contract.id}/handovers`,
              text: `${item.contract.title}：${item.media.map((m) => m.label).join('、')}（${item.fromName}・${dateTime(item.dispatchedAt)} 発送）`,
            }))}
          />
        )}
        {handles && (
          <WorkList
            id="notices"
            title="未送付のパスワード通知書"
            hint="媒体を引き渡した後、別の機会に手渡しで送ってください。"
            {...workList('noticesToSend', (item) => ({
              to: `/contracts/${item.contract.id}/handovers`,
              text: `${item.label}（${item.unlocks.label}のパスワード・送付先 ${item.destinationOrganizationName}）— ${item.contract.title}`,
            }))}
          />
        )}
        {officer && user?.approver && (
          <WorkList
            id="to-decide"
            title="承認待ちの持出し申請"
            {...workList('takeoutsToDecide', (item) => ({
              to: `/contracts/${item.contract.id}/takeout`,
              text: `${item.contract.title}：${item.dataItems.join('、')}（${item.applicantName}・${dateTime(item.requestedAt)} 申請）`,
            }))}
          />
        )}
        {officer && (
          <WorkList
            id="to-use"
            title="承認済みの持出し申請"
            hint="この申請で媒体を登録できます。"
            {...workList('takeoutsToUse', (item) => ({
              to: `/contracts/${item.contract.id}/media`,
              text: `${item.contract.title}：${item.dataItems.join('、')}（残り${item.mediaCount - item.mediaRegistered}媒体${item.validUntil ? `・${dateTime(item.validUntil)}まで` : ''}）`,
            }))}
          />
        )}
        {officer && (
          <WorkList
            id="to-confirm"
            title="確認待ちの消去証明書"
            {...workList('certificatesToConfirm', (item) => ({
              to: `/contracts/${item.contract.id}/certificates`,
              text: `${item.contract.title}：${item.certificateNumber}（${item.organizationName}・${dateTime(item.submittedAt)} 提出）`,
            }))}
          />
        )}
        {officer && (
          <WorkList
            id="audits-due"
            title="今年度に未実施の立入調査"
            loading={audits.isPending}
            error={audits.error}
            rows={auditItems.map((i) => ({
              key: i.contractId,
              to: `/contracts/${i.contractId}/audits`,
              text: `${i.title}：${AUDIT_STATES[auditStateOf(i)]}（期限 ${date(i.businessDueOn ?? i.dueOn)}）`,
            }))}
          />
        )}
        {handles && (
          <WorkList
            id="held"
            title="手元で保管中の媒体"
            {...workList('held', (item) => ({
              to: `/contracts/${item.contract.id}/media`,
              text: `${item.label}（${MEDIUM_KINDS[item.kind]}）— ${item.contract.title}`,
            }))}
          />
        )}
        <WorkList
          id="unread"
          title="未読の通知"
          count={inbox.data?.unread}
          loading={inbox.isPending}
          error={inbox.error}
          rows={(inbox.data?.items ?? []).map((n) => ({
            key: n.id,
            to: '/notifications',
            text: n.title,
          }))}
        />
        {role === 'auditor' && (
          <section aria-labelledby="review">
            <h2 id="review">確認する記録</h2>
            <ul>
              <li>
                <Link to="/audits">立入調査の状況</Link>
              </li>
              <li>
                <Link to="/access-log">アクセスログ</Link>
              </li>
              <li>
                <Link to="/contracts">契約と管理簿の検証</Link>
              </li>
            </ul>
          </section>
        )}
      </div>
    </section>
  );
}

/** One kind of work: a heading with its count, and a link per item to where the user acts. */
function WorkList({
  id,
  title,
  hint,
  count,
  more,
  loading,
  error,
  rows,
}: {
  id: string;
  title: string;
  hint?: ReactNode;
  /** The total when the list shows only the first few (the inbox, a long list of work). */
  count?: number | undefined;
  /** Says where the rest are, when the list shows only the first few. */
  more?: string | undefined;
  loading: boolean;
  error: unknown;
  rows: { key: string; to: string; text: string }[];
}) {
  return (
    <section aria-labelledby={id} aria-busy={loading || undefined}>
      <h2 id={id}>{loading ? title : `${title}（${count ?? rows.length}件）`}</h2>
      {hint && rows.length > 0 && <p className="hint">{hint}</p>}
      <ErrorMessage error={error} />
      {loading ? (
        <p>読み込み中…</p>
      ) : rows.length === 0 ? (
        <p>ありません。</p>
      ) : (
        <>
          <ul>
            {rows.map((r) => (
              <li key={r.key}>
                <Link to={r.to}>{r.text}</Link>
              </li>
            ))}
          </ul>
          {more && <p className="hint">{more}</p>}
        </>
      )}
    </section>
  );
}

import { useQueries, type UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../api/client';
import { ApiError } from '../api/errors';
import type { components } from '../api/schema';
import { ErrorMessage } from '../components/ErrorMessage';
import { date, dateTime, fiscalYearOf, MEDIUM_KINDS } from '../format';
import { useMe } from '../session';
import { AUDIT_STATES, auditStateOf, useAuditStatus } from './audit-status';
import { useContracts } from './ContractsPage';
import { useInbox } from './NotificationsPage';

type Schemas = components['schemas'];
type Contract = Schemas['ContractResponse'];
type Medium = Schemas['MediumResponse'];
type Handover = Schemas['HandoverResponse'];
type Takeout = Schemas['TakeoutRequestResponse'];
type Me = Schemas['UserResponse'];

/**
 * Password notices the user still holds although the medium they unlock has
 * left for another organization (on its way, or received there): each must
 * follow on a separate occasion. Where the medium is going is the addressee
 * of its handover while in transit, otherwise its holder.
 */
export function noticesToSend(media: Medium[], handovers: Handover[], userId: string): Medium[] {
  const byId = new Map(media.map((m) => [m.id, m]));
  const handoverById = new Map(handovers.map((h) => [h.id, h]));
  return media.filter((notice) => {
    if (notice.kind !== 'password_notice' || !notice.unlocksMediumId) return false;
    if (notice.custody.holderUserId !== userId || notice.custody.state !== 'held') return false;
    const medium = byId.get(notice.unlocksMediumId);
    if (!medium) return false;
    const destination =
      medium.custody.state === 'in_transit'
        ? handoverById.get(medium.custody.inTransitHandoverId ?? '')?.toOrganizationId
        : medium.custody.state === 'held' || medium.custody.state === 'compromised'
          ? medium.custody.holderOrganizationId
          : undefined;
    return destination !== undefined && destination !== notice.custody.holderOrganizationId;
  });
}

/** Requests an approver may decide: asked for by someone else, not decided yet. */
export function takeoutsToDecide(requests: Takeout[], me: Pick<Me, 'id' | 'approver'>): Takeout[] {
  if (!me.approver) return [];
  return requests.filter((r) => r.status === 'requested' && r.applicantUserId !== me.id);
}

/** The user's own approved requests under which media may still be registered. */
export function takeoutsToUse(requests: Takeout[], userId: string, now = new Date()): Takeout[] {
  return requests.filter(
    (r) =>
      r.applicantUserId === userId &&
      r.status === 'approved' &&
      r.mediaRegistered < r.mediaCount &&
      (r.validUntil === null || new Date(r.validUntil) > now),
  );
}

interface Row<T> {
  contract: Contract;
  item: T;
}

/** The rows of one kind across contracts, once every contract's answer is in. */
function rowsOf<A, T>(
  contracts: Contract[],
  results: UseQueryResult<A>[],
  pick: (answer: A, contract: Contract) => T[],
): Row<T>[] {
  return contracts.flatMap((contract, i) => {
    const data = results[i]?.data;
    return data === undefined ? [] : pick(data, contract).map((item) => ({ contract, item }));
  });
}

/** One query per contract of one kind, or none when the role does not act on that kind. */
function usePerContract<A>(
  contracts: Contract[],
  enabled: boolean,
  key: string,
  fetch: (id: string) => Promise<A>,
): UseQueryResult<A>[] {
  return useQueries({
    queries: (enabled ? contracts : []).map((c) => ({
      queryKey: [key, c.id],
      queryFn: () => fetch(c.id),
    })),
  });
}

/**
 * 今日の作業: what waits for the signed-in user across their active
 * contracts, each a link to the tab where they act. One request per contract
 * and kind at most, and only the kinds the user's role acts on.
 */
export function HomePage() {
  const me = useMe();
  const user = me.data;
  const role = user?.role;
  const handles = role === 'ward_officer' || role === 'contractor_staff';
  const officer = role === 'ward_officer';
  const contracts = useContracts();
  const active = (contracts.data?.items ?? []).filter((c) => c.status === 'active');
  const path = (id: string) => ({ params: { path: { id } } });
  const media = usePerContract(active, handles, 'media', (id) =>
    unwrap(api.GET('/api/contracts/{id}/media', path(id))),
  );
  const handovers = usePerContract(active, handles, 'handovers', (id) =>
    unwrap(api.GET('/api/contracts/{id}/handovers', path(id))),
  );
  const takeouts = usePerContract(active, officer, 'takeout', (id) =>
    unwrap(api.GET('/api/contracts/{id}/takeout-requests', path(id))),
  );
  const certificates = usePerContract(active, officer, 'deletion-certificates', (id) =>
    unwrap(api.GET('/api/contracts/{id}/deletion-certificates', path(id))),
  );
  const audits = useAuditStatus(fiscalYearOf(), officer);
  const inbox = useInbox(0, true, 5);
  const userId = user?.id ?? '';

  const handoverRows = rowsOf(active, handovers, (a) => a.items);
  const toReceive = handoverRows.filter(
    ({ item }) => item.toUserId === userId && item.status === 'dispatched',
  );
  const held = rowsOf(active, media, (a) =>
    a.items.filter((m) => m.custody.holderUserId === userId && m.custody.state === 'held'),
  );
  const notices = active.flatMap((contract, i) => {
    const m = media[i]?.data;
    const h = handovers[i]?.data;
    if (!m || !h) return [];
    const byId = new Map(m.items.map((x) => [x.id, x]));
    return noticesToSend(m.items, h.items, userId).map((item) => ({
      contract,
      item,
      unlocks: byId.get(item.unlocksMediumId ?? ''),
    }));
  });
  const toDecide = user ? rowsOf(active, takeouts, (a) => takeoutsToDecide(a.items, user)) : [];
  const toUse = rowsOf(active, takeouts, (a) => takeoutsToUse(a.items, userId));
  const toConfirm = rowsOf(active, certificates, (a) =>
    a.items.filter((c) => c.status === 'submitted'),
  );
  const auditItems = (audits.data?.items ?? []).filter((i) => {
    const state = auditStateOf(i);
    return state === 'overdue' || state === 'due';
  });
  auditItems.sort(
    (a, b) => Number(b.overdue) - Number(a.overdue) || (a.dueOn ?? '').localeCompare(b.dueOn ?? ''),
  );

  const loading = (results: UseQueryResult<unknown>[]) =>
    !contracts.data || results.some((r) => r.isPending);
  // A contract whose lists the user may not read (a contractor's colleague
  // not on its roster today: 403) holds no work for them; other errors show.
  const errorOf = (results: UseQueryResult<unknown>[]) =>
    results.find((r) => r.error && !(r.error instanceof ApiError && r.error.status === 403))?.error;

  return (
    <section>
      <h1>今日の作業</h1>
      <ErrorMessage error={contracts.error} />
      <div className="work-grid">
        {handles && (
          <WorkList
            id="to-receive"
            title="受領待ちの引渡し"
            loading={loading(handovers)}
            error={errorOf(handovers)}
            rows={toReceive.map(({ contract, item }) => ({
              key: item.id,
              to: `/contracts/${contract.id}/handovers`,
              text: `${contract.title}：${item.media.map((m) => m.label).join('、')}`,
            }))}
          />
        )}
        {handles && (
          <WorkList
            id="notices"
            title="未送付のパスワード通知書"
            hint="媒体を引き渡した後、別の機会に手渡しで送ってください。"
            loading={loading([...media, ...handovers])}
            error={errorOf([...media, ...handovers])}
            rows={notices.map(({ contract, item, unlocks }) => ({
              key: item.id,
              to: `/contracts/${contract.id}/handovers`,
              text: `${item.label}（${unlocks?.label ?? '媒体'}のパスワード）— ${contract.title}`,
            }))}
          />
        )}
        {user?.approver && (
          <WorkList
            id="to-decide"
            title="承認待ちの持出し申請"
            loading={loading(takeouts)}
            error={errorOf(takeouts)}
            rows={toDecide.map(({ contract, item }) => ({
              key: item.id,
              to: `/contracts/${contract.id}/takeout`,
              text: `${contract.title}：${item.dataItems.join('、')}（${dateTime(item.requestedAt)} 申請）`,
            }))}
          />
        )}
        {officer && (
          <WorkList
            id="to-use"
            title="承認済みの持出し申請"
            hint="この申請で媒体を登録できます。"
            loading={loading(takeouts)}
            error={errorOf(takeouts)}
            rows={toUse.map(({ contract, item }) => ({
              key: item.id,
              to: `/contracts/${contract.id}/media`,
              text: `${contract.title}：${item.dataItems.join('、')}（残り${item.mediaCount - item.mediaRegistered}媒体${item.validUntil ? `・${dateTime(item.validUntil)}まで` : ''}）`,
            }))}
          />
        )}
        {officer && (
          <WorkList
            id="to-confirm"
            title="確認待ちの消去証明書"
            loading={loading(certificates)}
            error={errorOf(certificates)}
            rows={toConfirm.map(({ contract, item }) => ({
              key: item.id,
              to: `/contracts/${contract.id}/certificates`,
              text: `${contract.title}：${item.certificateNumber}（${dateTime(item.submittedAt)} 提出）`,
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
            loading={loading(media)}
            error={errorOf(media)}
            rows={held.map(({ contract, item }) => ({
              key: item.id,
              to: `/contracts/${contract.id}/media`,
              text: `${item.label}（${MEDIUM_KINDS[item.kind]}）— ${contract.title}`,
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
  loading,
  error,
  rows,
}: {
  id: string;
  title: string;
  hint?: ReactNode;
  /** The total when the list shows only the first few (the inbox). */
  count?: number | undefined;
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
        <ul>
          {rows.map((r) => (
            <li key={r.key}>
              <Link to={r.to}>{r.text}</Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

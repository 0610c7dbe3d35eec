import { useQueries } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap } from '../api/client';
import { ErrorMessage } from '../components/ErrorMessage';
import { MEDIUM_KINDS } from '../format';
import { useMe } from '../session';
import { useContracts } from './ContractsPage';
import { useInbox } from './NotificationsPage';

/**
 * 今日の作業: what waits for the signed-in user across their contracts —
 * media they hold, handovers addressed to them not yet received, unread
 * notifications — each a link to where they act.
 */
export function HomePage() {
  const me = useMe();
  const contracts = useContracts();
  const active = (contracts.data?.items ?? []).filter((c) => c.status === 'active');
  const media = useQueries({
    queries: active.map((c) => ({
      queryKey: ['media', c.id],
      queryFn: () =>
        unwrap(api.GET('/api/contracts/{id}/media', { params: { path: { id: c.id } } })),
    })),
  });
  const handovers = useQueries({
    queries: active.map((c) => ({
      queryKey: ['handovers', c.id],
      queryFn: () =>
        unwrap(api.GET('/api/contracts/{id}/handovers', { params: { path: { id: c.id } } })),
    })),
  });
  const inbox = useInbox(0, true);
  const userId = me.data?.id;

  const held = active.flatMap((c, i) =>
    (media[i]?.data?.items ?? [])
      .filter((m) => m.custody.holderUserId === userId && m.custody.state === 'held')
      .map((m) => ({ contract: c, medium: m })),
  );
  const toReceive = active.flatMap((c, i) =>
    (handovers[i]?.data?.items ?? [])
      .filter((h) => h.toUserId === userId && h.status === 'dispatched')
      .map((h) => ({ contract: c, handover: h })),
  );

  return (
    <section>
      <h1>今日の作業</h1>
      <ErrorMessage error={contracts.error} />
      <div className="work-grid">
        <section aria-labelledby="to-receive">
          <h2 id="to-receive">受領待ちの引渡し（{toReceive.length}件）</h2>
          {toReceive.length === 0 ? (
            <p>ありません。</p>
          ) : (
            <ul>
              {toReceive.map(({ contract, handover }) => (
                <li key={handover.id}>
                  <Link to={`/contracts/${contract.id}/handovers`}>
                    {contract.title}：{handover.media.map((m) => m.label).join('、')}
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section aria-labelledby="held">
          <h2 id="held">手元で保管中の媒体（{held.length}件）</h2>
          {held.length === 0 ? (
            <p>ありません。</p>
          ) : (
            <ul>
              {held.map(({ contract, medium }) => (
                <li key={medium.id}>
                  <Link to={`/contracts/${contract.id}/media`}>
                    {medium.label}（{MEDIUM_KINDS[medium.kind]}）— {contract.title}
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section aria-labelledby="unread">
          <h2 id="unread">未読の通知（{inbox.data?.unread ?? 0}件）</h2>
          {(inbox.data?.items.length ?? 0) === 0 ? (
            <p>ありません。</p>
          ) : (
            <ul>
              {(inbox.data?.items ?? []).slice(0, 5).map((n) => (
                <li key={n.id}>
                  <Link to="/notifications">{n.title}</Link>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </section>
  );
}

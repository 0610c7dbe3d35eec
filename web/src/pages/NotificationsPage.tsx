import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../api/client';
import { ErrorMessage } from '../components/ErrorMessage';
import { dateTime } from '../format';

const PAGE = 20;

export function useInbox(offset = 0, unread = false) {
  return useQuery({
    queryKey: ['notifications', offset, unread],
    queryFn: () =>
      unwrap(
        api.GET('/api/notifications', {
          params: { query: { limit: PAGE, offset, ...(unread ? { unread: true } : {}) } },
        }),
      ),
  });
}

/** 通知: the inbox, newest first, paged; each can be marked read. */
export function NotificationsPage() {
  const [offset, setOffset] = useState(0);
  const inbox = useInbox(offset);
  const queryClient = useQueryClient();
  const read = useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST('/api/notifications/{id}/read', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['notifications'] }),
  });
  return (
    <section>
      <h1>通知</h1>
      <ErrorMessage error={inbox.error ?? read.error} />
      {inbox.data && (
        <>
          <p>
            全{inbox.data.total}件（未読{inbox.data.unread}件）
          </p>
          <ul className="cards">
            {inbox.data.items.map((n) => (
              <li key={n.id} className={n.readAt ? 'card' : 'card unread'}>
                <h2>{n.title}</h2>
                <p className="notification-message">{n.message}</p>
                <p className="meta">
                  {dateTime(n.createdAt)}・<Link to={`/contracts/${n.contractId}`}>契約を開く</Link>
                </p>
                {!n.readAt && (
                  <button
                    type="button"
                    className="button secondary"
                    onClick={() => read.mutate(n.id)}
                  >
                    既読にする
                  </button>
                )}
              </li>
            ))}
          </ul>
          <nav aria-label="ページ" className="pager">
            <button
              type="button"
              className="button secondary"
              disabled={offset === 0}
              onClick={() => setOffset(Math.max(0, offset - PAGE))}
            >
              前へ
            </button>
            <button
              type="button"
              className="button secondary"
              disabled={offset + PAGE >= inbox.data.total}
              onClick={() => setOffset(offset + PAGE)}
            >
              次へ
            </button>
          </nav>
        </>
      )}
    </section>
  );
}

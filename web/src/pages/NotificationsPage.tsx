import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../api/client';
import { ErrorMessage } from '../components/ErrorMessage';
import { PAGE_SIZE, Pager } from '../components/Pager';
import type { components } from '../api/schema';
import { dateTime, MAIL_STATES } from '../format';

/** One page of the inbox, paged on the server (offset/limit). */
export function useInbox(offset = 0, unread = false, limit = PAGE_SIZE) {
  return useQuery({
    queryKey: ['notifications', offset, unread, limit],
    // The page shown stays while the next one loads.
    placeholderData: (previous) => previous,
    queryFn: () =>
      unwrap(
        api.GET('/api/notifications', {
          params: { query: { limit, offset, ...(unread ? { unread: true } : {}) } },
        }),
      ),
  });
}

/** 通知: the inbox, newest first, 50 to a page (the server's pages); each can be marked read. */
export function NotificationsPage() {
  const [page, setPage] = useState(0);
  const inbox = useInbox(page * PAGE_SIZE);
  // Read notifications stay in the inbox: the total only grows.
  const pageCount = Math.max(1, Math.ceil((inbox.data?.total ?? 0) / PAGE_SIZE));
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
      {!inbox.data && !inbox.error && <p className="loading">読み込み中…</p>}
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
                  {dateTime(n.createdAt)}・<Link to={n.path}>画面を開く</Link>
                  {n.mail && <MailState mail={n.mail} />}
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
          <Pager page={page} pageCount={pageCount} onPage={setPage} label="通知" />
        </>
      )}
    </section>
  );
}

type Mail = NonNullable<components['schemas']['NotificationResponse']['mail']>;

/** The notification's e-mail to the user: sent, waiting for the digest, retried, failed. */
export function MailState({ mail }: { mail: Mail }) {
  const retrying = mail.status === 'pending' && mail.lastError !== null;
  const label = retrying ? `メール再送待ち（${mail.attempts}回失敗）` : MAIL_STATES[mail.status];
  const tone = mail.status === 'sent' ? 'success' : mail.status === 'failed' ? 'error' : '';
  const why =
    (mail.status === 'failed' || mail.status === 'cancelled' || retrying) && mail.lastError
      ? `（${mail.lastError}${mail.lastStatusCode ? ` ${mail.lastStatusCode}` : ''}）`
      : '';
  const when = mail.status === 'sent' && mail.sentAt ? ` ${dateTime(mail.sentAt)}` : '';
  return (
    <>
      ・<span className={`badge ${tone}`.trim()}>{label}</span>
      {why}
      {when}
    </>
  );
}

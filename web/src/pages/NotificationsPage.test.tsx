import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { MailState } from './NotificationsPage';

afterEach(cleanup);

const mail = {
  status: 'sent' as const,
  mode: 'immediate' as const,
  attempts: 1,
  sentAt: '2026-11-25T01:00:00.000Z',
  lastError: null,
  lastStatusCode: 250,
};

describe("a notification's e-mail in the inbox", () => {
  it('says in Japanese whether it was sent, waits for the digest, is retried or failed', () => {
    const text = (m: Parameters<typeof MailState>[0]['mail']) =>
      render(<MailState mail={m} />).container.textContent;
    expect(text(mail)).toContain('メール送信済み');
    expect(text(mail)).toContain('2026/11/25 10:00');
    cleanup();
    expect(text({ ...mail, status: 'waiting', mode: 'digest', sentAt: null })).toContain(
      'メール：まとめて送信予定',
    );
    cleanup();
    expect(
      text({
        ...mail,
        status: 'pending',
        attempts: 2,
        sentAt: null,
        lastError: 'EENVELOPE',
        lastStatusCode: 451,
      }),
    ).toContain('メール再送待ち（2回失敗）（EENVELOPE 451）');
    cleanup();
    expect(
      text({
        ...mail,
        status: 'failed',
        sentAt: null,
        lastError: 'EENVELOPE',
        lastStatusCode: 550,
      }),
    ).toContain('メール送信失敗（EENVELOPE 550）');
  });
});

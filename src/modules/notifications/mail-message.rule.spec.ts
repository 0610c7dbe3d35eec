import {
  digestMail,
  escapeHtml,
  immediateMail,
  type MailItem,
  notificationPath,
  publicLink,
} from './mail-message.rule.js';

const context = { publicUrl: 'https://kanribo.city.example.jp/', timeZone: 'Asia/Tokyo' };
const item: MailItem = {
  kind: 'audit_due',
  contractId: 'c-1',
  title: '立入調査の期限まで60日\n/ Audit due',
  message: '<script>alert("x")</script> & 続き\n2行目',
  createdAt: '2027-01-30T00:00:00.000Z',
};

describe('mail messages', () => {
  it('link each kind to the tab where the user acts', () => {
    expect(notificationPath('audit_due', 'c-1')).toBe('/contracts/c-1/audits');
    expect(notificationPath('incident', 'c-1')).toBe('/contracts/c-1/incidents');
    expect(notificationPath('takeout_pending', 'c-1')).toBe('/contracts/c-1/takeout');
    expect(notificationPath('status_report_unanswered', 'c/1')).toBe('/contracts/c%2F1');
    expect(publicLink('https://k.example.jp/base/', '/notifications')).toBe(
      'https://k.example.jp/base/notifications',
    );
  });

  it('escape everything in the HTML part and keep the subject on one line', () => {
    const mail = immediateMail(item, context);
    expect(mail.subject).toBe('【kanribo】立入調査の期限まで60日 / Audit due');
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 続き<br>2行目',
    );
    expect(mail.html).toContain('<a href="https://kanribo.city.example.jp/contracts/c-1/audits">');
    expect(mail.text).toContain('<script>alert("x")</script> & 続き\n2行目');
    expect(mail.text).toContain('画面で開く: https://kanribo.city.example.jp/contracts/c-1/audits');
    expect(mail.text).toContain('通知日時: 2027年1月30日 09:00');
    expect(escapeHtml(`'"<>&`)).toBe('&#39;&quot;&lt;&gt;&amp;');
  });

  it('number a digest and link each item and the inbox', () => {
    const mail = digestMail(
      [item, { ...item, kind: 'incident', title: '事故報告' }],
      '2027-01-30',
      context,
    );
    expect(mail.subject).toBe('【kanribo】未読の通知 2件（2027年1月30日）');
    expect(mail.text).toContain('1. 立入調査の期限まで60日');
    expect(mail.text).toContain('2. 事故報告');
    expect(mail.text).toContain('https://kanribo.city.example.jp/contracts/c-1/incidents');
    expect(mail.html).toContain('<a href="https://kanribo.city.example.jp/notifications">');
    expect(mail.html.match(/<li>/g)).toHaveLength(2);
  });
});

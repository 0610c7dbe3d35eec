import { formatJapaneseDate, formatJapaneseDateTime } from '../../common/time/japanese-date.js';
import type { IsoDate } from '../../common/time/business-date.js';
import type { NotificationKind } from './entities/notification.entity.js';

/**
 * The e-mails of notifications, in Japanese. Pure: the sender loads what
 * the inbox shows of each notification (its title, message and time) and
 * these rules turn it into a subject, a plain-text and an HTML part, with the
 * link to where in the web app the user acts on it. Nothing else goes in: no
 * name, no address, no data the inbox does not show.
 */

/** What a mail shows of one notification: what its inbox card shows. */
export interface MailItem {
  kind: NotificationKind;
  contractId: string;
  title: string;
  message: string;
  /** When it was raised (an instant). */
  createdAt: string;
}

export interface MailMessage {
  subject: string;
  text: string;
  html: string;
}

export interface MailContext {
  /** PUBLIC_URL: the web app's address. */
  publicUrl: string;
  /** BUSINESS_TIMEZONE, for the times shown. */
  timeZone: string;
}

const SUBJECT_PREFIX = '【kanribo】';

/** The tab of a contract's page where the user acts on a notification of each kind. */
const TAB_OF: Record<NotificationKind, string | null> = {
  audit_due: 'audits',
  audit_overdue: 'audits',
  audit_finding_open: 'audits',
  audit_finding_unverified: 'audits',
  handover_not_received: 'handovers',
  password_notice_outstanding: 'handovers',
  medium_outstanding: 'handovers',
  media_not_returned: 'outstanding',
  incident: 'incidents',
  takeout_pending: 'takeout',
  training_lapsing: 'roster',
  // Status reports have no tab of their own: the contract's page.
  status_report_unanswered: null,
  ledger_tampering: 'audits',
};

/** The web app's path where the user acts on a notification (also shown by the inbox). */
export function notificationPath(kind: NotificationKind, contractId: string): string {
  const tab = TAB_OF[kind];
  const contract = `/contracts/${encodeURIComponent(contractId)}`;
  return tab ? `${contract}/${tab}` : contract;
}

/** `path` under PUBLIC_URL (which may itself have a path, as behind a proxy's prefix). */
export function publicLink(publicUrl: string, path: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${path}`;
}

/** Text made safe inside HTML elements and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A subject on one line: the title's line breaks would end the header. */
function subjectOf(text: string): string {
  return `${SUBJECT_PREFIX}${text.replace(/\s+/g, ' ').trim()}`;
}

const FOOTER_TEXT = (settings: string) =>
  [
    '--',
    'このメールは kanribo（管理簿）の通知を、画面の「通知」と同じ内容でお送りしています。',
    'このメールには返信できません。',
    `メールの受け取り方（すぐに・1日1回まとめて・受け取らない）は「設定」で変えられます: ${settings}`,
  ].join('\n');

function htmlDocument(title: string, body: string, settings: string): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="ja">',
    '<head><meta charset="utf-8"><title>',
    escapeHtml(title),
    '</title></head>',
    '<body style="font-family: sans-serif; line-height: 1.6;">',
    body,
    '<hr>',
    '<p style="color: #555; font-size: 0.9em;">このメールは kanribo（管理簿）の通知を、画面の「通知」と同じ内容でお送りしています。このメールには返信できません。<br>',
    `メールの受け取り方は<a href="${escapeHtml(settings)}">「設定」</a>で変えられます。</p>`,
    '</body>',
    '</html>',
  ].join('');
}

/** A message's text as HTML paragraphs, its line breaks kept. */
function htmlText(text: string): string {
  return escapeHtml(text).replace(/\r?\n/g, '<br>');
}

/** One notification's own mail. */
export function immediateMail(item: MailItem, context: MailContext): MailMessage {
  const link = publicLink(context.publicUrl, notificationPath(item.kind, item.contractId));
  const settings = publicLink(context.publicUrl, '/settings');
  const when = formatJapaneseDateTime(item.createdAt, context.timeZone);
  const text = [
    item.title,
    '',
    item.message,
    '',
    `通知日時: ${when}`,
    `画面で開く: ${link}`,
    '',
    FOOTER_TEXT(settings),
    '',
  ].join('\n');
  const html = htmlDocument(
    item.title,
    [
      `<h1 style="font-size: 1.2em;">${escapeHtml(item.title)}</h1>`,
      `<p>${htmlText(item.message)}</p>`,
      `<p>通知日時: ${escapeHtml(when)}</p>`,
      `<p><a href="${escapeHtml(link)}">画面で開く</a></p>`,
    ].join(''),
    settings,
  );
  return { subject: subjectOf(item.title), text, html };
}

/** The day's digest of a user's unread notifications, oldest first. */
export function digestMail(
  items: readonly MailItem[],
  day: IsoDate,
  context: MailContext,
): MailMessage {
  const settings = publicLink(context.publicUrl, '/settings');
  const inbox = publicLink(context.publicUrl, '/notifications');
  const heading = `未読の通知 ${items.length}件（${formatJapaneseDate(day)}）`;
  const entries = items.map((item) => ({
    item,
    when: formatJapaneseDateTime(item.createdAt, context.timeZone),
    link: publicLink(context.publicUrl, notificationPath(item.kind, item.contractId)),
  }));
  const text = [
    heading,
    '',
    ...entries.flatMap(({ item, when, link }, i) => [
      `${i + 1}. ${item.title}`,
      item.message,
      `通知日時: ${when}`,
      `画面で開く: ${link}`,
      '',
    ]),
    `通知の一覧: ${inbox}`,
    '',
    FOOTER_TEXT(settings),
    '',
  ].join('\n');
  const html = htmlDocument(
    heading,
    [
      `<h1 style="font-size: 1.2em;">${escapeHtml(heading)}</h1>`,
      '<ol>',
      ...entries.map(
        ({ item, when, link }) =>
          `<li><h2 style="font-size: 1.05em;">${escapeHtml(item.title)}</h2>` +
          `<p>${htmlText(item.message)}</p>` +
          `<p>通知日時: ${escapeHtml(when)}・<a href="${escapeHtml(link)}">画面で開く</a></p></li>`,
      ),
      '</ol>',
      `<p><a href="${escapeHtml(inbox)}">通知の一覧を開く</a></p>`,
    ].join(''),
    settings,
  );
  return { subject: subjectOf(heading), text, html };
}

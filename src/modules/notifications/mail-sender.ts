import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { Clock } from '../../common/time/clock.js';
import { deadline } from '../../common/time/deadline.js';
import { bool, Sql } from '../../database/sql.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import { type AttemptOutcome, DeliveryAttempts } from './delivery-attempts.js';
import { QueueShutdown } from './queue-shutdown.js';
import type { MailKind, MailStatus } from './entities/mail-delivery.entity.js';
import type { NotificationKind } from './entities/notification.entity.js';
import { digestMail, immediateMail, type MailItem, type MailMessage } from './mail-message.rule.js';

/** How long one SMTP conversation may take, connection included. */
export const MAIL_TIMEOUT_MS = 60_000;

interface MailRow {
  id: string;
  status: MailStatus;
  attempts: number;
  attempt_deadline: string | null;
  kind: MailKind;
  user_id: string;
  digest_on: string | null;
  notification_id: string | null;
  email: string | null;
  mail_mode: string;
  active: boolean | number;
}

interface ItemRow {
  kind: NotificationKind;
  contract_id: string;
  title: string;
  message: string;
  created_at: string;
}

/** What nodemailer's errors carry besides their message (which may quote an address). */
interface SmtpError {
  code?: unknown;
  responseCode?: unknown;
  permanent?: unknown;
}

/**
 * One attempt of one e-mail: composed from the notification(s) it carries
 * (mail-message.rule.ts), sent through SMTP_URL, and recorded on its row as
 * a webhook delivery's attempt is (see DeliveryAttempts): `sent`, or retried
 * with backoff until the last attempt fails it. A reply the server means for
 * good (5xx) fails it at once. The row keeps the error's code and the
 * server's reply code, never their text, which may quote the address.
 *
 * The user is read again at every attempt: an address removed or mails
 * turned off since cancel what has not gone yet.
 */
@Injectable()
export class MailSender implements OnModuleDestroy {
  private readonly attempts: DeliveryAttempts<'sent'>;
  private transport: Transporter | null = null;

  constructor(
    private readonly dataSource: DataSource,
    tx: TransactionRunner,
    clock: Clock,
    private readonly config: AppConfig,
    private readonly shutdown: QueueShutdown,
  ) {
    this.attempts = new DeliveryAttempts(dataSource, tx, clock, {
      table: 'mail_deliveries',
      done: 'sent',
      attempts: config.MAIL_ATTEMPTS,
      backoffMs: config.MAIL_BACKOFF_MS,
      timeoutMs: MAIL_TIMEOUT_MS,
      errorLength: 100,
    });
  }

  onModuleDestroy(): void {
    this.transport?.close();
  }

  /** The SMTP transport, made at the first mail; null without SMTP_URL. */
  private smtp(): Transporter | null {
    if (!this.config.SMTP_URL) return null;
    this.transport ??= nodemailer.createTransport({
      url: this.config.SMTP_URL,
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 30_000,
    });
    return this.transport;
  }

  async attempt(mailId: string): Promise<AttemptOutcome> {
    const sql = new Sql(this.dataSource.manager);
    const row = await sql.one<MailRow>(
      `SELECT m.id, m.status, m.attempts, m.attempt_deadline, m.kind, m.user_id, m.digest_on,
              m.notification_id, u.email, u.mail_mode, u.active
         FROM mail_deliveries m JOIN users u ON u.id = m.user_id
        WHERE m.id = ?`,
      [mailId],
    );
    const next = await this.attempts.next(mailId, row);
    if ('outcome' in next) return next;
    const transport = this.smtp();
    const cancel = !row
      ? 'NO_SUCH_MAIL'
      : !transport
        ? 'MAIL_DISABLED'
        : !bool(row.active)
          ? 'USER_INACTIVE'
          : !row.email
            ? 'NO_ADDRESS'
            : row.mail_mode === 'off'
              ? 'MAIL_OFF'
              : null;
    const items = row && cancel === null ? await this.itemsOf(row) : [];
    if (cancel !== null || items.length === 0 || !row?.email || !transport) {
      const reason = cancel ?? 'NOTHING_TO_SEND';
      await this.attempts.record(mailId, next.ref, null, reason, 'cancelled');
      return { outcome: 'skipped', reason };
    }
    const lost = await this.attempts.claim(mailId, next.done);
    if (lost) return lost;
    const claimed = { ...next, ref: { attempt: next.ref.attempt, claimed: true } };
    const message = this.compose(row, items);
    const timeout = deadline(MAIL_TIMEOUT_MS, this.shutdown.signal);
    try {
      const info = (await transport
        .sendMail({
          from: this.config.MAIL_FROM,
          to: row.email,
          subject: message.subject,
          text: message.text,
          html: message.html,
          signal: timeout.signal,
        })
        .finally(() => timeout.clear())) as { response?: unknown };
      const response = typeof info.response === 'string' ? info.response : '';
      const replyCode = /^(\d{3})/.exec(response)?.[1];
      const statusCode = replyCode ? Number(replyCode) : 250;
      await this.attempts.record(mailId, claimed.ref, statusCode, null, 'sent');
      return { outcome: 'delivered', statusCode };
    } catch (e) {
      const { code, responseCode, permanent } = (e ?? {}) as SmtpError;
      const statusCode = typeof responseCode === 'number' ? responseCode : null;
      const error = typeof code === 'string' && /^[A-Z_]{1,40}$/.test(code) ? code : 'ERROR';
      if (permanent === true) {
        await this.attempts.record(mailId, claimed.ref, statusCode, error, 'failed');
        return { outcome: 'failed', error: `${error}${statusCode ? ` ${statusCode}` : ''}` };
      }
      return this.attempts.failed(mailId, claimed, statusCode, error);
    }
  }

  /** The notifications a mail carries: its own, or the digest's, oldest first. */
  private async itemsOf(row: MailRow): Promise<MailItem[]> {
    const sql = new Sql(this.dataSource.manager);
    const items =
      row.kind === 'immediate'
        ? await sql.all<ItemRow>(
            `SELECT kind, contract_id, title, message, created_at FROM notifications WHERE id = ?`,
            [row.notification_id ?? ''],
          )
        : await sql.all<ItemRow>(
            `SELECT n.kind, n.contract_id, n.title, n.message, n.created_at
               FROM notification_recipients r JOIN notifications n ON n.id = r.notification_id
              WHERE r.mail_delivery_id = ? AND r.user_id = ?
              ORDER BY r.created_at, n.id`,
            [row.id, row.user_id],
          );
    return items.map((i) => ({
      kind: i.kind,
      contractId: i.contract_id,
      title: i.title,
      message: i.message,
      createdAt: i.created_at,
    }));
  }

  private compose(row: MailRow, items: MailItem[]): MailMessage {
    const context = {
      publicUrl: this.config.PUBLIC_URL ?? '',
      timeZone: this.config.BUSINESS_TIMEZONE,
    };
    const [first] = items;
    return row.kind === 'immediate' && first
      ? immediateMail(first, context)
      : digestMail(items, row.digest_on ?? '', context);
  }
}

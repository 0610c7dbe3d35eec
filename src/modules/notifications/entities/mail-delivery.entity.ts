import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { DATE_LENGTH, ID_LENGTH, INSTANT_LENGTH } from '../../../database/column-types.js';

export const MAIL_STATUSES = ['pending', 'sent', 'failed', 'cancelled'] as const;
export type MailStatus = (typeof MAIL_STATUSES)[number];

export const MAIL_KINDS = ['immediate', 'digest'] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

/**
 * One e-mail to one user: a notification's own (`immediate`, written in the
 * notification's transaction), or a day's digest of their unread ones
 * (written at the scan). An outbox row like a webhook delivery, with the same
 * attempt columns and the same rules (see DeliveryAttempts): handed to the
 * queue when Redis answers, retried there with exponential backoff, `sent`
 * or, after the last attempt, `failed`; `cancelled` when the user has no
 * address or turned mails off before it went. Its id is the job id. No body
 * is stored: each attempt composes the message from what the inbox shows.
 */
@Entity({ name: 'mail_deliveries' })
@Index('uq_mail_deliveries_notification_user', ['notificationId', 'userId'], { unique: true })
@Index('uq_mail_deliveries_user_digest', ['userId', 'digestOn'], { unique: true })
@Index('idx_mail_deliveries_status', ['status', 'enqueuedAt'])
export class MailDeliveryEntity {
  @PrimaryColumn({ type: 'varchar', length: ID_LENGTH })
  id: string;

  @Column({ name: 'user_id', type: 'varchar', length: ID_LENGTH })
  userId: string;

  @Column({ type: 'varchar', length: 16 })
  kind: MailKind;

  /** An immediate mail's notification. */
  @Column({ name: 'notification_id', type: 'varchar', length: ID_LENGTH, nullable: true })
  notificationId: string | null;

  /** A digest's business day (the scan's). */
  @Column({ name: 'digest_on', type: 'varchar', length: DATE_LENGTH, nullable: true })
  digestOn: string | null;

  @Column({ type: 'varchar', length: 16 })
  status: MailStatus;

  @Column({ type: 'integer' })
  attempts: number;

  @Column({ name: 'created_at', type: 'varchar', length: INSTANT_LENGTH })
  createdAt: string;

  @Column({ name: 'enqueued_at', type: 'varchar', length: INSTANT_LENGTH, nullable: true })
  enqueuedAt: string | null;

  @Column({ name: 'last_attempt_at', type: 'varchar', length: INSTANT_LENGTH, nullable: true })
  lastAttemptAt: string | null;

  @Column({ name: 'attempt_deadline', type: 'varchar', length: INSTANT_LENGTH, nullable: true })
  attemptDeadline: string | null;

  @Column({ name: 'next_attempt_at', type: 'varchar', length: INSTANT_LENGTH, nullable: true })
  nextAttemptAt: string | null;

  /** The SMTP server's reply code to the last failed attempt (451, 550…), if it answered. */
  @Column({ name: 'last_status_code', type: 'integer', nullable: true })
  lastStatusCode: number | null;

  /** The last failure's code (ECONNECTION, EENVELOPE, NO_ADDRESS…), never the server's text. */
  @Column({ name: 'last_error', type: 'varchar', length: 100, nullable: true })
  lastError: string | null;

  @Column({ name: 'completed_at', type: 'varchar', length: INSTANT_LENGTH, nullable: true })
  completedAt: string | null;
}

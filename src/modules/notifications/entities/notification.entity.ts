import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { DATE_LENGTH, ID_LENGTH, INSTANT_LENGTH } from '../../../database/column-types.js';

export const NOTIFICATION_KINDS = [
  'audit_due',
  'audit_overdue',
  'handover_not_received',
  'password_notice_outstanding',
  'medium_outstanding',
  'media_not_returned',
  'incident',
  'takeout_pending',
  'training_lapsing',
  'audit_finding_open',
  'audit_finding_unverified',
  'status_report_unanswered',
  'ledger_tampering',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/**
 * One reminder or alert, stored once whoever raises it: the unique
 * idempotency key (what, which contract or item, which due date, which lead)
 * makes a second scan, a restart or a second worker a no-op.
 */
@Entity({ name: 'notifications' })
@Index('uq_notifications_idempotency_key', ['idempotencyKey'], { unique: true })
export class NotificationEntity {
  @PrimaryColumn({ type: 'varchar', length: ID_LENGTH })
  id: string;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 200 })
  idempotencyKey: string;

  @Column({ type: 'varchar', length: 32 })
  kind: NotificationKind;

  @Column({ name: 'contract_id', type: 'varchar', length: ID_LENGTH })
  contractId: string;

  /** The handover, medium or incident it is about, when it is about one. */
  @Column({ name: 'subject_id', type: 'varchar', length: ID_LENGTH, nullable: true })
  subjectId: string | null;

  @Column({ name: 'due_on', type: 'varchar', length: DATE_LENGTH, nullable: true })
  dueOn: string | null;

  @Column({ name: 'lead_days', type: 'integer', nullable: true })
  leadDays: number | null;

  /** The business day whose scan raised it (the day of the event for incidents). */
  @Column({ name: 'as_of', type: 'varchar', length: DATE_LENGTH })
  asOf: string;

  @Column({ type: 'varchar', length: 300 })
  title: string;

  @Column({ type: 'varchar', length: 2000 })
  message: string;

  @Column({ type: 'simple-json' })
  data: Record<string, unknown>;

  @Column({ name: 'created_at', type: 'varchar', length: INSTANT_LENGTH })
  createdAt: string;
}

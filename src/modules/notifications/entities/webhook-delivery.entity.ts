import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { ID_LENGTH, INSTANT_LENGTH } from '../../../database/column-types.js';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * One notification to one organization's webhook: written in the same
 * transaction as the notification (an outbox), handed to the queue when
 * Redis answers, retried there with exponential backoff, and marked
 * `delivered` or, after the last attempt, `failed`. The row, not Redis, is
 * the truth: a pending delivery whose job Redis lost is handed to the queue
 * again (see WebhookOutbox.reconcile). Its id is the delivery id the receiver
 * sees, on every attempt.
 */
@Entity({ name: 'webhook_deliveries' })
@Index('uq_webhook_deliveries_notification_organization', ['notificationId', 'organizationId'], {
  unique: true,
})
@Index('idx_webhook_deliveries_status', ['status', 'enqueuedAt'])
@Index('idx_webhook_deliveries_organization', ['organizationId', 'createdAt'])
export class WebhookDeliveryEntity {
  @PrimaryColumn({ type: 'varchar', length: ID_LENGTH })
  id: string;

  @Column({ name: 'notification_id', type: 'varchar', length: ID_LENGTH })
  notificationId: string;

  @Column({ name: 'organization_id', type: 'varchar', length: ID_LENGTH })
  organizationId: string;

  @Column({ type: 'varchar', length: 16 })
  status: DeliveryStatus;

  @Column({ type: 'integer' })
  attempts: number;

  @Column({ name: 'created_at', type: 'varchar', length: INSTANT_LENGTH })
  createdAt: string;

  /** When it was handed to the queue; null while Redis was unreachable. */
  @Column({ name: 'enqueued_at', type: 'varchar', length: INSTANT_LENGTH, nullable: true })
  enqueuedAt: string | null;

  /** When the last attempt started (recorded before its request went out). */
  @Column({ name: 'last_attempt_at', type: 'varchar', length: INSTANT_LENGTH, nullable: true })
  lastAttemptAt: string | null;

  /**
   * While an attempt is in flight: the instant by which it will have recorded
   * its outcome. No other attempt starts, and the delivery is not handed to the
   * queue again, before it has passed. Null when no attempt is in flight.
   */
  @Column({ name: 'attempt_deadline', type: 'varchar', length: INSTANT_LENGTH, nullable: true })
  attemptDeadline: string | null;

  /** A pending delivery whose attempt failed: when the next one is due. */
  @Column({ name: 'next_attempt_at', type: 'varchar', length: INSTANT_LENGTH, nullable: true })
  nextAttemptAt: string | null;

  @Column({ name: 'last_status_code', type: 'integer', nullable: true })
  lastStatusCode: number | null;

  @Column({ name: 'last_error', type: 'varchar', length: 1000, nullable: true })
  lastError: string | null;

  @Column({ name: 'completed_at', type: 'varchar', length: INSTANT_LENGTH, nullable: true })
  completedAt: string | null;
}

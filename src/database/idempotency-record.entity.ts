import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { ID_LENGTH, INSTANT_LENGTH, instantTransformer } from './column-types.js';

/**
 * One `Idempotency-Key` a user sent with a write, and the answer it got
 * (see IdempotencyInterceptor). The row is inserted inside the write's own
 * transaction, so a committed write always has its key and a key always has
 * its write; the answer is added when the handler returns. Kept until
 * `expires_at` (IDEMPOTENCY_TTL_HOURS after the write), then pruned.
 */
@Entity({ name: 'idempotency_records' })
@Index('idx_idempotency_records_expires_at', ['expiresAt'])
export class IdempotencyRecordEntity {
  /** Keys are the caller's own: another user's identical key is another record. */
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: ID_LENGTH })
  userId: string;

  @PrimaryColumn({ name: 'idempotency_key', type: 'varchar', length: 255 })
  idempotencyKey: string;

  /** SHA-256 of the canonical JSON of method, URL and body (requestFingerprint). */
  @Column({ type: 'varchar', length: 64 })
  fingerprint: string;

  @Column({ type: 'varchar', length: 10 })
  method: string;

  /** The route pattern, for whoever reads the table. */
  @Column({ type: 'varchar', length: 300 })
  route: string;

  /** The id the write created (its result's `id`), known even before the answer is stored. */
  @Column({ name: 'resource_id', type: 'varchar', length: 200, nullable: true })
  resourceId: string | null;

  /** The answer's status; null until the handler has returned. */
  @Column({ name: 'status_code', type: 'integer', nullable: true })
  statusCode: number | null;

  /** The answer's body exactly as sent (JSON text); null for an empty body or no answer yet. */
  @Column({ name: 'response_body', type: 'text', nullable: true })
  responseBody: string | null;

  @Column({
    name: 'created_at',
    type: 'varchar',
    length: INSTANT_LENGTH,
    transformer: instantTransformer,
  })
  createdAt: Date;

  @Column({
    name: 'expires_at',
    type: 'varchar',
    length: INSTANT_LENGTH,
    transformer: instantTransformer,
  })
  expiresAt: Date;
}

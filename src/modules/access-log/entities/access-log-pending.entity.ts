import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { ID_LENGTH, INSTANT_LENGTH } from '../../../database/column-types.js';

/**
 * PostgreSQL: a write's access-log entry before it has a place in the chain.
 * The write's transaction inserts it here, durable with what it records but
 * without locking the chain's one head row (which every write on every
 * contract would otherwise hold until its COMMIT); right after the commit,
 * and before the response, {@link AccessLogWriter.link} moves the waiting
 * rows into `access_log_entries` in `id` order, hashed and chained, and
 * deletes them here. A row left by a crash between the two is linked at the
 * next start. SQLite appends to the chain inside the write itself (its
 * writers are serialized anyway) and leaves this table empty.
 *
 * The columns are an {@link AccessLogRecord}'s: what is hashed when linked.
 */
@Entity({ name: 'access_log_pending' })
export class AccessLogPendingEntity {
  /** Order of arrival (a sequence): the order in which rows are linked. */
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ name: 'recorded_at', type: 'varchar', length: INSTANT_LENGTH })
  recordedAt: string;

  @Column({ name: 'user_id', type: 'varchar', length: ID_LENGTH, nullable: true })
  userId: string | null;

  @Column({ name: 'organization_id', type: 'varchar', length: ID_LENGTH, nullable: true })
  organizationId: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  role: string | null;

  @Column({ name: 'login_id', type: 'varchar', length: 200, nullable: true })
  loginId: string | null;

  @Column({ type: 'varchar', length: 100 })
  action: string;

  @Column({ type: 'varchar', length: 10 })
  method: string;

  @Column({ type: 'varchar', length: 300 })
  route: string;

  @Column({ name: 'contract_id', type: 'varchar', length: ID_LENGTH, nullable: true })
  contractId: string | null;

  @Column({ name: 'resource_id', type: 'varchar', length: 200, nullable: true })
  resourceId: string | null;

  @Column({ name: 'status_code', type: 'integer' })
  statusCode: number;

  @Column({ name: 'client_address', type: 'varchar', length: 64 })
  clientAddress: string;

  @Column({ name: 'user_agent', type: 'varchar', length: 500, nullable: true })
  userAgent: string | null;

  @Column({ name: 'request_id', type: 'varchar', length: 64 })
  requestId: string;
}

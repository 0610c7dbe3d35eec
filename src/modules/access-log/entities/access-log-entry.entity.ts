import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { ID_LENGTH, INSTANT_LENGTH } from '../../../database/column-types.js';

/**
 * One entry of the access log (アクセスログ): who did what, on which route,
 * about which contract and resource, with which outcome, from where. One
 * hash chain per installation; append-only: nothing updates a row, and only
 * pruning deletes, a prefix of whole days at a time. `seq` is the primary
 * key, so two appends that raced for the same place cannot both commit.
 */
@Entity({ name: 'access_log_entries' })
@Index('idx_access_log_entries_recorded_at', ['recordedAt'])
@Index('idx_access_log_entries_contract', ['contractId', 'seq'])
export class AccessLogEntryEntity {
  @PrimaryColumn({ type: 'integer' })
  seq: number;

  /** When the request arrived, as hashed. */
  @Column({ name: 'recorded_at', type: 'varchar', length: INSTANT_LENGTH })
  recordedAt: string;

  @Column({ name: 'user_id', type: 'varchar', length: ID_LENGTH, nullable: true })
  userId: string | null;

  @Column({ name: 'organization_id', type: 'varchar', length: ID_LENGTH, nullable: true })
  organizationId: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  role: string | null;

  /** The login id as typed, for account events (a failed login of an unknown id has no user). */
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

  @Column({ name: 'prev_hash', type: 'varchar', length: 64 })
  prevHash: string;

  @Column({ type: 'varchar', length: 64 })
  hash: string;
}

import { Column } from 'typeorm';
import { ID_LENGTH, INSTANT_LENGTH } from '../../../database/column-types.js';

/**
 * The columns of an access-log record (what a request says about itself),
 * shared by the chained entries and the write entries waiting for their
 * place in the chain: one definition, so the two tables cannot drift apart.
 */
export abstract class AccessLogRecordColumns {
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
}

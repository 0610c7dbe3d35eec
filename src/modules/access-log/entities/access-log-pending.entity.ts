import { Entity, PrimaryGeneratedColumn } from 'typeorm';
import { type ChainCounterType, chainCounter } from './chain-counter.js';
import { AccessLogRecordColumns } from './access-log-record.columns.js';

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
 * The columns are an access-log record's ({@link AccessLogRecordColumns}):
 * what is hashed when linked. Every write adds one, so `id` is 64-bit
 * ({@link chainCounter}).
 */
function accessLogPendingEntity(idType: ChainCounterType) {
  @Entity({ name: 'access_log_pending' })
  class AccessLogPending extends AccessLogRecordColumns {
    /** Order of arrival (a sequence): the order in which rows are linked. */
    @PrimaryGeneratedColumn(chainCounter(idType))
    id: number;
  }
  return AccessLogPending;
}

export const AccessLogPendingEntity = accessLogPendingEntity('integer');
export const AccessLogPendingPgEntity = accessLogPendingEntity('bigint');

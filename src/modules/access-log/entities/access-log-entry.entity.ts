import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { type ChainCounterType, chainCounter } from './chain-counter.js';
import { AccessLogRecordColumns } from './access-log-record.columns.js';

/**
 * One entry of the access log (アクセスログ): who did what, on which route,
 * about which contract and resource, with which outcome, from where. One
 * hash chain per installation; append-only: nothing updates a row, and only
 * pruning deletes, a prefix of whole days at a time. `seq` is the primary
 * key, so two appends that raced for the same place cannot both commit.
 * Every request of every user adds one, so `seq` is 64-bit on both
 * databases ({@link chainCounter}).
 */
function accessLogEntryEntity(seqType: ChainCounterType) {
  @Entity({ name: 'access_log_entries' })
  @Index('idx_access_log_entries_recorded_at', ['recordedAt'])
  @Index('idx_access_log_entries_contract', ['contractId', 'seq'])
  class AccessLogEntry extends AccessLogRecordColumns {
    @PrimaryColumn(chainCounter(seqType))
    seq: number;

    @Column({ name: 'prev_hash', type: 'varchar', length: 64 })
    prevHash: string;

    @Column({ type: 'varchar', length: 64 })
    hash: string;
  }
  return AccessLogEntry;
}

export const AccessLogEntryEntity = accessLogEntryEntity('integer');
export const AccessLogEntryPgEntity = accessLogEntryEntity('bigint');

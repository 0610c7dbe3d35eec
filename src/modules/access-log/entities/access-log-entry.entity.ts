import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { AccessLogRecordColumns } from './access-log-record.columns.js';

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
export class AccessLogEntryEntity extends AccessLogRecordColumns {
  @PrimaryColumn({ type: 'integer' })
  seq: number;

  @Column({ name: 'prev_hash', type: 'varchar', length: 64 })
  prevHash: string;

  @Column({ type: 'varchar', length: 64 })
  hash: string;
}

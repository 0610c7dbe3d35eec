import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { ID_LENGTH, INSTANT_LENGTH } from '../../../database/column-types.js';
import type { StatusReportHoldings } from '../status-report.rule.js';

export const STATUS_REPORT_STATES = ['requested', 'answered'] as const;
export type StatusReportState = (typeof STATUS_REPORT_STATES)[number];

/**
 * 業務に関する報告 (seed 001/002 特記事項 14): a ward's request for a report
 * on the handling of the contract's data, and the contractor's answer with
 * its holdings frozen as answered. A projection of `status_report_requested`
 * and `status_report_answered`.
 */
@Entity({ name: 'status_reports' })
@Index('idx_status_reports_contract', ['contractId', 'requestedAt'])
export class StatusReportEntity {
  @PrimaryColumn({ type: 'varchar', length: ID_LENGTH })
  id: string;

  @Column({ name: 'contract_id', type: 'varchar', length: ID_LENGTH })
  contractId: string;

  @Column({ type: 'varchar', length: 16 })
  state: StatusReportState;

  @Column({ name: 'requested_by_user_id', type: 'varchar', length: ID_LENGTH })
  requestedByUserId: string;

  @Column({ name: 'requested_at', type: 'varchar', length: INSTANT_LENGTH })
  requestedAt: string;

  @Column({ name: 'request_note', type: 'varchar', length: 2000, nullable: true })
  requestNote: string | null;

  @Column({ name: 'requested_seq', type: 'integer' })
  requestedSeq: number;

  @Column({ name: 'answered_by_user_id', type: 'varchar', length: ID_LENGTH, nullable: true })
  answeredByUserId: string | null;

  @Column({ name: 'answered_at', type: 'varchar', length: INSTANT_LENGTH, nullable: true })
  answeredAt: string | null;

  /** The responsible person's free-text statement. */
  @Column({ type: 'varchar', length: 4000, nullable: true })
  statement: string | null;

  /** What the contractor side held when it answered, as the ledger's answer entry froze it. */
  @Column({ type: 'simple-json', nullable: true })
  holdings: StatusReportHoldings | null;

  @Column({ name: 'answered_seq', type: 'integer', nullable: true })
  answeredSeq: number | null;
}

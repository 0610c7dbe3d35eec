import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { AnsweredChecklist } from '../checklist.rule.js';
import { DATE_LENGTH, ID_LENGTH, INSTANT_LENGTH } from '../../../database/column-types.js';

export const AUDIT_RESULTS = ['satisfactory', 'findings', 'unsatisfactory'] as const;
export type AuditResult = (typeof AUDIT_RESULTS)[number];

/** 立入調査: an on-site audit of a contract, a projection of `audit_recorded`. */
@Entity({ name: 'audits' })
@Index('idx_audits_contract_date', ['contractId', 'performedOn'])
export class AuditEntity {
  @PrimaryColumn({ type: 'varchar', length: ID_LENGTH })
  id: string;

  @Column({ name: 'contract_id', type: 'varchar', length: ID_LENGTH })
  contractId: string;

  @Column({ name: 'performed_on', type: 'varchar', length: DATE_LENGTH })
  performedOn: string;

  @Column({ name: 'fiscal_year', type: 'integer' })
  fiscalYear: number;

  @Column({ type: 'varchar', length: 16 })
  result: AuditResult;

  @Column({ type: 'varchar', length: 4000, nullable: true })
  findings: string | null;

  @Column({ type: 'simple-json' })
  auditors: string[];

  @Column({ name: 'recorded_by_user_id', type: 'varchar', length: ID_LENGTH })
  recordedByUserId: string;

  @Column({ name: 'recorded_at', type: 'varchar', length: INSTANT_LENGTH })
  recordedAt: string;

  @Column({ type: 'integer' })
  seq: number;

  /** Set when the contractor audited this approved subcontractor (再委託先への立入り調査). */
  @Column({
    name: 'subcontractor_organization_id',
    type: 'varchar',
    length: ID_LENGTH,
    nullable: true,
  })
  subcontractorOrganizationId: string | null;

  /** The checklist as answered, frozen with the audit; null for an audit without one. */
  @Column({ type: 'simple-json', nullable: true })
  checklist: AnsweredChecklist | null;
}

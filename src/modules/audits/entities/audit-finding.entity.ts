import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { DATE_LENGTH, ID_LENGTH, INSTANT_LENGTH } from '../../../database/column-types.js';
import type { FindingState } from '../checklist.rule.js';

/**
 * A × of an audit's checklist: the corrective action (是正措置) its owner (the
 * audited organization) takes by a due date, reported fixed by the owner and
 * verified by the auditing organization. A projection of `audit_recorded`
 * and the finding steps.
 */
@Entity({ name: 'audit_findings' })
@Index('idx_audit_findings_contract_state', ['contractId', 'state'])
export class AuditFindingEntity {
  @PrimaryColumn({ type: 'varchar', length: ID_LENGTH })
  id: string;

  @Column({ name: 'contract_id', type: 'varchar', length: ID_LENGTH })
  contractId: string;

  @Column({ name: 'audit_id', type: 'varchar', length: ID_LENGTH })
  auditId: string;

  @Column({ name: 'item_id', type: 'varchar', length: 64 })
  itemId: string;

  /** The section and number as the checklist shows them (`運用上の対策 10`). */
  @Column({ name: 'item_label', type: 'varchar', length: 200 })
  itemLabel: string;

  @Column({ name: 'item_text', type: 'varchar', length: 2000 })
  itemText: string;

  @Column({ name: 'corrective_action', type: 'varchar', length: 2000 })
  correctiveAction: string;

  @Column({ name: 'due_on', type: 'varchar', length: DATE_LENGTH })
  dueOn: string;

  /** The audited organization: the contractor, or the subcontractor the contractor audited. */
  @Column({ name: 'owner_organization_id', type: 'varchar', length: ID_LENGTH })
  ownerOrganizationId: string;

  /** The auditing organization: the ward, or the contractor for a subcontractor. */
  @Column({ name: 'auditor_organization_id', type: 'varchar', length: ID_LENGTH })
  auditorOrganizationId: string;

  @Column({ type: 'varchar', length: 16 })
  state: FindingState;

  /** The note of the last step (what was fixed, how it was verified, why it was reopened). */
  @Column({ name: 'state_note', type: 'varchar', length: 2000, nullable: true })
  stateNote: string | null;

  @Column({ name: 'state_changed_at', type: 'varchar', length: INSTANT_LENGTH })
  stateChangedAt: string;

  /** seq of the entry that put the finding in its state: reminders start again from it. */
  @Column({ name: 'state_seq', type: 'integer' })
  stateSeq: number;
}

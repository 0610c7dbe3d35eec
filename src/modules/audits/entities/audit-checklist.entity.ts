import { Column, Entity, PrimaryColumn } from 'typeorm';
import { ID_LENGTH, INSTANT_LENGTH } from '../../../database/column-types.js';
import type { ChecklistSection } from '../checklist.rule.js';

/**
 * The audit checklist a ward set on a contract (a copy of seed 000's, edited),
 * a projection of its latest `audit_checklist_set`. A contract without a row
 * is audited on the default checklist (version 0).
 */
@Entity({ name: 'audit_checklists' })
export class AuditChecklistEntity {
  @PrimaryColumn({ name: 'contract_id', type: 'varchar', length: ID_LENGTH })
  contractId: string;

  /** 1 for the first checklist set on the contract, then one more with each change. */
  @Column({ type: 'integer' })
  version: number;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'simple-json' })
  sections: ChecklistSection[];

  @Column({ name: 'set_by_user_id', type: 'varchar', length: ID_LENGTH })
  setByUserId: string;

  @Column({ name: 'set_at', type: 'varchar', length: INSTANT_LENGTH })
  setAt: string;

  @Column({ type: 'integer' })
  seq: number;
}

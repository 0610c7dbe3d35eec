import { Column, Entity, PrimaryColumn } from 'typeorm';
import { DATE_LENGTH, ID_LENGTH, INSTANT_LENGTH } from '../../../database/column-types.js';
import type { EmergencyContact } from '../emergency-plan.rule.js';

/**
 * 事故等への対応体制 of a contract: each side's emergency contacts, the
 * incident procedure, and the day each side confirmed it. A projection of
 * the plan's ledger entries; one row per contract that has any.
 */
@Entity({ name: 'emergency_plans' })
export class EmergencyPlanEntity {
  @PrimaryColumn({ name: 'contract_id', type: 'varchar', length: ID_LENGTH })
  contractId: string;

  @Column({ name: 'ward_contacts', type: 'simple-json' })
  wardContacts: EmergencyContact[];

  @Column({ name: 'contractor_contacts', type: 'simple-json' })
  contractorContacts: EmergencyContact[];

  @Column({ name: 'procedure_text', type: 'varchar', length: 4000, nullable: true })
  procedureText: string | null;

  /** Where the written procedure is kept, e.g. 文書番号 or a file name. */
  @Column({ name: 'procedure_document_ref', type: 'varchar', length: 500, nullable: true })
  procedureDocumentRef: string | null;

  /** ISO instant the current procedure was recorded. */
  @Column({
    name: 'procedure_recorded_at',
    type: 'varchar',
    length: INSTANT_LENGTH,
    nullable: true,
  })
  procedureRecordedAt: string | null;

  @Column({ name: 'ward_confirmed_on', type: 'varchar', length: DATE_LENGTH, nullable: true })
  wardConfirmedOn: string | null;

  @Column({ name: 'ward_confirmed_by_user_id', type: 'varchar', length: ID_LENGTH, nullable: true })
  wardConfirmedByUserId: string | null;

  @Column({ name: 'contractor_confirmed_on', type: 'varchar', length: DATE_LENGTH, nullable: true })
  contractorConfirmedOn: string | null;

  @Column({
    name: 'contractor_confirmed_by_user_id',
    type: 'varchar',
    length: ID_LENGTH,
    nullable: true,
  })
  contractorConfirmedByUserId: string | null;

  /** ISO instant of the last entry that changed it. */
  @Column({ name: 'updated_at', type: 'varchar', length: INSTANT_LENGTH })
  updatedAt: string;
}

import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  OneToMany,
  PrimaryColumn,
  type Relation,
} from 'typeorm';
import {
  DATE_LENGTH,
  ID_LENGTH,
  INSTANT_LENGTH,
  instantTransformer,
} from '../../../database/column-types.js';
import { OrganizationEntity } from '../../identity/entities/organization.entity.js';
import { ContractSubcontractorEntity } from './contract-subcontractor.entity.js';

export const CONTRACT_STATUSES = ['active', 'closed'] as const;
export type ContractStatus = (typeof CONTRACT_STATUSES)[number];

/** 業務委託: work a ward outsources to a contractor, with its data and policies. */
@Entity({ name: 'contracts' })
export class ContractEntity {
  @PrimaryColumn({ type: 'varchar', length: ID_LENGTH })
  id: string;

  @Column({ type: 'varchar', length: 300 })
  title: string;

  @Index('idx_contracts_ward')
  @Column({ name: 'ward_organization_id', type: 'varchar', length: ID_LENGTH })
  wardOrganizationId: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'ward_organization_id' })
  wardOrganization?: Relation<OrganizationEntity>;

  @Index('idx_contracts_contractor')
  @Column({ name: 'contractor_organization_id', type: 'varchar', length: ID_LENGTH })
  contractorOrganizationId: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'contractor_organization_id' })
  contractorOrganization?: Relation<OrganizationEntity>;

  @OneToMany(() => ContractSubcontractorEntity, (s) => s.contract)
  subcontractors?: Relation<ContractSubcontractorEntity[]>;

  @Column({ name: 'starts_on', type: 'varchar', length: DATE_LENGTH })
  startsOn: string;

  @Column({ name: 'ends_on', type: 'varchar', length: DATE_LENGTH })
  endsOn: string;

  /** 情報項目: the personal-data items the contractor handles. */
  @Column({ name: 'data_items', type: 'simple-json' })
  dataItems: string[];

  /** 対象者数: number of data subjects. */
  @Column({ name: 'subject_count', type: 'integer' })
  subjectCount: number;

  @Column({ name: 'min_separation_minutes', type: 'integer' })
  minSeparationMinutes: number;

  /** Media of the ward leave only under an approved take-out request (持出し承認). */
  @Column({ name: 'require_takeout_approval', type: 'boolean', default: true })
  requireTakeoutApproval: boolean;

  /** Contractor handlers act only with a valid training on record (§18 従事者に対する教育). */
  @Column({ name: 'require_training', type: 'boolean', default: false })
  requireTraining: boolean;

  /** How long a handler's training stays valid, in months from the day it was given. */
  @Column({ name: 'training_valid_months', type: 'integer', default: 12 })
  trainingValidMonths: number;

  /** The first dispatch waits for the emergency plan (事故等への対応体制). */
  @Column({ name: 'require_emergency_plan', type: 'boolean', default: false })
  requireEmergencyPlan: boolean;

  @Column({ name: 'reminder_lead_days', type: 'simple-json' })
  reminderLeadDays: number[];

  @Column({ type: 'varchar', length: 16 })
  status: ContractStatus;

  @Column({ name: 'created_by_user_id', type: 'varchar', length: ID_LENGTH })
  createdByUserId: string;

  @Column({
    name: 'created_at',
    type: 'varchar',
    length: INSTANT_LENGTH,
    transformer: instantTransformer,
  })
  createdAt: Date;
}

import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  type Relation,
} from 'typeorm';
import { ID_LENGTH, INSTANT_LENGTH, instantTransformer } from '../../../database/column-types.js';
import { OrganizationEntity } from '../../identity/entities/organization.entity.js';
import { ContractEntity } from './contract.entity.js';

/** 再委託先: a subcontractor the ward approved on a contract. */
@Entity({ name: 'contract_subcontractors' })
export class ContractSubcontractorEntity {
  @PrimaryColumn({ name: 'contract_id', type: 'varchar', length: ID_LENGTH })
  contractId: string;

  @Index('idx_contract_subcontractors_organization')
  @PrimaryColumn({ name: 'organization_id', type: 'varchar', length: ID_LENGTH })
  organizationId: string;

  @ManyToOne(() => ContractEntity, (c) => c.subcontractors, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'contract_id' })
  contract?: Relation<ContractEntity>;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Relation<OrganizationEntity>;

  @Column({
    name: 'approved_at',
    type: 'varchar',
    length: INSTANT_LENGTH,
    transformer: instantTransformer,
  })
  approvedAt: Date;
}

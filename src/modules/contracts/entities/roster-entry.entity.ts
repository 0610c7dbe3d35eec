import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  type Relation,
} from 'typeorm';
import {
  DATE_LENGTH,
  ID_LENGTH,
  INSTANT_LENGTH,
  instantTransformer,
} from '../../../database/column-types.js';
import { UserEntity } from '../../identity/entities/user.entity.js';
import { ContractEntity } from './contract.entity.js';
import type { RosterRole } from '../roster.rule.js';

/**
 * 名簿: a contractor's user named on a contract as its responsible person
 * (取扱責任者) or a handler (取扱者). Entries are never deleted: removing one
 * stamps `removedAt`, so the roster at any past moment can be answered.
 */
@Entity({ name: 'roster_entries' })
@Index('idx_roster_entries_contract_user', ['contractId', 'userId'])
export class RosterEntryEntity {
  @PrimaryColumn({ type: 'varchar', length: ID_LENGTH })
  id: string;

  @Column({ name: 'contract_id', type: 'varchar', length: ID_LENGTH })
  contractId: string;

  @ManyToOne(() => ContractEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'contract_id' })
  contract?: Relation<ContractEntity>;

  @Column({ name: 'user_id', type: 'varchar', length: ID_LENGTH })
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<UserEntity>;

  /** The user's organization when named (contractor or subcontractor). */
  @Column({ name: 'organization_id', type: 'varchar', length: ID_LENGTH })
  organizationId: string;

  @Column({ type: 'varchar', length: 16 })
  role: RosterRole;

  @Column({ name: 'valid_from', type: 'varchar', length: DATE_LENGTH })
  validFrom: string;

  @Column({ name: 'valid_to', type: 'varchar', length: DATE_LENGTH, nullable: true })
  validTo: string | null;

  @Column({ name: 'created_by_user_id', type: 'varchar', length: ID_LENGTH })
  createdByUserId: string;

  @Column({
    name: 'created_at',
    type: 'varchar',
    length: INSTANT_LENGTH,
    transformer: instantTransformer,
  })
  createdAt: Date;

  @Column({ name: 'removed_by_user_id', type: 'varchar', length: ID_LENGTH, nullable: true })
  removedByUserId: string | null;

  @Column({
    name: 'removed_at',
    type: 'varchar',
    length: INSTANT_LENGTH,
    nullable: true,
    transformer: instantTransformer,
  })
  removedAt: Date | null;
}

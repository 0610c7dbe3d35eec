import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import {
  DATE_LENGTH,
  ID_LENGTH,
  INSTANT_LENGTH,
  instantTransformer,
} from '../../../database/column-types.js';

/**
 * 従事者に対する教育: a training in handling personal data that a contractor's
 * staff member received, as recorded on a contract. Never changed: a later
 * training is another row, and the latest one counts.
 */
@Entity({ name: 'handler_trainings' })
@Index('idx_handler_trainings_contract_user', ['contractId', 'userId'])
export class HandlerTrainingEntity {
  @PrimaryColumn({ type: 'varchar', length: ID_LENGTH })
  id: string;

  @Column({ name: 'contract_id', type: 'varchar', length: ID_LENGTH })
  contractId: string;

  @Column({ name: 'user_id', type: 'varchar', length: ID_LENGTH })
  userId: string;

  @Column({ name: 'organization_id', type: 'varchar', length: ID_LENGTH })
  organizationId: string;

  /** The day the training was given. */
  @Column({ name: 'trained_on', type: 'varchar', length: DATE_LENGTH })
  trainedOn: string;

  @Column({ type: 'varchar', length: 200 })
  course: string;

  /** Who gave it: a person or a body. */
  @Column({ type: 'varchar', length: 200 })
  trainer: string;

  @Column({ name: 'recorded_by_user_id', type: 'varchar', length: ID_LENGTH })
  recordedByUserId: string;

  @Column({
    name: 'recorded_at',
    type: 'varchar',
    length: INSTANT_LENGTH,
    transformer: instantTransformer,
  })
  recordedAt: Date;

  /** The ledger entry that recorded it. */
  @Column({ type: 'integer' })
  seq: number;
}

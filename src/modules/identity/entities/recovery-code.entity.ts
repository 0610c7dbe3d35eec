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
import { UserEntity } from './user.entity.js';

/**
 * A one-time recovery code of a user's second factor. Only the SHA-256 of
 * the code is kept (the codes are random, 50 bits each, so a fast hash is
 * enough); a used code keeps its row with `usedAt` set.
 */
@Entity({ name: 'mfa_recovery_codes' })
@Index('uq_mfa_recovery_codes_user_hash', ['userId', 'codeHash'], { unique: true })
export class RecoveryCodeEntity {
  @PrimaryColumn({ type: 'varchar', length: ID_LENGTH })
  id: string;

  @Column({ name: 'user_id', type: 'varchar', length: ID_LENGTH })
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<UserEntity>;

  @Column({ name: 'code_hash', type: 'varchar', length: 64 })
  codeHash: string;

  @Column({
    name: 'created_at',
    type: 'varchar',
    length: INSTANT_LENGTH,
    transformer: instantTransformer,
  })
  createdAt: Date;

  @Column({
    name: 'used_at',
    type: 'varchar',
    length: INSTANT_LENGTH,
    nullable: true,
    transformer: instantTransformer,
  })
  usedAt: Date | null;
}

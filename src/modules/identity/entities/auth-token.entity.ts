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

/** A bearer token. Only the SHA-256 of the token is kept, never the token. */
@Entity({ name: 'auth_tokens' })
export class AuthTokenEntity {
  @PrimaryColumn({ type: 'varchar', length: ID_LENGTH })
  id: string;

  @Column({ name: 'token_hash', type: 'varchar', length: 64, unique: true })
  tokenHash: string;

  @Index('idx_auth_tokens_user')
  @Column({ name: 'user_id', type: 'varchar', length: ID_LENGTH })
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<UserEntity>;

  @Column({
    name: 'created_at',
    type: 'varchar',
    length: INSTANT_LENGTH,
    transformer: instantTransformer,
  })
  createdAt: Date;

  @Column({
    name: 'expires_at',
    type: 'varchar',
    length: INSTANT_LENGTH,
    transformer: instantTransformer,
  })
  expiresAt: Date;

  @Column({
    name: 'revoked_at',
    type: 'varchar',
    length: INSTANT_LENGTH,
    nullable: true,
    transformer: instantTransformer,
  })
  revokedAt: Date | null;
}

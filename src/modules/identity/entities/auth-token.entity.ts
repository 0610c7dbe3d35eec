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

/** Longest client address kept: an IPv6 address with a zone fits. */
export const CLIENT_ADDRESS_LENGTH = 64;
/** Longest User-Agent kept; longer ones are cut. */
export const USER_AGENT_LENGTH = 512;

/** What a bearer token is good for (see {@link AuthTokenEntity.kind}). */
export type AuthTokenKind = 'session' | 'mfa';

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

  /**
   * 'session' for a signed-in session; 'mfa' for the short-lived token a
   * correct password gives on an account with a second factor, which only
   * POST /api/auth/mfa/verify accepts.
   */
  @Column({ type: 'varchar', length: 16, default: 'session' })
  kind: AuthTokenKind;

  /**
   * When the token last served a request, to within a minute: stamped at
   * login and then at most once a minute, so a session ends between
   * SESSION_IDLE_MINUTES - 1 and SESSION_IDLE_MINUTES after its last request.
   * Null for tokens issued before it was kept (their creation time counts).
   */
  @Column({
    name: 'last_used_at',
    type: 'varchar',
    length: INSTANT_LENGTH,
    nullable: true,
    transformer: instantTransformer,
  })
  lastUsedAt: Date | null;

  /** The address the login came from, as the access log sees it (TRUST_PROXY applies). */
  @Column({
    name: 'client_address',
    type: 'varchar',
    length: CLIENT_ADDRESS_LENGTH,
    nullable: true,
  })
  clientAddress: string | null;

  /** The login's User-Agent header, cut to {@link USER_AGENT_LENGTH} characters. */
  @Column({ name: 'user_agent', type: 'varchar', length: USER_AGENT_LENGTH, nullable: true })
  userAgent: string | null;
}

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
import { OrganizationEntity } from './organization.entity.js';
import type { Role } from '../roles.js';

/** How a user with an e-mail address gets their notifications by mail. */
export const MAIL_MODES = ['immediate', 'digest', 'off'] as const;
export type MailMode = (typeof MAIL_MODES)[number];

@Entity({ name: 'users' })
export class UserEntity {
  @PrimaryColumn({ type: 'varchar', length: ID_LENGTH })
  id: string;

  @Index('idx_users_organization')
  @Column({ name: 'organization_id', type: 'varchar', length: ID_LENGTH })
  organizationId: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Relation<OrganizationEntity>;

  @Column({ name: 'login_id', type: 'varchar', length: 64, unique: true })
  loginId: string;

  @Column({ name: 'display_name', type: 'varchar', length: 200 })
  displayName: string;

  @Column({ type: 'varchar', length: 32 })
  role: Role;

  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash: string;

  /** Hashes of earlier passwords, newest first, so that none is reused. */
  @Column({ name: 'previous_password_hashes', type: 'simple-json' })
  previousPasswordHashes: string[];

  /** Set for a password someone else chose: it must be changed at first login. */
  @Column({ name: 'must_change_password', type: 'boolean' })
  mustChangePassword: boolean;

  @Column({ type: 'boolean' })
  active: boolean;

  /** Where notifications are e-mailed (see mailMode); null: only the inbox. */
  @Column({ type: 'varchar', length: 254, nullable: true })
  email: string | null;

  /** `immediate`: a mail per notification; `digest`: one a day at the scan; `off`: none. */
  @Column({ name: 'mail_mode', type: 'varchar', length: 16, default: 'immediate' })
  mailMode: MailMode;

  /** A ward officer who approves take-out requests of their ward (所属長). */
  @Column({ name: 'is_approver', type: 'boolean', default: false })
  isApprover: boolean;

  @Column({
    name: 'created_at',
    type: 'varchar',
    length: INSTANT_LENGTH,
    transformer: instantTransformer,
  })
  createdAt: Date;

  /** The confirmed TOTP secret (base32): set, the account has a second factor. */
  @Column({ name: 'totp_secret', type: 'varchar', length: 64, nullable: true })
  totpSecret: string | null;

  /** A secret handed out by enrollment and not yet confirmed with a code. */
  @Column({ name: 'totp_pending_secret', type: 'varchar', length: 64, nullable: true })
  totpPendingSecret: string | null;

  @Column({
    name: 'totp_confirmed_at',
    type: 'varchar',
    length: INSTANT_LENGTH,
    nullable: true,
    transformer: instantTransformer,
  })
  totpConfirmedAt: Date | null;

  /** The time step of the last accepted code: that step and earlier ones are spent. */
  @Column({ name: 'totp_last_step', type: 'integer', nullable: true })
  totpLastStep: number | null;
}

import { Column, Entity, PrimaryColumn } from 'typeorm';
import { INSTANT_LENGTH, instantTransformer } from '../../../database/column-types.js';

/**
 * Consecutive failed logins of one login id, known or not (so that a lock
 * tells nobody whether an account exists). Kept in the database so that a
 * lock holds across restarts and across instances.
 */
@Entity({ name: 'login_throttles' })
export class LoginThrottleEntity {
  /** The login id as typed, trimmed and lower-cased. */
  @PrimaryColumn({ name: 'login_key', type: 'varchar', length: 128 })
  loginKey: string;

  /** Attempts counted since the last success, those under way included. */
  @Column({ type: 'integer' })
  failures: number;

  @Column({
    name: 'locked_until',
    type: 'varchar',
    length: INSTANT_LENGTH,
    nullable: true,
    transformer: instantTransformer,
  })
  lockedUntil: Date | null;

  @Column({
    name: 'last_attempt_at',
    type: 'varchar',
    length: INSTANT_LENGTH,
    transformer: instantTransformer,
  })
  lastAttemptAt: Date;
}

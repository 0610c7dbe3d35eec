import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { Clock } from '../../common/time/clock.js';
import { Sql } from '../../database/sql.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import {
  failureLocks,
  isLockedAt,
  lockEnd,
  lockEndOf,
  lockHasExpired,
  mayVerify,
  retryAfterSeconds,
  throttleKey,
  type ThrottleLimits,
  type ThrottleState,
} from './login-throttle.rule.js';

interface ThrottleRow {
  failures: number | string;
  locked_until: string | null;
  last_attempt_at: string;
}

/**
 * Locks a login id after LOGIN_MAX_FAILURES failures in a row, for
 * LOGIN_LOCK_MINUTES, whether an account has that id or not.
 *
 * An attempt is counted BEFORE its password (or second-factor code) is
 * checked, by one atomic upsert that increments the count only while it is
 * under the limit: of any number of simultaneous attempts, at most
 * LOGIN_MAX_FAILURES get to the check, and the others are refused with 429
 * at once. A success forgets the count; a failure leaves it counted and, at
 * the limit, sets the lock. The state is in `login_throttles`, so it holds
 * across restarts and instances.
 */
@Injectable()
export class LoginThrottleService {
  constructor(
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly tx: TransactionRunner,
    private readonly dataSource: DataSource,
  ) {}

  private get limits(): ThrottleLimits {
    return {
      maxFailures: this.config.LOGIN_MAX_FAILURES,
      lockMinutes: this.config.LOGIN_LOCK_MINUTES,
    };
  }

  /** Throws DomainError TOO_MANY_ATTEMPTS (details.retryAfterSeconds) while the id is locked; otherwise counts one attempt, atomically. */
  async beginAttempt(loginId: string): Promise<void> {
    const key = throttleKey(loginId);
    const now = this.clock.now();
    // Bookkeeping, not the request's own write: the request's entry in the
    // access log commits with the outcome (attemptFailed / attemptSucceeded).
    const limits = this.limits;
    const refused = await this.tx.runUnrecorded(async (manager) => {
      const sql = new Sql(manager);
      const state = await readState(sql, key);
      if (isLockedAt(state, now, limits)) return state;
      if (state && lockHasExpired(state, now, limits)) {
        // The lock has run out: start counting again. Compare-and-set on the
        // row as read, so that of two attempts that saw it only one resets.
        await sql.run(
          `UPDATE login_throttles SET failures = 0, locked_until = NULL
            WHERE login_key = ? AND last_attempt_at = ? AND COALESCE(locked_until, '') = ?`,
          [key, state.lastAttemptAt.toISOString(), state.lockedUntil?.toISOString() ?? ''],
        );
      }
      // Counts only while under the limit: no row comes back at the limit.
      const counted = await sql.all<{ failures: number | string }>(
        `INSERT INTO login_throttles (login_key, failures, locked_until, last_attempt_at)
         VALUES (?, 1, NULL, ?)
         ON CONFLICT (login_key) DO UPDATE
            SET failures = login_throttles.failures + 1, last_attempt_at = excluded.last_attempt_at
          WHERE login_throttles.failures < ?
         RETURNING failures`,
        [key, now.toISOString(), limits.maxFailures],
      );
      if (counted[0] && mayVerify(Number(counted[0].failures), limits)) return null;
      // At the limit: the attempts under way (or a lock) have used the allowance.
      const full = { failures: limits.maxFailures, lockedUntil: null, lastAttemptAt: now };
      return (await readState(sql, key)) ?? full;
    });
    if (refused) {
      const seconds = retryAfterSeconds(refused, now, this.limits);
      throw new DomainError(
        'TOO_MANY_ATTEMPTS',
        `Too many failed attempts for this login id: try again in ${seconds} seconds`,
        { retryAfterSeconds: seconds },
      );
    }
  }

  /** Inside the transaction that records a failed attempt: it stays counted; says whether this failure locked the id. */
  async attemptFailed(manager: EntityManager, loginId: string): Promise<{ lockedNow: boolean }> {
    const key = throttleKey(loginId);
    const now = this.clock.now();
    const sql = new Sql(manager);
    const state = await readState(sql, key, true);
    if (!state || !failureLocks(state, this.limits, now)) return { lockedNow: false };
    await sql.run(`UPDATE login_throttles SET locked_until = ? WHERE login_key = ?`, [
      lockEnd(now, this.limits).toISOString(),
      key,
    ]);
    return { lockedNow: true };
  }

  /** Inside the transaction of a successful attempt: the count goes back to zero. */
  async attemptSucceeded(manager: EntityManager, loginId: string): Promise<void> {
    await new Sql(manager).run(`DELETE FROM login_throttles WHERE login_key = ?`, [
      throttleKey(loginId),
    ]);
  }

  /**
   * Inside the transaction of a correct password on an account with a second
   * factor: this attempt is uncounted again, but earlier failures stay, so
   * logging in anew never buys more guesses of the code (each code attempt
   * is counted on its own by {@link beginAttempt}).
   */
  async firstFactorPassed(manager: EntityManager, loginId: string): Promise<void> {
    await new Sql(manager).run(
      `UPDATE login_throttles SET failures = failures - 1 WHERE login_key = ? AND failures > 0`,
      [throttleKey(loginId)],
    );
  }

  /** An admin's unlock. */
  async unlock(manager: EntityManager, loginId: string): Promise<void> {
    await new Sql(manager).run(`DELETE FROM login_throttles WHERE login_key = ?`, [
      throttleKey(loginId),
    ]);
  }

  /** For the admin's user list: locked until when, or null. */
  async lockedUntil(loginId: string): Promise<Date | null> {
    const state = await readState(new Sql(this.dataSource.manager), throttleKey(loginId));
    return isLockedAt(state, this.clock.now(), this.limits) ? lockEndOf(state, this.limits) : null;
  }
}

async function readState(sql: Sql, key: string, forUpdate = false): Promise<ThrottleState | null> {
  const row = await sql.one<ThrottleRow>(
    `SELECT failures, locked_until, last_attempt_at FROM login_throttles WHERE login_key = ?${forUpdate ? sql.forUpdate : ''}`,
    [key],
  );
  if (!row) return null;
  return {
    failures: Number(row.failures),
    lockedUntil: row.locked_until === null ? null : new Date(row.locked_until),
    lastAttemptAt: new Date(row.last_attempt_at),
  };
}

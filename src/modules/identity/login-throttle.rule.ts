/**
 * The arithmetic of login throttling, with no framework in it: when a login
 * id is locked, for how long a caller is told to wait, and whether a failure
 * locks it. The service keeps the state in the database (`login_throttles`)
 * and asks these functions about it.
 *
 * An attempt is counted when it starts, before its password is checked, so
 * the count includes attempts under way. A count at the limit without a lock
 * means that the allowance is taken by attempts whose outcome is not known
 * yet: their failure will set the lock, their success will clear the count.
 * Should they never end (a crash between the count and the outcome, a
 * correct password whose second factor never comes), the id is treated as
 * locked from the last counted attempt for the lock's length, so that a
 * count can never hold an id shut for good.
 */

/** What the database holds for one login id. */
export interface ThrottleState {
  /** Consecutive counted attempts since the last success (attempts under way included). */
  failures: number;
  /** Set by the failure that reached the limit. */
  lockedUntil: Date | null;
  /** When the last attempt was counted. */
  lastAttemptAt: Date;
}

export interface ThrottleLimits {
  /** Failures in a row that lock the id (LOGIN_MAX_FAILURES). */
  maxFailures: number;
  /** How long a lock lasts (LOGIN_LOCK_MINUTES). */
  lockMinutes: number;
}

/**
 * The key of a login id's throttle: the id as typed, trimmed and lower-cased,
 * so that `Tanaka ` and `tanaka` share one count.
 */
export function throttleKey(loginId: string): string {
  return loginId.trim().toLowerCase();
}

/** When the id's lock ends: the lock set by a failure, or the one implied by a full count (see above). */
export function lockEndOf(state: ThrottleState | null, limits: ThrottleLimits): Date | null {
  if (!state) return null;
  if (state.lockedUntil) return state.lockedUntil;
  if (state.failures < limits.maxFailures) return null;
  return lockEnd(state.lastAttemptAt, limits);
}

/** Whether the id is locked at `now` (a lock ends at its end instant). */
export function isLockedAt(
  state: ThrottleState | null,
  now: Date,
  limits: ThrottleLimits,
): boolean {
  const end = lockEndOf(state, limits);
  return end !== null && now.getTime() < end.getTime();
}

/** Whether a lock has run out at `now`: the count starts again from zero. */
export function lockHasExpired(
  state: ThrottleState | null,
  now: Date,
  limits: ThrottleLimits,
): boolean {
  const end = lockEndOf(state, limits);
  return end !== null && now.getTime() >= end.getTime();
}

/** Whole seconds to wait, for `Retry-After`: the rest of the lock, rounded up, at least 1. */
export function retryAfterSeconds(
  state: ThrottleState | null,
  now: Date,
  limits: ThrottleLimits,
): number {
  const end = lockEndOf(state, limits);
  if (!end) return 1;
  return Math.max(1, Math.ceil((end.getTime() - now.getTime()) / 1000));
}

/** Whether an attempt numbered `count` (1-based, since the last success) may check the password. */
export function mayVerify(count: number, limits: ThrottleLimits): boolean {
  return count <= limits.maxFailures;
}

/**
 * Whether a failure sets the lock: the count (this failure included) has
 * reached the limit and no lock set by an earlier failure is in force.
 */
export function failureLocks(state: ThrottleState, limits: ThrottleLimits, now: Date): boolean {
  if (state.failures < limits.maxFailures) return false;
  return state.lockedUntil === null || state.lockedUntil.getTime() <= now.getTime();
}

/** When a lock that starts at `from` ends. */
export function lockEnd(from: Date, limits: ThrottleLimits): Date {
  return new Date(from.getTime() + limits.lockMinutes * 60_000);
}

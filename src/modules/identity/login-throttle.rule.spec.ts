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

const limits: ThrottleLimits = { maxFailures: 5, lockMinutes: 15 };
const t0 = new Date('2026-04-01T00:00:00.000Z');
const at = (ms: number): Date => new Date(t0.getTime() + ms);
const MINUTE = 60_000;
const state = (failures: number, lockedUntil: Date | null, lastAttemptAt = t0): ThrottleState => ({
  failures,
  lockedUntil,
  lastAttemptAt,
});

describe('throttleKey', () => {
  it('trims and lower-cases the login id as typed', () => {
    expect(throttleKey('  Tanaka.H ')).toBe('tanaka.h');
    expect(throttleKey('tanaka.h')).toBe(throttleKey('TANAKA.H'));
  });
});

describe('isLockedAt / lockHasExpired', () => {
  const locked = state(5, at(15 * MINUTE));

  it('is not locked without a row, or below the limit without a lock', () => {
    expect(isLockedAt(null, t0, limits)).toBe(false);
    expect(isLockedAt(state(4, null), t0, limits)).toBe(false);
    expect(lockHasExpired(state(4, null), at(60 * MINUTE), limits)).toBe(false);
  });

  it('is locked up to the last millisecond before the lock ends, and free from then on', () => {
    expect(isLockedAt(locked, t0, limits)).toBe(true);
    expect(isLockedAt(locked, at(15 * MINUTE - 1), limits)).toBe(true);
    expect(lockHasExpired(locked, at(15 * MINUTE - 1), limits)).toBe(false);
    expect(isLockedAt(locked, at(15 * MINUTE), limits)).toBe(false);
    expect(lockHasExpired(locked, at(15 * MINUTE), limits)).toBe(true);
  });

  it('treats a full count without a lock (attempts under way) as locked from the last attempt', () => {
    const full = state(5, null, t0);
    expect(lockEndOf(full, limits)).toEqual(at(15 * MINUTE));
    expect(isLockedAt(full, at(1000), limits)).toBe(true);
    // Attempts that never ended cannot hold the id shut for good.
    expect(isLockedAt(full, at(15 * MINUTE), limits)).toBe(false);
    expect(lockHasExpired(full, at(15 * MINUTE), limits)).toBe(true);
  });

  it('follows the lock a failure set over the implied one', () => {
    expect(lockEndOf(state(5, at(20 * MINUTE), t0), limits)).toEqual(at(20 * MINUTE));
  });
});

describe('retryAfterSeconds', () => {
  it('is the rest of the lock in whole seconds, rounded up', () => {
    const locked = state(5, at(15 * MINUTE));
    expect(retryAfterSeconds(locked, t0, limits)).toBe(900);
    expect(retryAfterSeconds(locked, at(1), limits)).toBe(900);
    expect(retryAfterSeconds(locked, at(1000), limits)).toBe(899);
    expect(retryAfterSeconds(locked, at(15 * MINUTE - 1), limits)).toBe(1);
  });

  it('is at least one second', () => {
    expect(retryAfterSeconds(state(5, at(0)), t0, limits)).toBe(1);
    expect(retryAfterSeconds(state(1, null), t0, limits)).toBe(1);
    expect(retryAfterSeconds(null, t0, limits)).toBe(1);
  });

  it('counts from the last attempt while the allowance is taken by attempts under way', () => {
    expect(retryAfterSeconds(state(5, null, t0), at(60_000), limits)).toBe(840);
  });
});

describe('mayVerify', () => {
  it('lets the first maxFailures attempts check the password and no more', () => {
    expect(mayVerify(1, limits)).toBe(true);
    expect(mayVerify(5, limits)).toBe(true);
    expect(mayVerify(6, limits)).toBe(false);
  });
});

describe('failureLocks', () => {
  it('does not lock below the limit', () => {
    expect(failureLocks(state(4, null), limits, t0)).toBe(false);
  });

  it('locks at the limit', () => {
    expect(failureLocks(state(5, null), limits, t0)).toBe(true);
  });

  it('does not lock again while a lock is in force', () => {
    expect(failureLocks(state(5, at(MINUTE)), limits, t0)).toBe(false);
  });

  it('locks again when the earlier lock has run out', () => {
    expect(failureLocks(state(5, at(-1)), limits, t0)).toBe(true);
  });

  it('follows the configured limit', () => {
    expect(failureLocks(state(1, null), { maxFailures: 1, lockMinutes: 1 }, t0)).toBe(true);
  });
});

describe('lockEnd', () => {
  it('is lockMinutes after its start', () => {
    expect(lockEnd(t0, limits).toISOString()).toBe('2026-04-01T00:15:00.000Z');
    expect(lockEnd(t0, { maxFailures: 5, lockMinutes: 1440 }).toISOString()).toBe(
      '2026-04-02T00:00:00.000Z',
    );
  });
});

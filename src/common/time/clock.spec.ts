import { Clock, FixedClock, SystemClock } from './clock.js';

describe('FixedClock', () => {
  it('stands still at the instant it was given, as a Date or an ISO string', () => {
    const fromString = new FixedClock('2026-03-31T14:59:59.999Z');
    expect(fromString.now().toISOString()).toBe('2026-03-31T14:59:59.999Z');
    expect(fromString.now().toISOString()).toBe('2026-03-31T14:59:59.999Z');

    const fromDate = new FixedClock(new Date('2026-01-01T00:00:00Z'));
    expect(fromDate.now().toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(fromDate).toBeInstanceOf(Clock);
  });

  it('does not share the Date it was constructed with', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    const clock = new FixedClock(at);
    at.setUTCFullYear(1999);
    expect(clock.now().toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  it('returns a fresh copy from now(): mutating it does not move the clock', () => {
    const clock = new FixedClock('2026-01-01T00:00:00Z');
    const first = clock.now();
    const second = clock.now();
    expect(first).not.toBe(second);
    expect(first.getTime()).toBe(second.getTime());
    first.setTime(0);
    expect(clock.now().toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(second.toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  it('set() jumps to another instant', () => {
    const clock = new FixedClock('2026-01-01T00:00:00Z');
    clock.set('2026-04-01T00:00:00+09:00');
    expect(clock.now().toISOString()).toBe('2026-03-31T15:00:00.000Z');
    const at = new Date('2027-01-01T00:00:00Z');
    clock.set(at);
    at.setTime(0);
    expect(clock.now().toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('advance() moves forward (and backward) by milliseconds, cumulatively', () => {
    const clock = new FixedClock('2026-03-31T14:59:59.999Z');
    clock.advance(1);
    expect(clock.now().toISOString()).toBe('2026-03-31T15:00:00.000Z');
    clock.advance(60 * 60 * 1000);
    clock.advance(30 * 1000);
    expect(clock.now().toISOString()).toBe('2026-03-31T16:00:30.000Z');
    clock.advance(-30 * 1000);
    expect(clock.now().toISOString()).toBe('2026-03-31T16:00:00.000Z');
    clock.advance(0);
    expect(clock.now().toISOString()).toBe('2026-03-31T16:00:00.000Z');
  });
});

describe('SystemClock', () => {
  it('answers the current time', () => {
    const before = Date.now();
    const now = new SystemClock().now().getTime();
    const after = Date.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(after);
  });
});

import { timeOrderedUuid } from './time-ordered-uuid.js';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The Unix milliseconds a version-7 id carries in its first 48 bits. */
const millisecondsOf = (id: string): number => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

// Far ahead of any other test's instants: ids made earlier in this process do not hold these back.
const base = Date.parse('2099-01-01T00:00:00.000Z');

describe('timeOrderedUuid', () => {
  it('is a UUID of version 7 and the RFC variant, carrying the instant given as time moves on', () => {
    for (const ms of [base, base + 1, base + 86_400_000]) {
      const id = timeOrderedUuid(new Date(ms));
      expect(id).toMatch(V7);
      expect(millisecondsOf(id)).toBe(ms);
    }
  });

  it('sorts in the order made when the clock stands still, past the counter of one millisecond, or steps back', () => {
    const later = base + 2 * 86_400_000;
    const made: string[] = [];
    // A fixed clock: 10,000 ids overflow the 12-bit counter at least twice.
    for (let i = 0; i < 10_000; i++) made.push(timeOrderedUuid(new Date(later)));
    // A clock set back a minute, then moving on again.
    for (let i = 0; i < 100; i++) made.push(timeOrderedUuid(new Date(later - 60_000)));
    for (let ms = 1; ms <= 100; ms++) made.push(timeOrderedUuid(new Date(later + ms * 1000)));
    expect([...made].sort()).toEqual(made);
    expect(new Set(made).size).toBe(made.length);
    for (const id of made) expect(id).toMatch(V7);
    // The overflow moved the timestamp on by a few milliseconds, no more.
    expect(millisecondsOf(made[9_999]!) - later).toBeGreaterThanOrEqual(2);
    expect(millisecondsOf(made[9_999]!) - later).toBeLessThanOrEqual(3);
    // Once the clock is past what the ids carry, they carry the clock again.
    expect(millisecondsOf(made.at(-1)!)).toBe(later + 100_000);
  });

  it('refuses an invalid date or one before 1970, and the order goes on after it', () => {
    const at = base + 3 * 86_400_000;
    const before = timeOrderedUuid(new Date(at));
    expect(() => timeOrderedUuid(new Date(Number.NaN))).toThrow(RangeError);
    expect(() => timeOrderedUuid(new Date(-1))).toThrow(RangeError);
    const after = timeOrderedUuid(new Date(at - 60_000));
    expect(after > before).toBe(true);
    expect(millisecondsOf(after)).toBe(at);
  });
});

import { businessWallClock, formatBusinessTime } from './business-time.js';

const TZ = 'Asia/Tokyo';

describe('businessWallClock', () => {
  it('reads the Tokyo wall clock into the UTC fields of a Date', () => {
    const d = businessWallClock('2026-03-31T15:00:00.000Z', TZ);
    expect(d.toISOString()).toBe('2026-04-01T00:00:00.000Z');
  });

  it('keeps the seconds and drops the milliseconds', () => {
    expect(businessWallClock('2026-03-31T14:59:59.999Z', TZ).toISOString()).toBe(
      '2026-03-31T23:59:59.000Z',
    );
  });

  it('accepts an instant with an offset', () => {
    expect(businessWallClock('2026-04-01T09:05:30+09:00', TZ).toISOString()).toBe(
      '2026-04-01T09:05:30.000Z',
    );
  });

  it('crosses a year boundary', () => {
    expect(businessWallClock('2026-12-31T15:00:00Z', TZ).toISOString()).toBe(
      '2027-01-01T00:00:00.000Z',
    );
  });

  it('follows a zone with daylight saving time', () => {
    // New York: UTC-5 in January, UTC-4 in July.
    expect(businessWallClock('2026-01-15T12:00:00Z', 'America/New_York').toISOString()).toBe(
      '2026-01-15T07:00:00.000Z',
    );
    expect(businessWallClock('2026-07-15T12:00:00Z', 'America/New_York').toISOString()).toBe(
      '2026-07-15T08:00:00.000Z',
    );
  });

  it('agrees with formatBusinessTime to the minute', () => {
    for (const iso of ['2026-03-31T14:59:00Z', '2026-06-30T23:30:00Z', '2027-02-28T15:00:00Z']) {
      const wall = businessWallClock(iso, TZ).toISOString();
      expect(`${wall.slice(0, 10).replace(/-/g, '/')} ${wall.slice(11, 16)}`).toBe(
        formatBusinessTime(iso, TZ),
      );
    }
  });
});

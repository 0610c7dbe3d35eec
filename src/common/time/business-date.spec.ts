import { businessDateOf, isIsoDate } from './business-date.js';

describe('isIsoDate', () => {
  it.each(['2024-02-29', '2026-01-01', '2026-12-31', '2000-02-29', '1999-12-31', '9999-12-31'])(
    'accepts the real calendar date %s',
    (value) => {
      expect(isIsoDate(value)).toBe(true);
    },
  );

  it.each([
    ['2025-02-29', 'not a leap year'],
    ['1900-02-29', 'century that is not a leap year'],
    ['2026-13-01', 'month 13'],
    ['2026-00-10', 'month 0'],
    ['2026-04-31', 'April has 30 days'],
    ['2026-01-00', 'day 0'],
    ['2026-01-32', 'day 32'],
    ['2026-1-01', 'one-digit month'],
    ['2026-01-1', 'one-digit day'],
    ['26-01-01', 'two-digit year'],
    ['2026/01/01', 'slashes'],
    ['20260101', 'no separators'],
    ['2026-01-01T00:00:00Z', 'a timestamp'],
    [' 2026-01-01', 'leading space'],
    ['2026-01-01 ', 'trailing space'],
    ['2026-01-01\n', 'trailing newline'],
    ['２０２６-０１-０１', 'full-width digits'],
    ['', 'empty string'],
  ])('refuses %j (%s)', (value) => {
    expect(isIsoDate(value)).toBe(false);
  });

  it.each([
    [null],
    [undefined],
    [20260101],
    [new Date('2026-01-01T00:00:00Z')],
    [{ toString: () => '2026-01-01' }],
    [['2026-01-01']],
  ])('refuses the non-string %p', (value) => {
    expect(isIsoDate(value)).toBe(false);
  });
});

describe('businessDateOf', () => {
  const TOKYO = 'Asia/Tokyo';

  it('keeps the last millisecond of 31 March (JST) on 2026-03-31', () => {
    const instant = new Date('2026-03-31T14:59:59.999Z'); // 23:59:59.999 JST
    expect(businessDateOf(instant, TOKYO)).toBe('2026-03-31');
    expect(businessDateOf(instant, 'UTC')).toBe('2026-03-31');
  });

  it('moves to 2026-04-01 at midnight JST while the UTC date is still 31 March', () => {
    const instant = new Date('2026-03-31T15:00:00.000Z'); // 00:00 JST on 1 April
    expect(businessDateOf(instant, TOKYO)).toBe('2026-04-01');
    expect(businessDateOf(instant, 'UTC')).toBe('2026-03-31');
  });

  it('agrees with UTC once the UTC day has also turned', () => {
    const instant = new Date('2026-04-01T00:00:00.000Z');
    expect(businessDateOf(instant, TOKYO)).toBe('2026-04-01');
    expect(businessDateOf(instant, 'UTC')).toBe('2026-04-01');
  });

  it('follows the zone west of UTC too', () => {
    const instant = new Date('2026-01-01T03:00:00.000Z');
    expect(businessDateOf(instant, 'America/New_York')).toBe('2025-12-31');
    expect(businessDateOf(instant, TOKYO)).toBe('2026-01-01');
  });

  it('always answers a valid YYYY-MM-DD date', () => {
    for (const iso of ['2024-02-29T12:00:00Z', '2026-12-31T23:59:59Z', '2026-06-15T15:00:00Z']) {
      const date = businessDateOf(new Date(iso), TOKYO);
      expect(date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(isIsoDate(date)).toBe(true);
    }
  });
});

describe('isIsoDate for years below 100', () => {
  it('accepts a real date in year 0050 and refuses 0050-02-29', () => {
    expect(isIsoDate('0050-01-01')).toBe(true);
    expect(isIsoDate('0048-02-29')).toBe(true);
    expect(isIsoDate('0050-02-29')).toBe(false);
  });
});

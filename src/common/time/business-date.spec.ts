import { addDays, businessDateOf, daysBetween, instantAt, isIsoDate } from './business-date.js';

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

describe('calendar arithmetic', () => {
  it('adds days across months, leap days and years', () => {
    expect(addDays('2027-03-31', 1)).toBe('2027-04-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2027-02-28', 1)).toBe('2027-03-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2027-04-01', -1)).toBe('2027-03-31');
    expect(addDays('2027-03-31', -60)).toBe('2027-01-30');
  });

  it('counts whole days between dates, negative backwards', () => {
    expect(daysBetween('2027-01-30', '2027-03-31')).toBe(60);
    expect(daysBetween('2027-03-31', '2027-03-31')).toBe(0);
    expect(daysBetween('2027-04-01', '2027-03-31')).toBe(-1);
    expect(daysBetween('2028-02-01', '2028-03-01')).toBe(29);
  });
});

describe('instantAt', () => {
  it('is 09:00 in Tokyo as midnight UTC of the same day', () => {
    expect(instantAt('2027-04-01', '09:00', 'Asia/Tokyo').toISOString()).toBe(
      '2027-04-01T00:00:00.000Z',
    );
    expect(instantAt('2027-03-31', '08:59', 'Asia/Tokyo').toISOString()).toBe(
      '2027-03-30T23:59:00.000Z',
    );
  });

  it('follows daylight saving where the zone has it', () => {
    expect(instantAt('2027-01-15', '09:00', 'Europe/Berlin').toISOString()).toBe(
      '2027-01-15T08:00:00.000Z',
    );
    expect(instantAt('2027-07-15', '09:00', 'Europe/Berlin').toISOString()).toBe(
      '2027-07-15T07:00:00.000Z',
    );
    expect(instantAt('2027-07-15', '00:00', 'UTC').toISOString()).toBe('2027-07-15T00:00:00.000Z');
  });

  it('is the inverse of businessDateOf at any time of day', () => {
    for (const time of ['00:00', '09:00', '23:59']) {
      expect(businessDateOf(instantAt('2027-03-31', time, 'Asia/Tokyo'), 'Asia/Tokyo')).toBe(
        '2027-03-31',
      );
    }
  });
});

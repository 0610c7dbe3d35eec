import { addDays, daysBetween } from './business-date.js';
import {
  addBusinessDays,
  businessDaysBetween,
  firstBusinessDayOnOrAfter,
  isBusinessDay,
  isYearEndClosure,
  lastBusinessDayOnOrBefore,
  nationalHolidayName,
} from './business-days.js';

/** Fiscal years 2026–2028 (1 April 2026 – 31 March 2029), against the published calendar. */
describe('isBusinessDay', () => {
  it.each([
    // FY2026: Golden Week, with 6 May the substitute for Sunday 3 May.
    ['2026-04-28', true, 'Tuesday before Golden Week'],
    ['2026-04-29', false, '昭和の日 (Wednesday)'],
    ['2026-04-30', true, 'Thursday between the holidays'],
    ['2026-05-01', true, 'Friday'],
    ['2026-05-02', false, 'Saturday'],
    ['2026-05-03', false, '憲法記念日 on a Sunday'],
    ['2026-05-04', false, 'みどりの日'],
    ['2026-05-05', false, 'こどもの日'],
    ['2026-05-06', false, '振替休日 for 3 May'],
    ['2026-05-07', true, 'Thursday after Golden Week'],
    ['2026-07-20', false, '海の日 2026 (third Monday of July)'],
    ['2026-07-21', true, 'Tuesday after 海の日'],
    ['2026-09-21', false, '敬老の日'],
    ['2026-09-22', false, '国民の休日 between two holidays'],
    ['2026-09-23', false, '秋分の日'],
    ['2026-12-28', true, 'last business day of 2026'],
    ['2026-12-29', false, 'year-end closure (Tuesday)'],
    ['2026-12-31', false, 'year-end closure'],
    ['2027-01-01', false, '元日'],
    ['2027-01-03', false, 'year-end closure (Sunday)'],
    ['2027-01-04', true, 'first business day of 2027'],
    ['2027-03-22', false, '振替休日 for 春分の日 on Sunday 21 March'],
    ['2027-03-31', true, '31 March 2027, a Wednesday'],
    // FY2027.
    ['2027-04-29', false, '昭和の日 (Thursday)'],
    ['2027-04-30', true, 'Friday'],
    ['2027-05-03', false, '憲法記念日 (Monday)'],
    ['2027-05-05', false, 'こどもの日 (Wednesday)'],
    ['2027-05-06', true, 'Thursday after Golden Week'],
    ['2027-07-19', false, '海の日 2027'],
    ['2027-12-28', true, 'last business day of 2027'],
    ['2027-12-29', false, 'year-end closure (Wednesday)'],
    ['2028-01-03', false, 'year-end closure (Monday)'],
    ['2028-01-04', true, 'first business day of 2028'],
    ['2028-03-31', true, '31 March 2028, a Friday'],
    // FY2028.
    ['2028-04-29', false, '昭和の日 on a Saturday (no substitute)'],
    ['2028-05-01', true, 'Monday after 昭和の日 on a Saturday'],
    ['2028-07-17', false, '海の日 2028'],
    ['2029-02-12', false, '振替休日 for 建国記念の日 on Sunday 11 February'],
    ['2029-03-20', false, '春分の日 2029'],
    ['2029-03-30', true, 'Friday 30 March 2029'],
    ['2029-03-31', false, '31 March 2029, a Saturday'],
  ])('%s is %s (%s)', (date, expected) => {
    expect(isBusinessDay(date)).toBe(expected);
  });

  it('names the holiday, and nothing on a plain weekend or the closure', () => {
    expect(nationalHolidayName('2026-07-20')).toBe('海の日');
    expect(nationalHolidayName('2026-05-06')).toBe('こどもの日 振替休日');
    expect(nationalHolidayName('2029-03-31')).toBeNull();
    expect(nationalHolidayName('2026-12-30')).toBeNull();
  });

  it('closes from 29 December to 3 January, whatever the weekday', () => {
    expect(
      ['12-28', '12-29', '12-31', '01-01', '01-03', '01-04'].map((d) =>
        isYearEndClosure(`2030-${d}`),
      ),
    ).toEqual([false, true, true, true, true, false]);
  });
});

describe('lastBusinessDayOnOrBefore / firstBusinessDayOnOrAfter', () => {
  it.each([
    ['2027-03-31', '2027-03-31', 'FY2026 ends on a Wednesday'],
    ['2028-03-31', '2028-03-31', 'FY2027 ends on a Friday'],
    ['2029-03-31', '2029-03-30', 'FY2028 ends on a Saturday'],
    ['2026-05-06', '2026-05-01', 'the last day of Golden Week 2026'],
    ['2027-01-03', '2026-12-28', 'the year-end closure'],
    ['2028-01-01', '2027-12-28', '元日 on a Saturday'],
  ])('%s → %s (%s)', (date, expected) => {
    expect(lastBusinessDayOnOrBefore(date)).toBe(expected);
  });

  it('moves forward past the same closures', () => {
    expect(firstBusinessDayOnOrAfter('2026-12-29')).toBe('2027-01-04');
    expect(firstBusinessDayOnOrAfter('2029-03-31')).toBe('2029-04-02');
    expect(firstBusinessDayOnOrAfter('2026-07-21')).toBe('2026-07-21');
  });
});

describe('addBusinessDays', () => {
  it.each([
    ['2026-04-28', 1, '2026-04-30'],
    ['2026-04-28', 3, '2026-05-07'],
    ['2026-05-07', -3, '2026-04-28'],
    ['2026-12-28', 1, '2027-01-04'],
    ['2027-01-04', -1, '2026-12-28'],
    ['2029-03-31', 1, '2029-04-02'],
    ['2029-03-31', -1, '2029-03-30'],
    ['2029-03-30', -7, '2029-03-21'],
    ['2029-03-31', 0, '2029-03-31'],
    ['2027-03-31', 0, '2027-03-31'],
  ])('%s %+d → %s', (date, n, expected) => {
    expect(addBusinessDays(date, n)).toBe(expected);
  });

  it('refuses a fractional count', () => {
    expect(() => addBusinessDays('2027-03-31', 1.5)).toThrow(RangeError);
  });
});

describe('businessDaysBetween', () => {
  it.each([
    ['2026-04-28', '2026-05-07', 3, 'over Golden Week 2026'],
    ['2026-12-28', '2027-01-04', 1, 'over the year-end closure'],
    ['2029-03-30', '2029-04-02', 1, 'Friday to Monday'],
    ['2029-03-21', '2029-03-30', 7, 'seven business days before 30 March 2029'],
    ['2029-03-20', '2029-03-30', 8, 'from 春分の日'],
    ['2027-03-31', '2027-03-31', 0, 'the same day'],
    ['2029-03-31', '2029-04-01', 0, 'Saturday to Sunday'],
    ['2026-05-07', '2026-04-28', -3, 'backwards'],
  ])('%s → %s is %d (%s)', (from, to, expected) => {
    expect(businessDaysBetween(from, to)).toBe(expected);
  });

  it('counts the business days of each fiscal year like a walk over every day', () => {
    const walk = (from: string, to: string): number => {
      let count = 0;
      for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (isBusinessDay(d)) count++;
      return count;
    };
    for (const [from, to] of [
      ['2026-03-31', '2027-03-31'],
      ['2027-03-31', '2028-03-31'],
      ['2028-03-31', '2029-03-31'],
      ['2025-12-15', '2029-01-10'],
    ] as const) {
      expect(businessDaysBetween(from, to)).toBe(walk(from, to));
    }
    // FY2026 has 241 business days: 261 weekdays, less 16 weekday holidays
    // and the 4 weekdays of the year-end closure (元日 among them).
    expect(businessDaysBetween('2026-03-31', '2027-03-31')).toBe(241);
  });

  it('is undone by addBusinessDays: forwards from any day, backwards from a business day', () => {
    for (let d = '2028-12-20'; d <= '2029-01-10'; d = addDays(d, 1)) {
      for (const n of [1, 5, 30]) expect(businessDaysBetween(d, addBusinessDays(d, n))).toBe(n);
      if (!isBusinessDay(d)) continue;
      for (const n of [-10, -1]) expect(businessDaysBetween(d, addBusinessDays(d, n))).toBe(n);
    }
    // Saturday back one business day is Friday: (Friday, Saturday] holds none.
    expect(businessDaysBetween('2029-03-31', addBusinessDays('2029-03-31', -1))).toBe(0);
    expect(daysBetween('2028-12-28', addBusinessDays('2028-12-28', 1))).toBe(7);
  });
});

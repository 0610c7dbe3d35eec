import { businessDateOf } from '../../common/time/business-date.js';
import {
  auditRequirement,
  businessDueOn,
  fiscalYearOf,
  fiscalYearsOf,
} from './fiscal-year.rule.js';

describe('fiscal years', () => {
  it.each([
    ['2026-03-31', 2025],
    ['2026-04-01', 2026],
    ['2027-01-15', 2026],
    ['2026-12-31', 2026],
  ])('%s is in fiscal year %i', (date, fy) => {
    expect(fiscalYearOf(date)).toBe(fy);
  });

  it('turns at midnight in Tokyo, not in UTC', () => {
    // 2026-03-31T15:00Z is 1 April 00:00 in Tokyo, still 31 March in UTC.
    const instant = new Date('2026-03-31T15:00:00.000Z');
    expect(fiscalYearOf(businessDateOf(instant, 'Asia/Tokyo'))).toBe(2026);
    expect(fiscalYearOf(businessDateOf(instant, 'UTC'))).toBe(2025);
    const before = new Date('2026-03-31T14:59:59.999Z');
    expect(fiscalYearOf(businessDateOf(before, 'Asia/Tokyo'))).toBe(2025);
  });
});

describe('auditRequirement: the due-date table', () => {
  it.each([
    // seed 000: 1 September to 31 March, one fiscal year, due 31 March
    [{ startsOn: '2026-09-01', endsOn: '2027-03-31' }, 2026, true, '2027-03-31'],
    [{ startsOn: '2026-09-01', endsOn: '2027-03-31' }, 2025, false, null],
    [{ startsOn: '2026-09-01', endsOn: '2027-03-31' }, 2027, false, null],
    // spanning two fiscal years
    [{ startsOn: '2026-10-01', endsOn: '2027-09-30' }, 2026, true, '2027-03-31'],
    [{ startsOn: '2026-10-01', endsOn: '2027-09-30' }, 2027, true, '2027-09-30'],
    // ending in June: due at the end
    [{ startsOn: '2026-04-01', endsOn: '2026-06-30' }, 2026, true, '2026-06-30'],
    // a single day on the boundaries
    [{ startsOn: '2027-03-31', endsOn: '2027-03-31' }, 2026, true, '2027-03-31'],
    [{ startsOn: '2027-04-01', endsOn: '2027-04-01' }, 2026, false, null],
    [{ startsOn: '2027-04-01', endsOn: '2027-04-01' }, 2027, true, '2027-04-01'],
  ])('%j in FY%i: required %s, due %s', (contract, fy, required, dueOn) => {
    expect(auditRequirement(contract, fy)).toEqual({ fiscalYear: fy, required, dueOn });
  });

  it('lists every fiscal year a contract overlaps', () => {
    expect(fiscalYearsOf({ startsOn: '2026-09-01', endsOn: '2027-03-31' })).toEqual([2026]);
    expect(fiscalYearsOf({ startsOn: '2026-03-31', endsOn: '2028-04-01' })).toEqual([
      2025, 2026, 2027, 2028,
    ]);
  });
});

describe('businessDueOn: the last business day on or before the due date', () => {
  it.each([
    [2026, '2027-03-31', '2027-03-31'], // a Wednesday
    [2027, '2028-03-31', '2028-03-31'], // a Friday
    [2028, '2029-03-31', '2029-03-30'], // a Saturday: the Friday before
  ])('FY%i is due %s, in business days %s', (fy, dueOn, business) => {
    const requirement = auditRequirement({ startsOn: '2026-04-01', endsOn: '2029-06-30' }, fy);
    expect(requirement.dueOn).toBe(dueOn);
    expect(businessDueOn(requirement.dueOn)).toBe(business);
  });

  it('moves a contract ending on a holiday or in the year-end closure', () => {
    expect(businessDueOn('2026-05-06')).toBe('2026-05-01'); // Golden Week 2026
    expect(businessDueOn('2026-12-31')).toBe('2026-12-28');
    expect(businessDueOn('2028-07-17')).toBe('2028-07-14'); // 海の日
  });

  it('is null when no audit is due', () => {
    expect(businessDueOn(null)).toBeNull();
  });
});

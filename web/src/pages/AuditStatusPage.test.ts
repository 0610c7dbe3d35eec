import { describe, expect, it } from 'vitest';
import { fiscalYearOf } from '../format';
import { auditStateOf, fiscalYearChoices } from './audit-status';

describe('the audit status screen', () => {
  it('takes the fiscal year (April–March) of the day in Tokyo, not in UTC', () => {
    // 1 April 2027, 00:00 in Tokyo is still 31 March in UTC.
    expect(fiscalYearOf(new Date('2027-03-31T15:00:00Z'))).toBe(2027);
    expect(fiscalYearOf(new Date('2027-03-31T14:59:59Z'))).toBe(2026);
    expect(fiscalYearOf(new Date('2026-01-10T03:00:00Z'))).toBe(2025);
    expect(fiscalYearOf(new Date('2026-12-04T03:00:00Z'))).toBe(2026);
  });

  it('says what the service decided: done, overdue, due, or not required', () => {
    expect(auditStateOf({ required: true, done: true, overdue: false })).toBe('done');
    expect(auditStateOf({ required: true, done: false, overdue: true })).toBe('overdue');
    expect(auditStateOf({ required: true, done: false, overdue: false })).toBe('due');
    expect(auditStateOf({ required: false, done: false, overdue: false })).toBe('not_required');
  });

  it('offers the current fiscal year, five before it and the next', () => {
    expect(fiscalYearChoices(2026)).toEqual([2027, 2026, 2025, 2024, 2023, 2022, 2021]);
  });
});

import {
  DEFAULT_MIN_SEPARATION_MINUTES,
  DEFAULT_REMINDER_LEAD_DAYS,
  checkPeriod,
  normalizeLeadDays,
} from './contract-terms.rule.js';

describe('checkPeriod', () => {
  it('accepts a period that starts and ends on the same day', () => {
    expect(checkPeriod('2026-04-01', '2026-04-01')).toBeNull();
  });

  it('accepts a period that ends after it starts', () => {
    expect(checkPeriod('2026-04-01', '2027-03-31')).toBeNull();
    expect(checkPeriod('2025-12-31', '2026-01-01')).toBeNull();
  });

  it('refuses a period that ends before it starts', () => {
    expect(checkPeriod('2026-04-01', '2026-03-31')).toBe('ENDS_BEFORE_START');
    expect(checkPeriod('2027-01-01', '2026-12-31')).toBe('ENDS_BEFORE_START');
  });
});

describe('normalizeLeadDays', () => {
  it('removes duplicates and orders furthest first', () => {
    expect(normalizeLeadDays([7, 30, 7, 60, 30])).toEqual([60, 30, 7]);
  });

  it('sorts numerically, not as strings', () => {
    expect(normalizeLeadDays([7, 100, 30, 9])).toEqual([100, 30, 9, 7]);
  });

  it('keeps an already normalized list as it is', () => {
    expect(normalizeLeadDays([60, 30, 7])).toEqual([60, 30, 7]);
  });

  it('handles empty and single-element lists', () => {
    expect(normalizeLeadDays([])).toEqual([]);
    expect(normalizeLeadDays([14])).toEqual([14]);
    expect(normalizeLeadDays([0, 0, 0])).toEqual([0]);
  });

  it('does not mutate its input and returns a new array', () => {
    const input = [7, 30, 7, 60];
    const frozen = Object.freeze([...input]);
    const result = normalizeLeadDays(input);
    expect(input).toEqual([7, 30, 7, 60]);
    expect(result).not.toBe(input);
    expect(normalizeLeadDays(frozen)).toEqual([60, 30, 7]);
  });

  it('normalizes the default lead days to themselves without touching the constant', () => {
    const result = normalizeLeadDays(DEFAULT_REMINDER_LEAD_DAYS);
    expect(result).toEqual([60, 30, 7]);
    expect(result).not.toBe(DEFAULT_REMINDER_LEAD_DAYS);
    expect(DEFAULT_REMINDER_LEAD_DAYS).toEqual([60, 30, 7]);
  });
});

describe('contract term defaults', () => {
  it('separates a medium and its password notice by 60 minutes by default', () => {
    expect(DEFAULT_MIN_SEPARATION_MINUTES).toBe(60);
  });
});

import { isInstant, MAX_CLOCK_SKEW_MS, withinValidity } from './instant.js';

describe('isInstant', () => {
  it.each([
    '2026-04-01T09:30:00+09:00',
    '2026-04-01T00:30:00Z',
    '2026-04-01T00:30Z',
    '2026-04-01T09:30+09:00',
    '2026-04-01T00:30:00.5Z',
    '2026-04-01T00:30:00.123Z',
    '2026-04-01T00:30:00.123456789+09:00',
    '2026-03-31T23:59:59.999-05:00',
    '2024-02-29T00:00:00Z',
    '2026-12-31T23:59:59Z',
  ])('accepts %s', (value) => {
    expect(isInstant(value)).toBe(true);
  });

  it.each([
    ['no offset', '2026-04-01T09:30:00'],
    ['no offset, no seconds', '2026-04-01T09:30'],
    ['date only', '2026-04-01'],
    ['month 13', '2026-13-01T00:00:00Z'],
    ['month 00', '2026-00-01T00:00:00Z'],
    ['day 00', '2026-04-00T00:00:00Z'],
    ['day 32', '2026-01-32T00:00:00Z'],
    ['hour 24', '2026-04-01T24:00:00Z'],
    ['minute 60', '2026-04-01T09:60:00Z'],
    ['second 60', '2026-04-01T09:30:60Z'],
    ['space instead of T', '2026-04-01 09:30:00Z'],
    ['offset without colon', '2026-04-01T09:30:00+0900'],
    ['empty fraction', '2026-04-01T09:30:00.Z'],
    ['fraction of 10 digits', '2026-04-01T09:30:00.1234567890Z'],
    ['lower-case z', '2026-04-01T09:30:00z'],
    ['trailing text', '2026-04-01T09:30:00Z junk'],
    ['leading space', ' 2026-04-01T09:30:00Z'],
    ['empty string', ''],
    ['garbage', 'not a date'],
    ['a locale date', '4/1/2026, 9:30:00 AM'],
  ])('refuses %s (%s)', (_label, value) => {
    expect(isInstant(value)).toBe(false);
  });

  it.each([
    ['a number', 1775003400000],
    ['a Date', new Date('2026-04-01T00:30:00Z')],
    ['null', null],
    ['undefined', undefined],
    ['an object', { toString: () => '2026-04-01T00:30:00Z' }],
    ['an array', ['2026-04-01T00:30:00Z']],
  ])('refuses non-strings: %s', (_label, value) => {
    expect(isInstant(value)).toBe(false);
  });

  it.each([
    ['February 30', '2026-02-30T00:00:00Z'],
    ['February 29 of a common year', '2026-02-29T00:00:00Z'],
    ['April 31', '2026-04-31T09:30:00+09:00'],
  ])('refuses a day that does not exist in its month: %s (%s)', (_label, value) => {
    expect(isInstant(value)).toBe(false);
  });

  it('narrows the type to string', () => {
    const value: unknown = '2026-04-01T00:30:00Z';
    if (isInstant(value)) {
      expect(value.length).toBe(20);
    } else {
      throw new Error('expected an instant');
    }
  });
});

describe('MAX_CLOCK_SKEW_MS', () => {
  it('is five minutes', () => {
    expect(MAX_CLOCK_SKEW_MS).toBe(5 * 60_000);
  });
});

describe('withinValidity', () => {
  const from = '2026-12-01T00:00:00.000Z';
  const until = '2026-12-08T00:00:00.000Z';
  const d = (iso: string) => new Date(iso);

  it('covers a step after the start, dated and recorded by the end (inclusive)', () => {
    expect(withinValidity(from, until, d(from), d(from))).toBe(true);
    expect(withinValidity(from, until, d(until), d(until))).toBe(true);
  });

  it('does not cover a step dated before the start, or dated or recorded after the end', () => {
    expect(withinValidity(from, until, d('2026-11-30T23:59:59.999Z'), d(from))).toBe(false);
    expect(withinValidity(from, until, d('2026-12-08T00:00:00.001Z'), d(from))).toBe(false);
    expect(withinValidity(from, until, d(from), d('2026-12-08T00:00:00.001Z'))).toBe(false);
  });
});

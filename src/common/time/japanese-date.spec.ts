import {
  formatJapaneseDate,
  formatJapaneseDateOf,
  formatJapaneseDateTime,
  formatJapaneseDateTimeWithEra,
  formatJapaneseDateWithEra,
  formatJapaneseEraDate,
  formatWallClock,
  japaneseEraYear,
} from './japanese-date.js';

const TOKYO = 'Asia/Tokyo';

describe('formatJapaneseDate', () => {
  it.each([
    ['2026-12-03', '2026年12月3日'],
    ['2027-03-31', '2027年3月31日'],
    ['2027-01-01', '2027年1月1日'],
  ])('%s → %s', (date, expected) => {
    expect(formatJapaneseDate(date)).toBe(expected);
  });
});

describe('the Japanese era', () => {
  it.each([
    ['2026-12-03', '令和8年', '令和8年12月3日'],
    ['2027-03-31', '令和9年', '令和9年3月31日'],
    ['2029-03-31', '令和11年', '令和11年3月31日'],
    ['2019-04-30', '平成31年', '平成31年4月30日'],
    ['2019-05-01', '令和元年', '令和元年5月1日'],
    ['2019-12-31', '令和元年', '令和元年12月31日'],
    ['2020-01-01', '令和2年', '令和2年1月1日'],
    ['1989-01-07', '昭和64年', '昭和64年1月7日'],
    ['1989-01-08', '平成元年', '平成元年1月8日'],
  ])('%s is in %s (%s)', (date, year, full) => {
    expect(japaneseEraYear(date)).toBe(year);
    expect(formatJapaneseEraDate(date)).toBe(full);
  });

  it('follows the Western date with its era year', () => {
    expect(formatJapaneseDateWithEra('2027-03-31')).toBe('2027年3月31日（令和9年）');
    expect(formatJapaneseDateWithEra('2019-05-01')).toBe('2019年5月1日（令和元年）');
  });

  it('is the era of the date in Tokyo: 令和 began while UTC still read 30 April', () => {
    const firstMinuteOfReiwa = '2019-04-30T15:00:00.000Z'; // 1 May 00:00 JST
    expect(formatJapaneseDateTimeWithEra(firstMinuteOfReiwa, TOKYO)).toBe(
      '2019年5月1日（令和元年）00:00',
    );
    expect(formatJapaneseDateTimeWithEra('2019-04-30T14:59:00.000Z', TOKYO)).toBe(
      '2019年4月30日（平成31年）23:59',
    );
  });
});

describe('instants in BUSINESS_TIMEZONE', () => {
  it('writes the wall clock of Tokyo', () => {
    expect(formatJapaneseDateTime('2026-12-03T09:00:00.000Z', TOKYO)).toBe('2026年12月3日 18:00');
    expect(formatJapaneseDateTime(new Date('2026-12-03T09:00:00.000Z'), TOKYO)).toBe(
      '2026年12月3日 18:00',
    );
    expect(formatWallClock('2026-12-03T09:00:00.000Z', TOKYO)).toBe('2026-12-03 18:00');
  });

  it.each([
    // The last minute of the fiscal year in Tokyo is still 31 March in UTC…
    ['2027-03-31T14:59:00.000Z', '2027年3月31日 23:59', '2027年3月31日'],
    // …and its first minute in Tokyo is 31 March in UTC too.
    ['2027-03-31T15:00:00.000Z', '2027年4月1日 00:00', '2027年4月1日'],
    ['2027-03-31T23:30:00.000Z', '2027年4月1日 08:30', '2027年4月1日'],
    ['2027-04-01T00:00:00+09:00', '2027年4月1日 00:00', '2027年4月1日'],
  ])('%s → %s', (instant, dateTime, date) => {
    expect(formatJapaneseDateTime(instant, TOKYO)).toBe(dateTime);
    expect(formatJapaneseDateOf(instant, TOKYO)).toBe(date);
  });

  it('writes midnight as 00:00, never 24:00', () => {
    expect(formatJapaneseDateTime('2026-12-02T15:00:00.000Z', TOKYO)).toBe('2026年12月3日 00:00');
  });

  it('uses the zone it is given', () => {
    expect(formatJapaneseDateTime('2027-03-31T15:00:00.000Z', 'UTC')).toBe('2027年3月31日 15:00');
    expect(formatJapaneseDateTimeWithEra('2027-03-31T15:00:00.000Z', 'UTC')).toBe(
      '2027年3月31日（令和9年）15:00',
    );
  });
});

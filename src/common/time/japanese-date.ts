import { businessDateOf, type IsoDate } from './business-date.js';

/**
 * Dates and times as Japanese texts write them: `2026年12月3日`, with the
 * time of day in BUSINESS_TIMEZONE `2026年12月3日 18:00`, and in the Japanese
 * era `令和8年12月3日`. For notification texts and printed documents only:
 * data fields, webhook payloads and the API stay ISO 8601. Pure.
 *
 * The era comes from the platform's calendar data (ICU's `ja-JP-u-ca-japanese`),
 * not from a table here, so a new era arrives with a Node.js update. The first
 * year of an era is written 元年 (令和元年5月1日), as official documents do; ICU
 * itself writes it as 1. An era is a property of the calendar date, so an
 * instant's era is that of its date in BUSINESS_TIMEZONE (令和 began on
 * 1 May 2019 in Japan, when it was still 30 April in UTC).
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Building a formatter costs far more than using one; each kind is built once. */
function cached(key: string, build: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = build();
    formatters.set(key, formatter);
  }
  return formatter;
}

/** The era and year of a calendar date: dates are formatted at UTC midnight, in UTC. */
function eraFormatter(): Intl.DateTimeFormat {
  return cached(
    'era',
    () =>
      new Intl.DateTimeFormat('ja-JP-u-ca-japanese', {
        timeZone: 'UTC',
        era: 'long',
        year: 'numeric',
      }),
  );
}

/** The wall-clock date and time of an instant in `timeZone`, in parts. */
function wallClockFormatter(timeZone: string): Intl.DateTimeFormat {
  return cached(
    `wall|${timeZone}`,
    () =>
      new Intl.DateTimeFormat('en-US', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }),
  );
}

function utcMidnightOf(date: IsoDate): Date {
  const d = new Date(0);
  d.setUTCFullYear(
    Number(date.slice(0, 4)),
    Number(date.slice(5, 7)) - 1,
    Number(date.slice(8, 10)),
  );
  return d;
}

interface WallClock {
  date: IsoDate;
  time: string;
}

function wallClockOf(instant: Date | string, timeZone: string): WallClock {
  const parts = wallClockFormatter(timeZone).formatToParts(
    typeof instant === 'string' ? new Date(instant) : instant,
  );
  const get = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? '';
  return {
    date: `${get('year').padStart(4, '0')}-${get('month')}-${get('day')}`,
    time: `${get('hour')}:${get('minute')}`,
  };
}

/** `2026年12月3日`. */
export function formatJapaneseDate(date: IsoDate): string {
  return `${Number(date.slice(0, 4))}年${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
}

/**
 * Era years already formatted, by date: a daily scan writes the same few due
 * dates (31 March…) into thousands of reminders, and asking ICU costs
 * microseconds each time. Bounded: emptied when it grows past a few years of days.
 */
const eraYears = new Map<IsoDate, string>();
const ERA_YEARS_KEPT = 4096;

/** The era and year of `date`: `令和8年`, `令和元年` (1 May – 31 December 2019), `平成31年`. */
export function japaneseEraYear(date: IsoDate): string {
  let eraYear = eraYears.get(date);
  if (eraYear === undefined) {
    const parts = eraFormatter().formatToParts(utcMidnightOf(date));
    const era = parts.find((p) => p.type === 'era')?.value ?? '';
    const year = parts.find((p) => p.type === 'year')?.value ?? '';
    eraYear = `${era}${year === '1' ? '元' : year}年`;
    if (eraYears.size >= ERA_YEARS_KEPT) eraYears.clear();
    eraYears.set(date, eraYear);
  }
  return eraYear;
}

/** `令和8年12月3日`. */
export function formatJapaneseEraDate(date: IsoDate): string {
  return `${japaneseEraYear(date)}${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
}

/** `2027年3月31日（令和9年）`: the Western date, with its era year for readers who count in it. */
export function formatJapaneseDateWithEra(date: IsoDate): string {
  return `${formatJapaneseDate(date)}（${japaneseEraYear(date)}）`;
}

/** The date of `instant` in `timeZone`, in Japanese: `2026年12月3日`. */
export function formatJapaneseDateOf(instant: Date | string, timeZone: string): string {
  return formatJapaneseDate(
    businessDateOf(typeof instant === 'string' ? new Date(instant) : instant, timeZone),
  );
}

/** `2026年12月3日 18:00`: the wall clock of `instant` in `timeZone`. */
export function formatJapaneseDateTime(instant: Date | string, timeZone: string): string {
  const { date, time } = wallClockOf(instant, timeZone);
  return `${formatJapaneseDate(date)} ${time}`;
}

/** `2026年12月3日（令和8年）18:00`. */
export function formatJapaneseDateTimeWithEra(instant: Date | string, timeZone: string): string {
  const { date, time } = wallClockOf(instant, timeZone);
  return `${formatJapaneseDateWithEra(date)}${time}`;
}

/**
 * `2026-12-03 18:00`: the wall clock of `instant` in `timeZone`, for the
 * English half of a bilingual text (the zone is named by the caller).
 */
export function formatWallClock(instant: Date | string, timeZone: string): string {
  const { date, time } = wallClockOf(instant, timeZone);
  return `${date} ${time}`;
}

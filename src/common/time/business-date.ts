/** A calendar date `YYYY-MM-DD`, as used for contract periods and rosters. */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when `value` is a real calendar date in `YYYY-MM-DD` form. */
export function isIsoDate(value: unknown): value is IsoDate {
  if (typeof value !== 'string') return false;
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d); // Date.UTC would read years below 100 as 19xx
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Building a formatter costs far more than using one; keep one per zone. */
function dateFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The calendar date of `instant` in `timeZone` (e.g. Asia/Tokyo). */
export function businessDateOf(instant: Date, timeZone: string): IsoDate {
  const parts = dateFormatter(timeZone).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year').padStart(4, '0')}-${part('month')}-${part('day')}`;
}

const DAY_MS = 86_400_000;

/**
 * Days from 1970-01-01 to a proleptic Gregorian date, by arithmetic (H.
 * Hinnant's days_from_civil): no Date object, which the daily scan would
 * otherwise make a few hundred thousand of.
 */
function civilDays(y: number, m: number, d: number): number {
  const year = m <= 2 ? y - 1 : y;
  const era = Math.floor(year / 400);
  const yoe = year - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function utcMidnight(date: IsoDate): number {
  return (
    civilDays(Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10))) *
    DAY_MS
  );
}

function isoOfUtc(ms: number): IsoDate {
  const d = new Date(ms);
  return `${String(d.getUTCFullYear()).padStart(4, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
}

/** The calendar date `days` after `date` (before, when negative). */
export function addDays(date: IsoDate, days: number): IsoDate {
  return isoOfUtc(utcMidnight(date) + days * DAY_MS);
}

/** The day of the week of `date`: 0 Sunday … 6 Saturday. */
export function dayOfWeek(date: IsoDate): number {
  return new Date(utcMidnight(date)).getUTCDay();
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((utcMidnight(to) - utcMidnight(from)) / DAY_MS);
}

/** The offset of `timeZone` from UTC at `instant`, in milliseconds. */
function zoneOffsetMs(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = new Date(0);
  asUtc.setUTCFullYear(get('year'), get('month') - 1, get('day'));
  asUtc.setUTCHours(get('hour'), get('minute'), get('second'), 0);
  return asUtc.getTime() - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant at which the wall clock in `timeZone` shows `time` (`HH:MM`) on
 * `date`: 09:00 in Tokyo on 1 April is 00:00 UTC that day. In a gap of a
 * daylight-saving change the later reading wins.
 */
export function instantAt(date: IsoDate, time: string, timeZone: string): Date {
  const wall =
    utcMidnight(date) + Number(time.slice(0, 2)) * 3_600_000 + Number(time.slice(3, 5)) * 60_000;
  let guess = wall - zoneOffsetMs(wall, timeZone);
  guess = wall - zoneOffsetMs(guess, timeZone);
  return new Date(guess);
}

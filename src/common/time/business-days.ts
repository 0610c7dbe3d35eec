import holidayJp from '@holiday-jp/holiday_jp';
import { addDays, daysBetween, dayOfWeek, type IsoDate } from './business-date.js';

/**
 * Business days (開庁日) of a Japanese ward office: not a Saturday, not a
 * Sunday, not a national holiday (国民の祝日, with its substitute holiday
 * 振替休日 and the 国民の休日 between two holidays), and not in the year-end
 * closure from 29 December to 3 January (年末年始の休日: the ward's 休日条例
 * under 地方自治法 第4条の2, as 行政機関の休日に関する法律 第1条 for the State). Pure: works on calendar dates (`YYYY-MM-DD`), never on instants.
 *
 * The holidays come from @holiday-jp/holiday_jp, the maintained calendar of
 * the holiday_jp project (holidays.yml, 1970–2050), so a new or moved holiday
 * arrives with a package update rather than an edit here. Vernal and
 * autumnal equinox days are fixed by the Cabinet Office each February for the
 * following year; years beyond that are the project's astronomical forecast.
 * Outside the package's years only weekends and the year-end closure count.
 */

const HOLIDAYS: Readonly<Record<string, { name: string }>> = holidayJp.holidays;

/** The national holiday on `date` (`春分の日`, `こどもの日 振替休日`…), or null. */
export function nationalHolidayName(date: IsoDate): string | null {
  return Object.hasOwn(HOLIDAYS, date) ? (HOLIDAYS[date]?.name ?? null) : null;
}

/** 29 December – 3 January. */
export function isYearEndClosure(date: IsoDate): boolean {
  const monthDay = date.slice(5);
  return monthDay >= '12-29' || monthDay <= '01-03';
}

function computeBusinessDay(date: IsoDate): boolean {
  const weekday = dayOfWeek(date);
  if (weekday === 0 || weekday === 6) return false;
  if (isYearEndClosure(date)) return false;
  return !Object.hasOwn(HOLIDAYS, date);
}

/**
 * Per calendar year, `through[i]`: the business days from 1 January to the
 * (i+1)-th day of the year inclusive (`through[0]` is 0). Built once per year
 * asked about, so that counting the business days between two dates costs a
 * few lookups, not a walk over every day: the daily scan counts them for
 * every contract.
 */
const yearTables = new Map<number, Uint16Array>();

function yearTable(year: number): Uint16Array {
  let table = yearTables.get(year);
  if (!table) {
    const first = `${String(year).padStart(4, '0')}-01-01`;
    const length = daysBetween(first, `${String(year + 1).padStart(4, '0')}-01-01`);
    table = new Uint16Array(length + 1);
    let day = first;
    for (let i = 0; i < length; i++) {
      table[i + 1] = table[i]! + (computeBusinessDay(day) ? 1 : 0);
      day = addDays(day, 1);
    }
    yearTables.set(year, table);
  }
  return table;
}

/** Days before the first of each month in a common year. */
const DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** 0 for 1 January; by arithmetic, not Date objects (the scan asks for every contract). */
function dayOfYear(date: IsoDate): number {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  return (
    DAYS_BEFORE_MONTH[month - 1]! +
    Number(date.slice(8, 10)) -
    1 +
    (month > 2 && isLeapYear(year) ? 1 : 0)
  );
}

function yearOf(date: IsoDate): number {
  return Number(date.slice(0, 4));
}

/** Business days from 1 January of its year up to `date`, inclusive. */
function throughDate(date: IsoDate): number {
  return yearTable(yearOf(date))[dayOfYear(date) + 1]!;
}

function yearTotal(year: number): number {
  const table = yearTable(year);
  return table[table.length - 1]!;
}

/** Whether the ward office is open on `date`. */
export function isBusinessDay(date: IsoDate): boolean {
  const table = yearTable(yearOf(date));
  const index = dayOfYear(date);
  return table[index + 1]! > table[index]!;
}

/** `date` itself when it is a business day, else the last business day before it. */
export function lastBusinessDayOnOrBefore(date: IsoDate): IsoDate {
  let day = date;
  while (!isBusinessDay(day)) day = addDays(day, -1);
  return day;
}

/** `date` itself when it is a business day, else the first business day after it. */
export function firstBusinessDayOnOrAfter(date: IsoDate): IsoDate {
  let day = date;
  while (!isBusinessDay(day)) day = addDays(day, 1);
  return day;
}

/**
 * The `n`-th business day after `date` (before it, when `n` is negative);
 * `date` itself when `n` is 0. `date` need not be a business day: two
 * business days after a Saturday is the Tuesday (Monday is the first).
 */
export function addBusinessDays(date: IsoDate, n: number): IsoDate {
  if (!Number.isInteger(n)) throw new RangeError(`n must be an integer (got ${n})`);
  const step = n < 0 ? -1 : 1;
  let day = date;
  for (let left = Math.abs(n); left > 0;) {
    day = addDays(day, step);
    if (isBusinessDay(day)) left--;
  }
  return day;
}

/**
 * The business days after `from` up to and including `to` (Friday to the
 * Monday after is 1, Saturday to Sunday 0); when `to` is earlier, minus those
 * after `to` up to and including `from`. So `businessDaysBetween(d,
 * addBusinessDays(d, n))` is `n` for every `d` when `n` is positive, and for a
 * business day `d` when `n` is negative.
 */
export function businessDaysBetween(from: IsoDate, to: IsoDate): number {
  if (to < from) {
    const back = businessDaysBetween(to, from);
    return back === 0 ? 0 : -back; // never -0
  }
  const fromYear = yearOf(from);
  const toYear = yearOf(to);
  if (fromYear === toYear) return throughDate(to) - throughDate(from);
  let count = yearTotal(fromYear) - throughDate(from);
  for (let year = fromYear + 1; year < toYear; year++) count += yearTotal(year);
  return count + throughDate(to);
}

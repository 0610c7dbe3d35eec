/**
 * Instants as the business reads them: the wall clock of BUSINESS_TIMEZONE
 * (Asia/Tokyo unless configured). Plain functions over Intl, no framework.
 */

/** Building a formatter costs far more than using one: one per zone. */
const timeFormatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let found = timeFormatters.get(timeZone);
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    timeFormatters.set(timeZone, found);
  }
  return found;
}

interface WallClock {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
}

/** The wall clock of a whole-second instant as Intl reads it, as the UTC milliseconds of those fields. */
function intlWallMs(ms: number, timeZone: string): number {
  const parts = formatter(timeZone).formatToParts(new Date(ms));
  const get = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((p) => p.type === type)?.value ?? 0);
  return Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
}

/**
 * Intl is slow (a ledger's CSV and the offline verifier format every entry),
 * but a zone's offset is constant between its transitions, which are months
 * (at the least days) apart. So, per zone, the offset at each whole UTC hour
 * is read once; an hour whose two ends have the same offset has it
 * throughout, and one whose ends differ (a transition inside it, or at its
 * end) leaves every instant in it to Intl.
 */
const HOUR_MS = 3_600_000;
const offsets = new Map<string, Map<number, number>>();
/** Hours kept per zone before the cache starts again (about 1,000 days of distinct instants). */
const MAX_HOURS = 25_000;

function offsetOf(second: number, timeZone: string): number | null {
  let zone = offsets.get(timeZone);
  if (!zone || zone.size >= MAX_HOURS) {
    zone = new Map();
    offsets.set(timeZone, zone);
  }
  const start = Math.floor(second / HOUR_MS) * HOUR_MS;
  const at = (hour: number): number => {
    let offset = zone.get(hour);
    if (offset === undefined) {
      offset = intlWallMs(hour, timeZone) - hour;
      zone.set(hour, offset);
    }
    return offset;
  };
  const offset = at(start);
  return at(start + HOUR_MS) === offset ? offset : null;
}

const two = (n: number): string => (n < 10 ? `0${n}` : String(n));

function wallClock(iso: string, timeZone: string, seconds: boolean): WallClock {
  const ms = new Date(iso).getTime();
  const second = Math.floor(ms / 1000) * 1000;
  // An invalid instant goes to Intl, which throws the RangeError it always did.
  const offset = Number.isFinite(second) ? offsetOf(second, timeZone) : null;
  const wall = new Date(offset === null ? intlWallMs(second, timeZone) : second + offset);
  return {
    year: String(wall.getUTCFullYear()),
    month: two(wall.getUTCMonth() + 1),
    day: two(wall.getUTCDate()),
    hour: two(wall.getUTCHours()),
    minute: two(wall.getUTCMinutes()),
    second: seconds ? two(wall.getUTCSeconds()) : '00',
  };
}

/**
 * `YYYY/MM/DD HH:mm` of an instant in the business time zone, or
 * `YYYY/MM/DD HH:mm:ss` with `seconds` (the access log's CSV).
 */
export function formatBusinessTime(iso: string, timeZone: string, seconds = false): string {
  const w = wallClock(iso, timeZone, seconds);
  const minute = `${w.year}/${w.month}/${w.day} ${w.hour}:${w.minute}`;
  return seconds ? `${minute}:${w.second}` : minute;
}

/**
 * The wall clock of an instant in the business time zone, to the second, as
 * a Date whose UTC fields read that wall clock: 2026-03-31T15:00:00Z in
 * Tokyo gives 2026-04-01T00:00:00Z. A spreadsheet date has no zone (Excel
 * stores days since 1900 and shows them as they are), so this is what a
 * workbook cell must hold for Excel to show the Tokyo time.
 */
export function businessWallClock(iso: string, timeZone: string): Date {
  const w = wallClock(iso, timeZone, true);
  return new Date(
    Date.UTC(
      Number(w.year),
      Number(w.month) - 1,
      Number(w.day),
      Number(w.hour),
      Number(w.minute),
      Number(w.second),
    ),
  );
}

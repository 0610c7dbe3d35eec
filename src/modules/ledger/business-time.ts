/**
 * Instants as the business reads them: the wall clock of BUSINESS_TIMEZONE
 * (Asia/Tokyo unless configured). Plain functions over Intl, no framework.
 */

/** Building a formatter costs far more than using one: one per zone and precision. */
const timeFormatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, seconds: boolean): Intl.DateTimeFormat {
  const key = `${timeZone}|${seconds ? 's' : 'm'}`;
  let found = timeFormatters.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      ...(seconds ? { second: '2-digit' as const } : {}),
      hourCycle: 'h23',
    });
    timeFormatters.set(key, found);
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

function wallClock(iso: string, timeZone: string, seconds: boolean): WallClock {
  const parts = formatter(timeZone, seconds).formatToParts(new Date(iso));
  const get = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? '00';
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: seconds ? get('second') : '00',
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

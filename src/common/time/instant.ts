import { isIsoDate } from './business-date.js';

/** An ISO 8601 instant with an explicit offset: `2026-04-01T09:30:00+09:00` or `…Z`. */
const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export function isInstant(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = INSTANT.exec(value);
  if (!m) return false;
  // Date.parse rolls 30 February over into March; check the calendar date itself.
  if (!isIsoDate(value.slice(0, 10))) return false;
  // Stored instants are fixed-width UTC strings; keep to years that have one.
  const year = Number(value.slice(0, 4));
  if (year < 1970 || year > 9998) return false;
  const [hour, minute, second] = [m[4], m[5], m[7] ?? '0'].map(Number);
  if (hour! > 23 || minute! > 59 || second! > 59) return false;
  return !Number.isNaN(Date.parse(value));
}

/** Clock skew a back-dated or client-dated event may be ahead of the server. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Whether a permission given at `from` and valid until `until` (ISO
 * instants) covers a step dated `at` and recorded `now`: the step comes
 * after the permission, and neither its date nor the moment it is recorded
 * is past the end (a step logged after the fact cannot be dated back into
 * a permission that has since expired).
 */
export function withinValidity(from: string, until: string, at: Date, now: Date): boolean {
  const latest = (at > now ? at : now).getTime();
  return Date.parse(from) <= at.getTime() && latest <= Date.parse(until);
}

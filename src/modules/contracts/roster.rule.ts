import type { IsoDate } from '../../common/time/business-date.js';

export const ROSTER_ROLES = ['responsible', 'handler'] as const;
/** 取扱責任者 (responsible) or 取扱者 (handler). */
export type RosterRole = (typeof ROSTER_ROLES)[number];

export interface RosterValidity {
  validFrom: IsoDate;
  validTo: IsoDate | null;
  /** Instant the entry was withdrawn, if it was. */
  removedAt: Date | null;
}

/**
 * Whether a roster entry names its user at `instant`, whose business date is
 * `date`: inside the validity dates (both inclusive) and not yet withdrawn.
 */
export function isRosterEntryValidAt(entry: RosterValidity, instant: Date, date: IsoDate): boolean {
  if (date < entry.validFrom) return false;
  if (entry.validTo !== null && date > entry.validTo) return false;
  if (entry.removedAt !== null && instant.getTime() >= entry.removedAt.getTime()) return false;
  return true;
}

/** Whether two inclusive date ranges (an open end is `null`) share a day. */
export function periodsOverlap(
  a: { validFrom: IsoDate; validTo: IsoDate | null },
  b: { validFrom: IsoDate; validTo: IsoDate | null },
): boolean {
  const aEndsBeforeB = a.validTo !== null && a.validTo < b.validFrom;
  const bEndsBeforeA = b.validTo !== null && b.validTo < a.validFrom;
  return !aEndsBeforeB && !bEndsBeforeA;
}

import type { IsoDate } from '../../common/time/business-date.js';

/** Default minimum time between a medium and its password notice (seed 000: 別の機会). */
export const DEFAULT_MIN_SEPARATION_MINUTES = 60;

/** Default audit reminder lead days before the due date. */
export const DEFAULT_REMINDER_LEAD_DAYS: readonly number[] = [60, 30, 7];

export type PeriodProblem = 'ENDS_BEFORE_START';

/** A period is valid when it ends on or after the day it starts. */
export function checkPeriod(startsOn: IsoDate, endsOn: IsoDate): PeriodProblem | null {
  return endsOn < startsOn ? 'ENDS_BEFORE_START' : null;
}

/** Lead days without duplicates, furthest first (the order reminders fire in). */
export function normalizeLeadDays(days: readonly number[]): number[] {
  return [...new Set(days)].sort((a, b) => b - a);
}

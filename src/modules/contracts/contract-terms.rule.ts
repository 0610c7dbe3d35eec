import type { IsoDate } from '../../common/time/business-date.js';

/** Default minimum time between a medium and its password notice (seed 000: 別の機会). */
export const DEFAULT_MIN_SEPARATION_MINUTES = 60;

/** Default months a handler's training stays valid (特記事項 §18: trained at least yearly). */
export const DEFAULT_TRAINING_VALID_MONTHS = 12;

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

/** The handling terms of a contract (教育, 事故等への対応体制). */
export interface HandlingPolicy {
  requireTraining: boolean;
  trainingValidMonths: number;
  requireEmergencyPlan: boolean;
}

/** The handling terms alone, as the ledger and the API state them. */
export function handlingPolicyOf(contract: HandlingPolicy): HandlingPolicy {
  return {
    requireTraining: contract.requireTraining,
    trainingValidMonths: contract.trainingValidMonths,
    requireEmergencyPlan: contract.requireEmergencyPlan,
  };
}

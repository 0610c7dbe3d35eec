import type { IsoDate } from '../../common/time/business-date.js';
import { lastBusinessDayOnOrBefore } from '../../common/time/business-days.js';

/**
 * The Japanese fiscal year (年度) runs 1 April – 31 March; fiscal year Y is the
 * one that starts on 1 April of Y. Each contract needs an on-site audit
 * (立入調査) in every fiscal year its period overlaps (seed 001/002 特記事項
 * 15–17), due by the earlier of 31 March and the contract's end. Pure.
 *
 * That due date is the legal (contract) one and may fall on a day the ward
 * office is closed (31 March 2029 is a Saturday); the business due date is
 * the last business day on or before it, the day the audit must in practice
 * be done by.
 */

export function fiscalYearOf(date: IsoDate): number {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  return month >= 4 ? year : year - 1;
}

export function fiscalYearStart(fiscalYear: number): IsoDate {
  return `${String(fiscalYear).padStart(4, '0')}-04-01`;
}

export function fiscalYearEnd(fiscalYear: number): IsoDate {
  return `${String(fiscalYear + 1).padStart(4, '0')}-03-31`;
}

export interface AuditRequirement {
  fiscalYear: number;
  /** The contract's period overlaps the fiscal year. */
  required: boolean;
  /** The earlier of 31 March and the contract's end, when required. */
  dueOn: IsoDate | null;
}

export function auditRequirement(
  contract: { startsOn: IsoDate; endsOn: IsoDate },
  fiscalYear: number,
): AuditRequirement {
  const start = fiscalYearStart(fiscalYear);
  const end = fiscalYearEnd(fiscalYear);
  const required = contract.startsOn <= end && contract.endsOn >= start;
  if (!required) return { fiscalYear, required, dueOn: null };
  return { fiscalYear, required, dueOn: contract.endsOn < end ? contract.endsOn : end };
}

/**
 * The business due date of a due date: itself when the ward office is open
 * that day, else the last business day before it (Friday 30 March 2029 for
 * Saturday 31 March). Null when no audit is due.
 */
export function businessDueOn(dueOn: IsoDate): IsoDate;
export function businessDueOn(dueOn: IsoDate | null): IsoDate | null;
export function businessDueOn(dueOn: IsoDate | null): IsoDate | null {
  return dueOn === null ? null : lastBusinessDayOnOrBefore(dueOn);
}

/** Every fiscal year a contract's period overlaps, in order. */
export function fiscalYearsOf(contract: { startsOn: IsoDate; endsOn: IsoDate }): number[] {
  const years: number[] = [];
  for (let y = fiscalYearOf(contract.startsOn); y <= fiscalYearOf(contract.endsOn); y++)
    years.push(y);
  return years;
}

import { addDays, daysBetween, type IsoDate } from '../../common/time/business-date.js';

/** Days before a training lapses on which the contractor's responsible person is reminded. */
export const TRAINING_REMINDER_DAYS = 30;

/**
 * The first day a training given on `trainedOn` no longer covers: the same
 * day `months` later; when that month has no such day, the period ends with
 * the month's last day (民法143条2項) and the training lapses on the 1st of
 * the next month (a training of 31 January, valid 1 month, covers up to 28
 * February and lapses on 1 March).
 */
export function trainingLapsesOn(trainedOn: IsoDate, months: number): IsoDate {
  const [year, month, day] = trainedOn.split('-').map(Number) as [number, number, number];
  const index = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = (index % 12) + 1;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth, 0)).getUTCDate();
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const sameDay = `${pad(targetYear, 4)}-${pad(targetMonth)}-${pad(Math.min(day, lastDay))}`;
  return day > lastDay ? addDays(sameDay, 1) : sameDay;
}

export type TrainingProblem =
  { reason: 'missing' } | { reason: 'lapsed'; trainedOn: IsoDate; lapsedOn: IsoDate };

/**
 * Why a handler cannot act on `date`, or null when they can: `latest` is
 * their latest training given on or before that day (null for none). A
 * training covers the day it is given up to the day before it lapses.
 */
export function trainingProblem(
  latest: IsoDate | null,
  date: IsoDate,
  validMonths: number,
): TrainingProblem | null {
  if (latest === null || latest > date) return { reason: 'missing' };
  const lapsedOn = trainingLapsesOn(latest, validMonths);
  return date < lapsedOn ? null : { reason: 'lapsed', trainedOn: latest, lapsedOn };
}

/**
 * Whether the lapse reminder of a training lapsing on `lapsesOn` is due on
 * `asOf`: from {@link TRAINING_REMINDER_DAYS} calendar days before the lapse
 * up to the day before it (a missed scan catches up), never after. Calendar
 * days whatever REMINDER_DAY_COUNT says: the validity is in months.
 */
export function trainingReminderDue(lapsesOn: IsoDate, asOf: IsoDate): boolean {
  const daysLeft = daysBetween(asOf, lapsesOn);
  return daysLeft > 0 && daysLeft <= TRAINING_REMINDER_DAYS;
}

/** The first day the lapse reminder of a training lapsing on `lapsesOn` goes out. */
export function trainingReminderFrom(lapsesOn: IsoDate): IsoDate {
  return addDays(lapsesOn, -TRAINING_REMINDER_DAYS);
}

import {
  addDays,
  businessDateOf,
  daysBetween,
  type IsoDate,
} from '../../common/time/business-date.js';
import { addBusinessDays, businessDaysBetween } from '../../common/time/business-days.js';
import {
  formatJapaneseDateTime,
  formatJapaneseDateWithEra,
  formatWallClock,
} from '../../common/time/japanese-date.js';
import {
  auditRequirement,
  businessDueOn,
  fiscalYearStart,
  fiscalYearsOf,
} from '../audits/fiscal-year.rule.js';
import { STATUS_REPORT_ANSWER_BUSINESS_DAYS } from '../status-reports/status-report.rule.js';
import type { NotificationKind } from './entities/notification.entity.js';
import { contactsLine, type EmergencyContact } from '../emergency/emergency-plan.rule.js';
import {
  TRAINING_REMINDER_DAYS,
  trainingLapsesOn,
  trainingReminderDue,
} from '../contracts/training.rule.js';

/**
 * What the daily scan reminds, as of one business day. Pure: the scanner
 * loads the facts, these rules say which notifications are due, and the
 * idempotency key of each says whether it was already sent. Every rule is
 * written so that a day missed and scanned later still raises what that day
 * should have raised, once.
 */

/** REMINDER_DAY_COUNT: what a reminder's "day" is. */
export type DayCount = 'calendar' | 'business';

export interface ReminderSettings {
  /** A dispatch not received after this many hours (48); always hours. */
  receiptHours: number;
  /** An encrypted medium and its password notice apart this many days after one arrived (7). */
  passwordNoticeDays: number;
  /** Media not back this many days after the contract's end (14). */
  returnDays: number;
  /** An overdue audit again every this many days (7). */
  overdueRepeatDays: number;
  /**
   * `calendar`: every day counts. `business`: only business days (see
   * business-days.ts) count, for the audit lead days and the three settings
   * above; an audit due on a closed day is reminded as due on the last
   * business day before it.
   */
  dayCount: DayCount;
  /** BUSINESS_TIMEZONE: the day of a receipt, and the dates and times the texts show. */
  timeZone: string;
}

/** Who is told: resolved to users and webhooks by the writer. */
export interface Audience {
  /** The ward officers (active) of these organizations. */
  wardOfficersOf: string[];
  /** The auditors (active) of these wards: an auditor hears only of their own ward's contracts. */
  auditorsOf: string[];
  /** These users. */
  users: string[];
  /** Organizations whose webhook is posted even when none of their users is addressed. */
  organizations: string[];
}

export interface Reminder {
  key: string;
  kind: NotificationKind;
  contractId: string;
  subjectId: string | null;
  dueOn: IsoDate | null;
  leadDays: number | null;
  title: string;
  message: string;
  data: Record<string, unknown>;
  audience: Audience;
}

export interface ContractFacts {
  id: string;
  title: string;
  wardOrganizationId: string;
  startsOn: IsoDate;
  endsOn: IsoDate;
  reminderLeadDays: number[];
  /** Fiscal years in which an audit has been recorded. */
  auditedYears: ReadonlySet<number>;
}

export interface OpenHandoverFacts {
  id: string;
  contractId: string;
  fromUserId: string;
  fromOrganizationId: string;
  toUserId: string;
  toOrganizationId: string;
  dispatchedAt: string;
  itemLabels: string[];
}

/** Where an item is, and the receipt that brought it there (if it came by a handover). */
export interface ItemFacts {
  id: string;
  label: string;
  state: string;
  holderOrganizationId: string;
  holderUserId: string | null;
  lastReceipt: {
    handoverId: string;
    toUserId: string;
    toOrganizationId: string;
    receivedAt: string;
  } | null;
}

export interface SplitPairFacts {
  contractId: string;
  medium: ItemFacts;
  notice: ItemFacts;
}

export interface OutstandingMediaFacts {
  contractId: string;
  title: string;
  wardOrganizationId: string;
  endsOn: IsoDate;
  items: ItemFacts[];
}

export interface IncidentFacts {
  id: string;
  contractId: string;
  wardOrganizationId: string;
  kind: string;
  description: string;
  occurredAt: string;
  mediumIds: string[];
  /** The emergency contacts of the contract's plan (事故等への対応体制), when recorded. */
  contacts?: { ward: EmergencyContact[]; contractor: EmergencyContact[] };
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** `7日`, `7営業日`. */
function daysJa(n: number, dayCount: DayCount): string {
  return `${n}${dayCount === 'business' ? '営業日' : '日'}`;
}

/** `7 days`, `1 business day`. */
function daysEn(n: number, dayCount: DayCount): string {
  const unit = dayCount === 'business' ? 'business day' : 'day';
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

function audience(partial: Partial<Audience>): Audience {
  return {
    wardOfficersOf: partial.wardOfficersOf ?? [],
    auditorsOf: partial.auditorsOf ?? [],
    users: [...new Set(partial.users ?? [])],
    organizations: [...new Set(partial.organizations ?? [])],
  };
}

/**
 * Audit due in N days, for the contract's lead days (60/30/7): on the day
 * that is N days before the due date, to the ward's officers. The reminder
 * raised on a day is the one for the smallest lead not shorter than the days
 * left, so a contract registered 20 days before its due date gets its
 * 30-day reminder at once rather than none, and a missed day is caught up.
 * Reminders start no earlier than the contract and the fiscal year.
 *
 * Audit overdue: the day after the due date and then every
 * `overdueRepeatDays`, to the ward's officers and every auditor, until an
 * audit of that fiscal year is recorded.
 *
 * Counted in business days (`dayCount: 'business'`), the audit is due on the
 * last business day on or before its due date (Friday 30 March for Saturday
 * 31 March), the days left are the business days after today up to that day,
 * so each lead is reached on a business day, and an audit is overdue from
 * the first business day after it. The keys name the due date itself in
 * both counts, so switching the count never repeats a reminder.
 */
export function auditReminders(
  contract: ContractFacts,
  asOf: IsoDate,
  settings: ReminderSettings,
): Reminder[] {
  return dueAudits(contract, asOf, settings).map((due) => auditReminder(contract, due, settings));
}

/**
 * An audit reminder found due, before its texts are written: its key and
 * what {@link auditReminder} needs to write them. The daily scan judges every
 * contract but stores only what was not stored before, most days a few of
 * tens of thousands due: it writes out only those.
 */
export type AuditDue = {
  key: string;
  fiscalYear: number;
  dueOn: IsoDate;
  /** The due date as reminded: the last business day on or before it, counted in business days. */
  remindedDueOn: IsoDate;
} & (
  | { kind: 'audit_due'; leadDays: number; daysLeft: number }
  | { kind: 'audit_overdue'; daysOverdue: number; occurrence: number }
);

/** The reminder lead days in ascending order without repeats: the same array when it is so already. */
function ascendingLeads(leads: readonly number[]): readonly number[] {
  for (let i = 1; i < leads.length; i++) {
    if (!(leads[i - 1]! < leads[i]!)) return [...new Set(leads)].sort((a, b) => a - b);
  }
  return leads;
}

/** The audit reminders due for `contract` on `asOf` (see {@link auditReminders}), texts not yet written. */
export function dueAudits(
  contract: ContractFacts,
  asOf: IsoDate,
  settings: ReminderSettings,
): AuditDue[] {
  const due: AuditDue[] = [];
  let leads: readonly number[] | undefined;
  const business = settings.dayCount === 'business';
  for (const fiscalYear of fiscalYearsOf(contract)) {
    if (contract.auditedYears.has(fiscalYear)) continue;
    const { dueOn } = auditRequirement(contract, fiscalYear);
    if (dueOn === null) continue;
    // Only a business count asks the holiday calendar: the calendar scan stays as fast.
    const remindedDueOn = business ? businessDueOn(dueOn) : dueOn;
    const windowStart =
      contract.startsOn > fiscalYearStart(fiscalYear)
        ? contract.startsOn
        : fiscalYearStart(fiscalYear);
    if (asOf <= remindedDueOn) {
      if (asOf < windowStart) continue;
      const daysLeft = business
        ? businessDaysBetween(asOf, remindedDueOn)
        : daysBetween(asOf, remindedDueOn);
      leads ??= ascendingLeads(contract.reminderLeadDays);
      const lead = leads.find((l) => l >= daysLeft);
      if (lead !== undefined) {
        due.push({
          kind: 'audit_due',
          key: `audit_due:${contract.id}:${dueOn}:${lead}`,
          fiscalYear,
          dueOn,
          remindedDueOn,
          leadDays: lead,
          daysLeft,
        });
      }
      continue;
    }
    const daysOverdue = business
      ? businessDaysBetween(remindedDueOn, asOf)
      : daysBetween(remindedDueOn, asOf);
    // Business days: nothing on the closed days right after the business due date.
    if (daysOverdue === 0) continue;
    const occurrence = Math.floor((daysOverdue - 1) / settings.overdueRepeatDays);
    due.push({
      kind: 'audit_overdue',
      key: `audit_overdue:${contract.id}:${dueOn}:${occurrence}`,
      fiscalYear,
      dueOn,
      remindedDueOn,
      daysOverdue,
      occurrence,
    });
  }
  return due;
}

/** The reminder of an audit found due by {@link dueAudits}, with its texts. */
export function auditReminder(
  contract: ContractFacts,
  due: AuditDue,
  settings: ReminderSettings,
): Reminder {
  const { fiscalYear, dueOn, remindedDueOn } = due;
  const business = settings.dayCount === 'business';
  const texts = auditTexts(contract.title, fiscalYear, dueOn, remindedDueOn, settings.dayCount);
  const counted = business ? { businessDueOn: remindedDueOn, dayCount: settings.dayCount } : {};
  if (due.kind === 'audit_due') {
    return {
      key: due.key,
      kind: 'audit_due',
      contractId: contract.id,
      subjectId: null,
      dueOn,
      leadDays: due.leadDays,
      title: texts.dueTitle(due.daysLeft),
      message: texts.dueMessage,
      data: { fiscalYear, dueOn, daysLeft: due.daysLeft, leadDays: due.leadDays, ...counted },
      audience: audience({ wardOfficersOf: [contract.wardOrganizationId] }),
    };
  }
  return {
    key: due.key,
    kind: 'audit_overdue',
    contractId: contract.id,
    subjectId: null,
    dueOn,
    leadDays: null,
    title: texts.overdueTitle(due.daysOverdue),
    message: texts.overdueMessage,
    data: {
      fiscalYear,
      dueOn,
      daysOverdue: due.daysOverdue,
      occurrence: due.occurrence,
      ...counted,
    },
    audience: audience({
      wardOfficersOf: [contract.wardOrganizationId],
      auditorsOf: [contract.wardOrganizationId],
    }),
  };
}

/**
 * The bilingual texts of an audit's reminders: Japanese dates with their era,
 * ISO dates in English. An overdue audit is past both dates, and says so of
 * the due date itself.
 */
function auditTexts(
  title: string,
  fiscalYear: number,
  dueOn: IsoDate,
  remindedDueOn: IsoDate,
  dayCount: DayCount,
) {
  const dueJa = formatJapaneseDateWithEra(dueOn);
  const byJa =
    remindedDueOn === dueOn
      ? `${dueJa}までに`
      : `、期限の${dueJa}が閉庁日のため、その前の開庁日である${formatJapaneseDateWithEra(remindedDueOn)}までに`;
  const byEn =
    remindedDueOn === dueOn
      ? dueOn
      : `${remindedDueOn}, the last business day before its due date ${dueOn} (a closed day)`;
  return {
    dueTitle: (daysLeft: number) =>
      `立入調査の期限まで${daysJa(daysLeft, dayCount)} / On-site audit due in ${daysEn(daysLeft, dayCount)}`,
    dueMessage: `「${title}」の${fiscalYear}年度の立入調査は${byJa}実施してください。The on-site audit of fiscal year ${fiscalYear} is due by ${byEn}.`,
    overdueTitle: (daysOverdue: number) =>
      `立入調査が期限を${daysJa(daysOverdue, dayCount)}超過 / On-site audit ${daysEn(daysOverdue, dayCount)} overdue`,
    overdueMessage: `「${title}」の${fiscalYear}年度の立入調査が期限（${dueJa}）を過ぎても記録されていません。The on-site audit of fiscal year ${fiscalYear} was due on ${dueOn} and has not been recorded.`,
  };
}

/** A dispatch still not received `receiptHours` after it left, to both sides; once. */
export function receiptReminder(
  handover: OpenHandoverFacts,
  at: Date,
  settings: ReminderSettings,
): Reminder | null {
  const hours = (at.getTime() - new Date(handover.dispatchedAt).getTime()) / HOUR_MS;
  if (hours < settings.receiptHours) return null;
  return {
    key: `handover_not_received:${handover.id}`,
    kind: 'handover_not_received',
    contractId: handover.contractId,
    subjectId: handover.id,
    dueOn: null,
    leadDays: null,
    title: `引渡しが${settings.receiptHours}時間以上未受領 / Handover not received after ${settings.receiptHours} hours`,
    message: `${formatJapaneseDateTime(handover.dispatchedAt, settings.timeZone)}に引き渡した ${handover.itemLabels.join('、')} の受領が記録されていません。The handover dispatched at ${formatWallClock(handover.dispatchedAt, settings.timeZone)} (${settings.timeZone}) has not been received.`,
    data: { dispatchedAt: handover.dispatchedAt, items: handover.itemLabels },
    audience: audience({
      users: [handover.fromUserId, handover.toUserId],
      organizations: [handover.fromOrganizationId, handover.toOrganizationId],
    }),
  };
}

const GONE = new Set(['erased', 'destroyed', 'lost']);

/**
 * An encrypted medium received while its password notice is not with the
 * same organization `passwordNoticeDays` later, or the reverse: to the
 * recipient of the one and the holder of the other. Once per receipt.
 * Counted in business days, "later" is the same time of day on the
 * `passwordNoticeDays`-th business day after the day of the receipt.
 */
export function splitPairReminders(
  pair: SplitPairFacts,
  at: Date,
  settings: ReminderSettings,
): Reminder[] {
  const { medium, notice } = pair;
  if (GONE.has(medium.state) || GONE.has(notice.state)) return [];
  const reminders: Reminder[] = [];
  const sides: Array<[ItemFacts, ItemFacts, 'password_notice_outstanding' | 'medium_outstanding']> =
    [
      [medium, notice, 'password_notice_outstanding'],
      [notice, medium, 'medium_outstanding'],
    ];
  const n = settings.passwordNoticeDays;
  const [nJa, nEn] = [daysJa(n, settings.dayCount), daysEn(n, settings.dayCount)];
  for (const [arrived, missing, kind] of sides) {
    const receipt = arrived.lastReceipt;
    if (!receipt) continue;
    if (arrived.state === 'in_transit' || arrived.holderOrganizationId !== receipt.toOrganizationId)
      continue;
    if (missing.holderOrganizationId === receipt.toOrganizationId && missing.state !== 'in_transit')
      continue;
    const days = (at.getTime() - new Date(receipt.receivedAt).getTime()) / DAY_MS;
    if (days < calendarDaysOf(receipt.receivedAt, n, settings)) continue;
    const receivedJa = formatJapaneseDateTime(receipt.receivedAt, settings.timeZone);
    const what =
      kind === 'password_notice_outstanding'
        ? `暗号化媒体「${arrived.label}」の受領（${receivedJa}）から${nJa}を過ぎても、パスワード通知「${missing.label}」が届いていません。The password notice has not arrived ${nEn} after its encrypted medium.`
        : `パスワード通知「${arrived.label}」の受領（${receivedJa}）から${nJa}を過ぎても、暗号化媒体「${missing.label}」が届いていません。The encrypted medium has not arrived ${nEn} after its password notice.`;
    reminders.push({
      key: `${kind}:${arrived.id}:${receipt.handoverId}`,
      kind,
      contractId: pair.contractId,
      subjectId: missing.id,
      dueOn: null,
      leadDays: null,
      title:
        kind === 'password_notice_outstanding'
          ? 'パスワード通知が未着 / Password notice not delivered'
          : '暗号化媒体が未着 / Encrypted medium not delivered',
      message: what,
      data: {
        receivedMediumId: arrived.id,
        receivedAt: receipt.receivedAt,
        missingMediumId: missing.id,
        missingHolderOrganizationId: missing.holderOrganizationId,
      },
      audience: audience({
        users: [receipt.toUserId, ...(missing.holderUserId ? [missing.holderUserId] : [])],
        organizations: [receipt.toOrganizationId, missing.holderOrganizationId],
      }),
    });
  }
  return reminders;
}

/**
 * The calendar days that `days` reminder days after `instant` span: `days`
 * itself, or in business days the calendar days from the date of `instant`
 * (in BUSINESS_TIMEZONE) to the `days`-th business day after it.
 */
function calendarDaysOf(instant: string, days: number, settings: ReminderSettings): number {
  if (settings.dayCount === 'calendar') return days;
  const date = businessDateOf(new Date(instant), settings.timeZone);
  return daysBetween(date, addBusinessDays(date, days));
}

/** The day `days` reminder days after `date`. */
function reminderDaysAfter(date: IsoDate, days: number, settings: ReminderSettings): IsoDate {
  return settings.dayCount === 'business' ? addBusinessDays(date, days) : addDays(date, days);
}

/**
 * Items not back with the ward `returnDays` after the contract's end (business
 * days after it, when counted so), to both sides; once.
 */
export function returnReminder(
  contract: OutstandingMediaFacts,
  asOf: IsoDate,
  settings: ReminderSettings,
): Reminder | null {
  const dueOn = reminderDaysAfter(contract.endsOn, settings.returnDays, settings);
  if (asOf < dueOn) return null;
  const out = contract.items.filter(
    (item) =>
      !GONE.has(item.state) &&
      (item.state === 'in_transit' || item.holderOrganizationId !== contract.wardOrganizationId),
  );
  if (out.length === 0) return null;
  return {
    key: `media_not_returned:${contract.contractId}:${contract.endsOn}`,
    kind: 'media_not_returned',
    contractId: contract.contractId,
    subjectId: null,
    dueOn,
    leadDays: null,
    title: `契約終了後${daysJa(settings.returnDays, settings.dayCount)}を過ぎて未返却の媒体 ${out.length}件 / ${out.length} item(s) not returned`,
    message: `「${contract.title}」は${formatJapaneseDateWithEra(contract.endsOn)}に終了しましたが、${out.map((i) => i.label).join('、')} が返却も消去もされていません。The contract ended on ${contract.endsOn}; these items are neither returned nor erased.`,
    data: {
      endsOn: contract.endsOn,
      items: out.map((i) => ({
        mediumId: i.id,
        label: i.label,
        state: i.state,
        holderOrganizationId: i.holderOrganizationId,
      })),
    },
    audience: audience({
      wardOfficersOf: [contract.wardOrganizationId],
      users: out.flatMap((i) => (i.holderUserId ? [i.holderUserId] : [])),
      organizations: out.map((i) => i.holderOrganizationId),
    }),
  };
}

/**
 * An incident, at once, to the ward's officers: when it happened, in
 * BUSINESS_TIMEZONE (`timeZone`), what was reported, and whom to call on
 * both sides (the emergency plan's contacts), when the plan names them.
 */
export function incidentNotice(incident: IncidentFacts, timeZone: string): Reminder {
  const ward = incident.contacts?.ward ?? [];
  const contractor = incident.contacts?.contractor ?? [];
  const contacts =
    ward.length + contractor.length === 0
      ? ''
      : ` 緊急連絡先 / Emergency contacts: 区 / ward: ${contactsLine(ward) || '-'}; 受託者 / contractor: ${contactsLine(contractor) || '-'}`;
  return {
    key: `incident:${incident.id}`,
    kind: 'incident',
    contractId: incident.contractId,
    subjectId: incident.id,
    dueOn: null,
    leadDays: null,
    title: `事故報告: ${incident.kind} / Incident reported`,
    message: `${formatJapaneseDateTime(incident.occurredAt, timeZone)}に発生した事故の報告です。Incident at ${formatWallClock(incident.occurredAt, timeZone)} (${timeZone}): ${incident.description}${contacts}`,
    data: {
      incidentKind: incident.kind,
      occurredAt: incident.occurredAt,
      mediumIds: incident.mediumIds,
      ...(contacts ? { emergencyContacts: { ward, contractor } } : {}),
    },
    audience: audience({ wardOfficersOf: [incident.wardOrganizationId] }),
  };
}

/** A take-out request (持出し申請) still waiting for its approver. */
export interface PendingTakeoutFacts {
  id: string;
  contractId: string;
  contractTitle: string;
  applicantName: string;
  /** ISO instant it was requested. */
  requestedAt: string;
  /** The approvers (所属長, active) of the contract's ward. */
  approverIds: string[];
}

/**
 * A take-out request waiting for approval more than one business day (seed
 * 003: the head of the section approves before the data is written): on the
 * scan of the second business day after the request, to the ward's
 * approvers; once. Business days whatever REMINDER_DAY_COUNT says: the rule
 * is written in business days.
 */
export function takeoutPendingReminder(
  request: PendingTakeoutFacts,
  asOf: IsoDate,
  settings: ReminderSettings,
): Reminder | null {
  const requestedOn = businessDateOf(new Date(request.requestedAt), settings.timeZone);
  if (businessDaysBetween(requestedOn, asOf) < 2 || request.approverIds.length === 0) return null;
  const when = formatJapaneseDateTime(request.requestedAt, settings.timeZone);
  return {
    key: `takeout_pending:${request.id}`,
    kind: 'takeout_pending',
    contractId: request.contractId,
    subjectId: request.id,
    dueOn: addBusinessDays(requestedOn, 1),
    leadDays: null,
    title: `持出し申請が承認待ちです / A take-out request awaits approval`,
    message: `「${request.contractTitle}」の持出し申請（${when}、申請者 ${request.applicantName}）が1営業日を過ぎて承認待ちです。承認又は却下してください。A take-out request made at ${formatWallClock(request.requestedAt, settings.timeZone)} (${settings.timeZone}) by ${request.applicantName} has waited more than one business day.`,
    data: { takeoutRequestId: request.id, requestedAt: request.requestedAt },
    audience: audience({ users: request.approverIds }),
  };
}

/** A contractor's staff member on a contract's roster, and their latest training. */
export interface RosteredTrainingFacts {
  contractId: string;
  contractTitle: string;
  userId: string;
  displayName: string;
  organizationId: string;
  /** Their latest training on the contract, given on or before the day (null: none). */
  trainedOn: IsoDate | null;
  trainingValidMonths: number;
  /** The responsible persons (取扱責任者) on the contract's roster that day. */
  responsibleUserIds: string[];
}

/**
 * A training lapsing within {@link TRAINING_REMINDER_DAYS} calendar days
 * (特記事項 §18: the contractor keeps its staff trained): to the responsible
 * persons on the roster, or to the handler when none is named; once per
 * training (a new training lapses on another day, and is reminded anew). A
 * missed scan catches up until the day before the lapse; from that day the
 * handler is refused (409 TRAINING_REQUIRED), which says it plainly.
 */
export function trainingLapseReminder(
  facts: RosteredTrainingFacts,
  asOf: IsoDate,
): Reminder | null {
  if (facts.trainedOn === null) return null;
  const lapsesOn = trainingLapsesOn(facts.trainedOn, facts.trainingValidMonths);
  if (!trainingReminderDue(lapsesOn, asOf)) return null;
  const daysLeft = daysBetween(asOf, lapsesOn);
  const recipients =
    facts.responsibleUserIds.length > 0 ? facts.responsibleUserIds : [facts.userId];
  return {
    key: `training_lapsing:${facts.contractId}:${facts.userId}:${lapsesOn}`,
    kind: 'training_lapsing',
    contractId: facts.contractId,
    subjectId: facts.userId,
    dueOn: lapsesOn,
    leadDays: TRAINING_REMINDER_DAYS,
    title: `従事者教育の有効期限まで${daysLeft}日 / Handler training lapses in ${daysEn(daysLeft, 'calendar')}`,
    message: `「${facts.contractTitle}」の取扱者 ${facts.displayName} の教育（${formatJapaneseDateWithEra(facts.trainedOn)}受講）は${formatJapaneseDateWithEra(lapsesOn)}に有効期限が切れます。それまでに再教育を行い、記録してください。The training of ${facts.displayName} (given on ${facts.trainedOn}) lapses on ${lapsesOn}; from then on they cannot handle this contract's media until a new training is recorded.`,
    data: {
      userId: facts.userId,
      trainedOn: facts.trainedOn,
      lapsesOn,
      daysLeft,
    },
    audience: audience({ users: recipients, organizations: [facts.organizationId] }),
  };
}

/** A finding (是正措置) of an audit, not yet verified. */
export interface OpenFindingFacts {
  id: string;
  contractId: string;
  contractTitle: string;
  /** `運用上の対策 10` */
  itemLabel: string;
  correctiveAction: string;
  dueOn: IsoDate;
  state: 'open' | 'reported_fixed';
  /** The business day of the step that put it in its state. */
  stateOn: IsoDate;
  /** seq of that step: a reopened finding is reminded afresh. */
  stateSeq: number;
  /** The audited organization and its staff rostered on the contract today. */
  ownerOrganizationId: string;
  ownerUserIds: string[];
  /** The auditing organization: the ward (its officers are told), or the contractor and its rostered staff. */
  auditorOrganizationId: string;
  auditorIsWard: boolean;
  auditorUserIds: string[];
}

/**
 * A finding is reminded until it is verified. While open, to its owner: from
 * `overdueRepeatDays` before its due date, then every `overdueRepeatDays`
 * (with the defaults: a week before, on the due date, and weekly while it is
 * overdue). Reported fixed, to the auditing side: every `overdueRepeatDays`
 * it waits for verification. Each key names the step it follows, so a
 * reopened finding starts again. Days count as REMINDER_DAY_COUNT says.
 */
export function findingReminder(
  finding: OpenFindingFacts,
  asOf: IsoDate,
  settings: ReminderSettings,
): Reminder | null {
  const repeat = settings.overdueRepeatDays;
  const count = (from: IsoDate, to: IsoDate) =>
    settings.dayCount === 'business' ? businessDaysBetween(from, to) : daysBetween(from, to);
  const subject = `「${finding.contractTitle}」の立入調査の指摘（${finding.itemLabel}）`;
  const base = {
    contractId: finding.contractId,
    subjectId: finding.id,
    dueOn: finding.dueOn,
    leadDays: null,
    data: {
      findingId: finding.id,
      itemLabel: finding.itemLabel,
      correctiveAction: finding.correctiveAction,
      dueOn: finding.dueOn,
      state: finding.state,
    },
  };
  if (finding.state === 'open') {
    const start =
      settings.dayCount === 'business'
        ? addBusinessDays(finding.dueOn, -repeat)
        : addDays(finding.dueOn, -repeat);
    if (asOf < start) return null;
    const occurrence = Math.floor(count(start, asOf) / repeat);
    const overdue = asOf > finding.dueOn;
    return {
      ...base,
      key: `audit_finding_open:${finding.id}:${finding.stateSeq}:${occurrence}`,
      kind: 'audit_finding_open',
      title: overdue
        ? `是正措置が期限超過 / Corrective action overdue`
        : `是正措置の期限が近づいています / Corrective action due`,
      message: `${subject}の是正措置「${finding.correctiveAction}」の期限は${formatJapaneseDateWithEra(finding.dueOn)}です。是正したら報告してください。The corrective action for ${finding.itemLabel} is due on ${finding.dueOn}${overdue ? ' and is overdue' : ''}; report it fixed when done.`,
      audience: audience({
        users: finding.ownerUserIds,
        organizations: [finding.ownerOrganizationId],
      }),
    };
  }
  const waited = count(finding.stateOn, asOf);
  if (waited < repeat) return null;
  return {
    ...base,
    key: `audit_finding_unverified:${finding.id}:${finding.stateSeq}:${Math.floor(waited / repeat)}`,
    kind: 'audit_finding_unverified',
    title: `是正報告が確認待ちです / A reported fix awaits verification`,
    message: `${subject}は${formatJapaneseDateWithEra(finding.stateOn)}に是正済みと報告されました。確認するか差し戻してください。The corrective action for ${finding.itemLabel} was reported fixed on ${finding.stateOn}; verify it or reopen it.`,
    audience: finding.auditorIsWard
      ? audience({ wardOfficersOf: [finding.auditorOrganizationId] })
      : audience({
          users: finding.auditorUserIds,
          organizations: [finding.auditorOrganizationId],
        }),
  };
}

/** A status report (業務に関する報告) the ward requested and the contractor has not answered. */
export interface UnansweredStatusReportFacts {
  id: string;
  contractId: string;
  contractTitle: string;
  wardOrganizationId: string;
  contractorOrganizationId: string;
  /** The contractor's responsible persons (取扱責任者) rostered on the contract. */
  responsibleUserIds: string[];
  /** ISO instant it was requested. */
  requestedAt: string;
}

/**
 * A status report is answered within 5 business days of its request (the
 * 5th business day after the day of the request is its due date): on the
 * scan of the next business day, still unanswered, to the contractor's
 * responsible persons and the ward's officers; once. Business days whatever
 * REMINDER_DAY_COUNT says, as the rule is written in them.
 */
export function statusReportReminder(
  report: UnansweredStatusReportFacts,
  asOf: IsoDate,
  settings: ReminderSettings,
): Reminder | null {
  const requestedOn = businessDateOf(new Date(report.requestedAt), settings.timeZone);
  if (businessDaysBetween(requestedOn, asOf) <= STATUS_REPORT_ANSWER_BUSINESS_DAYS) return null;
  const dueOn = addBusinessDays(requestedOn, STATUS_REPORT_ANSWER_BUSINESS_DAYS);
  return {
    key: `status_report_unanswered:${report.id}`,
    kind: 'status_report_unanswered',
    contractId: report.contractId,
    subjectId: report.id,
    dueOn,
    leadDays: null,
    title: `取扱い状況の報告が未回答です / A status report is unanswered`,
    message: `「${report.contractTitle}」について${formatJapaneseDateTime(report.requestedAt, settings.timeZone)}に依頼された個人情報の取扱い状況の報告が、期限（${formatJapaneseDateWithEra(dueOn)}）を過ぎても回答されていません。The status report requested at ${formatWallClock(report.requestedAt, settings.timeZone)} (${settings.timeZone}) was due by ${dueOn} and is unanswered.`,
    data: { statusReportId: report.id, requestedAt: report.requestedAt, dueOn },
    audience: audience({
      wardOfficersOf: [report.wardOrganizationId],
      users: report.responsibleUserIds,
      organizations: [report.contractorOrganizationId],
    }),
  };
}

/** What an audit's continuity check found broken (issue 13, part 4). */
export interface LedgerTamperingFacts {
  contractId: string;
  wardOrganizationId: string;
  auditId: string;
  previousAuditId: string;
  fromSize: number;
  toSize: number;
  reason: string;
}

/**
 * An audit whose ledger does not extend the one signed at the previous
 * audit: the 管理簿 was rewritten in between. An incident, at once, to the
 * ward's officers and its auditors; once per audit.
 */
export function ledgerTamperingNotice(facts: LedgerTamperingFacts): Reminder {
  return {
    key: `ledger_tampering:${facts.auditId}`,
    kind: 'ledger_tampering',
    contractId: facts.contractId,
    subjectId: facts.auditId,
    dueOn: null,
    leadDays: null,
    title: '管理簿の改ざんを検出 / Ledger tampering detected',
    message: `前回調査（${facts.fromSize}件）以降の管理簿が、そのとき署名されたチェックポイントと整合しません。The ledger at this audit (${facts.toSize} entries) does not extend the one signed at the previous audit (${facts.fromSize} entries): ${facts.reason}`,
    data: {
      auditId: facts.auditId,
      previousAuditId: facts.previousAuditId,
      fromSize: facts.fromSize,
      toSize: facts.toSize,
      reason: facts.reason,
    },
    audience: audience({
      wardOfficersOf: [facts.wardOrganizationId],
      auditorsOf: [facts.wardOrganizationId],
    }),
  };
}

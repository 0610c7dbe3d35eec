import { addDays, daysBetween, type IsoDate } from '../../common/time/business-date.js';
import { auditRequirement, fiscalYearStart, fiscalYearsOf } from '../audits/fiscal-year.rule.js';
import type { NotificationKind } from './entities/notification.entity.js';

/**
 * What the daily scan reminds, as of one business day. Pure: the scanner
 * loads the facts, these rules say which notifications are due, and the
 * idempotency key of each says whether it was already sent. Every rule is
 * written so that a day missed and scanned later still raises what that day
 * should have raised, once.
 */

export interface ReminderSettings {
  /** A dispatch not received after this many hours (48). */
  receiptHours: number;
  /** An encrypted medium and its password notice apart this many days after one arrived (7). */
  passwordNoticeDays: number;
  /** Media not back this many days after the contract's end (14). */
  returnDays: number;
  /** An overdue audit again every this many days (7). */
  overdueRepeatDays: number;
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
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

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
 */
export function auditReminders(
  contract: ContractFacts,
  asOf: IsoDate,
  settings: ReminderSettings,
): Reminder[] {
  const reminders: Reminder[] = [];
  const leads = [...new Set(contract.reminderLeadDays)].sort((a, b) => a - b);
  for (const fiscalYear of fiscalYearsOf(contract)) {
    if (contract.auditedYears.has(fiscalYear)) continue;
    const { dueOn } = auditRequirement(contract, fiscalYear);
    if (dueOn === null) continue;
    const daysLeft = daysBetween(asOf, dueOn);
    const windowStart =
      contract.startsOn > fiscalYearStart(fiscalYear)
        ? contract.startsOn
        : fiscalYearStart(fiscalYear);
    if (daysLeft >= 0 && asOf >= windowStart) {
      const lead = leads.find((l) => l >= daysLeft);
      if (lead !== undefined) {
        reminders.push({
          key: `audit_due:${contract.id}:${dueOn}:${lead}`,
          kind: 'audit_due',
          contractId: contract.id,
          subjectId: null,
          dueOn,
          leadDays: lead,
          title: `立入調査の期限まで${daysLeft}日 / On-site audit due in ${daysLeft} days`,
          message: `「${contract.title}」の${fiscalYear}年度の立入調査は${dueOn}までに実施してください。The on-site audit of fiscal year ${fiscalYear} is due by ${dueOn}.`,
          data: { fiscalYear, dueOn, daysLeft, leadDays: lead },
          audience: audience({ wardOfficersOf: [contract.wardOrganizationId] }),
        });
      }
    }
    if (daysLeft < 0) {
      const daysOverdue = -daysLeft;
      const occurrence = Math.floor((daysOverdue - 1) / settings.overdueRepeatDays);
      reminders.push({
        key: `audit_overdue:${contract.id}:${dueOn}:${occurrence}`,
        kind: 'audit_overdue',
        contractId: contract.id,
        subjectId: null,
        dueOn,
        leadDays: null,
        title: `立入調査が期限を${daysOverdue}日超過 / On-site audit ${daysOverdue} days overdue`,
        message: `「${contract.title}」の${fiscalYear}年度の立入調査が期限（${dueOn}）を過ぎても記録されていません。The on-site audit of fiscal year ${fiscalYear} was due on ${dueOn} and has not been recorded.`,
        data: { fiscalYear, dueOn, daysOverdue, occurrence },
        audience: audience({
          wardOfficersOf: [contract.wardOrganizationId],
          auditorsOf: [contract.wardOrganizationId],
        }),
      });
    }
  }
  return reminders;
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
    message: `${handover.dispatchedAt} に引き渡した ${handover.itemLabels.join('、')} の受領が記録されていません。The handover dispatched at ${handover.dispatchedAt} has not been received.`,
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
  for (const [arrived, missing, kind] of sides) {
    const receipt = arrived.lastReceipt;
    if (!receipt) continue;
    if (arrived.state === 'in_transit' || arrived.holderOrganizationId !== receipt.toOrganizationId)
      continue;
    if (missing.holderOrganizationId === receipt.toOrganizationId && missing.state !== 'in_transit')
      continue;
    const days = (at.getTime() - new Date(receipt.receivedAt).getTime()) / DAY_MS;
    if (days < settings.passwordNoticeDays) continue;
    const what =
      kind === 'password_notice_outstanding'
        ? `暗号化媒体「${arrived.label}」の受領から${settings.passwordNoticeDays}日を過ぎても、パスワード通知「${missing.label}」が届いていません。The password notice has not arrived ${settings.passwordNoticeDays} days after its encrypted medium.`
        : `パスワード通知「${arrived.label}」の受領から${settings.passwordNoticeDays}日を過ぎても、暗号化媒体「${missing.label}」が届いていません。The encrypted medium has not arrived ${settings.passwordNoticeDays} days after its password notice.`;
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

/** Items not back with the ward `returnDays` after the contract's end, to both sides; once. */
export function returnReminder(
  contract: OutstandingMediaFacts,
  asOf: IsoDate,
  settings: ReminderSettings,
): Reminder | null {
  if (asOf < addDays(contract.endsOn, settings.returnDays)) return null;
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
    dueOn: addDays(contract.endsOn, settings.returnDays),
    leadDays: null,
    title: `契約終了後${settings.returnDays}日を過ぎて未返却の媒体 ${out.length}件 / ${out.length} item(s) not returned`,
    message: `「${contract.title}」は${contract.endsOn}に終了しましたが、${out.map((i) => i.label).join('、')} が返却も消去もされていません。The contract ended on ${contract.endsOn}; these items are neither returned nor erased.`,
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

/** An incident, at once, to the ward's officers. */
export function incidentNotice(incident: IncidentFacts): Reminder {
  return {
    key: `incident:${incident.id}`,
    kind: 'incident',
    contractId: incident.contractId,
    subjectId: incident.id,
    dueOn: null,
    leadDays: null,
    title: `事故報告: ${incident.kind} / Incident reported`,
    message: incident.description,
    data: {
      incidentKind: incident.kind,
      occurredAt: incident.occurredAt,
      mediumIds: incident.mediumIds,
    },
    audience: audience({ wardOfficersOf: [incident.wardOrganizationId] }),
  };
}

import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import {
  addDays,
  businessDateOf,
  instantAt,
  type IsoDate,
} from '../../common/time/business-date.js';
import { Clock } from '../../common/time/clock.js';
import { Sql } from '../../database/sql.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import { emergencyContactsOf } from '../emergency/emergency-plan.queries.js';
import { MailDigests } from './mail-digests.js';
import { MailOutbox } from './mail-outbox.js';
import { NotificationWriter } from './notification-writer.js';
import { WebhookOutbox } from './webhook-outbox.js';
import { type WardPart, WardScope } from './ward-parts.js';
import {
  auditReminder,
  type AuditDue,
  type ContractFacts,
  dueAudits,
  incidentNotice,
  type ItemFacts,
  type OutstandingMediaFacts,
  receiptReminder,
  type Reminder,
  type ReminderSettings,
  returnReminder,
  takeoutPendingReminder,
  trainingLapseReminder,
  findingReminder,
  statusReportReminder,
  splitPairReminders,
} from './reminder.rules.js';
import { Metrics } from '../metrics/metrics.js';
import type { NotificationKind } from './entities/notification.entity.js';

export interface ScanResult {
  asOf: IsoDate;
  /** The instant the scan judged by: the scan time of that day in BUSINESS_TIMEZONE. */
  at: string;
  /** Reminders due that day, including those already sent by an earlier run. */
  due: number;
  /** Notifications this run stored. */
  raised: number;
  /**
   * Daily digest mails this run wrote (one per user with unread notifications
   * waiting); a part writes none, the day's are written once all its parts
   * are stored ({@link ReminderScanner.finishDay}).
   */
  digests: number;
  byKind: Partial<Record<NotificationKind, number>>;
  durationMs: number;
}

/**
 * What a scan finds due: a reminder, or an audit's, whose texts are written
 * only when it is to be stored (most days, tens of thousands of audits are
 * due that were stored on an earlier day).
 */
export type Due = Reminder | { key: string; contract: ContractFacts; audit: AuditDue };

/** Reminders written per transaction, so that a big scan never holds the writer lock for long. */
const WRITE_BATCH = 5000;

interface MediumRow {
  id: string;
  contract_id: string;
  label: string;
  state: string;
  holder_organization_id: string;
  holder_user_id: string | null;
  unlocks_medium_id: string | null;
}

/** A reminder found due, with its texts written. */
function written(due: Due, settings: ReminderSettings): Reminder {
  return 'audit' in due ? auditReminder(due.contract, due.audit, settings) : due;
}

/**
 * The daily reminder scan: loads the facts with a handful of queries, lets
 * the pure rules decide what is due as of the day, and stores the result
 * through the writer, whose idempotency keys make any rerun harmless.
 */
@Injectable()
export class ReminderScanner {
  private readonly logger = new Logger('ReminderScanner');

  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly writer: NotificationWriter,
    private readonly outbox: WebhookOutbox,
    private readonly mailOutbox: MailOutbox,
    private readonly digests: MailDigests,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {}

  get settings(): ReminderSettings {
    return {
      receiptHours: this.config.REMINDER_RECEIPT_HOURS,
      passwordNoticeDays: this.config.REMINDER_PASSWORD_NOTICE_DAYS,
      returnDays: this.config.REMINDER_RETURN_DAYS,
      overdueRepeatDays: this.config.REMINDER_OVERDUE_REPEAT_DAYS,
      dayCount: this.config.REMINDER_DAY_COUNT,
      timeZone: this.config.BUSINESS_TIMEZONE,
    };
  }

  private get scanTime(): string {
    return this.config.REMINDER_SCAN_TIME === 'off' ? '09:00' : this.config.REMINDER_SCAN_TIME;
  }

  /** Today in BUSINESS_TIMEZONE. */
  today(): IsoDate {
    return businessDateOf(this.clock.now(), this.config.BUSINESS_TIMEZONE);
  }

  /** The last day whose scan time has come: today from 09:00 on, yesterday before. */
  lastDueDay(): IsoDate {
    const today = this.today();
    const due = instantAt(today, this.scanTime, this.config.BUSINESS_TIMEZONE);
    return this.clock.now() >= due ? today : addDays(today, -1);
  }

  /** Runs the scan of one business day, or of one part of its wards; safe to repeat. */
  async scan(asOf: IsoDate, part?: WardPart): Promise<ScanResult> {
    const started = performance.now();
    const at = instantAt(asOf, this.scanTime, this.config.BUSINESS_TIMEZONE);
    const settings = this.settings;
    const scope = part ? await this.scopeOf(part) : WardScope.ALL;
    const due = await this.judge(asOf, at, settings, scope);
    const now = this.clock.now();
    const byKind: ScanResult['byKind'] = {};
    let raised = 0;
    // Most of what is due was raised on an earlier day (or by an earlier run
    // of this one): only the rest goes to the writer, whose unique keys still
    // settle a race with another worker's scan.
    const stored = await this.writer.stored(
      this.dataSource.manager,
      due.map((d) => d.key),
    );
    const fresh = (stored.size === 0 ? due : due.filter((d) => !stored.has(d.key))).map((d) =>
      written(d, settings),
    );
    const directory =
      fresh.length > 0 ? await this.writer.directory(this.dataSource.manager) : undefined;
    for (let start = 0; start < fresh.length; start += WRITE_BATCH) {
      const batch = fresh.slice(start, start + WRITE_BATCH);
      const result = await this.tx.run((manager) =>
        this.writer.write(manager, batch, { asOf, now, directory }),
      );
      raised += result.raised.length;
      for (const r of result.raised) byKind[r.kind] = (byKind[r.kind] ?? 0) + 1;
    }
    if (raised > 0) this.outbox.kick();
    // The day's digest goes out with its scan, listing what waits unread: a
    // part's, once every part of the day is stored (finishDay).
    const digests = part ? 0 : await this.digests.compose(asOf);
    if (raised > 0 || digests > 0) this.mailOutbox.kick();
    const durationMs = Math.round(performance.now() - started);
    this.metrics.reminderScan(durationMs / 1000);
    const of = part ? ` part ${part.part + 1}/${part.parts} (${scope.size} wards)` : '';
    this.logger.log(
      `reminder scan ${asOf}${of}: ${due.length} due, ${raised} new, ${digests} digests, ${durationMs} ms`,
    );
    return {
      asOf,
      at: at.toISOString(),
      due: due.length,
      raised,
      digests,
      byKind,
      durationMs,
    };
  }

  /** Whether a day whose scan time has come has no recorded scan (catchUp would scan it). */
  async behind(): Promise<boolean> {
    return (await this.pendingDays()).length > 0;
  }

  /**
   * Scans every day {@link pendingDays} lists, in order, and records each.
   * What the scheduler runs, daily and when Redis comes back, when one worker
   * scans a day whole.
   */
  async catchUp(): Promise<ScanResult[]> {
    const results: ScanResult[] = [];
    for (const day of await this.pendingDays()) {
      const result = await this.scan(day);
      await this.record(day, result.raised);
      results.push(result);
    }
    return results;
  }

  /**
   * After every part of a day's scan is stored: the day's digest, and the
   * day recorded as scanned. Returns the digests written.
   */
  async finishDay(asOf: IsoDate, raised: number): Promise<number> {
    const digests = await this.digests.compose(asOf);
    if (digests > 0) this.mailOutbox.kick();
    await this.record(asOf, raised);
    this.logger.log(`reminder scan ${asOf}: every part stored, ${digests} digests`);
    return digests;
  }

  /**
   * The days not scanned yet: from the one after the last recorded scan up
   * to the last day whose scan time has come, at most REMINDER_CATCH_UP_DAYS.
   */
  async pendingDays(): Promise<IsoDate[]> {
    const lastDue = this.lastDueDay();
    const row = await new Sql(this.dataSource.manager).one<{ last: string | null }>(
      'SELECT MAX(as_of) AS last FROM reminder_scans',
    );
    const earliest = addDays(lastDue, -(this.config.REMINDER_CATCH_UP_DAYS - 1));
    let day = row?.last ? addDays(row.last, 1) : lastDue;
    if (day < earliest) {
      this.logger.warn(
        `reminder scans since ${day} were missed; catching up from ${earliest} only`,
      );
      day = earliest;
    }
    const days: IsoDate[] = [];
    for (; day <= lastDue; day = addDays(day, 1)) days.push(day);
    return days;
  }

  private async record(asOf: IsoDate, raised: number): Promise<void> {
    await this.tx.run(async (manager) => {
      await new Sql(manager).run(
        `INSERT INTO reminder_scans (as_of, completed_at, raised) VALUES (?, ?, ?)
         ON CONFLICT (as_of) DO NOTHING`,
        [asOf, this.clock.now().toISOString(), raised],
      );
    });
  }

  /** The wards of one part of a scan: of every contract's ward, those {@link partOfWard} places there. */
  private async scopeOf(part: WardPart): Promise<WardScope> {
    const wards = await new Sql(this.dataSource.manager).rows(
      'SELECT DISTINCT ward_organization_id FROM contracts',
    );
    return WardScope.of(
      part,
      wards.map(([id]) => id as string),
    );
  }

  /**
   * Everything due as of `asOf` (judged at `at`) on the contracts of the
   * wards in `scope`, sent before or not; an audit's texts not yet written.
   */
  async judge(
    asOf: IsoDate,
    at: Date,
    settings = this.settings,
    scope = WardScope.ALL,
  ): Promise<Due[]> {
    const sql = new Sql(this.dataSource.manager);
    const reminders: Due[] = [];

    // The two biggest reads (a row per contract) as raw rows: no object per row.
    const audited = new Map<string, Set<number>>();
    for (const [contractId, fiscalYear] of await sql.rows(
      // The ward's own audits: a contractor's audit of its subcontractor is not the ward's.
      // No DISTINCT: the sets drop a second audit of a year without the database sorting them all.
      // Every contract's, even for a part of the wards: a lookup by contract, it
      // costs less to read whole than to filter by ward.
      'SELECT contract_id, fiscal_year FROM audits WHERE subcontractor_organization_id IS NULL',
    )) {
      const id = contractId as string;
      let years = audited.get(id);
      if (!years) audited.set(id, (years = new Set<number>()));
      years.add(Number(fiscalYear));
    }
    const none = new Set<number>();
    // Contracts share a handful of lead-day lists: parse each text once.
    const leadDays = new Map<string, number[]>();
    for (const [id, title, ward, startsOn, endsOn, leads] of await sql.rows(
      `SELECT id, title, ward_organization_id, starts_on, ends_on, reminder_lead_days
         FROM contracts WHERE starts_on <= ?${scope.and('ward_organization_id')}`,
      [asOf, ...scope.params],
    )) {
      const text = leads as string;
      let parsed = leadDays.get(text);
      // Ascending, as the rule wants them: sorted once per list, not per contract.
      if (!parsed) {
        parsed = [...new Set(JSON.parse(text) as number[])].sort((a, b) => a - b);
        leadDays.set(text, parsed);
      }
      const facts: ContractFacts = {
        id: id as string,
        title: title as string,
        wardOrganizationId: ward as string,
        startsOn: startsOn as string,
        endsOn: endsOn as string,
        reminderLeadDays: parsed,
        auditedYears: audited.get(id as string) ?? none,
      };
      for (const audit of dueAudits(facts, asOf, settings)) {
        reminders.push({ key: audit.key, contract: facts, audit });
      }
    }

    const cutoff = new Date(at.getTime() - settings.receiptHours * 3_600_000).toISOString();
    const open = await sql.all<{
      id: string;
      contract_id: string;
      from_user_id: string;
      from_organization_id: string;
      to_user_id: string;
      to_organization_id: string;
      dispatched_at: string;
    }>(
      `SELECT id, contract_id, from_user_id, from_organization_id, to_user_id,
              to_organization_id, dispatched_at
         FROM handovers WHERE status = 'dispatched' AND dispatched_at <= ?${scope.andContract('contract_id')}`,
      [cutoff, ...scope.params],
    );
    if (open.length > 0) {
      const labels = new Map<string, string[]>();
      for (const row of await sql.all<{ handover_id: string; label: string }>(
        `SELECT hi.handover_id, m.label FROM handover_items hi
           JOIN handovers h ON h.id = hi.handover_id
           JOIN media m ON m.id = hi.medium_id
          WHERE h.status = 'dispatched' AND h.dispatched_at <= ?${scope.andContract('h.contract_id')}
          ORDER BY m.label`,
        [cutoff, ...scope.params],
      )) {
        const list = labels.get(row.handover_id) ?? [];
        list.push(row.label);
        labels.set(row.handover_id, list);
      }
      for (const h of open) {
        const reminder = receiptReminder(
          {
            id: h.id,
            contractId: h.contract_id,
            fromUserId: h.from_user_id,
            fromOrganizationId: h.from_organization_id,
            toUserId: h.to_user_id,
            toOrganizationId: h.to_organization_id,
            dispatchedAt: h.dispatched_at,
            itemLabels: labels.get(h.id) ?? [],
          },
          at,
          settings,
        );
        if (reminder) reminders.push(reminder);
      }
    }

    reminders.push(...(await this.splitPairs(sql, at, settings, scope)));
    reminders.push(...(await this.unreturned(sql, asOf, settings, scope)));

    for (const row of await sql.all<{
      id: string;
      contract_id: string;
      ward_organization_id: string;
      kind: string;
      description: string;
      occurred_at: string;
      medium_ids: string;
    }>(
      `SELECT i.id, i.contract_id, c.ward_organization_id, i.kind, i.description,
              i.occurred_at, i.medium_ids
         FROM incidents i JOIN contracts c ON c.id = i.contract_id
        WHERE i.recorded_at <= ?
          AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.idempotency_key = 'incident:' || i.id)${scope.and('c.ward_organization_id')}`,
      [at.toISOString(), ...scope.params],
    )) {
      reminders.push(
        incidentNotice(
          {
            id: row.id,
            contractId: row.contract_id,
            wardOrganizationId: row.ward_organization_id,
            kind: row.kind,
            description: row.description,
            occurredAt: row.occurred_at,
            mediumIds: JSON.parse(row.medium_ids) as string[],
            contacts: await emergencyContactsOf(this.dataSource.manager, row.contract_id),
          },
          settings.timeZone,
        ),
      );
    }
    reminders.push(...(await this.pendingTakeouts(sql, asOf, at, settings, scope)));
    reminders.push(...(await this.openFindings(sql, asOf, at, settings, scope)));
    reminders.push(...(await this.unansweredStatusReports(sql, asOf, at, settings, scope)));
    reminders.push(...(await this.lapsingTrainings(sql, asOf, at, scope)));
    return reminders;
  }

  /**
   * Staff on the roster at `at` of open contracts that require training,
   * with their latest training given by `asOf` and the contract's
   * responsible persons (取扱責任者) on the roster then.
   */
  private async lapsingTrainings(
    sql: Sql,
    asOf: IsoDate,
    at: Date,
    scope: WardScope,
  ): Promise<Reminder[]> {
    const rostered = await sql.all<{
      contract_id: string;
      title: string;
      training_valid_months: number;
      user_id: string;
      organization_id: string;
      role: string;
      display_name: string | null;
    }>(
      `SELECT r.contract_id, c.title, c.training_valid_months, r.user_id, r.organization_id,
              r.role, u.display_name
         FROM roster_entries r
         JOIN contracts c ON c.id = r.contract_id
         JOIN users u ON u.id = r.user_id
        WHERE c.require_training = ? AND c.status <> 'closed' AND u.active = ?
          AND r.valid_from <= ? AND (r.valid_to IS NULL OR r.valid_to >= ?)
          AND (r.removed_at IS NULL OR r.removed_at > ?)${scope.and('c.ward_organization_id')}
        ORDER BY r.contract_id, r.user_id`,
      [true, true, asOf, asOf, at.toISOString(), ...scope.params],
    );
    if (rostered.length === 0) return [];
    const latest = new Map<string, string>();
    for (const row of await sql.all<{ contract_id: string; user_id: string; latest: string }>(
      `SELECT contract_id, user_id, MAX(trained_on) AS latest FROM handler_trainings
        WHERE trained_on <= ? GROUP BY contract_id, user_id`,
      [asOf],
    )) {
      latest.set(`${row.contract_id}:${row.user_id}`, row.latest);
    }
    // Each organization's own responsible persons: a subcontractor's 取扱責任者
    // is not told about the contractor's handlers, nor the reverse.
    const responsible = new Map<string, string[]>();
    const team = (row: { contract_id: string; organization_id: string }) =>
      `${row.contract_id}:${row.organization_id}`;
    for (const row of rostered.filter((r) => r.role === 'responsible')) {
      responsible.set(team(row), [...(responsible.get(team(row)) ?? []), row.user_id]);
    }
    const seen = new Set<string>();
    const reminders: Reminder[] = [];
    for (const row of rostered) {
      const key = `${row.contract_id}:${row.user_id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const reminder = trainingLapseReminder(
        {
          contractId: row.contract_id,
          contractTitle: row.title,
          userId: row.user_id,
          displayName: row.display_name ?? '',
          organizationId: row.organization_id,
          trainedOn: latest.get(key) ?? null,
          trainingValidMonths: Number(row.training_valid_months),
          responsibleUserIds: responsible.get(team(row)) ?? [],
        },
        asOf,
      );
      if (reminder) reminders.push(reminder);
    }
    return reminders;
  }

  /** Status reports requested by `at` and not answered, with the contractor's responsible persons. */
  private async unansweredStatusReports(
    sql: Sql,
    asOf: IsoDate,
    at: Date,
    settings: ReminderSettings,
    scope: WardScope,
  ): Promise<Reminder[]> {
    const reports = await sql.all<{
      id: string;
      contract_id: string;
      title: string;
      ward_organization_id: string;
      contractor_organization_id: string;
      requested_at: string;
    }>(
      `SELECT s.id, s.contract_id, c.title, c.ward_organization_id,
              c.contractor_organization_id, s.requested_at
         FROM status_reports s JOIN contracts c ON c.id = s.contract_id
        WHERE s.state = 'requested' AND s.requested_at <= ? AND c.status <> 'closed'${scope.and('c.ward_organization_id')}`,
      [at.toISOString(), ...scope.params],
    );
    if (reports.length === 0) return [];
    const responsible = await this.rosteredStaff(sql, asOf, 'responsible');
    return reports.flatMap((r) => {
      const reminder = statusReportReminder(
        {
          id: r.id,
          contractId: r.contract_id,
          contractTitle: r.title,
          wardOrganizationId: r.ward_organization_id,
          contractorOrganizationId: r.contractor_organization_id,
          responsibleUserIds:
            responsible.get(`${r.contract_id}:${r.contractor_organization_id}`) ?? [],
          requestedAt: r.requested_at,
        },
        asOf,
        settings,
      );
      return reminder ? [reminder] : [];
    });
  }

  /** Audit findings not verified at `at`, with the staff of both sides rostered on `asOf`. */
  private async openFindings(
    sql: Sql,
    asOf: IsoDate,
    at: Date,
    settings: ReminderSettings,
    scope: WardScope,
  ): Promise<Reminder[]> {
    const findings = await sql.all<{
      id: string;
      contract_id: string;
      title: string;
      ward_organization_id: string;
      item_label: string;
      corrective_action: string;
      due_on: string;
      state: 'open' | 'reported_fixed';
      state_changed_at: string;
      state_seq: number | string;
      owner_organization_id: string;
      auditor_organization_id: string;
    }>(
      `SELECT f.id, f.contract_id, c.title, c.ward_organization_id, f.item_label,
              f.corrective_action, f.due_on, f.state, f.state_changed_at, f.state_seq,
              f.owner_organization_id, f.auditor_organization_id
         FROM audit_findings f JOIN contracts c ON c.id = f.contract_id
        -- closed contracts too: a close-out audit's findings are reminded until verified
        WHERE f.state <> 'verified' AND f.state_changed_at <= ?${scope.and('c.ward_organization_id')}`,
      [at.toISOString(), ...scope.params],
    );
    if (findings.length === 0) return [];
    const rostered = await this.rosteredStaff(sql, asOf);
    const staffOf = (contractId: string, organizationId: string) =>
      rostered.get(`${contractId}:${organizationId}`) ?? [];
    return findings.flatMap((f) => {
      const reminder = findingReminder(
        {
          id: f.id,
          contractId: f.contract_id,
          contractTitle: f.title,
          itemLabel: f.item_label,
          correctiveAction: f.corrective_action,
          dueOn: f.due_on,
          state: f.state,
          stateOn: businessDateOf(new Date(f.state_changed_at), settings.timeZone),
          stateSeq: Number(f.state_seq),
          ownerOrganizationId: f.owner_organization_id,
          ownerUserIds: staffOf(f.contract_id, f.owner_organization_id),
          auditorOrganizationId: f.auditor_organization_id,
          auditorIsWard: f.auditor_organization_id === f.ward_organization_id,
          auditorUserIds: staffOf(f.contract_id, f.auditor_organization_id),
        },
        asOf,
        settings,
      );
      return reminder ? [reminder] : [];
    });
  }

  /** Active users on a roster on `asOf` (in `role`, if given), by `contractId:organizationId`. */
  private async rosteredStaff(
    sql: Sql,
    asOf: IsoDate,
    role?: 'responsible',
  ): Promise<Map<string, string[]>> {
    const staff = new Map<string, string[]>();
    for (const row of await sql.all<{
      contract_id: string;
      organization_id: string;
      user_id: string;
    }>(
      `SELECT DISTINCT r.contract_id, r.organization_id, r.user_id
         FROM roster_entries r JOIN users u ON u.id = r.user_id
        WHERE r.removed_at IS NULL AND r.valid_from <= ? AND (r.valid_to IS NULL OR r.valid_to >= ?)
          AND u.active = ?${role ? ' AND r.role = ?' : ''}
        ORDER BY r.user_id`,
      [asOf, asOf, true, ...(role ? [role] : [])],
    )) {
      const key = `${row.contract_id}:${row.organization_id}`;
      staff.set(key, [...(staff.get(key) ?? []), row.user_id]);
    }
    return staff;
  }

  /** Take-out requests still waiting at `at`, with the approvers of their wards. */
  private async pendingTakeouts(
    sql: Sql,
    asOf: IsoDate,
    at: Date,
    settings: ReminderSettings,
    scope: WardScope,
  ): Promise<Reminder[]> {
    const pending = await sql.all<{
      id: string;
      contract_id: string;
      applicant_user_id: string;
      requested_at: string;
      title: string;
      ward_organization_id: string;
      applicant_name: string | null;
    }>(
      `SELECT t.id, t.contract_id, t.applicant_user_id, t.requested_at, c.title,
              c.ward_organization_id, u.display_name AS applicant_name
         FROM takeout_requests t
         JOIN contracts c ON c.id = t.contract_id
         LEFT JOIN users u ON u.id = t.applicant_user_id
        WHERE t.status = 'requested' AND t.requested_at <= ? AND c.status <> 'closed'${scope.and('c.ward_organization_id')}`,
      [at.toISOString(), ...scope.params],
    );
    if (pending.length === 0) return [];
    const approvers = new Map<string, string[]>();
    for (const row of await sql.all<{ id: string; organization_id: string }>(
      `SELECT id, organization_id FROM users
        WHERE is_approver = ? AND active = ? AND role = 'ward_officer'`,
      [true, true],
    )) {
      approvers.set(row.organization_id, [...(approvers.get(row.organization_id) ?? []), row.id]);
    }
    return pending.flatMap((row) => {
      const reminder = takeoutPendingReminder(
        {
          id: row.id,
          contractId: row.contract_id,
          contractTitle: row.title,
          applicantName: row.applicant_name ?? '',
          requestedAt: row.requested_at,
          // The applicant may be an approver too, but never decides their own request.
          approverIds: (approvers.get(row.ward_organization_id) ?? []).filter(
            (id) => id !== row.applicant_user_id,
          ),
        },
        asOf,
        settings,
      );
      return reminder ? [reminder] : [];
    });
  }

  private async splitPairs(
    sql: Sql,
    at: Date,
    settings: ReminderSettings,
    scope: WardScope,
  ): Promise<Reminder[]> {
    const media = await sql.all<MediumRow>(
      `SELECT id, contract_id, label, state, holder_organization_id, holder_user_id, unlocks_medium_id
         FROM media
        WHERE state NOT IN ('erased', 'destroyed', 'lost')
          AND (kind = 'password_notice'
               OR id IN (SELECT unlocks_medium_id FROM media
                          WHERE kind = 'password_notice' AND unlocks_medium_id IS NOT NULL))${scope.andContract('contract_id')}`,
      scope.params,
    );
    if (media.length === 0) return [];
    const receipts = new Map<string, ItemFacts['lastReceipt']>();
    for (const row of await sql.all<{
      medium_id: string;
      handover_id: string;
      to_user_id: string;
      to_organization_id: string;
      received_at: string;
    }>(
      `SELECT hi.medium_id, h.id AS handover_id, h.to_user_id, h.to_organization_id, h.received_at
         FROM handover_items hi JOIN handovers h ON h.id = hi.handover_id
        WHERE h.status = 'received' AND h.received_at <= ?
          AND hi.medium_id IN (
            SELECT id FROM media WHERE kind = 'password_notice'
            UNION SELECT unlocks_medium_id FROM media
                   WHERE kind = 'password_notice' AND unlocks_medium_id IS NOT NULL)
        ORDER BY h.received_at, h.receipt_seq`,
      [at.toISOString()],
    )) {
      receipts.set(row.medium_id, {
        handoverId: row.handover_id,
        toUserId: row.to_user_id,
        toOrganizationId: row.to_organization_id,
        receivedAt: row.received_at,
      });
    }
    const facts = (m: MediumRow): ItemFacts => ({
      id: m.id,
      label: m.label,
      state: m.state,
      holderOrganizationId: m.holder_organization_id,
      holderUserId: m.holder_user_id,
      lastReceipt: receipts.get(m.id) ?? null,
    });
    const byId = new Map(media.map((m) => [m.id, m]));
    const reminders: Reminder[] = [];
    for (const notice of media) {
      if (!notice.unlocks_medium_id) continue;
      const medium = byId.get(notice.unlocks_medium_id);
      if (!medium) continue;
      reminders.push(
        ...splitPairReminders(
          { contractId: notice.contract_id, medium: facts(medium), notice: facts(notice) },
          at,
          settings,
        ),
      );
    }
    return reminders;
  }

  private async unreturned(
    sql: Sql,
    asOf: IsoDate,
    settings: ReminderSettings,
    scope: WardScope,
  ): Promise<Reminder[]> {
    const rows = await sql.all<
      MediumRow & { title: string; ward_organization_id: string; ends_on: string }
    >(
      `SELECT m.id, m.contract_id, m.label, m.state, m.holder_organization_id, m.holder_user_id,
              m.unlocks_medium_id, c.title, c.ward_organization_id, c.ends_on
         FROM media m JOIN contracts c ON c.id = m.contract_id
        WHERE c.ends_on <= ?
          AND m.state NOT IN ('erased', 'destroyed', 'lost')
          AND (m.state = 'in_transit' OR m.holder_organization_id <> c.ward_organization_id)${scope.and('c.ward_organization_id')}
        ORDER BY m.contract_id, m.label`,
      [addDays(asOf, -settings.returnDays), ...scope.params],
    );
    const byContract = new Map<string, OutstandingMediaFacts>();
    for (const row of rows) {
      let facts = byContract.get(row.contract_id);
      if (!facts) {
        facts = {
          contractId: row.contract_id,
          title: row.title,
          wardOrganizationId: row.ward_organization_id,
          endsOn: row.ends_on,
          items: [],
        };
        byContract.set(row.contract_id, facts);
      }
      facts.items.push({
        id: row.id,
        label: row.label,
        state: row.state,
        holderOrganizationId: row.holder_organization_id,
        holderUserId: row.holder_user_id,
        lastReceipt: null,
      });
    }
    const reminders: Reminder[] = [];
    for (const facts of byContract.values()) {
      const reminder = returnReminder(facts, asOf, settings);
      if (reminder) reminders.push(reminder);
    }
    return reminders;
  }
}

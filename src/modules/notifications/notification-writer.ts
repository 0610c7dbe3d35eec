import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { Sql } from '../../database/sql.js';
import type { Reminder } from './reminder.rules.js';

/** How a recipient gets a notification by mail, besides the inbox. */
export type RecipientMail = 'immediate' | 'digest';

/**
 * Active users by role and organization, the organizations with a webhook,
 * and the users who get mails (an address, mails not off, SMTP_URL set).
 */
export interface Directory {
  wardOfficers: Map<string, string[]>;
  auditors: Map<string, string[]>;
  organizationOf: Map<string, string>;
  webhookOrganizations: Set<string>;
  mailOf: Map<string, RecipientMail>;
}

export interface WriteResult {
  /** Notifications newly stored (those whose key was already there are skipped). */
  raised: Reminder[];
  recipients: number;
  deliveries: number;
  /** Immediate mails written (digests are written by the scan). */
  mails: number;
}

/**
 * Rows per INSERT: at most 24,000 parameters, under SQLite's 32,766 and
 * PostgreSQL's 65,535. Fewer, bigger statements made the 100,000-contract
 * scan twice as fast as 250-row ones.
 */
const CHUNK = 2000;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Stores notifications once, with their inbox rows, webhook deliveries and
 * immediate mails, inside the caller's transaction: the notification row's
 * unique idempotency key decides, in the database, whether this is the first
 * time, so concurrent scans on several workers cannot both win. Each inbox
 * row records how it goes by mail, as its user wants it now: an immediate
 * mail is written beside it, a digest's waits for the day's scan.
 */
@Injectable()
export class NotificationWriter {
  constructor(private readonly config: AppConfig) {}

  async directory(manager: EntityManager): Promise<Directory> {
    const sql = new Sql(manager);
    const users = await sql.all<{
      id: string;
      organization_id: string;
      role: string;
      email: string | null;
      mail_mode: string;
    }>('SELECT id, organization_id, role, email, mail_mode FROM users WHERE active = ?', [true]);
    const hooks = await sql.all<{ organization_id: string }>(
      'SELECT organization_id FROM webhooks',
    );
    const directory: Directory = {
      wardOfficers: new Map(),
      auditors: new Map(),
      organizationOf: new Map(),
      webhookOrganizations: new Set(hooks.map((h) => h.organization_id)),
      mailOf: new Map(),
    };
    for (const user of users) {
      directory.organizationOf.set(user.id, user.organization_id);
      if (this.config.mailEnabled && user.email) {
        if (user.mail_mode === 'immediate' || user.mail_mode === 'digest') {
          directory.mailOf.set(user.id, user.mail_mode);
        }
      }
      const byWard =
        user.role === 'ward_officer'
          ? directory.wardOfficers
          : user.role === 'auditor'
            ? directory.auditors
            : null;
      if (byWard) {
        const list = byWard.get(user.organization_id) ?? [];
        list.push(user.id);
        byWard.set(user.organization_id, list);
      }
    }
    return directory;
  }

  async write(
    manager: EntityManager,
    reminders: readonly Reminder[],
    context: { asOf: string; now: Date; directory?: Directory },
  ): Promise<WriteResult> {
    const result: WriteResult = { raised: [], recipients: 0, deliveries: 0, mails: 0 };
    if (reminders.length === 0) return result;
    const sql = new Sql(manager);
    const directory = context.directory ?? (await this.directory(manager));
    const createdAt = context.now.toISOString();
    for (let start = 0; start < reminders.length; start += CHUNK) {
      const chunk = reminders.slice(start, start + CHUNK);
      const ids = chunk.map(() => randomUUID());
      const params: Array<string | number | null> = [];
      for (const [i, r] of chunk.entries()) {
        params.push(
          ids[i] ?? randomUUID(),
          r.key,
          r.kind,
          r.contractId,
          r.subjectId,
          r.dueOn,
          r.leadDays,
          context.asOf,
          clip(r.title, 300),
          clip(r.message, 2000),
          JSON.stringify(r.data),
          createdAt,
        );
      }
      const inserted = await sql.all<{ id: string; idempotency_key: string }>(
        `INSERT INTO notifications
           (id, idempotency_key, kind, contract_id, subject_id, due_on, lead_days, as_of,
            title, message, data, created_at)
         VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
         ON CONFLICT (idempotency_key) DO NOTHING
         RETURNING id, idempotency_key`,
        params,
      );
      if (inserted.length === 0) continue;
      const byKey = new Map(chunk.map((r) => [r.key, r]));
      const recipientRows: Array<[string, string, RecipientMail | null, string | null]> = [];
      const deliveryRows: string[][] = [];
      for (const row of inserted) {
        const reminder = byKey.get(row.idempotency_key);
        if (!reminder) continue;
        result.raised.push(reminder);
        const users = new Set<string>();
        for (const org of reminder.audience.wardOfficersOf) {
          for (const id of directory.wardOfficers.get(org) ?? []) users.add(id);
        }
        for (const org of reminder.audience.auditorsOf) {
          for (const id of directory.auditors.get(org) ?? []) users.add(id);
        }
        for (const id of reminder.audience.users) {
          if (directory.organizationOf.has(id)) users.add(id);
        }
        const organizations = new Set(reminder.audience.organizations);
        for (const org of reminder.audience.wardOfficersOf) organizations.add(org);
        for (const id of users) {
          const mail = directory.mailOf.get(id) ?? null;
          recipientRows.push([row.id, id, mail, mail === 'immediate' ? randomUUID() : null]);
          const org = directory.organizationOf.get(id);
          if (org) organizations.add(org);
        }
        for (const org of organizations) {
          if (directory.webhookOrganizations.has(org)) deliveryRows.push([row.id, org]);
        }
      }
      for (let r = 0; r < recipientRows.length; r += CHUNK) {
        const rows = recipientRows.slice(r, r + CHUNK);
        await sql.run(
          `INSERT INTO notification_recipients
             (notification_id, user_id, created_at, read_at, mail, mail_delivery_id)
           VALUES ${rows.map(() => '(?, ?, ?, NULL, ?, ?)').join(', ')}
           ON CONFLICT DO NOTHING`,
          rows.flatMap(([n, u, mail, mailId]) => [n, u, createdAt, mail, mailId]),
        );
      }
      const mailRows = recipientRows.filter(([, , , mailId]) => mailId !== null);
      for (let m = 0; m < mailRows.length; m += CHUNK) {
        const rows = mailRows.slice(m, m + CHUNK);
        await sql.run(
          `INSERT INTO mail_deliveries
             (id, user_id, kind, notification_id, status, attempts, created_at)
           VALUES ${rows.map(() => "(?, ?, 'immediate', ?, 'pending', 0, ?)").join(', ')}
           ON CONFLICT DO NOTHING`,
          rows.flatMap(([n, u, , mailId]) => [mailId, u, n, createdAt]),
        );
      }
      for (let d = 0; d < deliveryRows.length; d += CHUNK) {
        const rows = deliveryRows.slice(d, d + CHUNK);
        await sql.run(
          `INSERT INTO webhook_deliveries
             (id, notification_id, organization_id, status, attempts, created_at)
           VALUES ${rows.map(() => "(?, ?, ?, 'pending', 0, ?)").join(', ')}
           ON CONFLICT DO NOTHING`,
          rows.flatMap(([n, o]) => [randomUUID(), n, o, createdAt]),
        );
      }
      result.recipients += recipientRows.length;
      result.deliveries += deliveryRows.length;
      result.mails += mailRows.length;
    }
    return result;
  }
}

import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { timeOrderedUuid } from '../../common/ids/time-ordered-uuid.js';
import { AppConfig } from '../../config/app-config.js';
import { insertMany } from '../../database/insert-many.js';
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

/** Keys per existence query of {@link NotificationWriter.stored}. */
const LOOKUP_CHUNK = 10_000;

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

  /**
   * Which of `keys` are stored already: read once before a scan writes, so
   * that a rerun (every day re-judges what earlier days raised) writes
   * nothing and takes no writer lock for what was sent. Only a shortcut: the
   * unique key in {@link write} still decides between concurrent scans.
   */
  async stored(manager: EntityManager, keys: readonly string[]): Promise<Set<string>> {
    const sql = new Sql(manager);
    const found = new Set<string>();
    // One JSON array per query rather than a parameter per key.
    const text = sql.isPostgres
      ? 'SELECT idempotency_key FROM notifications WHERE idempotency_key IN (SELECT json_array_elements_text(?::json))'
      : 'SELECT idempotency_key FROM notifications WHERE idempotency_key IN (SELECT value FROM json_each(?))';
    for (let start = 0; start < keys.length; start += LOOKUP_CHUNK) {
      const rows = await sql.rows(text, [JSON.stringify(keys.slice(start, start + LOOKUP_CHUNK))]);
      for (const [key] of rows) found.add(key as string);
    }
    return found;
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
    const inserted = await insertMany(
      sql,
      'notifications',
      [
        ['id', 'varchar'],
        ['idempotency_key', 'varchar'],
        ['kind', 'varchar'],
        ['contract_id', 'varchar'],
        ['subject_id', 'varchar'],
        ['due_on', 'varchar'],
        ['lead_days', 'int'],
        ['as_of', 'varchar'],
        ['title', 'varchar'],
        ['message', 'varchar'],
        ['data', 'text'],
        ['created_at', 'varchar'],
      ],
      [],
      reminders.map(
        (r) =>
          [
            timeOrderedUuid(context.now),
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
          ] as const,
      ),
      'ON CONFLICT (idempotency_key) DO NOTHING',
      true,
    );
    if (inserted.length === 0) return result;
    const byKey = new Map(reminders.map((r) => [r.key, r]));
    const recipientRows: Array<[string, string, RecipientMail | null, string | null]> = [];
    const deliveryRows: Array<[string, string, string]> = [];
    for (const [notificationId, key] of inserted) {
      const reminder = byKey.get(key);
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
        recipientRows.push([
          notificationId,
          id,
          mail,
          mail === 'immediate' ? timeOrderedUuid(context.now) : null,
        ]);
        const org = directory.organizationOf.get(id);
        if (org) organizations.add(org);
      }
      for (const org of organizations) {
        if (directory.webhookOrganizations.has(org)) {
          deliveryRows.push([timeOrderedUuid(context.now), notificationId, org]);
        }
      }
    }
    await insertMany(
      sql,
      'notification_recipients',
      [
        ['notification_id', 'varchar'],
        ['user_id', 'varchar'],
        ['mail', 'varchar'],
        ['mail_delivery_id', 'varchar'],
        ['created_at', 'varchar'],
      ],
      [['read_at', 'NULL']],
      recipientRows.map(([n, u, mail, mailId]) => [n, u, mail, mailId, createdAt]),
      'ON CONFLICT DO NOTHING',
    );
    const mailRows = recipientRows.filter(([, , , mailId]) => mailId !== null);
    await insertMany(
      sql,
      'mail_deliveries',
      [
        ['id', 'varchar'],
        ['user_id', 'varchar'],
        ['notification_id', 'varchar'],
        ['created_at', 'varchar'],
      ],
      [
        ['kind', "'immediate'"],
        ['status', "'pending'"],
        ['attempts', '0'],
      ],
      mailRows.map(([n, u, , mailId]) => [mailId, u, n, createdAt]),
      'ON CONFLICT DO NOTHING',
    );
    await insertMany(
      sql,
      'webhook_deliveries',
      [
        ['id', 'varchar'],
        ['notification_id', 'varchar'],
        ['organization_id', 'varchar'],
        ['created_at', 'varchar'],
      ],
      [
        ['status', "'pending'"],
        ['attempts', '0'],
      ],
      deliveryRows.map(([id, n, o]) => [id, n, o, createdAt]),
      'ON CONFLICT DO NOTHING',
    );
    result.recipients += recipientRows.length;
    result.deliveries += deliveryRows.length;
    result.mails += mailRows.length;
    return result;
  }
}

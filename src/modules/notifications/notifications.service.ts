import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error.js';
import { Clock } from '../../common/time/clock.js';
import { Sql } from '../../database/sql.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import type { Actor } from '../identity/roles.js';
import type {
  InboxQuery,
  InboxResponse,
  MailStateResponse,
  NotificationResponse,
} from './dto/notification.dto.js';
import type { MailStatus } from './entities/mail-delivery.entity.js';
import type { NotificationKind } from './entities/notification.entity.js';
import type { DeliveryStatus } from './entities/webhook-delivery.entity.js';
import { notificationPath } from './mail-message.rule.js';

interface InboxRow {
  id: string;
  kind: NotificationKind;
  contract_id: string;
  subject_id: string | null;
  due_on: string | null;
  lead_days: number | null;
  as_of: string;
  title: string;
  message: string;
  data: string;
  created_at: string;
  read_at: string | null;
  delivery_status: DeliveryStatus | null;
  delivery_attempts: number | null;
  delivery_status_code: number | null;
  delivery_error: string | null;
  mail: 'immediate' | 'digest' | null;
  mail_status: MailStatus | null;
  mail_attempts: number | null;
  mail_completed_at: string | null;
  mail_error: string | null;
  mail_status_code: number | null;
}

/**
 * The caller's inbox: only notifications addressed to them, newest first,
 * with their organization's webhook delivery and their own e-mail.
 */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  async inbox(actor: Actor, query: InboxQuery): Promise<InboxResponse> {
    const sql = new Sql(this.dataSource.manager);
    const unreadOnly = query.unread === true ? ' AND r.read_at IS NULL' : '';
    const rows = await sql.all<InboxRow>(
      `SELECT n.id, n.kind, n.contract_id, n.subject_id, n.due_on, n.lead_days, n.as_of,
              n.title, n.message, n.data, n.created_at, r.read_at,
              d.status AS delivery_status, d.attempts AS delivery_attempts,
              d.last_status_code AS delivery_status_code, d.last_error AS delivery_error,
              r.mail, m.status AS mail_status, m.attempts AS mail_attempts,
              m.completed_at AS mail_completed_at, m.last_error AS mail_error,
              m.last_status_code AS mail_status_code
         FROM notification_recipients r
         JOIN notifications n ON n.id = r.notification_id
         LEFT JOIN webhook_deliveries d
           ON d.notification_id = n.id AND d.organization_id = ?
         LEFT JOIN mail_deliveries m ON m.id = r.mail_delivery_id
        WHERE r.user_id = ?${unreadOnly}
        ORDER BY r.created_at DESC, n.id DESC
        LIMIT ? OFFSET ?`,
      [actor.organizationId, actor.userId, query.limit ?? 50, query.offset ?? 0],
    );
    const counts = await sql.one<{ total: number | string; unread: number | string | null }>(
      `SELECT COUNT(*) AS total,
              SUM(CASE WHEN read_at IS NULL THEN 1 ELSE 0 END) AS unread
         FROM notification_recipients WHERE user_id = ?`,
      [actor.userId],
    );
    return {
      items: rows.map((row) => this.toResponse(row)),
      total: Number(counts?.total ?? 0),
      unread: Number(counts?.unread ?? 0),
    };
  }

  /** Marks a notification of the caller's inbox read; reading it again keeps the first time. */
  async markRead(actor: Actor, id: string): Promise<{ id: string; readAt: string }> {
    return this.tx.run(async (manager) => {
      const sql = new Sql(manager);
      const row = await sql.one<{ read_at: string | null }>(
        'SELECT read_at FROM notification_recipients WHERE notification_id = ? AND user_id = ?',
        [id, actor.userId],
      );
      if (!row) {
        throw new DomainError('NOTIFICATION_NOT_FOUND', 'No such notification in your inbox', {
          notificationId: id,
        });
      }
      if (row.read_at) return { id, readAt: row.read_at };
      const readAt = this.clock.now().toISOString();
      await sql.run(
        'UPDATE notification_recipients SET read_at = ? WHERE notification_id = ? AND user_id = ?',
        [readAt, id, actor.userId],
      );
      return { id, readAt };
    });
  }

  private toResponse(row: InboxRow): NotificationResponse {
    return {
      id: row.id,
      kind: row.kind,
      contractId: row.contract_id,
      subjectId: row.subject_id,
      dueOn: row.due_on,
      leadDays: row.lead_days === null ? null : Number(row.lead_days),
      asOf: row.as_of,
      title: row.title,
      message: row.message,
      data: JSON.parse(row.data) as Record<string, unknown>,
      createdAt: row.created_at,
      readAt: row.read_at,
      webhook: row.delivery_status
        ? {
            status: row.delivery_status,
            attempts: Number(row.delivery_attempts ?? 0),
            lastStatusCode:
              row.delivery_status_code === null ? null : Number(row.delivery_status_code),
            lastError: row.delivery_error,
          }
        : null,
      mail: this.mailState(row),
      path: notificationPath(row.kind, row.contract_id),
    };
  }

  /**
   * The mail that carries a notification to the caller: its row's state, or
   * `waiting` for a digest not yet made. One read before its digest was made
   * is in none, and shows no mail.
   */
  private mailState(row: InboxRow): MailStateResponse | null {
    if (row.mail === null) return null;
    if (row.mail_status === null) {
      if (row.mail !== 'digest' || row.read_at !== null) return null;
      return {
        status: 'waiting',
        mode: 'digest',
        attempts: 0,
        sentAt: null,
        lastError: null,
        lastStatusCode: null,
      };
    }
    return {
      status: row.mail_status,
      mode: row.mail,
      attempts: Number(row.mail_attempts ?? 0),
      sentAt: row.mail_status === 'sent' ? row.mail_completed_at : null,
      lastError: row.mail_error,
      lastStatusCode: row.mail_status_code === null ? null : Number(row.mail_status_code),
    };
  }
}

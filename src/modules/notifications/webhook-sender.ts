import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { fetch } from 'undici';
import { AppConfig } from '../../config/app-config.js';
import { Clock } from '../../common/time/clock.js';
import { Sql } from '../../database/sql.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import { WebhookAddressPolicy, WebhookAddressRefused } from './webhook-address.policy.js';
import type { WebhookRefusal } from './webhook-address.rule.js';
import { signWebhook, WEBHOOK_HEADERS } from './webhook-signature.js';

export type AttemptOutcome =
  | { outcome: 'delivered'; statusCode: number }
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'retry'; error: string }
  | { outcome: 'failed'; error: string };

interface DeliveryRow {
  id: string;
  status: string;
  organization_id: string;
  notification_id: string;
  url: string | null;
  secret: string | null;
  kind: string;
  contract_id: string;
  subject_id: string | null;
  due_on: string | null;
  lead_days: number | null;
  as_of: string;
  title: string;
  message: string;
  data: string;
  created_at: string;
}

/**
 * One attempt of one webhook delivery: a signed JSON POST, and its outcome
 * recorded on the delivery row (attempts, last status or error, and
 * `delivered` or, on the last attempt, `failed`). An address the webhook
 * address policy refuses fails the delivery at once, without connecting.
 */
@Injectable()
export class WebhookSender {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly addresses: WebhookAddressPolicy,
  ) {}

  /** The JSON body a receiver gets. */
  static body(row: DeliveryRow): string {
    return JSON.stringify({
      deliveryId: row.id,
      organizationId: row.organization_id,
      notification: {
        id: row.notification_id,
        kind: row.kind,
        contractId: row.contract_id,
        subjectId: row.subject_id,
        dueOn: row.due_on,
        leadDays: row.lead_days === null ? null : Number(row.lead_days),
        asOf: row.as_of,
        title: row.title,
        message: row.message,
        data: JSON.parse(row.data) as unknown,
        createdAt: row.created_at,
      },
    });
  }

  async attempt(
    deliveryId: string,
    attempt: number,
    lastAttempt: boolean,
  ): Promise<AttemptOutcome> {
    const row = await new Sql(this.dataSource.manager).one<DeliveryRow>(
      `SELECT d.id, d.status, d.organization_id, d.notification_id, w.url, w.secret,
              n.kind, n.contract_id, n.subject_id, n.due_on, n.lead_days, n.as_of,
              n.title, n.message, n.data, n.created_at
         FROM webhook_deliveries d
         JOIN notifications n ON n.id = d.notification_id
         LEFT JOIN webhooks w ON w.organization_id = d.organization_id
        WHERE d.id = ?`,
      [deliveryId],
    );
    if (!row) return { outcome: 'skipped', reason: 'no such delivery' };
    if (row.status !== 'pending') return { outcome: 'skipped', reason: `already ${row.status}` };
    if (!row.url || !row.secret) {
      const error = 'the organization no longer has a webhook';
      await this.record(deliveryId, attempt, null, error, 'failed');
      return { outcome: 'failed', error };
    }
    // Checked again at every attempt: the settings may have narrowed since the
    // URL was registered (or it was stored before this policy existed).
    const urlRefused = this.addresses.judgeUrl(row.url);
    if (urlRefused) return this.refuse(deliveryId, attempt, urlRefused);
    const body = WebhookSender.body(row);
    const timestamp = Math.floor(this.clock.now().getTime() / 1000);
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      // The policy's dispatcher resolves the host and judges the address
      // itself, right before it connects (see WebhookAddressPolicy).
      const response = await fetch(row.url, {
        dispatcher: this.addresses.dispatcher,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'kanribo-webhook/1',
          [WEBHOOK_HEADERS.signature]: signWebhook(row.secret, timestamp, body),
          [WEBHOOK_HEADERS.timestamp]: String(timestamp),
          [WEBHOOK_HEADERS.delivery]: row.id,
          [WEBHOOK_HEADERS.event]: row.kind,
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.WEBHOOK_TIMEOUT_MS),
      });
      statusCode = response.status;
      await response.body?.cancel();
      if (response.status < 200 || response.status >= 300) error = `HTTP ${response.status}`;
    } catch (e) {
      if (e instanceof Error && e.cause instanceof WebhookAddressRefused) {
        return this.refuse(deliveryId, attempt, e.cause.reason);
      }
      const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
      error = `${e instanceof Error ? e.message : String(e)}${cause}`;
    }
    if (error === null) {
      await this.record(deliveryId, attempt, statusCode, null, 'delivered');
      return { outcome: 'delivered', statusCode: statusCode ?? 0 };
    }
    await this.record(deliveryId, attempt, statusCode, error, lastAttempt ? 'failed' : 'pending');
    return lastAttempt ? { outcome: 'failed', error } : { outcome: 'retry', error };
  }

  /**
   * A delivery the address policy refused: failed at once, not retried (the
   * same address would be refused again), with an error that names the rule
   * and nothing the network said, since no connection was attempted.
   */
  private async refuse(
    deliveryId: string,
    attempt: number,
    reason: WebhookRefusal,
  ): Promise<AttemptOutcome> {
    const error = `refused by the webhook address policy (${reason}); no connection was attempted`;
    await this.record(deliveryId, attempt, null, error, 'failed');
    return { outcome: 'failed', error };
  }

  private async record(
    deliveryId: string,
    attempt: number,
    statusCode: number | null,
    error: string | null,
    status: 'pending' | 'delivered' | 'failed',
  ): Promise<void> {
    const at = this.clock.now().toISOString();
    await this.tx.run(async (manager) => {
      await new Sql(manager).run(
        `UPDATE webhook_deliveries
            SET attempts = ?, last_attempt_at = ?, last_status_code = ?, last_error = ?,
                status = ?, completed_at = ?
          WHERE id = ? AND status = 'pending'`,
        [
          attempt,
          at,
          statusCode,
          error === null ? null : error.slice(0, 1000),
          status,
          status === 'pending' ? null : at,
          deliveryId,
        ],
      );
    });
  }
}

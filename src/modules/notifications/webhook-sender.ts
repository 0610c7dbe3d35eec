import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { fetch } from 'undici';
import { AppConfig } from '../../config/app-config.js';
import { Clock } from '../../common/time/clock.js';
import { deadline } from '../../common/time/deadline.js';
import { Sql } from '../../database/sql.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import { WebhookAddressPolicy, WebhookAddressRefused } from './webhook-address.policy.js';
import { QueueShutdown } from './queue-shutdown.js';
import type { WebhookRefusal } from './webhook-address.rule.js';
import { signWebhook, WEBHOOK_HEADERS } from './webhook-signature.js';
import { type AttemptOutcome, type AttemptRef, DeliveryAttempts } from './delivery-attempts.js';

export type { AttemptOutcome } from './delivery-attempts.js';

interface DeliveryRow {
  id: string;
  status: string;
  attempts: number;
  attempt_deadline: string | null;
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
 * The attempt is claimed on the row before the request goes out, so one
 * attempt sends one request (see DeliveryAttempts).
 */
@Injectable()
export class WebhookSender {
  private readonly attempts: DeliveryAttempts<'delivered'>;

  constructor(
    private readonly dataSource: DataSource,
    tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly addresses: WebhookAddressPolicy,
    private readonly shutdown: QueueShutdown,
  ) {
    this.attempts = new DeliveryAttempts(dataSource, tx, clock, {
      table: 'webhook_deliveries',
      done: 'delivered',
      attempts: config.WEBHOOK_ATTEMPTS,
      backoffMs: config.WEBHOOK_BACKOFF_MS,
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      errorLength: 1000,
    });
  }

  /** The JSON body a receiver gets. */
  static body(row: DeliveryRow): string {
    return JSON.stringify({
      // `type` and `timestamp` as the Standard Webhooks payload structure names them.
      type: row.kind,
      timestamp: row.created_at,
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

  async attempt(deliveryId: string): Promise<AttemptOutcome> {
    const row = await new Sql(this.dataSource.manager).one<DeliveryRow>(
      `SELECT d.id, d.status, d.attempts, d.attempt_deadline, d.organization_id,
              d.notification_id, w.url, w.secret,
              n.kind, n.contract_id, n.subject_id, n.due_on, n.lead_days, n.as_of,
              n.title, n.message, n.data, n.created_at
         FROM webhook_deliveries d
         JOIN notifications n ON n.id = d.notification_id
         LEFT JOIN webhooks w ON w.organization_id = d.organization_id
        WHERE d.id = ?`,
      [deliveryId],
    );
    const next = await this.attempts.next(deliveryId, row);
    if ('outcome' in next) return next;
    const { attempt } = next.ref;
    if (!row?.url || !row.secret) {
      const error = 'the organization no longer has a webhook';
      await this.attempts.record(deliveryId, next.ref, null, error, 'failed');
      return { outcome: 'failed', error };
    }
    // Checked again at every attempt: the settings may have narrowed since the
    // URL was registered (or it was stored before this policy existed).
    const urlRefused = this.addresses.judgeUrl(row.url);
    if (urlRefused) return this.refuse(deliveryId, next.ref, urlRefused);
    const lost = await this.attempts.claim(deliveryId, next.done);
    if (lost) return lost;
    const now = this.clock.now();
    const body = WebhookSender.body(row);
    // Signed to the second, as the webhook-timestamp header carries it.
    const signedAt = new Date(Math.floor(now.getTime() / 1000) * 1000);
    let statusCode: number | null = null;
    let error: string | null = null;
    const timeout = deadline(this.config.WEBHOOK_TIMEOUT_MS, this.shutdown.signal);
    try {
      // The policy's dispatcher resolves the host and judges the address
      // itself, right before it connects (see WebhookAddressPolicy).
      const response = await fetch(row.url, {
        dispatcher: this.addresses.dispatcher,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'kanribo-webhook/1',
          [WEBHOOK_HEADERS.id]: row.id,
          [WEBHOOK_HEADERS.timestamp]: String(signedAt.getTime() / 1000),
          [WEBHOOK_HEADERS.signature]: signWebhook(row.secret, row.id, signedAt, body),
          [WEBHOOK_HEADERS.attempt]: String(attempt),
          [WEBHOOK_HEADERS.event]: row.kind,
        },
        body,
        redirect: 'manual',
        signal: timeout.signal,
      });
      statusCode = response.status;
      await response.body?.cancel();
      if (response.status < 200 || response.status >= 300) error = `HTTP ${response.status}`;
    } catch (e) {
      if (e instanceof Error && e.cause instanceof WebhookAddressRefused) {
        return this.refuse(deliveryId, { attempt, claimed: true }, e.cause.reason);
      }
      const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
      error = `${e instanceof Error ? e.message : String(e)}${cause}`;
    } finally {
      timeout.clear();
    }
    if (error === null) {
      await this.attempts.record(
        deliveryId,
        { attempt, claimed: true },
        statusCode,
        null,
        'delivered',
      );
      return { outcome: 'delivered', statusCode: statusCode ?? 0 };
    }
    return this.attempts.failed(
      deliveryId,
      { ...next, ref: { attempt, claimed: true } },
      statusCode,
      error,
    );
  }

  /**
   * A delivery the address policy refused: failed at once, not retried (the
   * same address would be refused again), with an error that names the rule
   * and nothing the network said, since no connection was attempted.
   */
  private async refuse(
    deliveryId: string,
    attempt: AttemptRef,
    reason: WebhookRefusal,
  ): Promise<AttemptOutcome> {
    const error = `refused by the webhook address policy (${reason}); no connection was attempted`;
    await this.attempts.record(deliveryId, attempt, null, error, 'failed');
    return { outcome: 'failed', error };
  }
}

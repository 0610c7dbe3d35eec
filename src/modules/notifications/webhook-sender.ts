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
  /** Another attempt of this delivery is in flight until `deadline`: try again then. */
  | { outcome: 'in-flight'; deadline: Date }
  | { outcome: 'retry'; error: string }
  | { outcome: 'failed'; error: string };

/**
 * How long past WEBHOOK_TIMEOUT_MS an attempt may take to record its outcome
 * (the database write after the request) before another may start.
 */
export const ATTEMPT_GRACE_MS = 15_000;

/** Which attempt an outcome belongs to, and whether it was claimed before it ended. */
interface AttemptRef {
  attempt: number;
  claimed: boolean;
}

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
 *
 * The attempt is claimed in the database before the request goes out: the
 * row's attempt count goes up and it gets a deadline (the timeout and a
 * grace). A second job of the same delivery (a stalled job run again, a job
 * handed to the queue twice) finds the attempt in flight and waits for the
 * deadline, so one attempt sends one request. The attempt number and whether
 * it is the last come from the row, not from the queue's job, which may be a
 * new one after Redis lost the old.
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
    if (!row) return { outcome: 'skipped', reason: 'no such delivery' };
    if (row.status !== 'pending') return { outcome: 'skipped', reason: `already ${row.status}` };
    const now = this.clock.now();
    if (row.attempt_deadline !== null && row.attempt_deadline > now.toISOString()) {
      return { outcome: 'in-flight', deadline: new Date(row.attempt_deadline) };
    }
    const done = Number(row.attempts);
    const attempt = done + 1;
    if (attempt > this.config.WEBHOOK_ATTEMPTS) {
      // The last attempt was claimed but never recorded its outcome (its
      // process stopped mid-request): it counts, and none is left.
      const error = `attempt ${done} stopped before recording its outcome; no attempt left`;
      await this.record(deliveryId, { attempt: done, claimed: true }, null, error, 'failed');
      return { outcome: 'failed', error };
    }
    const lastAttempt = attempt >= this.config.WEBHOOK_ATTEMPTS;
    if (!row.url || !row.secret) {
      const error = 'the organization no longer has a webhook';
      await this.record(deliveryId, { attempt, claimed: false }, null, error, 'failed');
      return { outcome: 'failed', error };
    }
    // Checked again at every attempt: the settings may have narrowed since the
    // URL was registered (or it was stored before this policy existed).
    const urlRefused = this.addresses.judgeUrl(row.url);
    if (urlRefused) return this.refuse(deliveryId, { attempt, claimed: false }, urlRefused);
    if (!(await this.claim(deliveryId, done, now))) {
      return this.attemptInFlight(deliveryId);
    }
    const body = WebhookSender.body(row);
    // Signed to the second, as the webhook-timestamp header carries it.
    const signedAt = new Date(Math.floor(now.getTime() / 1000) * 1000);
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
          [WEBHOOK_HEADERS.id]: row.id,
          [WEBHOOK_HEADERS.timestamp]: String(signedAt.getTime() / 1000),
          [WEBHOOK_HEADERS.signature]: signWebhook(row.secret, row.id, signedAt, body),
          [WEBHOOK_HEADERS.attempt]: String(attempt),
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
        return this.refuse(deliveryId, { attempt, claimed: true }, e.cause.reason);
      }
      const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
      error = `${e instanceof Error ? e.message : String(e)}${cause}`;
    }
    if (error === null) {
      await this.record(deliveryId, { attempt, claimed: true }, statusCode, null, 'delivered');
      return { outcome: 'delivered', statusCode: statusCode ?? 0 };
    }
    await this.record(
      deliveryId,
      { attempt, claimed: true },
      statusCode,
      error,
      lastAttempt ? 'failed' : 'pending',
    );
    return lastAttempt ? { outcome: 'failed', error } : { outcome: 'retry', error };
  }

  /** The delay before the attempt after `attempt`, as the queue's exponential backoff counts it. */
  backoffAfter(attempt: number): number {
    return this.config.WEBHOOK_BACKOFF_MS * 2 ** Math.max(0, attempt - 1);
  }

  /**
   * Claims attempt `done + 1`: counts it and sets its deadline, unless another
   * attempt claimed it first or is still in flight. True when this one may send.
   */
  private async claim(deliveryId: string, done: number, now: Date): Promise<boolean> {
    const at = now.toISOString();
    const deadline = new Date(
      now.getTime() + this.config.WEBHOOK_TIMEOUT_MS + ATTEMPT_GRACE_MS,
    ).toISOString();
    const claimed = await this.tx.run((manager) =>
      new Sql(manager).change(
        `UPDATE webhook_deliveries
            SET attempts = ?, last_attempt_at = ?, attempt_deadline = ?, next_attempt_at = NULL
          WHERE id = ? AND status = 'pending' AND attempts = ?
            AND (attempt_deadline IS NULL OR attempt_deadline <= ?)`,
        [done + 1, at, deadline, deliveryId, done, at],
      ),
    );
    return claimed === 1;
  }

  /** What a job that lost the race for a claim does: wait for the attempt in flight, or stop. */
  private async attemptInFlight(deliveryId: string): Promise<AttemptOutcome> {
    const row = await new Sql(this.dataSource.manager).one<{
      status: string;
      attempt_deadline: string | null;
    }>('SELECT status, attempt_deadline FROM webhook_deliveries WHERE id = ?', [deliveryId]);
    if (!row || row.status !== 'pending') {
      return { outcome: 'skipped', reason: row ? `already ${row.status}` : 'no such delivery' };
    }
    if (row.attempt_deadline !== null && row.attempt_deadline > this.clock.now().toISOString()) {
      return { outcome: 'in-flight', deadline: new Date(row.attempt_deadline) };
    }
    // Another job ran an attempt meanwhile and owns the retry.
    return { outcome: 'skipped', reason: 'another attempt ran meanwhile' };
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
    await this.record(deliveryId, attempt, null, error, 'failed');
    return { outcome: 'failed', error };
  }

  /**
   * The outcome of an attempt. A claimed attempt records it only while it is
   * still the row's last (a late answer cannot overwrite a newer attempt's
   * outcome); an attempt that ended before its claim (no webhook, a refused
   * address) counts itself and records in one step.
   */
  private async record(
    deliveryId: string,
    { attempt, claimed }: AttemptRef,
    statusCode: number | null,
    error: string | null,
    status: 'pending' | 'delivered' | 'failed',
  ): Promise<void> {
    const now = this.clock.now();
    const at = now.toISOString();
    const next =
      status === 'pending'
        ? new Date(now.getTime() + this.backoffAfter(attempt)).toISOString()
        : null;
    const outcome = [
      statusCode,
      error === null ? null : error.slice(0, 1000),
      status,
      status === 'pending' ? null : at,
      next,
    ];
    await this.tx.run(async (manager) => {
      const sql = new Sql(manager);
      const set = `last_status_code = ?, last_error = ?, status = ?, completed_at = ?,
                   attempt_deadline = NULL, next_attempt_at = ?`;
      if (claimed) {
        await sql.run(
          `UPDATE webhook_deliveries SET ${set}
            WHERE id = ? AND status = 'pending' AND attempts = ?`,
          [...outcome, deliveryId, attempt],
        );
      } else {
        await sql.run(
          `UPDATE webhook_deliveries SET ${set}, attempts = ?, last_attempt_at = ?
            WHERE id = ? AND status = 'pending' AND attempts = ?
              AND (attempt_deadline IS NULL OR attempt_deadline <= ?)`,
          [...outcome, attempt, at, deliveryId, attempt - 1, at],
        );
      }
    });
  }
}

import type { DataSource } from 'typeorm';
import type { Clock } from '../../common/time/clock.js';
import { Sql } from '../../database/sql.js';
import type { TransactionRunner } from '../../database/transaction-runner.js';

export type AttemptOutcome =
  | { outcome: 'delivered'; statusCode: number }
  | { outcome: 'skipped'; reason: string }
  /** Another attempt of this delivery is in flight until `deadline`: try again then. */
  | { outcome: 'in-flight'; deadline: Date }
  | { outcome: 'retry'; error: string }
  | { outcome: 'failed'; error: string };

/**
 * How long past its timeout an attempt may take to record its outcome (the
 * database write after the request) before another may start.
 */
export const ATTEMPT_GRACE_MS = 15_000;

/** Which attempt an outcome belongs to, and whether it was claimed before it ended. */
export interface AttemptRef {
  attempt: number;
  claimed: boolean;
}

/** The columns of a delivery row that decide whether and which attempt may start. */
export interface AttemptRow {
  status: string;
  attempts: number;
  attempt_deadline: string | null;
}

export interface AttemptSettings<Done extends string> {
  table: 'webhook_deliveries' | 'mail_deliveries';
  /** What the row's status becomes when an attempt succeeds (`delivered`, `sent`). */
  done: Done;
  /** Attempts in all. */
  attempts: number;
  /** The first retry delay, doubled at each further attempt (as the queue's backoff). */
  backoffMs: number;
  /** How long one attempt may take. */
  timeoutMs: number;
  /** The length of the row's last_error column. */
  errorLength: number;
}

/** The next attempt, when one may start. */
export interface NextAttempt {
  ref: AttemptRef;
  /** Attempts already counted. */
  done: number;
  last: boolean;
}

/**
 * The attempts of one delivery (a webhook's POST, an e-mail), recorded on its
 * row, so that one attempt sends one request whatever the queue does.
 *
 * The attempt is claimed in the database before the request goes out: the
 * row's attempt count goes up and it gets a deadline (the timeout and a
 * grace). A second job of the same delivery (a stalled job run again, a job
 * handed to the queue twice) finds the attempt in flight and waits for the
 * deadline. The attempt number and whether it is the last come from the row,
 * not from the queue's job, which may be a new one after Redis lost the old.
 */
export class DeliveryAttempts<Done extends string> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly settings: AttemptSettings<Done>,
  ) {}

  /**
   * Whether an attempt may start on `row` now: the next attempt, or the
   * outcome to answer (already done, in flight, or none left: then failed).
   */
  async next(id: string, row: AttemptRow | undefined): Promise<NextAttempt | AttemptOutcome> {
    if (!row) return { outcome: 'skipped', reason: 'no such delivery' };
    if (row.status !== 'pending') return { outcome: 'skipped', reason: `already ${row.status}` };
    const now = this.clock.now();
    if (row.attempt_deadline !== null && row.attempt_deadline > now.toISOString()) {
      return { outcome: 'in-flight', deadline: new Date(row.attempt_deadline) };
    }
    const done = Number(row.attempts);
    const attempt = done + 1;
    if (attempt > this.settings.attempts) {
      // The last attempt was claimed but never recorded its outcome (its
      // process stopped mid-request): it counts, and none is left.
      const error = `attempt ${done} stopped before recording its outcome; no attempt left`;
      await this.record(id, { attempt: done, claimed: true }, null, error, 'failed');
      return { outcome: 'failed', error };
    }
    return {
      ref: { attempt, claimed: false },
      done,
      last: attempt >= this.settings.attempts,
    };
  }

  /** The delay before the attempt after `attempt`, as the queue's exponential backoff counts it. */
  backoffAfter(attempt: number): number {
    return this.settings.backoffMs * 2 ** Math.max(0, attempt - 1);
  }

  /**
   * Claims attempt `done + 1`: counts it and sets its deadline, unless another
   * attempt claimed it first or is still in flight. Null when this one may
   * send; otherwise what the job answers (wait for the attempt in flight, or stop).
   */
  async claim(id: string, done: number): Promise<AttemptOutcome | null> {
    const now = this.clock.now();
    const at = now.toISOString();
    const deadline = new Date(
      now.getTime() + this.settings.timeoutMs + ATTEMPT_GRACE_MS,
    ).toISOString();
    const claimed = await this.tx.run((manager) =>
      new Sql(manager).change(
        `UPDATE ${this.settings.table}
            SET attempts = ?, last_attempt_at = ?, attempt_deadline = ?, next_attempt_at = NULL
          WHERE id = ? AND status = 'pending' AND attempts = ?
            AND (attempt_deadline IS NULL OR attempt_deadline <= ?)`,
        [done + 1, at, deadline, id, done, at],
      ),
    );
    return claimed === 1 ? null : this.attemptInFlight(id);
  }

  /** What a job that lost the race for a claim does: wait for the attempt in flight, or stop. */
  private async attemptInFlight(id: string): Promise<AttemptOutcome> {
    const row = await new Sql(this.dataSource.manager).one<{
      status: string;
      attempt_deadline: string | null;
    }>(`SELECT status, attempt_deadline FROM ${this.settings.table} WHERE id = ?`, [id]);
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
   * The outcome of a failed attempt: `retry` (recorded as pending, the next
   * attempt due after the backoff) or, on the last, `failed`.
   */
  async failed(
    id: string,
    next: NextAttempt,
    statusCode: number | null,
    error: string,
  ): Promise<AttemptOutcome> {
    await this.record(id, next.ref, statusCode, error, next.last ? 'failed' : 'pending');
    return next.last ? { outcome: 'failed', error } : { outcome: 'retry', error };
  }

  /**
   * The outcome of an attempt. A claimed attempt records it only while it is
   * still the row's last (a late answer cannot overwrite a newer attempt's
   * outcome); an attempt that ended before its claim (no webhook, a refused
   * address) counts itself and records in one step.
   */
  async record(
    id: string,
    { attempt, claimed }: AttemptRef,
    statusCode: number | null,
    error: string | null,
    status: 'pending' | 'failed' | 'cancelled' | Done,
  ): Promise<void> {
    const now = this.clock.now();
    const at = now.toISOString();
    const next =
      status === 'pending'
        ? new Date(now.getTime() + this.backoffAfter(attempt)).toISOString()
        : null;
    const outcome = [
      statusCode,
      error === null ? null : error.slice(0, this.settings.errorLength),
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
          `UPDATE ${this.settings.table} SET ${set}
            WHERE id = ? AND status = 'pending' AND attempts = ?`,
          [...outcome, id, attempt],
        );
      } else {
        await sql.run(
          `UPDATE ${this.settings.table} SET ${set}, attempts = ?, last_attempt_at = ?
            WHERE id = ? AND status = 'pending' AND attempts = ?
              AND (attempt_deadline IS NULL OR attempt_deadline <= ?)`,
          [...outcome, attempt, at, id, attempt - 1, at],
        );
      }
    });
  }
}

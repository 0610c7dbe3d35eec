import { Logger, type OnModuleDestroy } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import type { Clock } from '../../common/time/clock.js';
import { Sql } from '../../database/sql.js';
import type { TransactionRunner } from '../../database/transaction-runner.js';
import { type QueueState, withTimeout } from './queue-state.js';

const BATCH = 500;
const WEEK_S = 7 * 24 * 3600;

/** The job of one delivery (a webhook's or a mail's): its row's id, also the job id. */
export interface DeliveryJob {
  deliveryId: string;
}

/** What differs between the outboxes: the table, the job's name and its retries. */
export interface OutboxSettings {
  /** A table with the delivery columns (status, attempts, enqueued_at, attempt_deadline, next_attempt_at). */
  table: 'webhook_deliveries' | 'mail_deliveries';
  /** The job's name in the queue. */
  jobName: string;
  /** How the log names the rows (`webhook deliveries`) and their jobs (`webhook jobs`). */
  rows: string;
  jobs: string;
  /** Attempts of one delivery in all. */
  attempts: number;
  /** The first retry delay, doubled at each further attempt. */
  backoffMs: number;
}

/** What one reconcile found: pending deliveries checked, and those handed to the queue again. */
export interface ReconcileResult {
  checked: number;
  requeued: number;
}

/**
 * Hands deliveries (webhook deliveries, mails), written to the database with
 * their notification, to the queue. A delivery is marked enqueued only after
 * Redis took it; while Redis is down the rows wait and the next pump (the
 * supervisor's tick, or a kick after new notifications) takes them. The job
 * id is the delivery id, so two processes pumping the same row add one job.
 *
 * Redis may later lose a job it took (a restart without persistence, the
 * last second of `appendonly everysec`, a failover, a flush): the delivery
 * row stays pending, so {@link reconcile} finds every pending delivery whose
 * job the queue no longer has and hands it again, with the attempts it has
 * left and the backoff it had reached.
 */
export abstract class DeliveryOutbox implements OnModuleDestroy {
  private readonly logger: Logger;
  private pumping: Promise<number> | null = null;
  private reconciling: Promise<ReconcileResult> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly queue: Queue<DeliveryJob>,
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly state: QueueState,
    private readonly settings: OutboxSettings,
    loggerName: string,
  ) {
    this.logger = new Logger(loggerName);
  }

  /** Pump soon (after the caller's transaction has committed). */
  kick(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.state.up) void this.pump().catch(() => undefined);
    }, 20);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearTimeout(this.timer);
  }

  /** Enqueues every waiting delivery; returns how many. One pump at a time per process. */
  async pump(): Promise<number> {
    if (this.pumping) {
      this.again = true;
      return this.pumping;
    }
    this.pumping = (async () => {
      let total = 0;
      try {
        do {
          this.again = false;
          for (;;) {
            const n = await this.pumpBatch();
            total += n;
            if (n < BATCH) break;
          }
        } while (this.again);
      } finally {
        this.pumping = null;
      }
      return total;
    })();
    return this.pumping;
  }

  private async pumpBatch(): Promise<number> {
    const rows = await new Sql(this.dataSource.manager).all<{ id: string }>(
      `SELECT id FROM ${this.settings.table} WHERE status = 'pending' AND enqueued_at IS NULL
        ORDER BY created_at LIMIT ${BATCH}`,
    );
    if (rows.length === 0) return 0;
    await withTimeout(
      this.queue.addBulk(rows.map((row) => this.jobOf(row.id, 0, 0))),
      10_000,
      `enqueueing ${this.settings.rows}`,
    );
    const at = this.clock.now().toISOString();
    await this.tx.run(async (manager) => {
      await new Sql(manager).run(
        `UPDATE ${this.settings.table} SET enqueued_at = ?
          WHERE enqueued_at IS NULL AND id IN (${Sql.list(rows.length)})`,
        [at, ...rows.map((r) => r.id)],
      );
    });
    this.logger.debug(`enqueued ${rows.length} ${this.settings.rows}`);
    return rows.length;
  }

  /**
   * Hands to the queue again every pending delivery, already handed once,
   * whose job the queue no longer has, or has finished while the row says
   * pending; skips a delivery whose attempt is in flight until that
   * attempt's deadline. One reconcile at a time per process; two processes
   * reconciling at once add one job (the job id is the delivery id).
   */
  reconcile(): Promise<ReconcileResult> {
    this.reconciling ??= this.reconcileAll().finally(() => {
      this.reconciling = null;
    });
    return this.reconciling;
  }

  private async reconcileAll(): Promise<ReconcileResult> {
    const result: ReconcileResult = { checked: 0, requeued: 0 };
    const now = this.clock.now();
    let after = '';
    for (;;) {
      const rows = await new Sql(this.dataSource.manager).all<{
        id: string;
        attempts: number;
        next_attempt_at: string | null;
      }>(
        `SELECT id, attempts, next_attempt_at FROM ${this.settings.table}
          WHERE status = 'pending' AND enqueued_at IS NOT NULL AND id > ?
            AND (attempt_deadline IS NULL OR attempt_deadline <= ?)
          ORDER BY id LIMIT ${BATCH}`,
        [after, now.toISOString()],
      );
      if (rows.length === 0) break;
      after = rows[rows.length - 1]?.id ?? after;
      result.checked += rows.length;
      const states = await withTimeout(
        Promise.all(rows.map((row) => this.queue.getJobState(row.id))),
        10_000,
        `reading the states of ${this.settings.jobs}`,
      );
      const lost = rows.filter((_, i) => {
        const state = states[i];
        return state === 'unknown' || state === 'completed' || state === 'failed';
      });
      if (lost.length > 0) {
        // A finished job with a pending row (its last outcome was never
        // recorded) would block a new job of the same id: remove it first.
        await withTimeout(
          Promise.all(lost.map((row) => this.queue.remove(row.id))),
          10_000,
          `removing finished ${this.settings.jobs}`,
        );
        await withTimeout(
          this.queue.addBulk(
            lost.map((row) => {
              const due = row.next_attempt_at ? Date.parse(row.next_attempt_at) : 0;
              return this.jobOf(row.id, Number(row.attempts), Math.max(0, due - now.getTime()));
            }),
          ),
          10_000,
          `re-enqueueing ${this.settings.rows}`,
        );
        result.requeued += lost.length;
      }
      if (rows.length < BATCH) break;
    }
    if (result.requeued > 0) {
      this.logger.warn(
        `handed ${result.requeued} pending ${this.settings.rows} to the queue again: Redis no longer had their jobs`,
      );
    }
    return result;
  }

  /**
   * The job of one delivery that has had `done` attempts: the attempts left,
   * and the exponential backoff going on from where it was (the queue counts
   * a new job's attempts from zero).
   */
  private jobOf(
    deliveryId: string,
    done: number,
    delay: number,
  ): { name: string; data: DeliveryJob; opts: JobsOptions } {
    return {
      name: this.settings.jobName,
      data: { deliveryId },
      opts: {
        jobId: deliveryId,
        attempts: Math.max(1, this.settings.attempts - done),
        backoff: { type: 'exponential', delay: this.settings.backoffMs * 2 ** done },
        ...(delay > 0 ? { delay } : {}),
        removeOnComplete: { age: WEEK_S },
        removeOnFail: { age: 4 * WEEK_S },
      },
    };
  }
}

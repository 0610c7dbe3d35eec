import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { Clock } from '../../common/time/clock.js';
import { Sql } from '../../database/sql.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import { WEBHOOK_QUEUE } from './queue.constants.js';
import { QueueState, withTimeout } from './queue-state.js';

const BATCH = 500;
const WEEK_S = 7 * 24 * 3600;

export interface DeliveryJob {
  deliveryId: string;
}

/**
 * Hands webhook deliveries, written to the database with their
 * notification, to the queue. A delivery is marked enqueued only after
 * Redis took it; while Redis is down the rows wait and the next pump (the
 * supervisor's tick, or a kick after new notifications) takes them. The job
 * id is the delivery id, so two processes pumping the same row add one job.
 */
@Injectable()
export class WebhookOutbox implements OnModuleDestroy {
  private readonly logger = new Logger('WebhookOutbox');
  private pumping: Promise<number> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @InjectQueue(WEBHOOK_QUEUE) private readonly queue: Queue<DeliveryJob>,
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly state: QueueState,
  ) {}

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
      `SELECT id FROM webhook_deliveries WHERE status = 'pending' AND enqueued_at IS NULL
        ORDER BY created_at LIMIT ${BATCH}`,
    );
    if (rows.length === 0) return 0;
    await withTimeout(
      this.queue.addBulk(
        rows.map((row) => ({
          name: 'deliver',
          data: { deliveryId: row.id },
          opts: {
            jobId: row.id,
            attempts: this.config.WEBHOOK_ATTEMPTS,
            backoff: { type: 'exponential', delay: this.config.WEBHOOK_BACKOFF_MS },
            removeOnComplete: { age: WEEK_S },
            removeOnFail: { age: 4 * WEEK_S },
          },
        })),
      ),
      10_000,
      'enqueueing webhook deliveries',
    );
    const at = this.clock.now().toISOString();
    await this.tx.run(async (manager) => {
      await new Sql(manager).run(
        `UPDATE webhook_deliveries SET enqueued_at = ?
          WHERE enqueued_at IS NULL AND id IN (${Sql.list(rows.length)})`,
        [at, ...rows.map((r) => r.id)],
      );
    });
    this.logger.debug(`enqueued ${rows.length} webhook deliveries`);
    return rows.length;
  }
}

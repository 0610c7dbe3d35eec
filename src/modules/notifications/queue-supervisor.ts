import { InjectQueue } from '@nestjs/bullmq';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Queue } from 'bullmq';
import { AppConfig } from '../../config/app-config.js';
import {
  DAILY_SCAN_SCHEDULER,
  dailyPattern,
  REMINDER_QUEUE,
  WEBHOOK_QUEUE,
} from './queue.constants.js';
import { QueueState, withTimeout } from './queue-state.js';
import { WebhookOutbox } from './webhook-outbox.js';

/** Whether this process runs the queue workers (the API with QUEUE_WORKERS=in-process, or `npm run worker`). */
export const RUNS_WORKERS = Symbol('RUNS_WORKERS');

/**
 * Watches Redis. The service never waits for it: handovers and every other
 * write go to the database alone. Each tick pings Redis; when it answers
 * after being away (or at start) the supervisor (re)installs the daily
 * scan's job scheduler and, in a process with workers, queues a catch-up
 * scan of the days missed meanwhile; then it hands waiting webhook
 * deliveries to the queue.
 */
@Injectable()
export class QueueSupervisor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Queue');
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | null = null;
  private stopped = false;

  constructor(
    @InjectQueue(REMINDER_QUEUE) private readonly reminders: Queue,
    @InjectQueue(WEBHOOK_QUEUE) private readonly webhooks: Queue,
    private readonly state: QueueState,
    private readonly outbox: WebhookOutbox,
    private readonly config: AppConfig,
    @Inject(RUNS_WORKERS) private readonly runsWorkers: boolean,
  ) {}

  onApplicationBootstrap(): void {
    // A queue without an error listener would crash the process when Redis goes away.
    for (const queue of [this.reminders, this.webhooks]) queue.on('error', () => undefined);
    this.timer = setInterval(() => void this.tick(), this.config.QUEUE_CHECK_INTERVAL_MS);
    this.timer.unref();
    void this.tick();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /** One check; concurrent callers share it. */
  tick(): Promise<void> {
    this.ticking ??= this.check().finally(() => {
      this.ticking = null;
    });
    return this.ticking;
  }

  private async check(): Promise<void> {
    if (this.stopped) return;
    try {
      const started = performance.now();
      const client = await withTimeout(this.reminders.backend.client, 2000, 'connecting to Redis');
      await withTimeout(client.runCommand('ping', []), 2000, 'Redis PING');
      this.state.latencyMs = Math.round((performance.now() - started) * 10) / 10;
      if (!this.state.up) {
        await this.cameUp();
        this.state.status = 'up';
        this.state.since = new Date();
        this.state.lastError = null;
        this.logger.log('Redis is reachable: queue up');
      }
      await this.outbox.pump();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (this.state.status !== 'down') {
        this.logger.warn(
          `queue down (${message}); the service goes on, reminders and webhooks catch up when Redis is back`,
        );
        this.state.status = 'down';
        this.state.since = new Date();
      }
      this.state.lastError = message;
      this.state.latencyMs = null;
    }
  }

  private async cameUp(): Promise<void> {
    const time = this.config.REMINDER_SCAN_TIME;
    if (time === 'off') {
      await this.reminders.removeJobScheduler(DAILY_SCAN_SCHEDULER);
      return;
    }
    await this.reminders.upsertJobScheduler(
      DAILY_SCAN_SCHEDULER,
      { pattern: dailyPattern(time), tz: this.config.BUSINESS_TIMEZONE },
      {
        name: 'daily-scan',
        data: {},
        opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
      },
    );
    if (this.runsWorkers) {
      await this.reminders.add(
        'catch-up',
        {},
        { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
      );
    }
  }
}

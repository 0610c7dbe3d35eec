import { InjectQueue } from '@nestjs/bullmq';
import {
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
  MAIL_QUEUE,
  REMINDER_QUEUE,
  SCAN_JOB_OPTIONS,
  WEBHOOK_QUEUE,
} from './queue.constants.js';
import { QueueState, withTimeout } from './queue-state.js';
import { MailOutbox } from './mail-outbox.js';
import { ReminderScanner } from './reminder-scanner.js';
import { WebhookOutbox } from './webhook-outbox.js';

/**
 * Watches Redis. The service never waits for it: handovers and every other
 * write go to the database alone. Each tick reads a marker key this
 * supervisor writes into Redis; when Redis answers after being away (or at
 * start), or answers without the marker (it restarted without persistence,
 * failed over, or was flushed, however fast), the supervisor (re)installs
 * the daily scan's job scheduler, queues a catch-up scan of the days missed
 * meanwhile and hands again every pending webhook delivery and mail whose
 * job Redis lost. Every QUEUE_RECONCILE_INTERVAL_MS it does the same checks
 * (a job lost without the marker, say in the last second of `appendonly
 * everysec`); every tick it hands new deliveries and mails to the queue.
 */
@Injectable()
export class QueueSupervisor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Queue');
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | null = null;
  private stopped = false;
  /** performance.now() of the last reconcile; -Infinity before the first. */
  private reconciledAt = Number.NEGATIVE_INFINITY;

  constructor(
    @InjectQueue(REMINDER_QUEUE) private readonly reminders: Queue,
    @InjectQueue(WEBHOOK_QUEUE) private readonly webhooks: Queue,
    @InjectQueue(MAIL_QUEUE) private readonly mails: Queue,
    private readonly state: QueueState,
    private readonly outbox: WebhookOutbox,
    private readonly mailOutbox: MailOutbox,
    private readonly scanner: ReminderScanner,
    private readonly config: AppConfig,
  ) {}

  /** The marker key: present while Redis has kept what this service wrote into it. */
  private get markerKey(): string {
    return `${this.config.QUEUE_PREFIX}:supervisor:marker`;
  }

  onApplicationBootstrap(): void {
    // A queue without an error listener would crash the process when Redis goes away.
    for (const queue of [this.reminders, this.webhooks, this.mails]) {
      queue.on('error', () => undefined);
    }
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
      const marker = await withTimeout(client.get(this.markerKey), 2000, 'reading from Redis');
      this.state.latencyMs = Math.round((performance.now() - started) * 10) / 10;
      if (!this.state.up || marker === null) {
        if (this.state.up) {
          this.logger.warn(
            'Redis lost what it held (a restart without persistence, a failover or a flush): recovering the queue from the database',
          );
        }
        await this.recover();
        await withTimeout(
          client.set(this.markerKey, new Date().toISOString()),
          2000,
          'writing to Redis',
        );
        if (!this.state.up) {
          this.state.status = 'up';
          this.state.since = new Date();
          this.state.lastError = null;
          this.logger.log('Redis is reachable: queue up');
        }
      }
      await this.outbox.pump();
      await this.mailOutbox.pump();
      if (performance.now() - this.reconciledAt >= this.config.QUEUE_RECONCILE_INTERVAL_MS) {
        await this.reconcile();
      }
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

  /** After Redis came back or lost its data: the schedule, a catch-up scan, lost deliveries. */
  private async recover(): Promise<void> {
    const time = this.config.REMINDER_SCAN_TIME;
    if (time === 'off') {
      await this.reminders.removeJobScheduler(DAILY_SCAN_SCHEDULER);
    } else {
      await this.installDailyScan(time);
      await this.reminders.add('catch-up', {}, SCAN_JOB_OPTIONS);
    }
    await this.reconcile();
  }

  /**
   * The periodic check: pending deliveries whose job is gone are handed
   * again; a missing daily-scan scheduler is installed again; a scan day that
   * has come but was not scanned, with no scan job waiting or running, gets a
   * catch-up job.
   */
  private async reconcile(): Promise<void> {
    const result = await this.outbox.reconcile();
    const mailResult = await this.mailOutbox.reconcile();
    const time = this.config.REMINDER_SCAN_TIME;
    if (time !== 'off') {
      if (!(await this.reminders.getJobScheduler(DAILY_SCAN_SCHEDULER))) {
        this.logger.warn('the daily scan was missing from Redis: installed again');
        await this.installDailyScan(time);
      }
      if (await this.scanner.behind()) {
        // A day scanned in parts waits for them, a part's retry among them ('waiting-children').
        // Not 'delayed': the scheduler's next daily scan always waits there.
        const counts = await this.reminders.getJobCounts(
          'waiting',
          'active',
          'prioritized',
          'waiting-children',
        );
        if (Object.values(counts).every((n) => n === 0)) {
          this.logger.warn('a due reminder scan has not run: queueing a catch-up scan');
          await this.reminders.add('catch-up', {}, SCAN_JOB_OPTIONS);
        }
      }
    }
    this.reconciledAt = performance.now();
    this.state.reconciledAt = new Date();
    this.state.requeued += result.requeued + mailResult.requeued;
  }

  private async installDailyScan(time: string): Promise<void> {
    await this.reminders.upsertJobScheduler(
      DAILY_SCAN_SCHEDULER,
      { pattern: dailyPattern(time), tz: this.config.BUSINESS_TIMEZONE },
      { name: 'daily-scan', data: {}, opts: SCAN_JOB_OPTIONS },
    );
  }
}

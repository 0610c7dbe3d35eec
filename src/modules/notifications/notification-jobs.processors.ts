import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { type BeforeApplicationShutdown, Logger } from '@nestjs/common';
import { DelayedError, type Job } from 'bullmq';
import { Clock } from '../../common/time/clock.js';
import { Metrics } from '../metrics/metrics.js';
import type { AttemptOutcome } from './delivery-attempts.js';
import type { DeliveryJob } from './delivery-outbox.js';
import { MailSender } from './mail-sender.js';
import { MAIL_QUEUE, REMINDER_QUEUE, WEBHOOK_QUEUE } from './queue.constants.js';
import { QueueShutdown } from './queue-shutdown.js';
import { ReminderScanner } from './reminder-scanner.js';
import { WebhookSender } from './webhook-sender.js';

/** Logs a worker's connection errors once per message, not at every reconnect attempt. */
class QuietErrors {
  private last = '';
  constructor(private readonly logger: Logger) {}
  log(error: Error): void {
    if (error.message === this.last) return;
    this.last = error.message;
    this.logger.warn(`queue worker: ${error.message}`);
  }
}

/** A worker that stops within a bound, with or without Redis (QueueShutdown). */
abstract class StoppableWorker extends WorkerHost implements BeforeApplicationShutdown {
  constructor(protected readonly shutdown: QueueShutdown) {
    super();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.shutdown.closeWorker(this.worker);
  }
}

/**
 * The daily scan (from the job scheduler at REMINDER_SCAN_TIME) and catch-up
 * runs: both scan every day since the last recorded scan. One at a time per
 * worker; concurrent workers are harmless because notifications are
 * idempotent.
 */
@Processor(REMINDER_QUEUE, { concurrency: 1 })
export class ReminderJobsProcessor extends StoppableWorker {
  private readonly logger = new Logger('ReminderJobs');
  private readonly errors = new QuietErrors(this.logger);

  constructor(
    private readonly scanner: ReminderScanner,
    shutdown: QueueShutdown,
  ) {
    super(shutdown);
  }

  async process(job: Job): Promise<{ scanned: string[]; raised: number }> {
    const results = await this.scanner.catchUp();
    this.logger.log(`${job.name}: scanned ${results.length} day(s)`);
    return {
      scanned: results.map((r) => r.asOf),
      raised: results.reduce((n, r) => n + r.raised, 0),
    };
  }

  @OnWorkerEvent('error')
  onError(error: Error): void {
    this.errors.log(error);
  }
}

/**
 * One delivery per job (a webhook's POST, an e-mail), retried by the queue
 * with exponential backoff. The delivery row decides the attempt number; a
 * job that finds another attempt of its delivery in flight waits until that
 * attempt's deadline instead of sending a second time.
 */
abstract class DeliveryProcessor extends StoppableWorker {
  protected abstract readonly logger: Logger;
  /** The channel its outcomes are counted under (kanribo_deliveries_total). */
  protected abstract readonly channel: 'webhook' | 'email';

  constructor(
    private readonly clock: Clock,
    private readonly metrics: Metrics,
    shutdown: QueueShutdown,
  ) {
    super(shutdown);
  }

  /** One attempt of the delivery. */
  protected abstract attempt(deliveryId: string): Promise<AttemptOutcome>;

  async process(job: Job<DeliveryJob>, token?: string): Promise<string> {
    const result = await this.attempt(job.data.deliveryId);
    if (result.outcome !== 'in-flight') this.metrics.delivery(this.channel, result.outcome);
    switch (result.outcome) {
      case 'delivered':
        return `delivered (${result.statusCode})`;
      case 'skipped':
        return `skipped: ${result.reason}`;
      case 'in-flight': {
        const wait = Math.max(100, result.deadline.getTime() - this.clock.now().getTime());
        await job.moveToDelayed(Date.now() + wait, token);
        // Tells the worker the job was moved, not failed: no attempt is used up.
        throw new DelayedError();
      }
      case 'failed':
        this.logger.warn(`delivery ${job.data.deliveryId} failed: ${result.error}`);
        return `failed: ${result.error}`;
      case 'retry':
        // Thrown so that the queue retries with its backoff.
        throw new Error(result.error);
    }
  }
}

/** Webhook deliveries: one signed POST per job. */
@Processor(WEBHOOK_QUEUE, { concurrency: 16 })
export class WebhookDeliveryProcessor extends DeliveryProcessor {
  protected readonly logger = new Logger('WebhookDelivery');
  protected readonly channel = 'webhook';
  private readonly errors = new QuietErrors(this.logger);

  constructor(
    private readonly sender: WebhookSender,
    clock: Clock,
    metrics: Metrics,
    shutdown: QueueShutdown,
  ) {
    super(clock, metrics, shutdown);
  }

  protected attempt(deliveryId: string): Promise<AttemptOutcome> {
    return this.sender.attempt(deliveryId);
  }

  @OnWorkerEvent('error')
  onError(error: Error): void {
    this.errors.log(error);
  }
}

/** E-mails: one SMTP conversation per job (few at once, as mail servers like it). */
@Processor(MAIL_QUEUE, { concurrency: 4 })
export class MailDeliveryProcessor extends DeliveryProcessor {
  protected readonly logger = new Logger('MailDelivery');
  protected readonly channel = 'email';
  private readonly errors = new QuietErrors(this.logger);

  constructor(
    private readonly sender: MailSender,
    clock: Clock,
    metrics: Metrics,
    shutdown: QueueShutdown,
  ) {
    super(clock, metrics, shutdown);
  }

  protected attempt(deliveryId: string): Promise<AttemptOutcome> {
    return this.sender.attempt(deliveryId);
  }

  @OnWorkerEvent('error')
  onError(error: Error): void {
    this.errors.log(error);
  }
}

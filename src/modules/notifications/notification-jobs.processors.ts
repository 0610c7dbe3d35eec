import { InjectQueue, OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { type BeforeApplicationShutdown, Logger } from '@nestjs/common';
import { DelayedError, FlowProducer, type Job, type Queue } from 'bullmq';
import type { IsoDate } from '../../common/time/business-date.js';
import { Clock } from '../../common/time/clock.js';
import { AppConfig } from '../../config/app-config.js';
import { Metrics } from '../metrics/metrics.js';
import type { AttemptOutcome } from './delivery-attempts.js';
import type { DeliveryJob } from './delivery-outbox.js';
import { MailSender } from './mail-sender.js';
import {
  MAIL_QUEUE,
  REMINDER_QUEUE,
  SCAN_DAY_JOB,
  SCAN_JOB_OPTIONS,
  SCAN_PART_JOB,
  WEBHOOK_QUEUE,
} from './queue.constants.js';
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

/** A day scanned in parts, its digest and record: tried again on a passing error. */
const DAY_JOB_OPTIONS = {
  ...SCAN_JOB_OPTIONS,
  attempts: 3,
  backoff: { type: 'exponential', delay: 2000 },
};

/** A part of a day's scan that fails is tried again; after its last try the day fails, to be scanned by a later catch-up. */
const PART_JOB_OPTIONS = { ...DAY_JOB_OPTIONS, failParentOnFailure: true };

interface ScanPartData {
  asOf: IsoDate;
  part: number;
  parts: number;
}

/** What a part job returns, which its day's job reads. */
interface PartResult extends ScanPartData {
  due: number;
  raised: number;
}

/**
 * The daily scan (from the job scheduler at REMINDER_SCAN_TIME) and catch-up
 * runs: with one worker listening, both scan every day since the last
 * recorded scan. One at a time per worker; concurrent workers are harmless
 * because notifications are idempotent.
 *
 * When several workers listen (REMINDER_SCAN_PARTS, `auto` by default), the
 * run queues the first day not scanned as a flow instead: one `scan-part`
 * job per part of its wards, which any worker takes, under one `scan-day`
 * job that BullMQ runs once every part is done. That one writes the day's
 * digest, records the day, and queues the scan of the next missed day.
 */
@Processor(REMINDER_QUEUE, { concurrency: 1 })
export class ReminderJobsProcessor extends StoppableWorker {
  private readonly logger = new Logger('ReminderJobs');
  private readonly errors = new QuietErrors(this.logger);
  private flows: FlowProducer | undefined;

  constructor(
    private readonly scanner: ReminderScanner,
    @InjectQueue(REMINDER_QUEUE) private readonly reminders: Queue,
    private readonly config: AppConfig,
    shutdown: QueueShutdown,
  ) {
    super(shutdown);
  }

  async process(job: Job): Promise<unknown> {
    if (job.name === SCAN_PART_JOB) {
      const { asOf, part, parts } = job.data as ScanPartData;
      const result = await this.scanner.scan(asOf, { part, parts });
      return { asOf, part, parts, due: result.due, raised: result.raised } satisfies PartResult;
    }
    if (job.name === SCAN_DAY_JOB) return this.finishDay(job);
    const parts = await this.parts();
    if (parts === 1) {
      const results = await this.scanner.catchUp();
      this.logger.log(`${job.name}: scanned ${results.length} day(s)`);
      return {
        scanned: results.map((r) => r.asOf),
        raised: results.reduce((n, r) => n + r.raised, 0),
      };
    }
    return this.queueParts(job, parts);
  }

  /** How many parts a day's scan is split into: REMINDER_SCAN_PARTS, or one per worker listening. */
  private async parts(): Promise<number> {
    const setting = this.config.REMINDER_SCAN_PARTS;
    if (setting !== 'auto') return Number(setting);
    try {
      return Math.min(64, Math.max(1, await this.reminders.getWorkersCount()));
    } catch (error) {
      // A Redis that refuses CLIENT LIST (some managed ones do): one worker scans the day whole.
      this.logger.warn(
        `cannot count the reminder workers (${String(error)}): scanning in one part`,
      );
      return 1;
    }
  }

  /** Queues the first day not scanned as a flow of `parts` jobs, unless a day's parts are still running. */
  private async queueParts(
    job: Job,
    parts: number,
  ): Promise<{ queued: IsoDate | null; parts: number }> {
    const [day] = await this.scanner.pendingDays();
    // A day whose parts or digest are still to run queues the next one itself when it is done.
    if (!day || (await this.dayUnderWay())) return { queued: null, parts };
    if (!this.flows) {
      this.flows = new FlowProducer({
        // The queue's own connection: nothing more to open, or to close at a stop.
        connection: await this.reminders.backend.client,
        prefix: this.config.QUEUE_PREFIX,
      });
      this.flows.on('error', (error) => this.errors.log(error));
    }
    await this.flows.add({
      name: SCAN_DAY_JOB,
      queueName: REMINDER_QUEUE,
      data: { asOf: day, parts },
      opts: DAY_JOB_OPTIONS,
      children: Array.from({ length: parts }, (_, part) => ({
        name: SCAN_PART_JOB,
        queueName: REMINDER_QUEUE,
        data: { asOf: day, part, parts } satisfies ScanPartData,
        opts: PART_JOB_OPTIONS,
      })),
    });
    this.logger.log(`${job.name}: scanning ${day} in ${parts} parts by ward`);
    return { queued: day, parts };
  }

  /** Whether a day queued in parts has not finished: its parts or its own job wait, run or wait to be tried again. */
  private async dayUnderWay(): Promise<boolean> {
    if ((await this.reminders.getWaitingChildrenCount()) > 0) return true;
    const jobs = await this.reminders.getJobs(['waiting', 'prioritized', 'active', 'delayed']);
    return jobs.some((j) => j?.name === SCAN_DAY_JOB);
  }

  /**
   * Once the day's parts are done: any part whose result is missing is scanned
   * here (removing one waiting part job, `Job.remove()`, drops it from the
   * day's dependencies and lets the day go on without it), then the digest and
   * the day's record. A bulk clean or drain that takes a day's last waiting
   * part deletes the day's job with it: the day stays unrecorded, and the next
   * catch-up queues it again. `raised` counts what this run stored, so a
   * part scanned here on a retry of this job, after its rows were stored by
   * the failed try, adds nothing to the day's count.
   */
  private async finishDay(
    job: Job,
  ): Promise<{ scanned: IsoDate[]; raised: number; digests: number; rescanned: number[] }> {
    const { asOf, parts } = job.data as { asOf: IsoDate; parts: number };
    const done = Object.values((await job.getChildrenValues<PartResult>()) ?? {});
    let raised = done.reduce((n, r) => n + r.raised, 0);
    const rescanned: number[] = [];
    for (let part = 0; part < parts; part++) {
      if (done.some((r) => r.part === part && r.parts === parts)) continue;
      this.logger.warn(`scan-day ${asOf}: part ${part}/${parts} left no result; scanning it now`);
      raised += (await this.scanner.scan(asOf, { part, parts })).raised;
      rescanned.push(part);
    }
    const digests = await this.scanner.finishDay(asOf, raised);
    if ((await this.scanner.pendingDays()).length > 0) {
      await this.reminders.add('catch-up', {}, SCAN_JOB_OPTIONS);
    }
    return { scanned: [asOf], raised, digests, rescanned };
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

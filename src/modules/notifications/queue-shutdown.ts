import { setMaxListeners } from 'node:events';
import { InjectQueue } from '@nestjs/bullmq';
import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import type { Queue, Worker } from 'bullmq';
import { AppConfig } from '../../config/app-config.js';
import { settlesWithin } from '../../common/time/settles-within.js';
import { MAIL_QUEUE, REMINDER_QUEUE, WEBHOOK_QUEUE } from './queue.constants.js';
import { QueueState } from './queue-state.js';

/**
 * A process stops within a bound, whatever Redis or a receiver does. A
 * graceful close of a worker waits for its running jobs (a webhook POST, an
 * e-mail) and for Redis to answer; of a queue, for Redis to take its QUIT.
 * Each gets QUEUE_SHUTDOWN_GRACE_MS. Then the sends still running are
 * aborted (`signal`: each records its attempt as failed, to be retried after
 * the backoff, by this process's successor) and what has still not closed is
 * disconnected from Redis by force. Without Redis a worker is closed by force
 * at once (a graceful close would wait for a connection that never comes).
 */
@Injectable()
export class QueueShutdown implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Queue');
  private readonly stopping = (() => {
    const controller = new AbortController();
    // Every send in flight listens to it (see deadline()): as many as the
    // workers' concurrency, more than the default warning's ten.
    setMaxListeners(0, controller.signal);
    return controller;
  })();

  /** Aborted when the grace period of a stop has passed: sends still running give up. */
  get signal(): AbortSignal {
    return this.stopping.signal;
  }

  constructor(
    @InjectQueue(REMINDER_QUEUE) private readonly reminders: Queue,
    @InjectQueue(WEBHOOK_QUEUE) private readonly webhooks: Queue,
    @InjectQueue(MAIL_QUEUE) private readonly mails: Queue,
    private readonly state: QueueState,
    private readonly config: AppConfig,
  ) {}

  /** Closes a worker: by force without Redis, otherwise gracefully; within the grace period either way. */
  async closeWorker(worker: Worker): Promise<void> {
    const force = !this.state.up;
    await this.within(`worker ${worker.name}`, worker, () => worker.close(force));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(
      [this.reminders, this.webhooks, this.mails].map((queue) =>
        this.within(`queue ${queue.name}`, queue, () => queue.close()),
      ),
    );
  }

  private async within(
    what: string,
    target: Queue | Worker,
    close: () => Promise<void>,
  ): Promise<void> {
    const ms = this.config.QUEUE_SHUTDOWN_GRACE_MS;
    const closing = close().catch(() => undefined);
    if (await settlesWithin(closing, ms)) return;
    this.logger.warn(`${what} did not close within ${ms} ms: aborting its sends, disconnecting it`);
    this.stopping.abort(new Error('the service is stopping'));
    await settlesWithin(
      target.disconnect().catch(() => undefined),
      ms,
    );
    if (await settlesWithin(closing, ms)) return;
    // Seen after a Redis outage: a close that never settles, even by force.
    // BullMQ keeps that promise and hands it to every later close() (Nest's
    // own shutdown hook among them), which would hold the stop for ever;
    // the process is stopping and the connection is cut, so it is let go.
    this.logger.warn(`${what} still had not closed ${ms} ms after its disconnection: leaving it`);
    (target as unknown as { closing: Promise<void> }).closing = Promise.resolve();
  }
}

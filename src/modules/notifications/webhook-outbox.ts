import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { Clock } from '../../common/time/clock.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import { DeliveryOutbox, type DeliveryJob } from './delivery-outbox.js';
import { WEBHOOK_QUEUE } from './queue.constants.js';
import { QueueState } from './queue-state.js';

export type { DeliveryJob, ReconcileResult } from './delivery-outbox.js';

/** The outbox of webhook deliveries (see DeliveryOutbox). */
@Injectable()
export class WebhookOutbox extends DeliveryOutbox {
  constructor(
    @InjectQueue(WEBHOOK_QUEUE) queue: Queue<DeliveryJob>,
    dataSource: DataSource,
    tx: TransactionRunner,
    clock: Clock,
    config: AppConfig,
    state: QueueState,
  ) {
    super(
      queue,
      dataSource,
      tx,
      clock,
      state,
      {
        table: 'webhook_deliveries',
        jobName: 'deliver',
        rows: 'webhook deliveries',
        jobs: 'webhook jobs',
        attempts: config.WEBHOOK_ATTEMPTS,
        backoffMs: config.WEBHOOK_BACKOFF_MS,
      },
      'WebhookOutbox',
    );
  }
}

import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { Clock } from '../../common/time/clock.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import { DeliveryOutbox, type DeliveryJob } from './delivery-outbox.js';
import { MAIL_QUEUE } from './queue.constants.js';
import { QueueState } from './queue-state.js';

/**
 * The outbox of e-mails (see DeliveryOutbox): rows exist only while SMTP_URL
 * is set, so without it there is nothing to hand to the queue.
 */
@Injectable()
export class MailOutbox extends DeliveryOutbox {
  constructor(
    @InjectQueue(MAIL_QUEUE) queue: Queue<DeliveryJob>,
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
        table: 'mail_deliveries',
        jobName: 'send',
        rows: 'mails',
        jobs: 'mail jobs',
        attempts: config.MAIL_ATTEMPTS,
        backoffMs: config.MAIL_BACKOFF_MS,
      },
      'MailOutbox',
    );
  }
}

import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { Metrics } from '../metrics/metrics.js';
import { REMINDER_QUEUE, WEBHOOK_QUEUE } from './queue.constants.js';
import { QueueState, withTimeout } from './queue-state.js';

/** The job states reported per queue. */
const STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/**
 * The queues' depth when scraped (`kanribo_queue_jobs{queue,state}`): jobs
 * waiting, running, delayed (retries in backoff) and failed for good. Read
 * from Redis with a short timeout; while the queue is down nothing is
 * reported, and `kanribo_queue_up` says so.
 */
@Injectable()
export class QueueMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    private readonly state: QueueState,
    @InjectQueue(REMINDER_QUEUE) private readonly reminders: Queue,
    @InjectQueue(WEBHOOK_QUEUE) private readonly webhooks: Queue,
  ) {}

  onModuleInit(): void {
    this.metrics.gauge('kanribo_queue_up', 'Whether the queue (Redis) answers', [], (gauge) => {
      gauge.set(this.state.up ? 1 : 0);
      return Promise.resolve();
    });
    this.metrics.gauge(
      'kanribo_queue_jobs',
      'Jobs per queue and state (failed: attempts used up)',
      ['queue', 'state'],
      async (gauge) => {
        gauge.reset();
        if (!this.state.up) return;
        for (const queue of [this.reminders, this.webhooks]) {
          const counts = await withTimeout(
            queue.getJobCounts(...STATES),
            500,
            `counting the ${queue.name} queue's jobs`,
          ).catch(() => undefined);
          for (const state of STATES) {
            if (counts) gauge.set({ queue: queue.name, state }, counts[state] ?? 0);
          }
        }
      },
    );
  }
}

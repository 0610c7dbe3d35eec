import { Injectable } from '@nestjs/common';

export type QueueStatus = 'starting' | 'up' | 'down';

/** What the supervisor last saw of Redis; read by health and the outbox. */
@Injectable()
export class QueueState {
  status: QueueStatus = 'starting';
  since = new Date();
  latencyMs: number | null = null;
  lastError: string | null = null;
  /** When pending deliveries were last checked against the queue (wall-clock time). */
  reconciledAt: Date | null = null;
  /** Deliveries handed to the queue again since this process started, their jobs lost by Redis. */
  requeued = 0;

  get up(): boolean {
    return this.status === 'up';
  }
}

/** Resolves like `promise`, or rejects after `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

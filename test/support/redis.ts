import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

import { freePort } from './server-process.js';

export { deleteKeys } from '../../scripts/redis-keys.js';

/** The Redis the tests share (CI starts it); each test app uses its own key prefix. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test app uses. */
export function uniquePrefix(): string {
  return `kanribo-test-${randomBytes(5).toString('hex')}`;
}

/**
 * A `redis-server` of a test's own, on a free port, that the test can stop
 * and start again (same port) to play an outage. Keeps nothing on disk.
 */
export class OwnRedis {
  private process: ChildProcess | null = null;

  private constructor(readonly port: number) {}

  static async start(): Promise<OwnRedis> {
    const redis = new OwnRedis(await freePort());
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    this.process = child;
    for (let i = 0; i < 100; i++) {
      if (await this.ping()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server did not start on port ${this.port}`);
  }

  async stop(): Promise<void> {
    const child = this.process;
    if (!child) return;
    this.process = null;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** FLUSHALL: Redis keeps running but has lost every key (a flush of the wrong database). */
  async flushAll(): Promise<void> {
    const redis = new Redis(this.url, { maxRetriesPerRequest: 1 });
    try {
      await redis.flushall();
    } finally {
      redis.disconnect();
    }
  }

  async ping(): Promise<boolean> {
    const redis = new Redis(this.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      return (await redis.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      redis.disconnect();
    }
  }
}

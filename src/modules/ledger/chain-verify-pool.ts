import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Piscina } from 'piscina';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { compiledWorker, stopPoolOrWarn } from '../../common/workers/worker-pool.js';
import type { ChainRange, RangeWalk } from './chain-range.js';
import type { ChainSource, VerifyRangeResult, VerifyRangeTask } from './verify.worker.js';

/** How long a stop waits for the verify worker threads to exit. */
const VERIFY_POOL_STOP_MS = 5_000;

/** A worker thread left idle this long exits; the next long verify starts it again. */
const IDLE_MS = 30_000;

/**
 * The worker threads that walk long chains for `…/ledger/verify` and
 * `kanribo verify`: a chain of at least {@link parallelFrom} entries is cut
 * into ranges walked at once, each on a connection of its own, and joined
 * (joinRanges) into the verdict one walk would give. The event loop only
 * posts the ranges and joins the answers, so a million-entry verify (seconds
 * of hashing) never holds up the process's requests, and it uses every core
 * given to it (VERIFY_WORKERS).
 */
@Injectable()
export class ChainVerifyPool implements OnApplicationShutdown {
  private readonly logger = new Logger(ChainVerifyPool.name);
  private pool: Piscina<VerifyRangeTask, VerifyRangeResult> | undefined;
  private closed = false;
  private walked = 0;
  private walkedAsBytes = 0;
  private readonly threads = new Set<number>();

  /**
   * Chains shorter than this are walked on the main thread, a page at a
   * time: under ~0.2 s of work, less than starting threads and connections.
   * Tests lower it to send short chains through the workers.
   */
  parallelFrom = 20_000;

  /** Fewest entries in a range. */
  rangeFloor = 10_000;

  constructor(
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
  ) {}

  /** Ranges walked by worker threads since start (for tests and diagnostics). */
  get rangesWalked(): number {
    return this.walked;
  }

  /** Of those, the ranges whose actor and payload were read as their stored bytes (SQLite in UTF-8). */
  get rangesReadAsBytes(): number {
    return this.walkedAsBytes;
  }

  /** The worker threads that walked them (never the main thread's 0). */
  get walkerThreads(): ReadonlySet<number> {
    return this.threads;
  }

  /**
   * How to cut a chain of `length` entries (its head when the walk starts):
   * one range on the main thread, or ranges for the workers, two a worker so
   * that a worker slowed by the machine holds up the others less. The last
   * range is open, since entries may be appended meanwhile.
   */
  plan(length: number, remember: readonly number[]): { ranges: ChainRange[]; inWorkers: boolean } {
    if (!this.source() || length < Math.max(1, this.parallelFrom)) {
      return { ranges: [{ first: 1, last: null, remember }], inWorkers: false };
    }
    const count = Math.max(
      1,
      Math.min(this.config.VERIFY_WORKERS * 2, Math.floor(length / this.rangeFloor)),
    );
    const size = Math.ceil(length / count);
    const ranges: ChainRange[] = [];
    for (let first = 1; first <= length; first += size) {
      const last = first + size - 1;
      ranges.push({ first, last: last >= length ? null : last, remember });
    }
    return { ranges, inWorkers: true };
  }

  /**
   * Walks the ranges of one contract's chain on the worker threads, at once,
   * and gives their walks in order: every one up to the first that failed
   * (the verdict is decided there, and the ranges after it are called off).
   * A worker's error (a database that does not answer) calls off the rest
   * and rejects.
   */
  async walk(contractId: string, ranges: readonly ChainRange[]): Promise<RangeWalk[]> {
    const source = this.source();
    if (!source) throw new Error('this database cannot be read by worker threads');
    const pool = this.workerPool();
    const stops = ranges.map(() => new AbortController());
    const walks = await Promise.all(
      ranges.map((range, i) =>
        pool.run({ source, contractId, range }, { signal: stops[i]!.signal }).then(
          (result) => {
            this.walked++;
            if (result.bytes) this.walkedAsBytes++;
            this.threads.add(result.threadId);
            if (result.walk.failure) for (const later of stops.slice(i + 1)) later.abort();
            return result.walk;
          },
          (error: unknown) => {
            if (stops[i]!.signal.aborted) return undefined;
            for (const stop of stops) stop.abort();
            throw error;
          },
        ),
      ),
    );
    const called = walks.indexOf(undefined);
    return (called === -1 ? walks : walks.slice(0, called)) as RangeWalk[];
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    const pool = this.pool;
    this.pool = undefined;
    await stopPoolOrWarn(pool, VERIFY_POOL_STOP_MS, this.logger, 'verify workers');
  }

  /** Where a worker finds the chain; undefined for a database only this connection can see. */
  private source(): ChainSource | undefined {
    const options = this.dataSource.options;
    if (options.type === 'postgres') {
      if (!options.url) return undefined;
      const extra = options.extra as { options?: string } | undefined;
      return {
        kind: 'postgres',
        url: options.url,
        ...(extra?.options ? { options: extra.options } : {}),
      };
    }
    if (options.type === 'better-sqlite3' && options.database !== ':memory:') {
      return { kind: 'sqlite', file: options.database };
    }
    return undefined;
  }

  private workerPool(): Piscina<VerifyRangeTask, VerifyRangeResult> {
    if (this.closed) throw new Error('The verify workers have been shut down');
    if (!this.pool) {
      this.pool = new Piscina<VerifyRangeTask, VerifyRangeResult>({
        filename: compiledWorker(import.meta.url, 'verify.worker-entry.cjs'),
        name: 'default',
        minThreads: 0,
        maxThreads: this.config.VERIFY_WORKERS,
        idleTimeout: IDLE_MS,
      });
      // An error of no task's: piscina emits it, for one, when a range called
      // off (another range failed first) had already sent its answer. The
      // verdict does not depend on it; unheard, it would take the process down.
      this.pool.on('error', (error: unknown) =>
        this.logger.warn(
          `a verify worker reported an error outside any walk: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
    }
    return this.pool;
  }
}

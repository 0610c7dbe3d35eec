import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { DomainError } from '../common/errors/domain-error.js';
import type { RequestScope } from '../common/http/request-scope.js';
import { Clock } from '../common/time/clock.js';
import { AppConfig } from '../config/app-config.js';
import { Sql } from './sql.js';
import { type CommitHook, TransactionRunner } from './transaction-runner.js';
import { flushHeld } from './write-batch.js';

const HOUR_MS = 60 * 60 * 1000;

/** What a keyed request promises to record with its write. */
export interface IdempotencyClaim {
  userId: string;
  key: string;
  fingerprint: string;
  method: string;
  route: string;
}

/** A stored key, as the interceptor reads it. */
export interface IdempotencyRecord {
  fingerprint: string;
  resourceId: string | null;
  /** Null until the handler has returned and its answer was stored. */
  statusCode: number | null;
  responseBody: string | null;
  createdAt: Date;
}

interface RecordRow {
  fingerprint: string;
  resource_id: string | null;
  status_code: number | string | null;
  response_body: string | null;
  created_at: string;
}

/**
 * Thrown inside a unit of work whose key another request has already
 * recorded (it committed first, or commits while this one waits on it): the
 * unit rolls back, its write included, and the interceptor answers from the
 * other request's record instead.
 */
export class IdempotencyKeyTaken extends DomainError {
  constructor() {
    super('IDEMPOTENCY_KEY_IN_PROGRESS', 'A request with this Idempotency-Key is being processed');
  }
}

/**
 * The `idempotency_records` table: keys, their fingerprints and answers.
 *
 * The key is written by a {@link CommitHook}: inside the request's first
 * committing unit of work, after the work itself, so that the write and its
 * key commit together or not at all (a crash between them is impossible,
 * they are one transaction; on SQLite one savepoint of the group commit).
 * The insert is `INSERT … ON CONFLICT DO UPDATE … WHERE expired`: a live
 * record of the same user and key makes it write nothing, and then the unit
 * is refused ({@link IdempotencyKeyTaken}); the primary key (user, key)
 * decides between two instances racing with one key, as it would between
 * two requests of one instance. An expired record is replaced on the fly.
 *
 * The answer (status and body as sent) is stored when the handler returns,
 * in a small transaction of its own before the response leaves.
 */
@Injectable()
export class IdempotencyStore
  implements OnModuleInit, OnModuleDestroy, OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger('Idempotency');
  /** The claim of each keyed request in flight, by its request scope. */
  private readonly claims = new WeakMap<RequestScope, IdempotencyClaim>();
  private readonly hook: CommitHook = (manager, scope, result) =>
    this.recordKey(manager, scope, result);
  private pruneTimer: NodeJS.Timeout | undefined;
  private firstPrune: NodeJS.Immediate | undefined;
  private pruning: Promise<number> | undefined;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.tx.addCommitHook(this.hook);
  }

  onModuleDestroy(): void {
    this.tx.removeCommitHook(this.hook);
  }

  /** Hourly pruning of expired keys (lookups already ignore them). */
  onApplicationBootstrap(): void {
    const run = (): void => {
      // An app closed before the first run must not prune on a closed pool.
      if (this.stopped) return;
      this.pruning = this.prune();
      this.pruning.catch((error: unknown) =>
        this.logger.error('idempotency-key pruning failed', error),
      );
    };
    this.firstPrune = setImmediate(run);
    this.pruneTimer = setInterval(run, HOUR_MS);
    this.pruneTimer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearImmediate(this.firstPrune);
    clearInterval(this.pruneTimer);
    await this.pruning?.catch(() => undefined);
  }

  get ttlMs(): number {
    return this.config.IDEMPOTENCY_TTL_HOURS * HOUR_MS;
  }

  /** The request of `scope` records `claim` with its first committing write. */
  claim(scope: RequestScope, claim: IdempotencyClaim): void {
    this.claims.set(scope, claim);
  }

  release(scope: RequestScope): void {
    this.claims.delete(scope);
  }

  /** The live (unexpired) record of a user's key, or null. */
  async find(userId: string, key: string, now: Date): Promise<IdempotencyRecord | null> {
    const row = await new Sql(this.dataSource.manager).one<RecordRow>(
      'SELECT fingerprint, resource_id, status_code, response_body, created_at FROM idempotency_records' +
        ' WHERE user_id = ? AND idempotency_key = ? AND expires_at > ?',
      [userId, key, now.toISOString()],
    );
    if (!row) return null;
    return {
      fingerprint: row.fingerprint,
      resourceId: row.resource_id,
      statusCode: row.status_code === null ? null : Number(row.status_code),
      responseBody: row.response_body,
      createdAt: new Date(row.created_at),
    };
  }

  /**
   * Stores the answer of a claimed request. Its key is normally there (it
   * committed with the write); a request that wrote nothing gets its record
   * now, so that a retry replays its answer too.
   */
  async storeAnswer(
    claim: IdempotencyClaim,
    statusCode: number,
    body: string | null,
  ): Promise<void> {
    const now = this.clock.now();
    await this.tx.runUnrecorded((manager) =>
      new Sql(manager).run(
        'INSERT INTO idempotency_records (user_id, idempotency_key, fingerprint, method, route,' +
          ' resource_id, status_code, response_body, created_at, expires_at)' +
          ' VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)' +
          ' ON CONFLICT (user_id, idempotency_key) DO UPDATE SET status_code = excluded.status_code,' +
          ' response_body = excluded.response_body' +
          ' WHERE idempotency_records.fingerprint = excluded.fingerprint' +
          ' AND idempotency_records.status_code IS NULL',
        [
          claim.userId,
          claim.key,
          claim.fingerprint,
          claim.method,
          claim.route,
          statusCode,
          body,
          now.toISOString(),
          new Date(now.getTime() + this.ttlMs).toISOString(),
        ],
      ),
    );
  }

  /** Deletes the records past their expiry; returns how many. */
  async prune(now: Date = this.clock.now()): Promise<number> {
    return this.tx.runUnrecorded(async (manager) => {
      const sql = new Sql(manager);
      const cutoff = now.toISOString();
      const [row] = await sql.all<{ n: number | string }>(
        'SELECT COUNT(*) AS n FROM idempotency_records WHERE expires_at <= ?',
        [cutoff],
      );
      await sql.run('DELETE FROM idempotency_records WHERE expires_at <= ?', [cutoff]);
      return Number(row?.n ?? 0);
    });
  }

  /** The commit hook: the claimed key goes into the same unit as the write. */
  private async recordKey(
    manager: EntityManager,
    scope: RequestScope,
    result: unknown,
  ): Promise<boolean> {
    const claim = this.claims.get(scope);
    if (!claim) return false;
    // The unit's held writes first: a speculative ledger append takes its
    // chain's lock there, and every append locks the head before the key's
    // row, or two instances racing with one key could wait on each other.
    await flushHeld(manager);
    const now = this.clock.now();
    const rows = await new Sql(manager).all<{ user_id: string }>(
      'INSERT INTO idempotency_records (user_id, idempotency_key, fingerprint, method, route,' +
        ' resource_id, status_code, response_body, created_at, expires_at)' +
        ' VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?)' +
        ' ON CONFLICT (user_id, idempotency_key) DO UPDATE SET fingerprint = excluded.fingerprint,' +
        ' method = excluded.method, route = excluded.route, resource_id = excluded.resource_id,' +
        ' status_code = NULL, response_body = NULL, created_at = excluded.created_at,' +
        ' expires_at = excluded.expires_at' +
        ' WHERE idempotency_records.expires_at <= excluded.created_at' +
        ' RETURNING user_id',
      [
        claim.userId,
        claim.key,
        claim.fingerprint,
        claim.method,
        claim.route.slice(0, 300),
        createdId(result),
        now.toISOString(),
        new Date(now.getTime() + this.ttlMs).toISOString(),
      ],
    );
    if (rows.length === 0) throw new IdempotencyKeyTaken();
    return true;
  }
}

/** The id a create answers with, when the work's result names one (`{id}`). */
function createdId(result: unknown): string | null {
  if (typeof result !== 'object' || result === null) return null;
  const id = (result as { id?: unknown }).id;
  return typeof id === 'string' && id.length <= 200 ? id : null;
}

import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import { currentRequestScope, type RequestScope } from '../common/http/request-scope.js';
import {
  currentUnit,
  lockGranted,
  type LockHoldListener,
  STATEMENT_COUNTER,
  UnitWatch,
} from './lock-watch.js';
import { beginHolding, dropHeld, flushHeld } from './write-batch.js';

/** A unit of work: everything it writes commits together or not at all. */
export type Work<T> = (manager: EntityManager) => Promise<T>;

/** `work`, then whatever it held back; nothing of that outlives a failure. */
function withHeldWrites<T>(work: Work<T>): Work<T> {
  return async (manager) => {
    beginHolding(manager);
    try {
      const value = await work(manager);
      await flushHeld(manager);
      return value;
    } finally {
      dropHeld(manager);
    }
  };
}

interface Pending {
  work: Work<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Called inside a request's first committing unit of work, after the work
 * itself, with the request's scope: the access log writes the request's
 * entry there, so that the entry and what it records commit together; the
 * idempotency store writes the request's key there, so that a crash cannot
 * keep the write and lose the key or the other way round.
 * `result` is what the work returned (a create's `{id}` names the resource).
 * Returns whether it wrote something: a hook that wrote in a unit that then
 * committed is done for that request and is not called again; one that did
 * not write (or whose unit rolled back) is called in the request's next unit.
 * A hook that throws fails its unit, work included.
 */
export type CommitHook = (
  manager: EntityManager,
  scope: RequestScope,
  result: unknown,
) => Promise<boolean>;

/** Most units one SQLite commit carries. */
const MAX_GROUP = 64;

/**
 * Runs every write of the service as one transaction.
 *
 * PostgreSQL: a plain transaction on a pooled connection; callers that must
 * serialize (ledger appends) take a row lock inside it.
 *
 * SQLite: better-sqlite3 has one connection and TypeORM one query runner for
 * it, so two transactions opened side by side would interleave on it. Units
 * are therefore queued and run one after another, and the units waiting at
 * the same moment share one commit (group commit): each runs in its own
 * savepoint, so a unit that fails is rolled back alone and the others still
 * commit, with one fsync for all of them at `synchronous=FULL`. The outer
 * transaction is `BEGIN IMMEDIATE`, so it holds the write lock from its first
 * statement and another process (a CLI) waits on the busy timeout instead of
 * failing mid-way.
 *
 * Every write must go through here: a write made beside it on SQLite would
 * land inside whatever group is open.
 *
 * Lock holds: a unit that takes a lock other writers queue on (a ledger
 * head) says so with {@link lockGranted}; with a {@link LockHoldListener}
 * installed (METRICS=on), each unit runs in its own async context
 * ({@link currentUnit}), its statements are counted from then on, and the
 * listener hears how long the lock was held once the transaction has ended.
 * Without one, nothing of this runs.
 */
@Injectable()
export class TransactionRunner {
  private readonly logger = new Logger('TransactionRunner');
  private readonly queue: Pending[] = [];
  private draining = false;
  /** The access log's hook: its "done" is the scope's own `recorded` flag. */
  private commitHook: CommitHook | null = null;
  /** Hooks added after it, called in the order they were added. */
  private readonly addedHooks: CommitHook[] = [];
  /** Per request, the added hooks whose write has committed. */
  private readonly committedHooks = new WeakMap<RequestScope, Set<CommitHook>>();
  private lockHoldListener: LockHoldListener | null = null;

  constructor(private readonly dataSource: DataSource) {}

  /**
   * Installs the first {@link CommitHook} (the access log's), called before
   * every added one; a request counts as `recorded` once its write commits.
   */
  setCommitHook(hook: CommitHook | null): void {
    this.commitHook = hook;
  }

  /** Adds a {@link CommitHook}, called after the first one and those added before it. */
  addCommitHook(hook: CommitHook): void {
    if (!this.addedHooks.includes(hook)) this.addedHooks.push(hook);
  }

  removeCommitHook(hook: CommitHook): void {
    const index = this.addedHooks.indexOf(hook);
    if (index >= 0) this.addedHooks.splice(index, 1);
  }

  /**
   * Installs the one {@link LockHoldListener}: from now on, every unit that
   * calls {@link lockGranted} is reported to it when its transaction ends.
   */
  onLockHold(listener: LockHoldListener): void {
    if (!this.lockHoldListener && !this.dataSource.subscribers.includes(STATEMENT_COUNTER)) {
      this.dataSource.subscribers.push(STATEMENT_COUNTER);
    }
    this.lockHoldListener = listener;
  }

  /** The current unit holds a lock other writers wait for (see {@link lockGranted}). */
  lockGranted(): void {
    lockGranted();
  }

  get isSqlite(): boolean {
    return this.dataSource.options.type === 'better-sqlite3';
  }

  run<T>(work: Work<T>): Promise<T> {
    // The scope is taken here, in the caller's context: on SQLite the work
    // runs later, from whichever request started the queue's drain.
    const scope = currentRequestScope();
    if (!scope) return this.runUnit(work);
    const first = scope.recorded ? null : this.commitHook;
    const added = this.dueAddedHooks(scope);
    if (!first && added.length === 0) return this.runUnit(work);
    let firstWrote = false;
    const wrote: CommitHook[] = [];
    return this.runUnit(async (manager) => {
      const value = await work(manager);
      if (first) firstWrote = await first(manager, scope, value);
      for (const hook of added) if (await hook(manager, scope, value)) wrote.push(hook);
      return value;
    }).then((value) => {
      // Only now is it durable: a unit that rolled back leaves its hooks due.
      if (firstWrote) scope.recorded = true;
      if (wrote.length > 0) {
        const done = this.committedHooks.get(scope) ?? new Set<CommitHook>();
        for (const hook of wrote) done.add(hook);
        this.committedHooks.set(scope, done);
      }
      return value;
    });
  }

  private dueAddedHooks(scope: RequestScope): CommitHook[] {
    if (this.addedHooks.length === 0) return [];
    const done = this.committedHooks.get(scope);
    return done ? this.addedHooks.filter((hook) => !done.has(hook)) : [...this.addedHooks];
  }

  /**
   * A transaction that is not the request's own write (a session's
   * last-activity stamp, the access log's buffered entries): the commit hook
   * does not run and the request stays unrecorded.
   */
  runUnrecorded<T>(work: Work<T>): Promise<T> {
    return this.runUnit(work);
  }

  private runUnit<T>(unitWork: Work<T>): Promise<T> {
    // What the work held back (WriteBatch.holdUntilUnitEnds) goes last, after
    // the commit hooks that `unitWork` includes: with their writes, as one
    // statement on PostgreSQL.
    const work = withHeldWrites(unitWork);
    if (!this.isSqlite) {
      // READ COMMITTED is each connection's default (PG_SESSION_OPTIONS), so
      // the transaction starts without a SET TRANSACTION round trip.
      if (!this.lockHoldListener) return this.dataSource.transaction(work);
      // The watch spans the transaction's COMMIT or ROLLBACK, which
      // dataSource.transaction sends before it settles.
      const unit = new UnitWatch();
      return currentUnit
        .run(unit, () => this.dataSource.transaction(work))
        .then(
          (value) => {
            this.reportHold(unit, performance.now(), true);
            return value;
          },
          (error: unknown) => {
            this.reportHold(unit, performance.now(), false);
            throw error;
          },
        );
    }
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.draining) {
        this.draining = true;
        // Let the requests that arrived in the same turn of the event loop join.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    const runner = this.dataSource.createQueryRunner();
    try {
      while (this.queue.length > 0) {
        await this.runGroup(runner, this.queue.splice(0, MAX_GROUP));
      }
    } finally {
      this.draining = false;
      await runner.release();
    }
  }

  private async runGroup(runner: QueryRunner, group: Pending[]): Promise<void> {
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    const watched = this.lockHoldListener !== null;
    const units: UnitWatch[] = [];
    const began = performance.now();
    try {
      await runner.query('BEGIN IMMEDIATE');
    } catch (error) {
      for (const unit of group) unit.reject(error);
      return;
    }
    // Writes made through the manager must not open a transaction of their own.
    (runner as { isTransactionActive: boolean }).isTransactionActive = true;
    try {
      for (const [index, unit] of group.entries()) {
        const savepoint = `unit_${index}`;
        await runner.query(`SAVEPOINT ${savepoint}`);
        const runSavepoint = async () => {
          try {
            const value = await unit.work(runner.manager);
            await runner.query(`RELEASE ${savepoint}`);
            outcomes.push({ ok: true, value });
          } catch (error) {
            await runner.query(`ROLLBACK TO ${savepoint}`);
            await runner.query(`RELEASE ${savepoint}`);
            outcomes.push({ ok: false, error });
          }
        };
        if (watched) {
          const watch = new UnitWatch();
          units.push(watch);
          await currentUnit.run(watch, runSavepoint);
        } else {
          await runSavepoint();
        }
      }
      await runner.query('COMMIT');
    } catch (error) {
      this.logger.error('a SQLite commit failed; every unit of its group is refused', error);
      await runner.query('ROLLBACK').catch(() => undefined);
      for (const unit of group) unit.reject(error);
      const ended = performance.now();
      for (const unit of units) this.reportHold(unit, ended, false, began);
      return;
    } finally {
      (runner as { isTransactionActive: boolean }).isTransactionActive = false;
    }
    const ended = performance.now();
    units.forEach((unit, i) => this.reportHold(unit, ended, outcomes[i]?.ok === true, began));
    outcomes.forEach((outcome, i) => {
      const unit = group[i]!;
      if (outcome.ok) unit.resolve(outcome.value);
      else unit.reject(outcome.error);
    });
  }

  /**
   * Tells the listener about a unit that held the lock: from `since` (the
   * SQLite group's BEGIN) or else the lock's grant, to `ended`.
   */
  private reportHold(unit: UnitWatch, ended: number, committed: boolean, since?: number): void {
    if (unit.lockedAt === undefined || !this.lockHoldListener) return;
    this.lockHoldListener({
      seconds: (ended - (since ?? unit.lockedAt)) / 1000,
      statements: unit.statements,
      committed,
    });
  }
}

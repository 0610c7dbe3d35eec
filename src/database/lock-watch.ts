import { AsyncLocalStorage } from 'node:async_hooks';
import type { EntitySubscriberInterface } from 'typeorm';

/**
 * What one unit of work did while it held a lock other writers wait for (a
 * contract's ledger head), for the operator's metrics: how long it held it,
 * and how many statements it sent meanwhile (each a round trip to
 * PostgreSQL with the lock held).
 */
export interface LockHold {
  /**
   * PostgreSQL: from the locking statement's answer to the end of the
   * transaction's COMMIT or ROLLBACK. SQLite, where the database's write lock
   * is what serializes writers: the whole group commit's transaction, from
   * `BEGIN IMMEDIATE` to the end of its `COMMIT`.
   */
  seconds: number;
  /**
   * Statements the unit sent after the lock was granted, up to and including
   * its COMMIT or ROLLBACK on PostgreSQL; on SQLite up to its savepoint's
   * RELEASE (the group's own BEGIN and COMMIT are shared, and not counted).
   */
  statements: number;
  /** Whether the unit's writes were kept (false: rolled back, refused). */
  committed: boolean;
}

export type LockHoldListener = (hold: LockHold) => void;

/** One unit of work as the watch sees it; `lockedAt` is set once it holds the lock. */
export class UnitWatch {
  lockedAt: number | undefined;
  statements = 0;
}

/**
 * The unit of work running in the current async context: the TransactionRunner
 * runs each unit inside it when a {@link LockHoldListener} is installed, so
 * that a statement is charged to the unit that sent it even on SQLite, where
 * every unit and every read share one TypeORM query runner.
 */
export const currentUnit = new AsyncLocalStorage<UnitWatch>();

/** The current unit now holds the lock (the first call counts; later ones are the same hold). */
export function lockGranted(): void {
  const unit = currentUnit.getStore();
  if (unit && unit.lockedAt === undefined) unit.lockedAt = performance.now();
}

/**
 * Charges `count` statements to the current unit if it holds the lock. Every
 * query TypeORM sends is counted by {@link STATEMENT_COUNTER}; code that runs
 * prepared better-sqlite3 statements past TypeORM calls this itself.
 */
export function statementsSent(count = 1): void {
  const unit = currentUnit.getStore();
  if (unit?.lockedAt !== undefined) unit.statements += count;
}

/**
 * A TypeORM subscriber that sees every query of every query runner before it
 * is sent (`beforeQuery`): the manager's calls, the query builder's and raw
 * `query()` alike, and the transaction's own COMMIT and ROLLBACK.
 */
export const STATEMENT_COUNTER: EntitySubscriberInterface = {
  beforeQuery: () => statementsSent(),
};

import type { EntityManager } from 'typeorm';
import type { Sql, SqlParam } from './sql.js';

/** Something that runs a write and needs no rows back: {@link Sql} itself, or a {@link WriteBatch}. */
export interface SqlWriter {
  run(text: string, params?: SqlParam[]): Promise<void>;
}

/**
 * Writes held back and sent together when {@link flush}ed: on PostgreSQL as
 * one statement (every write but the last a data-modifying `WITH`), so one
 * round trip instead of one each; on SQLite one after another, in order
 * (in-process, there is no round trip to save).
 *
 * A ledger append sends its entry, its head and its projections so, while it
 * holds the chain's lock: each of those round trips was time every other
 * append to the contract waited, and a syscall each way on both sides.
 *
 * What may be batched: writes that need nothing back, that do not read what
 * another write of the batch writes, and that never touch one row twice
 * (PostgreSQL runs a statement's `WITH` parts on one snapshot, in no set
 * order, and a row two of them update keeps one update). Constraints are
 * checked when the statement ends, so a row may reference one that a sibling
 * inserts. Anything that must see the batch's effects flushes it first.
 */
export class WriteBatch implements SqlWriter {
  private writes: Array<{ text: string; params: SqlParam[] }> = [];
  /** Runs once, right before the batch's first write is sent. */
  private beforeSend: (() => Promise<void>) | undefined;

  constructor(private readonly sql: Sql) {}

  get size(): number {
    return this.writes.length;
  }

  /** Holds the write back until {@link flush}. */
  run(text: string, params: SqlParam[] = []): Promise<void> {
    this.writes.push({ text, params });
    return Promise.resolve();
  }

  /**
   * PostgreSQL: leaves these writes unsent until the unit of work ends, so
   * that the writes of its commit hooks (the request's access-log entry) go
   * with them in the one statement that {@link flushHeld} sends after the
   * hooks, right before COMMIT: a round trip fewer while a ledger append
   * holds its chain's lock. Writes already held for the unit go first. The
   * caller must read nothing these writes change before the unit ends (a
   * second ledger append flushes them first, see {@link flushHeld}).
   */
  holdUntilUnitEnds(manager: EntityManager): void {
    // Only a unit's end sends them: anywhere else they would be lost.
    if (!HELD.has(manager)) throw new Error('writes can be held only in a unit of work');
    const held = HELD.get(manager);
    if (!held) {
      HELD.set(manager, this);
    } else if (held !== this) {
      held.writes.push(...this.writes);
      this.writes = [];
      const [first, then] = [held.beforeSend, this.beforeSend];
      this.beforeSend = undefined;
      if (then) {
        held.beforeSend = first
          ? async () => {
              await first();
              await then();
            }
          : then;
      }
    }
  }

  /**
   * `step` runs right before the first write of this batch is sent, however
   * it is sent (a speculative ledger append takes its chain's lock there).
   */
  onFirstSend(step: () => Promise<void>): void {
    this.beforeSend = step;
  }

  async flush(): Promise<void> {
    if (this.writes.length === 0) return;
    const before = this.beforeSend;
    this.beforeSend = undefined;
    if (before) await before();
    const writes = this.writes;
    this.writes = [];
    if (!this.sql.isPostgres || writes.length === 1) {
      for (const write of writes) await this.sql.run(write.text, write.params);
      return;
    }
    // `?` placeholders number left to right, so the texts join as they are.
    const last = writes[writes.length - 1]!;
    const parts = writes.slice(0, -1).map((write, i) => `w${i} AS (${write.text})`);
    await this.sql.run(
      `WITH ${parts.join(', ')} ${last.text}`,
      writes.flatMap((write) => write.params),
    );
  }
}

/**
 * Writes held back until their unit of work ends, by the unit's manager (one
 * per transaction; on SQLite one for the units that run one after another);
 * null while a unit runs and holds nothing.
 */
const HELD = new WeakMap<EntityManager, WriteBatch | null>();

/** A unit of work starts on `manager`: it may hold writes until it ends. */
export function beginHolding(manager: EntityManager): void {
  HELD.set(manager, null);
}

/**
 * The writes held for the unit of `manager` ({@link WriteBatch.holdUntilUnitEnds}):
 * a writer whose writes join them, or undefined when none are held (write
 * right away then).
 */
export function heldWrites(manager: EntityManager): SqlWriter | undefined {
  return HELD.get(manager) ?? undefined;
}

/**
 * Sends the writes held for the unit of `manager`, if any: the
 * TransactionRunner at the end of every unit, after its commit hooks, and
 * anything that must see them before.
 */
export async function flushHeld(manager: EntityManager): Promise<void> {
  const held = HELD.get(manager);
  if (!held) return;
  HELD.set(manager, null);
  await held.flush();
}

/** The unit of `manager` has ended: what it still held (it failed, and rolls back) is forgotten. */
export function dropHeld(manager: EntityManager): void {
  HELD.delete(manager);
}

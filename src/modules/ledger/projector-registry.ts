import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { WriteBatch } from '../../database/write-batch.js';
import type { LedgerEntry } from './hash-chain.js';
import type { LedgerEventType } from './ledger-events.js';

/**
 * Something that keeps query tables in step with the ledger. The same
 * `apply` runs inside the transaction of every append and, entry by entry,
 * when the tables are rebuilt from the ledger alone, so the two cannot differ.
 */
export interface LedgerProjector {
  readonly name: string;
  readonly types: readonly LedgerEventType[];
  apply(manager: EntityManager, entry: LedgerEntry): Promise<void>;
  /**
   * Optional, for the hottest events: the same as {@link apply}, but writes
   * that need nothing back may go into the append's {@link WriteBatch}
   * (sent with the entry and its head as one statement on PostgreSQL). A
   * projector that reads, or writes what must be seen before the batch is
   * sent, flushes it first.
   */
  applyInto?(writes: WriteBatch, manager: EntityManager, entry: LedgerEntry): Promise<void>;
  /** Empties the tables this projector owns, before a rebuild. */
  reset(manager: EntityManager): Promise<void>;
}

/**
 * Something that acts on a new entry in the transaction that appends it,
 * but is not a projection: it never runs when the tables are rebuilt (an
 * incident raises its notification once, when it happens).
 */
export interface LedgerReactor {
  readonly name: string;
  readonly types: readonly LedgerEventType[];
  react(manager: EntityManager, entry: LedgerEntry): Promise<void>;
}

/** The projectors of every module; each registers itself when its module starts. */
@Injectable()
export class ProjectorRegistry {
  private readonly projectors: LedgerProjector[] = [];
  private readonly reactors: LedgerReactor[] = [];

  registerReactor(reactor: LedgerReactor): void {
    if (this.reactors.some((r) => r.name === reactor.name)) return;
    this.reactors.push(reactor);
  }

  /** Whether a reactor acts on entries of `type`. */
  reactsTo(type: string): boolean {
    return this.reactors.some((reactor) => reactor.types.includes(type as LedgerEventType));
  }

  /** Runs the reactors of a live append (never during a rebuild). */
  async react(manager: EntityManager, entry: LedgerEntry): Promise<void> {
    for (const reactor of this.reactors) {
      if (reactor.types.includes(entry.type as LedgerEventType)) {
        await reactor.react(manager, entry);
      }
    }
  }

  register(projector: LedgerProjector): void {
    if (this.projectors.some((p) => p.name === projector.name)) return;
    this.projectors.push(projector);
  }

  get all(): readonly LedgerProjector[] {
    return this.projectors;
  }

  /**
   * Runs the projectors of an entry. With `writes` (a live append), those
   * that can add their writes to the append's batch do; before any other,
   * the batch is sent, so that it sees the entry in place.
   */
  async apply(manager: EntityManager, entry: LedgerEntry, writes?: WriteBatch): Promise<void> {
    for (const projector of this.projectors) {
      if (!projector.types.includes(entry.type as LedgerEventType)) continue;
      if (writes && projector.applyInto) {
        await projector.applyInto(writes, manager, entry);
      } else {
        await writes?.flush();
        await projector.apply(manager, entry);
      }
    }
  }
}

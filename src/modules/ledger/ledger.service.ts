import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, MoreThan } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error.js';
import { Clock } from '../../common/time/clock.js';
import { AppConfig } from '../../config/app-config.js';
import { bool, Sql } from '../../database/sql.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import { flushHeld, WriteBatch } from '../../database/write-batch.js';
import type { Actor } from '../identity/roles.js';
import { LedgerEntryEntity } from './entities/ledger-entry.entity.js';
import { LedgerHeadEntity } from './entities/ledger-head.entity.js';
import { CheckpointKey } from './transparency/checkpoint-key.js';
import { CHECKPOINTED_TYPES, storeCheckpoint } from './transparency/checkpoints.js';
import { appendLeaf } from './transparency/merkle.js';
import {
  entryLeafHash,
  frontierText,
  parseFrontier,
  rebuildTree,
  treeNodesText,
} from './transparency/tree-store.js';
import {
  type ChainRange,
  entryOfRow,
  joinRanges,
  LEAF,
  RangeCheck,
  type RangeWalk,
  TreeLeafCheck,
  WALK_COLUMNS,
} from './chain-range.js';
import { ChainVerifyPool } from './chain-verify-pool.js';
import {
  canonicalJson,
  type ChainVerdict,
  entryHash,
  GENESIS_HASH,
  type LedgerActor,
  type LedgerEntry,
  type RecordedHead,
  type StoredEntry,
  storedEntryParts,
  storedFromRow,
  type StoredRow,
  type UnhashedEntry,
} from './hash-chain.js';
import type { LedgerEventType } from './ledger-events.js';
import { ProjectorRegistry } from './projector-registry.js';

export interface NewLedgerEvent {
  type: LedgerEventType;
  occurredAt: Date;
  payload: Record<string, unknown>;
}

/** Rows read per query when walking a whole chain: memory stays flat. */
const BATCH = 2000;

export function ledgerActorOf(actor: Actor): LedgerActor {
  return {
    userId: actor.userId,
    loginId: actor.loginId,
    displayName: actor.displayName,
    organizationId: actor.organizationId,
    role: actor.role,
  };
}

export function toLedgerEntry(row: StoredEntry): LedgerEntry {
  return {
    contractId: row.contractId,
    seq: row.seq,
    type: row.type,
    occurredAt: row.occurredAt,
    recordedAt: row.recordedAt,
    actor: JSON.parse(row.actor) as LedgerActor,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}

/** A chain's head row as an append reads it, under the lock. */
export interface LockedHead {
  seq: number;
  hash: string;
  /** The Merkle tree's frontier: the complete subtrees along its right edge. */
  frontier: Buffer[];
  checkpointSize: number;
  checkpointAt: string | null;
  /** The contract is closed (the `contract_closed` append set it). */
  closed: boolean;
}

/** What an append needs to sign checkpoints. */
export interface CheckpointPolicy {
  key: CheckpointKey;
  intervalMs: number;
}

/**
 * A speculative chain (its head read without the lock) found, on taking the
 * lock, that another append had moved the head on since: what the unit read
 * may be stale, so it fails, and its caller runs it again locked from the
 * start. Nothing of it was written.
 */
export class ChainMovedOn extends Error {
  constructor(readonly contractId: string) {
    super(`the ledger of contract ${contractId} moved on while an append read it unlocked`);
  }
}

/**
 * One contract's chain, locked for the transaction that opened it (or, when
 * speculative, locked before its first write is sent, if its head has not
 * moved on meanwhile). Appends
 * made through it get consecutive seqs, and each extends the Merkle tree and
 * runs the projectors in the same transaction.
 */
export class LedgerChain {
  constructor(
    private readonly manager: EntityManager,
    readonly contractId: string,
    private head: LockedHead,
    private readonly actor: LedgerActor,
    private readonly recordedAt: string,
    private readonly projectors: ProjectorRegistry,
    private readonly checkpoints: CheckpointPolicy,
    private readonly holdWrites = false,
    /** Speculative: takes the lock and checks the head has not moved on (once). */
    private confirm?: (manager: EntityManager) => Promise<void>,
  ) {
    this.baseSeq = head.seq;
  }

  /** The head's seq when the chain was opened. */
  private readonly baseSeq: number;

  /** Whether the chain was opened without its lock and has not taken it yet. */
  get speculative(): boolean {
    return this.confirm !== undefined;
  }

  /** A speculative chain takes its lock now (ChainMovedOn if the head moved on); a locked one has it. */
  async lock(): Promise<void> {
    const confirm = this.confirm;
    if (!confirm) return;
    this.confirm = undefined;
    await confirm(this.manager);
  }

  /**
   * Whether the head has moved on since a speculative chain read it (always
   * false once locked): a refusal decided on reads made without the lock
   * stands only if nothing was appended meanwhile.
   */
  async movedOn(): Promise<boolean> {
    if (!this.confirm) return false;
    const row = await new Sql(this.manager).one<{ seq: number | string }>(
      'SELECT seq FROM ledger_heads WHERE contract_id = ?',
      [this.contractId],
    );
    return Number(row?.seq) !== this.baseSeq;
  }

  get length(): number {
    return this.head.seq;
  }

  /** The server's time when the chain was locked: the recordedAt of its appends. */
  get openedAt(): Date {
    return new Date(this.recordedAt);
  }

  async append(event: NewLedgerEvent): Promise<LedgerEntry> {
    // A previous append's held writes go first: this one's projectors may read them.
    await flushHeld(this.manager);
    const sql = new Sql(this.manager);
    const hold = this.holdWrites && sql.isPostgres && !this.projectors.reactsTo(event.type);
    // Reactors read what the append writes: their appends are made locked.
    if (!hold) await this.lock();
    // Through JSON once, so that what is hashed is exactly what is stored and
    // served (an undefined field, say, is dropped before hashing, not after).
    const unhashed = JSON.parse(
      JSON.stringify({
        contractId: this.contractId,
        seq: this.head.seq + 1,
        type: event.type,
        occurredAt: event.occurredAt.toISOString(),
        recordedAt: this.recordedAt,
        actor: this.actor,
        payload: event.payload,
        prevHash: this.head.hash,
      }),
    ) as UnhashedEntry;
    const entry: LedgerEntry = { ...unhashed, hash: entryHash(unhashed) };
    const stored: StoredEntry = {
      ...entry,
      actor: canonicalJson(entry.actor),
      payload: canonicalJson(entry.payload),
    };
    // The tree's nodes this append completes go into the entry's own row.
    const tree = appendLeaf(this.head.frontier, this.head.seq, entryLeafHash(stored));
    // The entry, its head, its checkpoint when one is due and the hot
    // projections go to the database as one statement on PostgreSQL: one
    // round trip while every other append to this contract waits.
    const writes = new WriteBatch(sql);
    // However the writes leave (held to the unit's end, or flushed by a
    // projector that must write directly), the lock is taken first.
    if (this.confirm) writes.onFirstSend(() => this.lock());
    await writes.run(
      `INSERT INTO ledger_entries
         (contract_id, seq, type, occurred_at, recorded_at, actor, payload, prev_hash, hash, tree_nodes)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        stored.contractId,
        stored.seq,
        stored.type,
        stored.occurredAt,
        stored.recordedAt,
        stored.actor,
        stored.payload,
        stored.prevHash,
        stored.hash,
        treeNodesText(tree.nodes),
      ],
    );
    let { checkpointSize, checkpointAt } = this.head;
    if (this.checkpointDue(entry.type)) {
      await storeCheckpoint(writes, this.checkpoints.key, {
        contractId: this.contractId,
        size: entry.seq,
        frontier: tree.frontier,
        reason: CHECKPOINTED_TYPES.has(entry.type) ? entry.type : 'interval',
        at: this.recordedAt,
      });
      checkpointSize = entry.seq;
      checkpointAt = this.recordedAt;
    }
    const closed = this.head.closed || entry.type === 'contract_closed';
    await writes.run(
      'UPDATE ledger_heads SET seq = ?, hash = ?, tree_frontier = ?, checkpoint_size = ?, checkpoint_at = ?, closed = ? WHERE contract_id = ?',
      [
        entry.seq,
        entry.hash,
        frontierText(tree.frontier),
        checkpointSize,
        checkpointAt,
        closed,
        this.contractId,
      ],
    );
    await this.projectors.apply(this.manager, entry, writes);
    if (hold) {
      // Sent with the unit's commit hooks' writes before COMMIT, one round
      // trip for all of them (reactors read what the batch writes: not then).
      writes.holdUntilUnitEnds(this.manager);
    } else {
      await writes.flush();
    }
    this.head = {
      seq: entry.seq,
      hash: entry.hash,
      frontier: tree.frontier,
      checkpointSize,
      checkpointAt,
      closed,
    };
    await this.projectors.react(this.manager, entry);
    return entry;
  }

  /**
   * A checkpoint is signed at every certificate confirmation, close and
   * audit, and otherwise when the ledger grows and CHECKPOINT_INTERVAL_SECONDS
   * have passed since the last one.
   */
  private checkpointDue(type: string): boolean {
    if (CHECKPOINTED_TYPES.has(type)) return true;
    const last = this.head.checkpointAt;
    return (
      last === null || Date.parse(this.recordedAt) - Date.parse(last) >= this.checkpoints.intervalMs
    );
  }
}

/**
 * The only writer of the ledger. Appends go through {@link open}, inside a
 * {@link TransactionRunner} unit: the chain's head row is locked (PostgreSQL:
 * `FOR UPDATE`; SQLite: the runner already serializes writers), so appends
 * to one contract take turns whatever process takes the request, and the
 * primary key `(contract_id, seq)` refuses any that would fork the chain.
 */
@Injectable()
export class LedgerService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly projectors: ProjectorRegistry,
    private readonly tx: TransactionRunner,
    private readonly checkpointKey: CheckpointKey,
    private readonly config: AppConfig,
    private readonly verifyPool: ChainVerifyPool,
  ) {}

  /**
   * Locks the contract's chain for this transaction and returns it for
   * appending. A closed contract's ledger takes no more custody events: the
   * status is read under the lock, so an append racing the close loses.
   * Audits, which may follow a close, pass `allowClosed`.
   */
  async open(
    manager: EntityManager,
    contractId: string,
    actor: Actor,
    options: {
      allowClosed?: boolean;
      /**
       * PostgreSQL: each append's writes wait for the unit of work's end and
       * go with its commit hooks' writes in one statement. For callers that
       * read nothing after an append but what they have in hand.
       */
      holdWrites?: boolean;
      /**
       * PostgreSQL, with holdWrites: the head is read without its lock, and
       * the lock is taken right before the chain's first write is sent (for
       * a custody command, at the unit's end, so that only that statement
       * and COMMIT run under it). If another append moved the head on
       * meanwhile, the write fails with {@link ChainMovedOn} and the caller
       * runs its unit again, locked from the start. A chain not yet created
       * is locked right away.
       */
      speculate?: boolean;
    } = {},
  ): Promise<LedgerChain> {
    const speculate = options.speculate === true && options.holdWrites === true;
    const unlocked =
      speculate && new Sql(manager).isPostgres
        ? await this.readHead(manager, contractId, false)
        : undefined;
    const head =
      unlocked ??
      (await this.lockHead(manager, contractId)) ??
      (await this.createHead(manager, contractId));
    // The closed flag comes with the locked row: the close is an append, so
    // one that committed while this waited for the lock is seen.
    if (!options.allowClosed) {
      if (head.closed) {
        throw new DomainError(
          'CONTRACT_CLOSED',
          'The contract is closed; its ledger takes no custody events',
          {
            contractId,
          },
        );
      }
    }
    return new LedgerChain(
      manager,
      contractId,
      head,
      ledgerActorOf(actor),
      this.clock.now().toISOString(),
      this.projectors,
      { key: this.checkpointKey, intervalMs: this.config.CHECKPOINT_INTERVAL_SECONDS * 1000 },
      options.holdWrites === true,
      unlocked ? (locking) => this.confirmHead(locking, contractId, unlocked) : undefined,
    );
  }

  /**
   * Locks a head read without its lock; ChainMovedOn if it is no longer as
   * read: its seq (an append), its checkpoint (one stored for a reader of
   * the checkpoint, which moves no seq), or its tree (a rebuild), all of
   * which the append would otherwise write back as it read them.
   */
  private async confirmHead(
    manager: EntityManager,
    contractId: string,
    read: LockedHead,
  ): Promise<void> {
    const locked = await this.lockHead(manager, contractId);
    const same =
      locked !== undefined &&
      locked.seq === read.seq &&
      locked.hash === read.hash &&
      frontierText(locked.frontier) === frontierText(read.frontier) &&
      locked.checkpointSize === read.checkpointSize &&
      String(locked.checkpointAt) === String(read.checkpointAt) &&
      locked.closed === read.closed;
    if (!same) throw new ChainMovedOn(contractId);
  }

  /** Reads a chain's head row and locks it for the transaction (PostgreSQL: FOR UPDATE). */
  lockHead(manager: EntityManager, contractId: string): Promise<LockedHead | undefined> {
    return this.readHead(manager, contractId, true);
  }

  private async readHead(
    manager: EntityManager,
    contractId: string,
    lock: boolean,
  ): Promise<LockedHead | undefined> {
    const sql = new Sql(manager);
    const head = await sql.one<{
      seq: number | string;
      hash: string;
      tree_frontier: string;
      checkpoint_size: number | string;
      checkpoint_at: string | null;
      closed: unknown;
    }>(
      `SELECT seq, hash, tree_frontier, checkpoint_size, checkpoint_at, closed FROM ledger_heads WHERE contract_id = ?${lock ? sql.forUpdate : ''}`,
      [contractId],
    );
    // From here until the transaction ends, appends to this contract wait.
    if (head && lock) this.tx.lockGranted();
    return head
      ? {
          seq: Number(head.seq),
          hash: head.hash,
          frontier: parseFrontier(head.tree_frontier),
          checkpointSize: Number(head.checkpoint_size),
          checkpointAt: head.checkpoint_at,
          closed: bool(head.closed),
        }
      : undefined;
  }

  private async createHead(manager: EntityManager, contractId: string): Promise<LockedHead> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(LedgerHeadEntity)
      .values({ contractId, seq: 0, hash: GENESIS_HASH, treeFrontier: '', checkpointSize: 0 })
      .orIgnore()
      .execute();
    const head = await this.lockHead(manager, contractId);
    if (!head) throw new Error(`ledger head of ${contractId} could not be created`);
    return head;
  }

  async length(contractId: string): Promise<number> {
    const head = await this.dataSource.getRepository(LedgerHeadEntity).findOneBy({ contractId });
    return head?.seq ?? 0;
  }

  /** Entries after `afterSeq`, in order, at most `limit`. */
  async list(contractId: string, afterSeq: number, limit: number): Promise<LedgerEntry[]> {
    const rows = await this.dataSource.getRepository(LedgerEntryEntity).find({
      where: { contractId, seq: MoreThan(afterSeq) },
      order: { seq: 'ASC' },
      take: limit,
    });
    return rows.map(toLedgerEntry);
  }

  /** Every stored entry of a chain in seq order. */
  async *stream(
    contractId: string,
    types?: readonly LedgerEventType[],
  ): AsyncGenerator<StoredEntry> {
    for await (const batch of this.batches(contractId, types)) yield* batch;
  }

  /**
   * A chain in seq order, a batch at a time: plain SQL, keyset-paged, so a
   * 100,000-entry chain is read in 50 queries and never held in memory at once.
   */
  async *batches(
    contractId: string,
    types?: readonly LedgerEventType[],
  ): AsyncGenerator<StoredEntry[]> {
    const sql = new Sql(this.dataSource.manager);
    const filter = types ? ` AND type IN (${Sql.list(types.length)})` : '';
    const text = `SELECT contract_id, seq, type, occurred_at, recorded_at, actor, payload, prev_hash, hash
           FROM ledger_entries WHERE contract_id = ? AND seq > ?${filter} ORDER BY seq LIMIT ${BATCH}`;
    let after = 0;
    for (;;) {
      const params = [contractId, after, ...(types ?? [])];
      const batch = (await sql.all<StoredRow>(text, params)).map(storedFromRow);
      yield batch;
      if (batch.length < BATCH) return;
      after = batch[batch.length - 1]!.seq;
    }
  }

  /**
   * Recomputes the whole chain from the stored rows and names the first bad
   * entry; and checks each entry against its leaf in the Merkle tree, so that
   * entries rewritten with their chain recomputed but the tree left alone (the
   * tree still proves the signed checkpoints) are caught too. A long chain is
   * walked in ranges on worker threads (ChainVerifyPool), a short one here.
   */
  async verify(contractId: string): Promise<ChainVerdict> {
    // The head is read before and after the walk: appends may commit meanwhile
    // (another request, another instance), and only what was recorded before
    // the walk must be there, only what is recorded after it may be.
    const before = await this.recordedHead(contractId);
    const { ranges, inWorkers } = this.verifyPool.plan(
      before?.seq ?? 0,
      before ? [before.seq] : [],
    );
    const walks = inWorkers
      ? await this.verifyPool.walk(contractId, ranges)
      : [await this.walkHere(contractId, ranges[0]!)];
    const after = await this.recordedHead(contractId);
    return joinRanges(walks, { before, after });
  }

  /**
   * Walks a range of the chain on this thread, a page at a time. Read by the
   * seq column's order, but each row's own seq is checked, so a deleted or
   * moved row shows up as a break.
   */
  private async walkHere(contractId: string, range: ChainRange): Promise<RangeWalk> {
    const check = new RangeCheck(range);
    for await (const rows of this.rowsWithLeaves(
      this.dataSource.manager,
      contractId,
      check.after,
    )) {
      for (const row of rows) {
        if (!check.push(row)) return check.result();
      }
    }
    return check.result();
  }

  /**
   * The first entry after `after` and up to `upTo` that does not match its
   * leaf in the stored Merkle tree, or undefined when every one does. Reads
   * through `manager` (an audit checks the entries appended since its
   * pre-check in its own transaction).
   */
  async treeMismatch(
    manager: EntityManager,
    contractId: string,
    upTo: number,
    after = 0,
  ): Promise<number | undefined> {
    const tree = new TreeLeafCheck();
    for await (const rows of this.rowsWithLeaves(manager, contractId, after)) {
      for (const row of rows) {
        const entry = entryOfRow(row);
        if (entry.seq > upTo) return tree.firstMismatch;
        tree.push(entry.seq, storedEntryParts(entry), entry.hash, row[LEAF]);
        if (tree.firstMismatch !== undefined) return tree.firstMismatch;
      }
    }
    return tree.firstMismatch;
  }

  /**
   * A chain in seq order, a page at a time, as arrays of column values
   * ({@link entryOfRow}; the stored hash of the entry's leaf, level 0 of the
   * tree and first in its `tree_nodes`, or null, at {@link LEAF}). At a
   * million entries, objects per row and pages large enough to outlive a
   * young-generation collection cost verify more than the hashing: the
   * caller builds what it needs per row, and drops it.
   */
  private async *rowsWithLeaves(
    manager: EntityManager,
    contractId: string,
    from = 0,
  ): AsyncGenerator<unknown[][]> {
    const sql = new Sql(manager);
    const text = `SELECT ${WALK_COLUMNS}
           FROM ledger_entries WHERE contract_id = ? AND seq > ? ORDER BY seq LIMIT ${VERIFY_PAGE}`;
    let after = from;
    for (;;) {
      const rows = await sql.rows(text, [contractId, after]);
      yield rows;
      if (rows.length < VERIFY_PAGE) return;
      after = Number(rows[rows.length - 1]![1]);
      // better-sqlite3 reads synchronously: without a turn of the event loop
      // between pages, a million-entry walk (seconds of hashing) would hold
      // every other request of the process until it ends.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private async recordedHead(contractId: string): Promise<RecordedHead | undefined> {
    const head = await this.dataSource.getRepository(LedgerHeadEntity).findOneBy({ contractId });
    return head ? { seq: head.seq, hash: head.hash } : undefined;
  }

  /**
   * Empties every projection and replays every chain into it, and rebuilds
   * every chain's Merkle tree from its entries, in one transaction. Signed
   * checkpoints are kept: a rebuilt tree that differs from what they signed
   * (a rewritten entry) fails their consistency proofs. Returns the number of
   * entries replayed.
   */
  async rebuildProjections(): Promise<number> {
    return this.tx.run(async (manager) => {
      // No append may run beside a rebuild: on PostgreSQL, appends lock their
      // head row FOR UPDATE, which this lock excludes until the rebuild
      // commits; on SQLite, BEGIN IMMEDIATE already keeps every other writer,
      // in this process or another, waiting.
      if (manager.connection.options.type === 'postgres') {
        await manager.query('LOCK TABLE ledger_heads IN EXCLUSIVE MODE');
      }
      for (const projector of this.projectors.all) await projector.reset(manager);
      let replayed = 0;
      const contracts: Array<{ contract_id: string }> = await manager.query(
        'SELECT contract_id FROM ledger_heads ORDER BY contract_id',
      );
      for (const { contract_id: contractId } of contracts) {
        await rebuildTree(manager, contractId);
        let after = 0;
        for (;;) {
          const rows = await manager
            .getRepository(LedgerEntryEntity)
            .createQueryBuilder('e')
            .where('e.contract_id = :contractId AND e.seq > :after', { contractId, after })
            .orderBy('e.seq', 'ASC')
            .limit(BATCH)
            .getMany();
          for (const row of rows) {
            await this.projectors.apply(manager, toLedgerEntry(row));
            replayed++;
          }
          if (rows.length < BATCH) break;
          after = rows[rows.length - 1]!.seq;
        }
      }
      return replayed;
    });
  }
}

/** Rows per page when verifying: small enough to die young (see rowsWithLeaves). */
export const VERIFY_PAGE = 500;

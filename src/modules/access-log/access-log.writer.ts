import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Database, Statement } from 'better-sqlite3';
import { DataSource, type EntityManager } from 'typeorm';
import { statementsSent } from '../../database/lock-watch.js';
import { Sql } from '../../database/sql.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import { heldWrites } from '../../database/write-batch.js';
import { type AccessLogRecordRow, RECORD_COLUMNS, recordFromRow } from './access-log-row.js';
import { AppConfig } from '../../config/app-config.js';
import {
  type AccessLogEntry,
  type AccessLogRecord,
  type ChainHead,
  chainRecords,
  GENESIS_HASH,
} from './access-log-chain.rule.js';

/** Entries one buffered flush writes in one transaction. */
const FLUSH_BATCH = 2000;

/** Waiting write entries one link moves into the chain in one transaction. */
const LINK_BATCH = 2000;

/** After a link failed (the database was away), when the next try is. */
const LINK_RETRY_MS = 1000;

/** Counted from the list, so that a column added there cannot leave a placeholder short. */
const RECORD_COLUMN_COUNT = RECORD_COLUMNS.split(', ').length;

const ENQUEUE_TEXT = `INSERT INTO access_log_pending (${RECORD_COLUMNS}) VALUES (${Array.from(
  { length: RECORD_COLUMN_COUNT },
  () => '?',
).join(', ')})`;

/** A row of `access_log_pending` as {@link TAKE_WAITING} returns it. */
interface PendingRow extends AccessLogRecordRow {
  /** int8: text from the driver. */
  id: number | string;
  head_seq: number | string;
  head_hash: string;
  candidates: number | string;
}

/** Most read entries kept in memory while the database refuses them (then the oldest go, loudly). */
const MAX_BUFFERED = 100_000;

const COLUMNS =
  'seq, recorded_at, user_id, organization_id, role, login_id, action, method, route, contract_id, ' +
  'resource_id, status_code, client_address, user_agent, request_id, prev_hash, hash';
const COLUMN_COUNT = COLUMNS.split(', ').length;

/**
 * PostgreSQL: the chained entries inserted and the head moved, in one
 * statement of one text for any number of entries (each column bound as an
 * array), so one round trip while the head is held and one prepared plan.
 */
const INSERT_CHAINED = `WITH moved AS (UPDATE access_log_head SET seq = ?, hash = ? WHERE id = 1)
  INSERT INTO access_log_entries (${COLUMNS})
  SELECT * FROM unnest(?::bigint[], ${Array.from({ length: 10 }, () => '?::text[]').join(', ')},
    ?::integer[], ${Array.from({ length: 5 }, () => '?::text[]').join(', ')})`;

/**
 * PostgreSQL: the head locked and up to a batch of waiting rows taken, in one
 * statement. The rows are read only once the lock is held (the EXISTS on the
 * locked head gates the scan), so two linkers never lock each other's rows
 * and then wait on the head. The statement's snapshot may predate the wait:
 * rows another linker took meanwhile are skipped (a DELETE passes over a row
 * deleted since), and rows committed after the snapshot wait for the next
 * link, which their writers' callers wait for. `candidates`: how many rows
 * the batch found, to know whether more may wait.
 */
const TAKE_WAITING = `WITH head AS (SELECT seq, hash FROM access_log_head WHERE id = 1 FOR UPDATE),
  candidates AS (SELECT id FROM access_log_pending WHERE EXISTS (SELECT 1 FROM head) ORDER BY id LIMIT ?)
  DELETE FROM access_log_pending WHERE id IN (SELECT id FROM candidates)
  RETURNING id, ${RECORD_COLUMNS}, (SELECT seq FROM head) AS head_seq, (SELECT hash FROM head) AS head_hash,
    (SELECT count(*) FROM candidates) AS candidates`;

/** SQLite: one entry's INSERT, prepared once per connection. */
const SQLITE_INSERT = `INSERT INTO access_log_entries (${COLUMNS}) VALUES (${Array.from(
  { length: COLUMN_COUNT },
  () => '?',
).join(', ')})`;

interface SqliteStatements {
  db: Database;
  head: Statement;
  createHead: Statement;
  insert: Statement;
  moveHead: Statement;
}

/**
 * The only writer of the access log: one hash chain per installation, whose
 * head row (`access_log_head`) every append locks.
 *
 * A write's entry commits with the write ({@link appendForWrite}). On SQLite
 * it is chained right there: the TransactionRunner serializes writers
 * anyway, and the three prepared statements cost little. On PostgreSQL,
 * chaining inside the write would make every write of every contract hold
 * the one head row until its COMMIT (its fsync included), so the entry is
 * inserted into `access_log_pending` instead, without a lock, and
 * {@link link} moves the waiting rows into the chain in one short
 * transaction per batch right after the commit: the request's response
 * waits for it (see AccessLogCapture), so an answered write's entry is in
 * the chain. Links of one process coalesce (writes committing while a link
 * runs share the next one); links of several processes take turns on the
 * head row. A row left waiting by a crash is linked at the next start.
 *
 * Reads are not worth a transaction each: their entries wait in memory
 * ({@link buffer}) and are chained every ACCESS_LOG_FLUSH_MS (at most a
 * second) and on shutdown, a batch per transaction.
 *
 * Whatever the path, an append locks the head (PostgreSQL: `SELECT … FOR
 * UPDATE`), gives the records the next seqs, inserts them and moves the
 * head; the primary key on `seq` makes an append that raced past the lock
 * fail instead of forking the chain.
 */
@Injectable()
export class AccessLogWriter
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger('AccessLog');
  /** Reads' entries waiting for the next flush. */
  private pending: AccessLogRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private sqlite: SqliteStatements | undefined;
  /** The link running now, and the one that will run after it for those who came too late for it. */
  private linking: Promise<void> | undefined;
  private nextLink: Promise<void> | undefined;
  private linkRetry: NodeJS.Timeout | undefined;
  private stopped = false;
  /** PostgreSQL: the chain's head row is known to exist (it is never deleted). */
  private headExists = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly config: AppConfig,
  ) {}

  /**
   * Whether a write's entry waits in `access_log_pending` until {@link link}
   * (PostgreSQL) rather than being chained inside the write (SQLite).
   */
  get linksAfterCommit(): boolean {
    return this.dataSource.options.type === 'postgres';
  }

  /**
   * A write's entries, inside the write's transaction: chained now on
   * SQLite; on PostgreSQL inserted to wait for {@link link}, which the
   * caller runs once the transaction has committed (and which runs anyway
   * within ACCESS_LOG_FLUSH_MS, should the caller never get there).
   */
  async appendForWrite(manager: EntityManager, records: readonly AccessLogRecord[]): Promise<void> {
    if (!this.linksAfterCommit) {
      await this.append(manager, records);
      return;
    }
    // With the write's own held writes when there are (a ledger append's):
    // one statement for both.
    const writer = heldWrites(manager) ?? new Sql(manager);
    for (const r of records) {
      await writer.run(ENQUEUE_TEXT, [
        r.recordedAt,
        r.userId,
        r.organizationId,
        r.role,
        r.loginId,
        r.action,
        r.method,
        r.route,
        r.contractId,
        r.resourceId,
        r.statusCode,
        r.clientAddress,
        r.userAgent,
        r.requestId,
      ]);
    }
    this.scheduleFlush();
  }

  /**
   * Chains every write entry waiting in `access_log_pending` (PostgreSQL; on
   * SQLite there are none). Resolves once every row committed before the
   * call is in the chain, or once a try has failed (logged, and tried again
   * a second later: the rows are safe where they wait). Never rejects.
   */
  link(): Promise<void> {
    if (!this.linksAfterCommit) return Promise.resolve();
    if (!this.linking) return this.startLink();
    // The link running now may have read the waiting rows before the
    // caller's committed: the caller needs the next one.
    this.nextLink ??= this.linking.then(() => {
      this.nextLink = undefined;
      return this.linking ?? this.startLink();
    });
    return this.nextLink;
  }

  private startLink(): Promise<void> {
    const run = this.linkAll().finally(() => {
      if (this.linking === run) this.linking = undefined;
    });
    this.linking = run;
    return run;
  }

  private async linkAll(): Promise<void> {
    try {
      let full: boolean;
      do {
        full = await this.tx.runUnrecorded((manager) => this.linkBatch(manager));
      } while (full);
    } catch (error) {
      this.logger.error(
        `linking the waiting write entries failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      if (!this.stopped && this.dataSource.isInitialized && !this.linkRetry) {
        this.linkRetry = setTimeout(() => {
          this.linkRetry = undefined;
          void this.link();
        }, LINK_RETRY_MS);
        this.linkRetry.unref();
      }
    }
  }

  /**
   * One batch of waiting rows into the chain, in `id` order, in two
   * statements ({@link TAKE_WAITING}, {@link INSERT_CHAINED}). Returns
   * whether the batch was full (more may wait).
   */
  private async linkBatch(manager: EntityManager): Promise<boolean> {
    const sql = new Sql(manager);
    let rows = await sql.all<PendingRow>(TAKE_WAITING, [LINK_BATCH]);
    if (rows.length === 0 && !this.headExists) {
      // A new database has no head yet, and the take found nothing behind it.
      await this.createHead(manager, sql);
      this.headExists = true;
      rows = await sql.all<PendingRow>(TAKE_WAITING, [LINK_BATCH]);
    }
    if (rows.length === 0) return false;
    this.headExists = true;
    const head = { seq: Number(rows[0]!.head_seq), hash: rows[0]!.head_hash };
    rows.sort((a, b) => Number(a.id) - Number(b.id));
    await this.insertChained(sql, head, rows.map(recordFromRow));
    return Number(rows[0]!.candidates) === LINK_BATCH;
  }

  /** Appends records after the chain's head, inside `manager`'s transaction. */
  async append(
    manager: EntityManager,
    records: readonly AccessLogRecord[],
  ): Promise<AccessLogEntry[]> {
    if (records.length === 0) return [];
    const sqlite = this.sqliteStatements();
    if (sqlite) return this.appendOnSqlite(sqlite, records);
    const sql = new Sql(manager);
    const head = (await this.lockHead(sql)) ?? (await this.createHead(manager, sql));
    return this.insertChained(sql, head, records);
  }

  /** PostgreSQL: the records chained after `head` (locked by the caller), inserted, and the head moved. */
  private async insertChained(
    sql: Sql,
    head: ChainHead,
    records: readonly AccessLogRecord[],
  ): Promise<AccessLogEntry[]> {
    const { entries, head: next } = chainRecords(head, records);
    const column = <T>(value: (e: AccessLogEntry) => T): T[] => entries.map(value);
    await sql.run(INSERT_CHAINED, [
      next.seq,
      next.hash,
      column((e) => e.seq),
      column((e) => e.recordedAt),
      column((e) => e.userId),
      column((e) => e.organizationId),
      column((e) => e.role),
      column((e) => e.loginId),
      column((e) => e.action),
      column((e) => e.method),
      column((e) => e.route),
      column((e) => e.contractId),
      column((e) => e.resourceId),
      column((e) => e.statusCode),
      column((e) => e.clientAddress),
      column((e) => e.userAgent),
      column((e) => e.requestId),
      column((e) => e.prevHash),
      column((e) => e.hash),
    ]);
    return entries;
  }

  /**
   * SQLite: the same append in three prepared statements on the one
   * connection, inside the transaction the TransactionRunner has open on it
   * (there is no other). Through TypeORM each statement costs a dozen
   * promises and a parameter copy: for one entry per request, more than the
   * insert itself.
   */
  private appendOnSqlite(
    statements: SqliteStatements,
    records: readonly AccessLogRecord[],
  ): AccessLogEntry[] {
    let row = statements.head.get() as { seq: number; hash: string } | undefined;
    if (!row) {
      statements.createHead.run(GENESIS_HASH, GENESIS_HASH);
      row = statements.head.get() as { seq: number; hash: string };
    }
    const { entries, head } = chainRecords({ seq: Number(row.seq), hash: row.hash }, records);
    for (const e of entries) {
      statements.insert.run(
        e.seq,
        e.recordedAt,
        e.userId,
        e.organizationId,
        e.role,
        e.loginId,
        e.action,
        e.method,
        e.route,
        e.contractId,
        e.resourceId,
        e.statusCode,
        e.clientAddress,
        e.userAgent,
        e.requestId,
        e.prevHash,
        e.hash,
      );
    }
    statements.moveHead.run(head.seq, head.hash);
    // Past TypeORM, so past its query subscriber: a lock-holding unit's count.
    statementsSent(entries.length + 2);
    return entries;
  }

  /** The prepared statements of {@link appendOnSqlite}, for the current connection; null on PostgreSQL. */
  private sqliteStatements(): SqliteStatements | null {
    if (this.dataSource.options.type !== 'better-sqlite3') return null;
    const db = (this.dataSource.driver as unknown as { databaseConnection?: Database })
      .databaseConnection;
    if (!db) return null;
    if (this.sqlite?.db !== db) {
      this.sqlite = {
        db,
        head: db.prepare('SELECT seq, hash FROM access_log_head WHERE id = 1'),
        createHead: db.prepare(
          'INSERT OR IGNORE INTO access_log_head (id, seq, hash, anchor_seq, anchor_hash) VALUES (1, 0, ?, 0, ?)',
        ),
        insert: db.prepare(SQLITE_INSERT),
        moveHead: db.prepare('UPDATE access_log_head SET seq = ?, hash = ? WHERE id = 1'),
      };
    }
    return this.sqlite;
  }

  /** Keeps a read's entry for the next flush. */
  buffer(record: AccessLogRecord): void {
    this.pending.push(record);
    if (this.pending.length > MAX_BUFFERED) {
      const dropped = this.pending.splice(0, this.pending.length - MAX_BUFFERED);
      this.logger.error(`${dropped.length} access-log entries dropped: the database refuses them`);
    }
    this.scheduleFlush();
  }

  /** The next flush, within ACCESS_LOG_FLUSH_MS, unless one is already due. */
  private scheduleFlush(): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.config.ACCESS_LOG_FLUSH_MS);
    this.timer.unref();
  }

  /** Entries waiting in memory. */
  get buffered(): number {
    return this.pending.length;
  }

  /**
   * Writes every buffered read entry now (one flush at a time), and on
   * PostgreSQL links the write entries waiting: once it resolves, every
   * entry of a request answered before the call is in the chain (unless the
   * database refused, which is logged).
   */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.pending.length > 0) {
      this.flushing = this.writePending().finally(() => {
        this.flushing = undefined;
      });
      await this.flushing;
    }
    await this.link();
  }

  private async writePending(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, FLUSH_BATCH);
      try {
        await this.tx.runUnrecorded((manager) => this.append(manager, batch));
      } catch (error) {
        // Kept for the next flush: an outage of the database loses no entry
        // until MAX_BUFFERED is reached.
        this.pending.unshift(...batch);
        this.logger.error(`access-log flush of ${batch.length} entries failed`, error);
        if (this.dataSource.isInitialized && !this.timer) {
          this.timer = setTimeout(() => {
            this.timer = undefined;
            void this.flush();
          }, 1000);
          this.timer.unref();
        }
        return;
      }
    }
  }

  /** PostgreSQL: links what a crash left waiting, without holding up the start. */
  onApplicationBootstrap(): void {
    if (this.linksAfterCommit) void this.link();
  }

  /** Before the HTTP server closes: write what is buffered. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  /**
   * After the data source has closed nothing can be written: anything still
   * buffered is lost, and said so. (The HTTP server's close flushes first:
   * see {@link AccessLogCapture.install}.)
   */
  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    clearTimeout(this.linkRetry);
    this.linkRetry = undefined;
    if (this.pending.length > 0) {
      this.logger.error(`${this.pending.length} access-log entries lost at shutdown`);
    }
  }

  private async lockHead(sql: Sql): Promise<ChainHead | undefined> {
    const head = await sql.one<{ seq: number | string; hash: string }>(
      `SELECT seq, hash FROM access_log_head WHERE id = 1${sql.forUpdate}`,
    );
    return head ? { seq: Number(head.seq), hash: head.hash } : undefined;
  }

  private async createHead(manager: EntityManager, sql: Sql): Promise<ChainHead> {
    await manager.query(
      sql.isPostgres
        ? `INSERT INTO access_log_head (id, seq, hash, anchor_seq, anchor_hash) VALUES (1, 0, $1, 0, $1) ON CONFLICT DO NOTHING`
        : `INSERT OR IGNORE INTO access_log_head (id, seq, hash, anchor_seq, anchor_hash) VALUES (1, 0, ?, 0, ?)`,
      sql.isPostgres ? [GENESIS_HASH] : [GENESIS_HASH, GENESIS_HASH],
    );
    const head = await this.lockHead(sql);
    if (!head) throw new Error('the access-log head could not be created');
    return head;
  }
}

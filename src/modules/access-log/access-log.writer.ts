import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Database, Statement } from 'better-sqlite3';
import { DataSource, type EntityManager } from 'typeorm';
import { statementsSent } from '../../database/lock-watch.js';
import { Sql } from '../../database/sql.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import { AppConfig } from '../../config/app-config.js';
import {
  type AccessLogEntry,
  type AccessLogRecord,
  type ChainHead,
  chainRecords,
  GENESIS_HASH,
} from './access-log-chain.rule.js';

/**
 * Entries one INSERT carries. A fixed size, so that the statement of a full
 * chunk is prepared once and then found in the driver's statement cache.
 */
const INSERT_ROWS = 64;

/** Entries one buffered flush writes in one transaction. */
const FLUSH_BATCH = 2000;

/** Most read entries kept in memory while the database refuses them (then the oldest go, loudly). */
const MAX_BUFFERED = 100_000;

const COLUMNS =
  'seq, recorded_at, user_id, organization_id, role, login_id, action, method, route, contract_id, ' +
  'resource_id, status_code, client_address, user_agent, request_id, prev_hash, hash';
const COLUMN_COUNT = 17;

/** `INSERT … VALUES (?, …), …` of `rows` rows, in the dialect's placeholders; built once per size. */
const insertTexts = new Map<string, string>();
function insertText(rows: number, postgres: boolean): string {
  const key = `${postgres ? 'p' : 's'}${rows}`;
  let text = insertTexts.get(key);
  if (!text) {
    let n = 0;
    const row = () =>
      `(${Array.from({ length: COLUMN_COUNT }, () => (postgres ? `$${++n}` : '?')).join(', ')})`;
    text = `INSERT INTO access_log_entries (${COLUMNS}) VALUES ${Array.from({ length: rows }, row).join(', ')}`;
    insertTexts.set(key, text);
  }
  return text;
}

interface SqliteStatements {
  db: Database;
  head: Statement;
  createHead: Statement;
  insert: Statement;
  moveHead: Statement;
}

/**
 * The only writer of the access log. {@link append} extends the one chain
 * of the installation inside the caller's transaction: it locks the head row
 * (PostgreSQL: `SELECT … FOR UPDATE`; SQLite: the TransactionRunner already
 * serializes writers), gives the records the next seqs, inserts them and
 * moves the head. Callers make it the last step of their transaction, so the
 * lock is held only for the commit. The primary key on `seq` makes an append
 * that raced past the lock fail instead of forking the chain.
 *
 * Reads are not worth a transaction each: their entries wait in
 * {@link buffer} and are written every ACCESS_LOG_FLUSH_MS (at most a
 * second) and on shutdown, a batch per transaction.
 */
@Injectable()
export class AccessLogWriter implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('AccessLog');
  private pending: AccessLogRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private sqlite: SqliteStatements | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly config: AppConfig,
  ) {}

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
    const { entries, head: next } = chainRecords(head, records);
    for (let i = 0; i < entries.length; i += INSERT_ROWS) {
      const rows = Math.min(INSERT_ROWS, entries.length - i);
      const params = new Array<string | number | null>(rows * COLUMN_COUNT);
      let k = 0;
      for (let j = i; j < i + rows; j++) {
        const e = entries[j]!;
        params[k++] = e.seq;
        params[k++] = e.recordedAt;
        params[k++] = e.userId;
        params[k++] = e.organizationId;
        params[k++] = e.role;
        params[k++] = e.loginId;
        params[k++] = e.action;
        params[k++] = e.method;
        params[k++] = e.route;
        params[k++] = e.contractId;
        params[k++] = e.resourceId;
        params[k++] = e.statusCode;
        params[k++] = e.clientAddress;
        params[k++] = e.userAgent;
        params[k++] = e.requestId;
        params[k++] = e.prevHash;
        params[k++] = e.hash;
      }
      await manager.query(insertText(rows, sql.isPostgres), params);
    }
    await sql.run('UPDATE access_log_head SET seq = ?, hash = ? WHERE id = 1', [
      next.seq,
      next.hash,
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
        insert: db.prepare(insertText(1, false)),
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
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, this.config.ACCESS_LOG_FLUSH_MS);
      this.timer.unref();
    }
  }

  /** Entries waiting in memory. */
  get buffered(): number {
    return this.pending.length;
  }

  /** Writes every buffered entry now (one flush at a time). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.pending.length === 0) return;
    this.flushing = this.writePending().finally(() => {
      this.flushing = undefined;
    });
    await this.flushing;
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
    clearTimeout(this.timer);
    this.timer = undefined;
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

import { threadId } from 'node:worker_threads';
import Database from 'better-sqlite3';
import pg from 'pg';
import {
  type ChainRange,
  RangeCheck,
  type RangeWalk,
  WALK_COLUMNS,
  WALK_COLUMNS_SQLITE_BYTES,
} from './chain-range.js';

/**
 * The entry point of a verify worker thread (run by piscina, see
 * ChainVerifyPool): walks one range of a contract's chain on a connection
 * of its own, so that the hashing of a long ledger runs beside the process's
 * requests and, range by range, on every core. Entries are never changed
 * once appended, so ranges read at slightly different moments make one
 * consistent chain; the pool compares the heads recorded before and after.
 */

/** Where the chain is: the SQLite file (read-only here) or the PostgreSQL the service uses. */
export type ChainSource =
  { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string; options?: string };

export interface VerifyRangeTask {
  source: ChainSource;
  contractId: string;
  range: ChainRange;
  /** Rows per query, when not the default (tests make it small, so that walks cross page edges). */
  pageSize?: number;
}

export interface VerifyRangeResult {
  walk: RangeWalk;
  /** The worker thread that walked it (never the main thread's 0). */
  threadId: number;
  /** Whether actor and payload were read as their stored bytes (SQLite in UTF-8), not as text. */
  bytes: boolean;
}

/** Rows per query on SQLite: small pages die young (see LedgerService's rowsWithLeaves). */
const SQLITE_PAGE = 500;

const PG_CONNECT_TIMEOUT_MS = 10_000;

/** Settings of a walk's PostgreSQL session, after the service's own: it writes nothing, and no page takes a minute. */
const PG_WALK_OPTIONS = '-c default_transaction_read_only=on -c statement_timeout=60000';

/** Rows per query on PostgreSQL: a page of a keyset walk (a cursor would hold a transaction open). */
const PG_PAGE = 2000;

export default async function verifyRange(task: VerifyRangeTask): Promise<VerifyRangeResult> {
  const check = new RangeCheck(task.range);
  const { last } = task.range;
  const page = task.pageSize ?? (task.source.kind === 'sqlite' ? SQLITE_PAGE : PG_PAGE);
  const bound = last === null ? '' : ' AND seq <= ?';
  const query = (columns: string) =>
    `SELECT ${columns} FROM ledger_entries WHERE contract_id = ? AND seq > ?${bound} ORDER BY seq LIMIT ${page}`;
  const params = (after: number) =>
    last === null ? [task.contractId, after] : [task.contractId, after, last];
  const reader =
    task.source.kind === 'sqlite'
      ? sqliteReader(task.source.file, query)
      : await postgresReader(task.source, query(WALK_COLUMNS));
  const done = (): VerifyRangeResult => ({ walk: check.result(), threadId, bytes: reader.bytes });
  try {
    // Keyset pages past the last seq read, never from "that seq + 1": a row
    // forged with a seq between two (SQLite keeps 500.5 in an integer
    // column) is read, as one walk reads it, and breaks the chain.
    let after = check.after;
    for (;;) {
      const rows = await reader.page(params(after));
      for (const row of rows) {
        if (!check.push(row)) return done();
      }
      if (rows.length < page) return done();
      after = Number(rows[rows.length - 1]![1]);
    }
  } finally {
    await reader.close();
  }
}

/** One page of a walk's query, by its parameters; and the connection's end. */
interface PageReader {
  page(params: readonly unknown[]): unknown[][] | Promise<unknown[][]>;
  close(): void | Promise<void>;
  /** Whether it reads actor and payload as bytes ({@link WALK_COLUMNS_SQLITE_BYTES}). */
  bytes: boolean;
}

function sqliteReader(file: string, query: (columns: string) => string): PageReader {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  // A blob cast from text holds the text in the file's encoding: the bytes
  // that are hashed must be UTF-8, so a UTF-16 file (one restored from a
  // dump made so) is read as text.
  const bytes = db.pragma('encoding', { simple: true }) === 'UTF-8';
  // Pages through .all(): one call into SQLite a page instead of one a row
  // (iterate()), a sixth less time a row.
  const statement = db.prepare(query(bytes ? WALK_COLUMNS_SQLITE_BYTES : WALK_COLUMNS)).raw(true);
  return {
    page: (params) => statement.all(...params) as unknown[][],
    close: () => void db.close(),
    bytes,
  };
}

async function postgresReader(
  source: Extract<ChainSource, { kind: 'postgres' }>,
  text: string,
): Promise<PageReader> {
  // Read-only, and bounded: a database that stops answering fails the verify
  // instead of holding a worker thread for ever.
  const client = new pg.Client({
    connectionString: source.url,
    application_name: 'kanribo-verify',
    connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS,
    options: [source.options, PG_WALK_OPTIONS].filter(Boolean).join(' '),
  });
  // A connection lost between queries is an 'error' event: without a
  // listener it would take the thread down; the next query fails instead.
  client.on('error', () => undefined);
  await client.connect();
  let n = 0;
  const numbered = text.replace(/\?/g, () => `$${++n}`);
  return {
    page: async (params) =>
      (await client.query<unknown[]>({ text: numbered, values: [...params], rowMode: 'array' }))
        .rows,
    close: () => client.end(),
    bytes: false,
  };
}

import type { EventEmitter } from 'node:events';
import { threadId } from 'node:worker_threads';
import { TREE_MISMATCH } from '../../src/modules/ledger/chain-range.js';
import { ChainVerifyPool } from '../../src/modules/ledger/chain-verify-pool.js';
import {
  type ChainVerdict,
  storedEntryHash,
  storedEntryParts,
  storedFromRow,
  type StoredRow,
} from '../../src/modules/ledger/hash-chain.js';
import { entryLeafHex } from '../../src/modules/ledger/transparency/tree-store.js';
import { LedgerService } from '../../src/modules/ledger/ledger.service.js';
import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { sql } from '../support/ledger-kit.js';
import { TestApp } from '../support/test-app.js';

/**
 * A long chain is verified in ranges on worker threads, each on a connection
 * of its own (ChainVerifyPool), and the ranges' walks joined. Here the pool
 * takes a 40-entry chain in four ranges of ten, and every verdict, intact or
 * tampered at a range's edge, must be the one the main thread's single walk
 * gives.
 */
describe('…/ledger/verify on worker threads', () => {
  let t: TestApp;
  let c: CustodyWorld;
  let pool: ChainVerifyPool;
  let ledger: LedgerService;
  let length: number;

  beforeAll(async () => {
    // Two threads, whatever the machine: four ranges, two each.
    t = await TestApp.start({ env: { VERIFY_WORKERS: '2' } });
    c = await aCustodyWorld(t);
    ledger = t.app.get(LedgerService);
    pool = t.app.get(ChainVerifyPool);
    for (let n = await ledger.length(c.contractId); n < 40; n = await ledger.length(c.contractId)) {
      await Promise.all(Array.from({ length: Math.min(10, 40 - n) }, () => c.dvd()));
    }
    length = await ledger.length(c.contractId);
    pool.parallelFrom = 10;
    pool.rangeFloor = Math.floor(length / 4);
    expect(pool.plan(length, []).ranges).toHaveLength(4);
  }, 120_000);
  afterAll(() => t.close());

  /** The verdict of the workers (and how many ranges they walked), and of one walk on the main thread. */
  async function bothWays(): Promise<{
    workers: ChainVerdict;
    ranges: number;
    here: ChainVerdict;
  }> {
    const walked = pool.rangesWalked;
    const workers = await ledger.verify(c.contractId);
    const ranges = pool.rangesWalked - walked;
    const parallelFrom = pool.parallelFrom;
    pool.parallelFrom = Number.POSITIVE_INFINITY;
    try {
      const here = await ledger.verify(c.contractId);
      expect(pool.rangesWalked - walked).toBe(ranges);
      return { workers, ranges, here };
    } finally {
      pool.parallelFrom = parallelFrom;
    }
  }

  /** Checks that the workers and one walk both give `expected`. */
  async function sameVerdict(expected: ChainVerdict): Promise<void> {
    const { workers, here } = await bothWays();
    expect(workers).toEqual(expected);
    expect(workers).toEqual(here);
  }

  /** Runs `check` with entries `first`…`last` as `change` leaves them, then puts them back as they were. */
  async function tampered(
    first: number,
    last: number,
    change: () => Promise<unknown>,
    check: () => Promise<void>,
  ): Promise<void> {
    const saved = await sql(
      t,
      'SELECT * FROM ledger_entries WHERE contract_id = ? AND seq BETWEEN ? AND ? ORDER BY seq',
      [c.contractId, first, last],
    );
    expect(saved).toHaveLength(last - first + 1);
    await change();
    try {
      await check();
    } finally {
      await sql(t, 'DELETE FROM ledger_entries WHERE contract_id = ? AND seq BETWEEN ? AND ?', [
        c.contractId,
        first,
        last,
      ]);
      for (const row of saved) {
        const columns = Object.keys(row);
        await sql(
          t,
          `INSERT INTO ledger_entries (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
          columns.map((column) => row[column]),
        );
      }
      expect((await ledger.verify(c.contractId)).valid).toBe(true);
    }
  }

  it('walks an intact chain in four ranges off the main thread: the same verdict as one walk, over HTTP too', async () => {
    expect(length).toBeGreaterThanOrEqual(40);
    const { workers, ranges, here } = await bothWays();
    expect(ranges).toBe(4);
    expect(workers).toEqual({ valid: true, length, head: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(workers).toEqual(here);
    const walked = pool.rangesWalked;
    const asBytes = pool.rangesReadAsBytes;
    const served = await t.get(`${c.base}/ledger/verify`, c.w.officerA.token);
    expect(served.status).toBe(200);
    expect(served.body).toEqual(workers);
    expect(pool.rangesWalked - walked).toBe(4);
    // On SQLite (UTF-8) the threads read actor and payload as bytes; PostgreSQL's, as text.
    expect(pool.rangesReadAsBytes - asBytes).toBe(t.database.kind === 'postgres' ? 0 : 4);
    expect(pool.walkerThreads.size).toBeGreaterThan(0);
    expect(pool.walkerThreads.has(threadId)).toBe(false);
  });

  /** Where the pool cuts the chain: the first entry of each range. */
  const firsts = () => pool.plan(length, []).ranges.map((r) => r.first);

  it('a changed payload at the first entry of a range: that entry, as one walk names it', async () => {
    const seq = firsts()[2]!;
    await tampered(
      seq,
      seq,
      () =>
        sql(t, `UPDATE ledger_entries SET payload = ? WHERE contract_id = ? AND seq = ?`, [
          '{"changed":true}',
          c.contractId,
          seq,
        ]),
      () =>
        sameVerdict({
          valid: false,
          length: seq - 1,
          firstInvalidSeq: seq,
          reason: 'hash does not match the entry',
        }),
    );
  });

  it('a changed entry in the first range: its verdict, with the ranges after it called off', async () => {
    const seq = 2;
    await tampered(
      seq,
      seq,
      () =>
        sql(t, `UPDATE ledger_entries SET prev_hash = ? WHERE contract_id = ? AND seq = ?`, [
          'f'.repeat(64),
          c.contractId,
          seq,
        ]),
      () =>
        sameVerdict({
          valid: false,
          length: 1,
          firstInvalidSeq: 2,
          reason: 'prevHash does not match the previous entry',
        }),
    );
  });

  it('a deleted entry that is the last of one range and the anchor of the next', async () => {
    const seq = firsts()[2]! - 1;
    await tampered(
      seq,
      seq,
      () =>
        sql(t, 'DELETE FROM ledger_entries WHERE contract_id = ? AND seq = ?', [c.contractId, seq]),
      () =>
        sameVerdict({
          valid: false,
          length: seq - 1,
          firstInvalidSeq: seq,
          reason: `entry ${seq} is missing or out of place`,
        }),
    );
  });

  it('a leaf of the Merkle tree changed in a middle range: the tree mismatch at that entry', async () => {
    const seq = firsts()[1]! + 2;
    await tampered(
      seq,
      seq,
      () =>
        sql(t, 'UPDATE ledger_entries SET tree_nodes = ? WHERE contract_id = ? AND seq = ?', [
          '0'.repeat(64),
          c.contractId,
          seq,
        ]),
      () =>
        sameVerdict({
          valid: false,
          length: seq - 1,
          firstInvalidSeq: seq,
          reason: TREE_MISMATCH,
        }),
    );
  });

  it('the last ranges cut off: the chain ends short of its recorded head', async () => {
    const end = firsts()[3]! - 1;
    await tampered(
      end + 1,
      length,
      () =>
        sql(t, 'DELETE FROM ledger_entries WHERE contract_id = ? AND seq > ?', [c.contractId, end]),
      () =>
        sameVerdict({
          valid: false,
          length: end,
          firstInvalidSeq: end + 1,
          reason: `the chain ends at ${end} but its head records ${length}`,
        }),
    );
  });

  // SQLite keeps whatever bytes it is given as text, and a value of any type
  // in any column: the workers read actor and payload there as bytes, the
  // main thread as strings, and both must see the same entry.
  const onSqlite = process.env.DATABASE_URL ? it.skip : it;

  onSqlite(
    'a payload rewritten as text that is not UTF-8, hashed as it reads: the same verdict from bytes as from strings',
    async () => {
      const seq = firsts()[1]! + 1;
      await tampered(
        seq,
        seq,
        async () => {
          // {"a":"<a lead byte alone>","b":"<a stray continuation byte>"}
          const bytes = Buffer.concat([
            Buffer.from('{"a":"'),
            Buffer.from([0xe6, 0x80]),
            Buffer.from('","b":"'),
            Buffer.from([0x80]),
            Buffer.from('"}'),
          ]);
          await sql(
            t,
            'UPDATE ledger_entries SET payload = CAST(? AS TEXT) WHERE contract_id = ? AND seq = ?',
            [bytes, c.contractId, seq],
          );
          // Its hash and its leaf recomputed from the string it reads as (each
          // bad sequence a U+FFFD): the entry matches both, and only the next
          // entry, which links to the old hash, breaks.
          const [row] = await sql<StoredRow & { tree_nodes: string }>(
            t,
            'SELECT * FROM ledger_entries WHERE contract_id = ? AND seq = ?',
            [c.contractId, seq],
          );
          const entry = storedFromRow(row!);
          expect(entry.payload).toBe('{"a":"\ufffd","b":"\ufffd"}');
          const hash = storedEntryHash(entry);
          const leaf = entryLeafHex(storedEntryParts(entry), hash);
          await sql(
            t,
            'UPDATE ledger_entries SET hash = ?, tree_nodes = ? WHERE contract_id = ? AND seq = ?',
            [hash, leaf + row!.tree_nodes.slice(64), c.contractId, seq],
          );
        },
        () =>
          sameVerdict({
            valid: false,
            length: seq,
            firstInvalidSeq: seq + 1,
            reason: 'prevHash does not match the previous entry',
          }),
      );
    },
  );

  onSqlite(
    'actor and payload stored as blobs of their own text: read as that text, the chain is intact both ways',
    async () => {
      const seq = firsts()[2]! + 1;
      await tampered(
        seq,
        seq,
        () =>
          sql(
            t,
            'UPDATE ledger_entries SET actor = CAST(actor AS BLOB), payload = CAST(payload AS BLOB) WHERE contract_id = ? AND seq = ?',
            [c.contractId, seq],
          ),
        async () => {
          const [types] = await sql<{ a: string; p: string }>(
            t,
            'SELECT typeof(actor) AS a, typeof(payload) AS p FROM ledger_entries WHERE contract_id = ? AND seq = ?',
            [c.contractId, seq],
          );
          expect(types).toEqual({ a: 'blob', p: 'blob' });
          await sameVerdict({ valid: true, length, head: expect.stringMatching(/^[0-9a-f]{64}$/) });
        },
      );
    },
  );

  it("an error piscina reports outside any walk (a called-off range's late answer) is logged, not thrown", async () => {
    expect((await ledger.verify(c.contractId)).valid).toBe(true);
    const threads = (pool as unknown as { pool: EventEmitter | undefined }).pool;
    expect(threads).toBeDefined();
    // An EventEmitter with no 'error' listener throws what it emits.
    expect(() =>
      threads!.emit('error', new Error('Unexpected message from Worker: { taskId: 7 }')),
    ).not.toThrow();
    expect((await ledger.verify(c.contractId)).valid).toBe(true);
  });

  it('a short chain stays on the main thread', async () => {
    const other = await aCustodyWorld(t);
    await other.dvd();
    const walked = pool.rangesWalked;
    expect((await ledger.verify(other.contractId)).valid).toBe(true);
    expect(pool.rangesWalked).toBe(walked);
  });
});

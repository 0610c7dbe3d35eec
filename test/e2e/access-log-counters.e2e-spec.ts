import { AccessLogWriter } from '../../src/modules/access-log/access-log.writer.js';
import { TransactionRunner } from '../../src/database/transaction-runner.js';
import { Sql } from '../../src/database/sql.js';
import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { sql } from '../support/ledger-kit.js';
import { TestApp } from '../support/test-app.js';

/**
 * The access log's counters outlast 32 bits: every request of the
 * installation takes the next seq (and, on PostgreSQL, every write a
 * pending id), and PostgreSQL's `integer` ends at 2^31 - 1. Here the log is
 * put where a long-lived installation's is (pruned up to just below 2^31,
 * the pending sequence there too) and driven across that line through HTTP.
 */

const INT4_MAX = 2_147_483_647;
/** The anchor: as if pruning had removed every entry up to here. */
const ANCHOR = INT4_MAX - 3;

describe('access log: counters past 2^31', () => {
  let t: TestApp;
  let c: CustodyWorld;

  beforeAll(async () => {
    t = await TestApp.start();
    c = await aCustodyWorld(t);
    const writer = t.app.get(AccessLogWriter);
    await writer.flush();
    // One transaction through the app's own runner (SQLite's one writer),
    // holding the head (PostgreSQL's link takes turns on it).
    await t.app.get(TransactionRunner).runUnrecorded(async (manager) => {
      const q = new Sql(manager);
      await q.run(`SELECT seq FROM access_log_head WHERE id = 1${q.forUpdate}`);
      await q.run('DELETE FROM access_log_entries');
      await q.run(
        'UPDATE access_log_head SET seq = ?, anchor_seq = ?, anchor_hash = hash WHERE id = 1',
        [ANCHOR, ANCHOR],
      );
      if (q.isPostgres) {
        await q.run(
          "SELECT setval(pg_get_serial_sequence('access_log_pending', 'id'), ?::bigint)",
          [ANCHOR],
        );
      }
    });
  });
  afterAll(() => t.close());

  it('writes and reads keep being logged past 2^31 - 1, the chain verifies, and the pages go on', async () => {
    const labels = Array.from({ length: 8 }, (_, i) => `DVD-WIDE-${i}`);
    for (const label of labels) await c.dvd(label);
    // Reads too: their entries are buffered and chained by the flush.
    for (let i = 0; i < 3; i++) {
      expect((await t.get(`${c.base}/media`, c.w.officerA.token)).status).toBe(200);
    }
    await t.app.get(AccessLogWriter).flush();

    const stored = await sql<{ seq: number | string; action: string }>(
      t,
      'SELECT seq, action FROM access_log_entries ORDER BY seq',
    );
    const seqs = stored.map((row) => Number(row.seq));
    expect(seqs[0]).toBe(ANCHOR + 1);
    expect(seqs[seqs.length - 1]).toBeGreaterThan(INT4_MAX + 5);
    expect(seqs).toEqual(seqs.map((_, i) => ANCHOR + 1 + i));
    expect(stored.filter((row) => row.action === 'media.register')).toHaveLength(labels.length);
    if (t.database.kind === 'postgres') {
      // The writes' waiting rows took ids past the old maximum too.
      const [sequence] = await sql<{ last: string }>(
        t,
        "SELECT last_value AS last FROM pg_sequences WHERE sequencename = 'access_log_pending_id_seq'",
      );
      expect(Number(sequence!.last)).toBeGreaterThan(INT4_MAX);
    }

    const verify = await t.get('/api/access-log/verify', c.w.auditor.token);
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ valid: true });

    // Pages are asked for by seq: the first page ends past 2^31, and the next one is asked for from there.
    const first = await t.get('/api/access-log?limit=5', c.w.auditor.token);
    expect(first.status).toBe(200);
    expect(first.body.items.map((e: { seq: unknown }) => e.seq)).toEqual([
      ANCHOR + 1,
      ANCHOR + 2,
      ANCHOR + 3,
      INT4_MAX + 1,
      INT4_MAX + 2,
    ]);
    expect(first.body.nextAfterSeq).toBe(INT4_MAX + 2);
    const next = await t.get(
      `/api/access-log?limit=1000&afterSeq=${first.body.nextAfterSeq}`,
      c.w.auditor.token,
    );
    expect(next.status).toBe(200);
    expect(next.body.items[0].seq).toBe(INT4_MAX + 3);
    expect(typeof next.body.items[0].seq).toBe('number');
  });
});

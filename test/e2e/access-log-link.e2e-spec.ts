import { randomUUID } from 'node:crypto';
import { AccessLogWriter } from '../../src/modules/access-log/access-log.writer.js';
import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { sql } from '../support/ledger-kit.js';
import { type ApiResponse, TestApp } from '../support/test-app.js';

/**
 * A write's access-log entry commits with the write; on PostgreSQL it waits
 * in `access_log_pending` (no lock on the chain's one head row) and is
 * chained right after the commit, before the answer. These tests hold the
 * head, crash between the two steps, break the link and run two instances.
 */

const onPostgres = process.env.DATABASE_URL ? it : it.skip;

interface Entry {
  seq: number | string;
  request_id: string;
  user_agent: string | null;
  action: string;
}

describe('access log: write entries linked after the commit', () => {
  let t: TestApp;
  let c: CustodyWorld;

  const verify = async () => {
    const r = await t.get('/api/access-log/verify', c.w.auditor.token);
    expect(r.status).toBe(200);
    return r.body;
  };
  const waiting = () => t.count('access_log_pending');
  const entriesOf = (requestId: string) =>
    sql<Entry>(t, 'SELECT * FROM access_log_entries WHERE request_id = ?', [requestId]);

  /** Registers a DVD-R with a request id of its own; does not wait for the answer. */
  const register = (app: TestApp, label: string) => {
    const requestId = `req-${randomUUID()}`;
    const answer = app.request('POST', `${c.base}/media`, {
      token: c.w.officerA.token,
      headers: { 'x-request-id': requestId },
      body: { kind: 'dvd_r', label, description: 'x', recordCount: 1, encrypted: true },
    });
    return { requestId, answer };
  };

  beforeAll(async () => {
    t = await TestApp.start();
    c = await aCustodyWorld(t);
  });
  afterAll(() => t.close());

  onPostgres(
    'a write commits while another transaction holds the chain head; its answer waits until its entry is chained',
    async () => {
      const holder = t.dataSource.createQueryRunner();
      await holder.connect();
      let answer: Promise<ApiResponse> | undefined;
      let answered = false;
      try {
        await holder.startTransaction();
        await holder.query('SELECT seq FROM access_log_head WHERE id = 1 FOR UPDATE');
        const write = register(t, 'HELD-HEAD');
        answer = write.answer.then((r) => {
          answered = true;
          return r;
        });
        // The medium and the entry waiting for its place are committed and
        // visible to another connection, with the head still held.
        await t.eventually(
          async () =>
            Number(
              (await sql(t, 'SELECT COUNT(*) AS n FROM media WHERE label = ?', ['HELD-HEAD']))[0].n,
            ) === 1,
          5000,
          'the registration to commit',
        );
        expect(
          await sql(t, 'SELECT request_id FROM access_log_pending WHERE request_id = ?', [
            write.requestId,
          ]),
        ).toHaveLength(1);
        expect(await entriesOf(write.requestId)).toHaveLength(0);
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(answered).toBe(false);
        await holder.commitTransaction();
        const r = await answer;
        expect(r.status).toBe(201);
        // Answered means chained: no waiting here.
        expect(await entriesOf(write.requestId)).toMatchObject([{ action: 'media.register' }]);
        expect(await waiting()).toBe(0);
        expect(await verify()).toMatchObject({ valid: true });
      } finally {
        if (holder.isTransactionActive) await holder.rollbackTransaction();
        await holder.release();
        await answer;
      }
    },
  );

  onPostgres(
    'a link the database refuses leaves the entry waiting, answers the write, and links it on the next try',
    async () => {
      await sql(t, 'ALTER TABLE access_log_entries RENAME TO access_log_entries_away');
      let write: ReturnType<typeof register>;
      try {
        write = register(t, 'LINK-REFUSED');
        const r = await write.answer;
        expect(r.status).toBe(201);
        expect(
          await sql(t, 'SELECT request_id FROM access_log_pending WHERE request_id = ?', [
            write.requestId,
          ]),
        ).toHaveLength(1);
        // The log is written asynchronously. (Nest's loggers write to the
        // app created last: this test runs before any second instance starts.)
        await t.eventually(
          () =>
            Promise.resolve(
              t.logLines.some((line) => line.includes('waiting write entries failed')),
            ),
          10_000,
          'the failed link in the log',
        );
      } finally {
        await sql(t, 'ALTER TABLE access_log_entries_away RENAME TO access_log_entries');
      }
      // Tried again within a second or so, with no request to prompt it.
      const [entry] = await t.eventually(
        async () => {
          const rows = await entriesOf(write.requestId);
          return rows.length === 1 ? rows : undefined;
        },
        15_000,
        'the retried link',
      );
      expect(entry).toMatchObject({ action: 'media.register' });
      expect(await waiting()).toBe(0);
      expect(await verify()).toMatchObject({ valid: true });
    },
  );

  onPostgres(
    'entries a crash left waiting are chained at the next start, in the order they were written',
    async () => {
      const before = await verify();
      // This app links on every flush (and verify's read is flushed): let it
      // flush now and wait past its timer, so that it has nothing more to do
      // and only the next start can link what follows.
      await t.app.get(AccessLogWriter).flush();
      await new Promise((resolve) => setTimeout(resolve, 2 * t.config.ACCESS_LOG_FLUSH_MS));
      const ids = [randomUUID(), randomUUID(), randomUUID()];
      // What a write leaves when the process dies between its commit and the
      // link; one agent needs escaping in the canonical JSON that is hashed.
      const agents = ['plain', 'with "quotes" and \\ and \u0007', '日本語のエージェント'];
      for (let i = 0; i < ids.length; i++) {
        await sql(
          t,
          'INSERT INTO access_log_pending (recorded_at, user_id, organization_id, role, login_id, action, method, route, contract_id, resource_id, status_code, client_address, user_agent, request_id) VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?, NULL, ?, ?, ?, ?)',
          [
            `2026-11-25T01:00:0${i}.000Z`,
            c.w.officerA.user.id,
            c.w.wardA.id,
            'ward_officer',
            'media.register',
            'POST',
            '/api/contracts/:id/media',
            c.contractId,
            201,
            '127.0.0.1',
            agents[i],
            `crash-${ids[i]}`,
          ],
        );
      }
      expect(await waiting()).toBe(3);
      const next = await TestApp.start({ sharing: t });
      try {
        await next.eventually(async () => (await waiting()) === 0, 5000, 'the waiting rows');
        const linked = await sql<Entry>(
          t,
          "SELECT * FROM access_log_entries WHERE request_id LIKE 'crash-%' ORDER BY seq",
        );
        expect(linked.map((e) => e.request_id)).toEqual(ids.map((id) => `crash-${id}`));
        expect(linked.map((e) => e.user_agent)).toEqual(agents);
        const seqs = linked.map((e) => Number(e.seq));
        expect(seqs).toEqual([seqs[0], seqs[0]! + 1, seqs[0]! + 2]);
        const after = await verify();
        expect(after).toMatchObject({ valid: true });
        expect(after.length).toBeGreaterThanOrEqual(before.length + 3);
      } finally {
        await next.close();
      }
    },
  );

  onPostgres(
    'a backlog larger than one link batch is chained whole by one flush, in id order',
    async () => {
      const backlog = 2100; // a link takes at most 2,000 rows a transaction
      await sql(
        t,
        `INSERT INTO access_log_pending (recorded_at, user_id, organization_id, role, login_id, action, method, route, contract_id, resource_id, status_code, client_address, user_agent, request_id)
         SELECT ?, NULL, NULL, NULL, NULL, 'auth.login', 'POST', '/api/auth/login', NULL, NULL, 401, '127.0.0.1', NULL, 'backlog-' || lpad(n::text, 5, '0')
           FROM generate_series(1, ${backlog}) AS n`,
        [t.clock.now().toISOString()],
      );
      await t.app.get(AccessLogWriter).flush();
      expect(await waiting()).toBe(0);
      const linked = await sql<Entry>(
        t,
        "SELECT seq, request_id FROM access_log_entries WHERE request_id LIKE 'backlog-%' ORDER BY seq",
      );
      expect(linked).toHaveLength(backlog);
      expect(linked.map((e) => e.request_id)).toEqual(linked.map((e) => e.request_id).sort());
      const first = Number(linked[0]!.seq);
      expect(linked.map((e) => Number(e.seq))).toEqual(linked.map((_, i) => first + i));
      expect(await verify()).toMatchObject({ valid: true });
    },
  );

  it('two instances writing at once: every answered write has exactly one entry, and one chain that verifies', async () => {
    const other = await TestApp.start({ sharing: t });
    try {
      const writes = Array.from({ length: 40 }, (_, i) =>
        register(i % 2 === 0 ? t : other, `TWO-${i}`),
      );
      const answers = await Promise.all(writes.map((w) => w.answer));
      expect(answers.map((r) => r.status)).toEqual(writes.map(() => 201));
      for (const w of writes) {
        expect({ id: w.requestId, rows: (await entriesOf(w.requestId)).length }).toEqual({
          id: w.requestId,
          rows: 1,
        });
      }
      expect(await waiting()).toBe(0);
      const verdict = await verify();
      expect(verdict).toMatchObject({ valid: true });
      const [last] = await sql<{ seq: number | string }>(
        t,
        'SELECT MAX(seq) AS seq FROM access_log_entries',
      );
      expect(Number(last!.seq)).toBe(verdict.length);
    } finally {
      await other.close();
    }
  });
});

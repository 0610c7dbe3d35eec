import { randomUUID } from 'node:crypto';
import { isUniqueViolation } from '../../src/common/errors/unique-violation.js';
import { Sql } from '../../src/database/sql.js';
import { TransactionRunner } from '../../src/database/transaction-runner.js';
import { WriteBatch } from '../../src/database/write-batch.js';
import { TestApp } from '../support/test-app.js';

/**
 * WriteBatch: writes held back and sent together, as one statement on
 * PostgreSQL (a ledger append's entry, head and projections while the
 * chain's lock is held).
 */
describe('WriteBatch', () => {
  let t: TestApp;
  let tx: TransactionRunner;
  const onPostgres = process.env.DATABASE_URL ? it : it.skip;

  beforeAll(async () => {
    t = await TestApp.start();
    tx = t.app.get(TransactionRunner);
  });
  afterAll(() => t.close());

  const insertOrg = 'INSERT INTO organizations (id, name, kind, created_at) VALUES (?, ?, ?, ?)';
  const rename = 'UPDATE organizations SET name = ? WHERE id = ?';
  const names = async (ids: string[]) => {
    const rows = await new Sql(t.dataSource.manager).all<{ id: string; name: string }>(
      `SELECT id, name FROM organizations WHERE id IN (${Sql.list(ids.length)}) ORDER BY name`,
      ids,
    );
    return rows.map((r) => r.name);
  };

  it('holds writes back until flushed, then makes every one of them', async () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    const now = t.clock.now().toISOString();
    await tx.run((m) => new Sql(m).run(insertOrg, [c, 'C before', 'ward', now]));
    const seenBeforeFlush = await tx.run(async (m) => {
      const writes = new WriteBatch(new Sql(m));
      await writes.run(insertOrg, [a, 'A', 'ward', now]);
      await writes.run(insertOrg, [b, 'B', 'contractor', now]);
      await writes.run(rename, ['C after', c]);
      expect(writes.size).toBe(3);
      const before = await new Sql(m).all(`SELECT id FROM organizations WHERE id IN (?, ?)`, [
        a,
        b,
      ]);
      await writes.flush();
      expect(writes.size).toBe(0);
      await writes.flush(); // nothing left to send
      return before;
    });
    expect(seenBeforeFlush).toEqual([]);
    expect(await names([a, b, c])).toEqual(['A', 'B', 'C after']);
  });

  it('a refused write fails the transaction, and none of the batch stays', async () => {
    const [fresh, taken] = [randomUUID(), randomUUID()];
    const now = t.clock.now().toISOString();
    await tx.run((m) => new Sql(m).run(insertOrg, [taken, 'Taken', 'ward', now]));
    const error = await tx
      .run(async (m) => {
        const writes = new WriteBatch(new Sql(m));
        await writes.run(insertOrg, [fresh, 'Fresh', 'ward', now]);
        await writes.run(insertOrg, [taken, 'Again', 'ward', now]);
        await writes.flush();
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(isUniqueViolation(error)).toBe(true);
    expect(await names([fresh, taken])).toEqual(['Taken']);
  });

  onPostgres('sends the batch as one statement, its writes as WITH parts', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const now = t.clock.now().toISOString();
    const prepared = await tx.run(async (m) => {
      const writes = new WriteBatch(new Sql(m));
      await writes.run(insertOrg, [a, 'One', 'ward', now]);
      await writes.run(insertOrg, [b, 'Two', 'ward', now]);
      await writes.flush();
      return m.query<Array<{ statement: string }>>('SELECT statement FROM pg_prepared_statements');
    });
    expect(prepared.map((p) => p.statement)).toContain(
      'WITH w0 AS (INSERT INTO organizations (id, name, kind, created_at) VALUES ($1, $2, $3, $4)) ' +
        'INSERT INTO organizations (id, name, kind, created_at) VALUES ($5, $6, $7, $8)',
    );
    expect(await names([a, b])).toEqual(['One', 'Two']);
  });
});

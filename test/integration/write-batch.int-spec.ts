import { randomUUID } from 'node:crypto';
import { isUniqueViolation } from '../../src/common/errors/unique-violation.js';
import type { LockHold } from '../../src/database/lock-watch.js';
import { Sql } from '../../src/database/sql.js';
import { TransactionRunner } from '../../src/database/transaction-runner.js';
import { flushHeld, heldWrites, WriteBatch } from '../../src/database/write-batch.js';
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

  describe('held until the unit of work ends', () => {
    it('sends them after the work, with the writes that joined them, and before the commit', async () => {
      const [a, b, c, d] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      const now = t.clock.now().toISOString();
      await tx.run((m) => new Sql(m).run(insertOrg, [d, 'D before', 'ward', now]));
      const during = await tx.run(async (m) => {
        expect(heldWrites(m)).toBeUndefined();
        const first = new WriteBatch(new Sql(m));
        await first.run(insertOrg, [a, 'Held A', 'ward', now]);
        first.holdUntilUnitEnds(m);
        // A second batch held for the same unit joins the first, after it.
        const second = new WriteBatch(new Sql(m));
        await second.run(rename, ['D after', d]);
        second.holdUntilUnitEnds(m);
        expect(second.size).toBe(0);
        // What a commit hook writes joins them through heldWrites.
        await heldWrites(m)!.run(insertOrg, [b, 'Joined B', 'contractor', now]);
        await new Sql(m).run(insertOrg, [c, 'Sent C', 'ward', now]);
        return new Sql(m).all<{ id: string; name: string }>(
          'SELECT id, name FROM organizations WHERE id IN (?, ?, ?, ?)',
          [a, b, c, d],
        );
      });
      // While the work ran, only the write sent right away had been made.
      expect(during.map((r) => r.name).sort()).toEqual(['D before', 'Sent C']);
      expect(await names([a, b, c, d])).toEqual(['D after', 'Held A', 'Joined B', 'Sent C']);
    });

    it('holds nothing outside a unit of work, where nothing would send it', () => {
      const writes = new WriteBatch(new Sql(t.dataSource.manager));
      expect(() => writes.holdUntilUnitEnds(t.dataSource.manager)).toThrow(
        'writes can be held only in a unit of work',
      );
      expect(heldWrites(t.dataSource.manager)).toBeUndefined();
    });

    it('a second flush, or a flush with nothing held, sends nothing', async () => {
      const a = randomUUID();
      const now = t.clock.now().toISOString();
      await tx.run(async (m) => {
        await flushHeld(m);
        const writes = new WriteBatch(new Sql(m));
        await writes.run(insertOrg, [a, 'Flushed early', 'ward', now]);
        writes.holdUntilUnitEnds(m);
        await flushHeld(m);
        expect(heldWrites(m)).toBeUndefined();
        const seen = await new Sql(m).all('SELECT id FROM organizations WHERE id = ?', [a]);
        expect(seen).toHaveLength(1);
      });
      expect(await names([a])).toEqual(['Flushed early']);
    });

    it('a unit that fails keeps none of what it held, and the next unit holds afresh', async () => {
      const [lost, kept] = [randomUUID(), randomUUID()];
      const now = t.clock.now().toISOString();
      // Side by side: on SQLite both units run in one group, on one manager.
      const [failed, committed] = await Promise.allSettled([
        tx.run(async (m) => {
          const writes = new WriteBatch(new Sql(m));
          await writes.run(insertOrg, [lost, 'Lost', 'ward', now]);
          writes.holdUntilUnitEnds(m);
          throw new Error('refused after holding');
        }),
        tx.run(async (m) => {
          expect(heldWrites(m)).toBeUndefined();
          const writes = new WriteBatch(new Sql(m));
          await writes.run(insertOrg, [kept, 'Kept', 'ward', now]);
          writes.holdUntilUnitEnds(m);
        }),
      ]);
      expect(failed.status).toBe('rejected');
      expect(committed.status).toBe('fulfilled');
      expect(await names([lost, kept])).toEqual(['Kept']);
    });

    it('a held write the database refuses fails its unit, and nothing of the unit stays', async () => {
      const [fresh, taken, direct] = [randomUUID(), randomUUID(), randomUUID()];
      const now = t.clock.now().toISOString();
      await tx.run((m) => new Sql(m).run(insertOrg, [taken, 'Taken held', 'ward', now]));
      const error = await tx
        .run(async (m) => {
          await new Sql(m).run(insertOrg, [direct, 'Direct', 'ward', now]);
          const writes = new WriteBatch(new Sql(m));
          await writes.run(insertOrg, [fresh, 'Fresh held', 'ward', now]);
          await writes.run(insertOrg, [taken, 'Again held', 'ward', now]);
          writes.holdUntilUnitEnds(m);
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(isUniqueViolation(error)).toBe(true);
      expect(await names([fresh, taken, direct])).toEqual(['Taken held']);
    });

    onPostgres(
      'go to PostgreSQL as one statement with what joined them, then the COMMIT',
      async () => {
        const [a, b] = [randomUUID(), randomUUID()];
        const now = t.clock.now().toISOString();
        const holds: LockHold[] = [];
        tx.onLockHold((hold) => holds.push(hold));
        await tx.run(async (m) => {
          // Counted from here, as a ledger append counts from its head lock.
          tx.lockGranted();
          const writes = new WriteBatch(new Sql(m));
          await writes.run(insertOrg, [a, 'Entry', 'ward', now]);
          await writes.run(insertOrg, [b, 'Projection', 'ward', now]);
          writes.holdUntilUnitEnds(m);
          await heldWrites(m)!.run(rename, ['Hook', randomUUID()]);
        });
        expect(holds).toEqual([expect.objectContaining({ statements: 2, committed: true })]);
        expect(await names([a, b])).toEqual(['Entry', 'Projection']);
      },
    );
  });
});

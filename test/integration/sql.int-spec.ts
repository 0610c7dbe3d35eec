import { randomUUID } from 'node:crypto';
import { isUniqueViolation } from '../../src/common/errors/unique-violation.js';
import { Sql } from '../../src/database/sql.js';
import { TransactionRunner } from '../../src/database/transaction-runner.js';
import { TestApp } from '../support/test-app.js';

/**
 * Sql, the plain-SQL path of the hot writes: on PostgreSQL, inside a
 * transaction, each text is prepared once per connection under a name and
 * then only bound and executed.
 */
describe('Sql', () => {
  let t: TestApp;
  let tx: TransactionRunner;
  const onPostgres = process.env.DATABASE_URL ? it : it.skip;

  beforeAll(async () => {
    t = await TestApp.start();
    tx = t.app.get(TransactionRunner);
  });
  afterAll(() => t.close());

  const insertOrg = 'INSERT INTO organizations (id, name, kind, created_at) VALUES (?, ?, ?, ?)';
  const readOrg = 'SELECT id, name FROM organizations WHERE id = ?';

  it('reads and writes the same on both databases, in and outside a transaction', async () => {
    const id = randomUUID();
    await tx.run((m) =>
      new Sql(m).run(insertOrg, [id, 'Sql ward', 'ward', t.clock.now().toISOString()]),
    );
    expect(await tx.run((m) => new Sql(m).all(readOrg, [id]))).toEqual([{ id, name: 'Sql ward' }]);
    expect(await new Sql(t.dataSource.manager).one(readOrg, [id])).toEqual({
      id,
      name: 'Sql ward',
    });
    expect(await tx.run((m) => new Sql(m).one(readOrg, [randomUUID()]))).toBeUndefined();
  });

  it('a refused statement fails its transaction alone; the same text then works again', async () => {
    const id = randomUUID();
    const now = t.clock.now().toISOString();
    await tx.run((m) => new Sql(m).run(insertOrg, [id, 'First', 'ward', now]));
    const error = await tx
      .run((m) => new Sql(m).run(insertOrg, [id, 'Again', 'ward', now]))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(isUniqueViolation(error)).toBe(true);
    const other = randomUUID();
    await tx.run((m) => new Sql(m).run(insertOrg, [other, 'Second', 'ward', now]));
    expect(await new Sql(t.dataSource.manager).all(readOrg, [other])).toEqual([
      { id: other, name: 'Second' },
    ]);
  });

  onPostgres(
    'prepares a text once per connection, under one name, inside transactions',
    async () => {
      const id = randomUUID();
      await tx.run((m) =>
        new Sql(m).run(insertOrg, [id, 'Prepared', 'ward', t.clock.now().toISOString()]),
      );
      const seen = await tx.run(async (m) => {
        const sql = new Sql(m);
        for (let i = 0; i < 5; i++) expect(await sql.one(readOrg, [id])).toMatchObject({ id });
        // Same connection as the statements above: its own prepared statements.
        return m.query<Array<{ name: string; statement: string }>>(
          'SELECT name, statement FROM pg_prepared_statements',
        );
      });
      const reads = seen.filter(
        (s) => s.statement === 'SELECT id, name FROM organizations WHERE id = $1',
      );
      expect(reads).toHaveLength(1);
      expect(reads[0]!.name).toMatch(/^kanribo_\d+$/);
    },
  );
});

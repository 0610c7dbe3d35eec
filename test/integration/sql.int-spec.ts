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

  it('reads rows as arrays in the order selected, whether the text was read as objects before or not', async () => {
    const id = randomUUID();
    await tx.run((m) =>
      new Sql(m).run(insertOrg, [id, 'Rows ward', 'ward', t.clock.now().toISOString()]),
    );
    const readBack = 'SELECT name, kind, id FROM organizations WHERE id = ?';
    // The same text as objects, then as arrays (on PostgreSQL one prepared statement for both).
    expect(await tx.run((m) => new Sql(m).all(readBack, [id]))).toEqual([
      { name: 'Rows ward', kind: 'ward', id },
    ]);
    expect(await tx.run((m) => new Sql(m).rows(readBack, [id]))).toEqual([
      ['Rows ward', 'ward', id],
    ]);
    expect(await new Sql(t.dataSource.manager).rows(readBack, [id])).toEqual([
      ['Rows ward', 'ward', id],
    ]);
    // A text never prepared (SELECT *) comes through TypeORM, as arrays too.
    const all = await new Sql(t.dataSource.manager).rows(
      'SELECT * FROM organizations WHERE id = ?',
      [id],
    );
    expect(all).toHaveLength(1);
    expect(all[0]).toEqual(expect.arrayContaining([id, 'Rows ward', 'ward']));
    expect(await new Sql(t.dataSource.manager).rows(readBack, [randomUUID()])).toEqual([]);
    // A column selected twice is there twice, as on SQLite (an object per row kept one).
    expect(
      await tx.run((m) =>
        new Sql(m).rows('SELECT name, kind, name FROM organizations WHERE id = ?', [id]),
      ),
    ).toEqual([['Rows ward', 'ward', 'Rows ward']]);
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
      expect(reads[0]!.name).toMatch(/^kanribo_[0-9a-f]{24}_0$/);
    },
  );

  onPostgres('does not prepare SELECT *, whose result a migration may change', async () => {
    const prepared = await tx.run(async (m) => {
      await new Sql(m).all('SELECT * FROM organizations WHERE id = ?', [randomUUID()]);
      await new Sql(m).all('SELECT o.* FROM organizations o WHERE o.id = ?', [randomUUID()]);
      return m.query<Array<{ statement: string }>>('SELECT statement FROM pg_prepared_statements');
    });
    expect(prepared.filter((s) => s.statement.includes('*'))).toEqual([]);
  });

  onPostgres(
    'a statement whose result type a migration changed fails once, then is prepared afresh',
    async () => {
      await t.dataSource.query(
        'CREATE TABLE sql_probe (id integer PRIMARY KEY, label varchar(20))',
      );
      await t.dataSource.query(`INSERT INTO sql_probe VALUES (1, 'one')`);
      const read = () =>
        tx.run((m) =>
          new Sql(m).one<{ label: string }>('SELECT label FROM sql_probe WHERE id = ?', [1]),
        );
      // Prepared on every pooled connection a unit may take.
      for (let i = 0; i < 20; i++) expect(await read()).toEqual({ label: 'one' });
      await t.dataSource.query('ALTER TABLE sql_probe ALTER COLUMN label TYPE text');
      const outcomes: string[] = [];
      for (let i = 0; i < 20; i++) {
        outcomes.push(
          await read().then(
            (row) => `ok ${row?.label}`,
            (error: { code?: string }) => `failed ${error.code}`,
          ),
        );
      }
      // The first use fails (the connection's plan returned varchar); every
      // later one, on whichever connection, runs under the new name.
      expect(outcomes[0]).toBe('failed 0A000');
      expect(outcomes.slice(1)).toEqual(Array<string>(19).fill('ok one'));
    },
  );
});

import { bool } from '../../src/database/sql.js';
import { aCustodyWorld } from '../factories/custody.factory.js';
import { sql } from '../support/ledger-kit.js';
import { TestApp } from '../support/test-app.js';

/**
 * A contract's closed flag moved into its ledger head (read with the row an
 * append locks): the migration marks the contracts closed before it, and a
 * closed ledger refuses custody events after the upgrade as before.
 */
describe('the HeadClosed migration on a database with a closed contract', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(async () => {
    await t?.close();
  });

  const dvd = { kind: 'dvd_r', label: 'DVD', description: 'x', recordCount: 1, encrypted: true };

  it('marks the heads of closed contracts, and those ledgers stay closed', async () => {
    const [open, closed] = [await aCustodyWorld(t), await aCustodyWorld(t)];
    await open.dvd('DVD-OPEN');
    const close = await t.post(`${closed.base}/close`, {}, closed.w.officerA.token);
    expect(close.status).toBe(201);
    const flags = async () =>
      Object.fromEntries(
        (
          await sql<{ contract_id: string; closed: unknown }>(
            t,
            'SELECT contract_id, closed FROM ledger_heads WHERE contract_id IN (?, ?)',
            [open.contractId, closed.contractId],
          )
        ).map((r) => [r.contract_id, bool(r.closed)]),
      );
    expect(await flags()).toEqual({ [open.contractId]: false, [closed.contractId]: true });

    const applied = async () =>
      (await sql<{ name: string }>(t, 'SELECT name FROM migrations ORDER BY id')).map(
        (r) => r.name,
      );
    while ((await applied()).includes('HeadClosed1764810000000')) {
      await t.dataSource.undoLastMigration({ transaction: 'each' });
    }
    const columns = (await t.dataSource.createQueryRunner().getTable('ledger_heads'))!.columns;
    expect(columns.map((c) => c.name)).not.toContain('closed');
    await t.dataSource.runMigrations({ transaction: 'each' });

    expect(await flags()).toEqual({ [open.contractId]: false, [closed.contractId]: true });
    const refused = await closed.register(closed.w.officerA.token, dvd);
    expect([refused.status, refused.body.code]).toEqual([409, 'CONTRACT_CLOSED']);
    expect((await open.register(open.w.officerA.token, dvd)).status).toBe(201);
  });
});

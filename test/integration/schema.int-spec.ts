import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/app-config.js';
import { buildDataSourceOptions } from '../../src/database/data-source-options.js';
import { MIGRATIONS } from '../../migrations/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

describe('migrations', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = new DataSource(buildDataSourceOptions(loadConfig(db.env)));
    await dataSource.initialize();
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  it('bring an empty database exactly to the entities', async () => {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    expect(applied.map((m) => m.name)).toEqual(MIGRATIONS.map((M) => new M().name));
    const diff = await dataSource.driver.createSchemaBuilder().log();
    expect(diff.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('can be undone and applied again', async () => {
    for (let i = 0; i < MIGRATIONS.length; i++)
      await dataSource.undoLastMigration({ transaction: 'each' });
    const tables = await dataSource.createQueryRunner().getTables(['users', 'contracts']);
    expect(tables).toHaveLength(0);
    await dataSource.runMigrations({ transaction: 'each' });
    const diff = await dataSource.driver.createSchemaBuilder().log();
    expect(diff.upQueries).toEqual([]);
  });

  it('run SQLite with WAL, synchronous=FULL, foreign keys and a busy timeout', async () => {
    if (db.kind !== 'sqlite') return;
    const [journal] = await dataSource.query('PRAGMA journal_mode');
    const [sync] = await dataSource.query('PRAGMA synchronous');
    const [fk] = await dataSource.query('PRAGMA foreign_keys');
    const [busy] = await dataSource.query('PRAGMA busy_timeout');
    expect(journal.journal_mode).toBe('wal');
    expect(sync.synchronous).toBe(2); // FULL
    expect(fk.foreign_keys).toBe(1);
    expect(Object.values(busy)[0]).toBeGreaterThanOrEqual(5000);
  });
});

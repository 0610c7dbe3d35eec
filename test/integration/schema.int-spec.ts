import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/app-config.js';
import { buildDataSourceOptions } from '../../src/database/data-source-options.js';
import { AccessLogPending1764800000000 } from '../../migrations/1764800000000-AccessLogPending.js';
import { WideAccessLogCounters1764820000000 } from '../../migrations/1764820000000-WideAccessLogCounters.js';
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

  it('keep access-log entries still waiting to be chained: that table is not dropped while it holds any', async () => {
    const runner = dataSource.createQueryRunner();
    try {
      await runner.query(
        `INSERT INTO access_log_pending (recorded_at, action, method, route, status_code, client_address, request_id)
         VALUES ('2026-11-25T01:00:00.000Z', 'media.register', 'POST', '/api/contracts/:id/media', 201, '127.0.0.1', 'waiting')`,
      );
      await expect(new AccessLogPending1764800000000().down(runner)).rejects.toThrow(
        /access_log_pending holds 1 access-log entries not yet chained/,
      );
      expect(await runner.hasTable('access_log_pending')).toBe(true);
      await runner.query('DELETE FROM access_log_pending');
    } finally {
      await runner.release();
    }
  });

  it('keep the access log’s 64-bit counters once a counter is past 2^31: that migration cannot be undone then', async () => {
    if (db.kind !== 'postgres') return;
    const runner = dataSource.createQueryRunner();
    const typeOf = async () =>
      (
        (await runner.query(
          `SELECT data_type FROM information_schema.columns WHERE table_name = 'access_log_entries' AND column_name = 'seq'`,
        )) as Array<{ data_type: string }>
      )[0]!.data_type;
    try {
      expect(await typeOf()).toBe('bigint');
      await runner.query(
        `SELECT setval(pg_get_serial_sequence('access_log_pending', 'id'), 2147483648)`,
      );
      await expect(new WideAccessLogCounters1764820000000().down(runner)).rejects.toThrow(
        /the access log has reached seq 2147483648, past what an integer holds/,
      );
      expect(await typeOf()).toBe('bigint');
    } finally {
      await runner.query(
        `SELECT setval(pg_get_serial_sequence('access_log_pending', 'id'), 1, false)`,
      );
      await runner.release();
    }
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

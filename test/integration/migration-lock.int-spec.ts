import 'reflect-metadata';
import Database from 'better-sqlite3';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { loadConfig } from '../../src/config/app-config.js';
import { buildDataSourceOptions, sqliteFilePath } from '../../src/database/data-source-options.js';
import {
  MIGRATION_LOCK_KEY,
  runMigrationsLocked,
  SQLITE_MIGRATION_LOCK_SUFFIX,
} from '../../src/database/migration-lock.js';
import { built, childEnv, type Finished, runNode, startNode } from '../support/run-node.js';
import { ServerProcess } from '../support/server-process.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const NAMES = MIGRATIONS.map((M) => new M().name);
const ROUNDS = 10;
const PROCESSES = 3;

/** The migrations table of `db`, read by a data source that migrates nothing. */
async function recordedMigrations(db: TestDatabase): Promise<{ names: string[]; diff: string[] }> {
  const dataSource = new DataSource(buildDataSourceOptions(loadConfig(db.env)));
  await dataSource.initialize();
  try {
    const rows = await dataSource.query<{ name: string }[]>(
      'SELECT name FROM migrations ORDER BY id',
    );
    const diff = await dataSource.driver.createSchemaBuilder().log();
    return { names: rows.map((r) => r.name), diff: diff.upQueries.map((q) => q.query) };
  } finally {
    await dataSource.destroy();
  }
}

const appliedBy = (run: Finished): string[] =>
  [...run.stdout.matchAll(/^kanribo: applied (\S+)$/gm)].map((m) => m[1]!);

describe('migrations under a lock', () => {
  const migrate = built('src/database/migrate.js');

  it(`let ${PROCESSES} processes started together on a fresh database all succeed, ${ROUNDS} times`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const db = await createTestDatabase();
      try {
        const runs = await Promise.all(
          Array.from({ length: PROCESSES }, () => runNode(migrate, childEnv(db.env), 120_000)),
        );
        for (const run of runs) {
          expect({ round, code: run.code, stderr: run.stderr }).toEqual({
            round,
            code: 0,
            stderr: '',
          });
        }
        // One process applied every migration; the others found nothing to do.
        const applied = runs.map(appliedBy).filter((names) => names.length > 0);
        expect(applied).toEqual([NAMES]);
        const upToDate = runs.filter((r) => /schema is up to date$/m.test(r.stdout));
        expect(upToDate).toHaveLength(PROCESSES - 1);
        // Every migration recorded exactly once, and the schema is the entities'.
        const recorded = await recordedMigrations(db);
        expect(recorded.names).toEqual(NAMES);
        expect(recorded.diff).toEqual([]);
      } finally {
        await db.drop();
      }
    }
  }, 600_000);

  it('let servers started together on a fresh database both come up', async () => {
    const db = await createTestDatabase();
    const servers: ServerProcess[] = [];
    try {
      const started = await Promise.allSettled([
        ServerProcess.start(db.env),
        ServerProcess.start(db.env),
      ]);
      for (const s of started) if (s.status === 'fulfilled') servers.push(s.value);
      expect(started.map((s) => (s.status === 'rejected' ? String(s.reason) : 'up'))).toEqual([
        'up',
        'up',
      ]);
      for (const server of servers) {
        expect((await server.get('/api/health')).status).toBe(200);
        // Up at the first attempt, not through TypeORM's connection retry.
        expect(server.child.output()).not.toMatch(/Unable to connect to the database/);
      }
      expect((await recordedMigrations(db)).names).toEqual(NAMES);
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
      await db.drop();
    }
  }, 120_000);

  it('make a process wait, saying so, while another holds the lock', async () => {
    const db = await createTestDatabase();
    const release = await holdMigrationLock(db);
    let child: ReturnType<typeof startNode> | undefined;
    try {
      child = startNode(migrate, childEnv(db.env));
      const waiting = child;
      await until(() => /waiting for another process's migrations/.test(waiting.output()));
      // Still waiting, and nothing migrated meanwhile.
      await new Promise((r) => setTimeout(r, 1_000));
      expect(waiting.exitCode).toBeNull();
      expect(waiting.output()).not.toMatch(/applied/);
      const closed = new Promise<number | null>((r) => waiting.once('close', r));
      await release();
      expect(await closed).toBe(0);
      expect(waiting.output()).toMatch(
        /^kanribo: waited \d+\.\d s for another process's migrations$/m,
      );
      expect(waiting.output().match(/^kanribo: applied /gm)).toHaveLength(NAMES.length);
    } finally {
      if (child && child.exitCode === null) child.kill('SIGKILL');
      await release();
      await db.drop();
    }
  }, 60_000);

  it('release the lock when a migration fails', async () => {
    const db = await createTestDatabase();
    const first = new DataSource(buildDataSourceOptions(loadConfig(db.env)));
    const second = new DataSource(buildDataSourceOptions(loadConfig(db.env)));
    await first.initialize();
    await second.initialize();
    const quiet = { log: () => undefined };
    try {
      // The first migration creates "organizations": make it fail.
      await first.query('CREATE TABLE organizations (id integer)');
      await expect(runMigrationsLocked(first, quiet)).rejects.toThrow(/organizations/);
      expect(await first.query<unknown[]>('SELECT name FROM migrations')).toEqual([]);
      if (db.kind === 'postgres') {
        const held = await first.query<{ n: number }[]>(
          "SELECT count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND d.datname = current_database()",
        );
        expect(held[0]!.n).toBe(0);
      }
      await first.query('DROP TABLE organizations');
      // The first data source is still open: had it kept the lock, this would wait for ever.
      const run = await runMigrationsLocked(second, quiet);
      expect(run).toEqual({ applied: NAMES, waitedMs: 0 });
    } finally {
      await first.destroy();
      await second.destroy();
      await db.drop();
    }
  }, 60_000);
});

/** Takes the migration lock of `db` as another process would; returns its release. */
async function holdMigrationLock(db: TestDatabase): Promise<() => Promise<void>> {
  if (db.kind === 'postgres') {
    const client = new pg.Client({ connectionString: db.env.DATABASE_URL });
    await client.connect();
    await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY.toString()]);
    let open = true;
    return async () => {
      if (open) await client.end();
      open = false;
    };
  }
  const lock = new Database(`${sqliteFilePath(db.env)}${SQLITE_MIGRATION_LOCK_SUFFIX}`);
  lock.exec('BEGIN EXCLUSIVE');
  return () => {
    if (lock.open) lock.close();
    return Promise.resolve();
  };
}

async function until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

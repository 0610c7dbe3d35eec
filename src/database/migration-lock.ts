import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { DataSource, type DataSourceOptions, MigrationExecutor, type QueryRunner } from 'typeorm';

/**
 * The PostgreSQL advisory lock every migration run holds: the first 8 bytes of
 * SHA-256("kanribo:migrations") as a signed 64-bit key (advisory locks are
 * scoped to the database, so instances of other databases do not contend).
 */
export const MIGRATION_LOCK_KEY = createHash('sha256')
  .update('kanribo:migrations')
  .digest()
  .readBigInt64BE(0);

/**
 * Beside the SQLite database, the file whose lock every migration run holds.
 * It is an empty SQLite database of its own: its exclusive transaction is held
 * through an OS file lock, which the kernel drops when the process dies.
 */
export const SQLITE_MIGRATION_LOCK_SUFFIX = '.migration-lock';

/** How often a waiting process says it is still waiting. */
const STILL_WAITING_EVERY_MS = 30_000;
/** How often a waiting SQLite process tries the lock again. */
const SQLITE_RETRY_MS = 100;

/** Where the migration run says what it does (Nest's Logger, or the CLI's stdout). */
export interface MigrationLog {
  log(message: string): void;
}

export interface MigrationRun {
  /** Names of the migrations this process applied, in order. */
  applied: string[];
  /** Milliseconds spent waiting for another process's migrations (0: none). */
  waitedMs: number;
}

/**
 * Applies every pending migration while holding the migration lock, so that
 * any number of processes may start together on one database: the first
 * migrates, the others wait (without limit, saying so) and then find nothing
 * to do. The lock covers everything TypeORM does, including creating its
 * `migrations` table on a fresh database.
 *
 * PostgreSQL: a session advisory lock (`pg_advisory_lock`) on one connection,
 * on which the migrations then run too; a process that dies ends its session
 * and so releases the lock.
 *
 * SQLite: an exclusive transaction on a separate lock file beside the
 * database. Not the database file itself: TypeORM's one connection does the
 * migrations' writes, and a second connection holding the database's write
 * lock would make it wait for itself. Nor one `BEGIN IMMEDIATE` around all
 * the migrations on TypeORM's connection: TypeORM's SQLite transactions are
 * always deferred, it looks for its `migrations` table before any transaction,
 * and a migration must run with foreign keys off, which SQLite ignores inside
 * a transaction.
 */
export async function runMigrationsLocked(
  dataSource: DataSource,
  log: MigrationLog,
): Promise<MigrationRun> {
  const run = await withMigrationLock(dataSource, log, (runner) =>
    applyPending(dataSource, runner),
  );
  if (run.waitedMs > 0) {
    log.log(`waited ${(run.waitedMs / 1000).toFixed(1)} s for another process's migrations`);
  }
  if (run.applied.length === 0) {
    log.log(`the ${databaseKind(dataSource)} schema is up to date`);
  }
  for (const name of run.applied) log.log(`applied ${name}`);
  return run;
}

/**
 * A data source ready for use: connected, then migrated under the lock (the
 * server, the worker, the CLIs and `npm run migration:run` all start this way).
 * The options must not ask TypeORM to run migrations itself (`migrationsRun`).
 */
export async function initializeMigratedDataSource(
  options: DataSourceOptions,
  log: MigrationLog,
): Promise<DataSource> {
  if (options.migrationsRun) {
    throw new Error('migrationsRun would migrate outside the migration lock');
  }
  const dataSource = new DataSource(options);
  await dataSource.initialize();
  try {
    await runMigrationsLocked(dataSource, log);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

function databaseKind(dataSource: DataSource): string {
  return dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
}

async function applyPending(dataSource: DataSource, runner?: QueryRunner): Promise<string[]> {
  const executor = new MigrationExecutor(dataSource, runner);
  executor.transaction = dataSource.options.migrationsTransactionMode ?? 'each';
  const applied = await executor.executePendingMigrations();
  return applied.map((migration) => migration.name);
}

async function withMigrationLock(
  dataSource: DataSource,
  log: MigrationLog,
  work: (runner?: QueryRunner) => Promise<string[]>,
): Promise<MigrationRun> {
  const { type } = dataSource.options;
  if (type === 'postgres') return withPostgresLock(dataSource, log, work);
  if (type === 'better-sqlite3') {
    const file = String(dataSource.options.database);
    // An in-memory database belongs to this connection alone.
    if (file === ':memory:') return { applied: await work(), waitedMs: 0 };
    return withSqliteLock(`${file}${SQLITE_MIGRATION_LOCK_SUFFIX}`, log, () => work());
  }
  throw new Error(`no migration lock for ${type}`);
}

/** Says once that the process waits, then every half minute while it still does. */
function waitingNotice(log: MigrationLog, what: string): { stop(): number } {
  const started = performance.now();
  log.log(`waiting for another process's migrations (${what})`);
  const timer = setInterval(() => {
    const seconds = Math.round((performance.now() - started) / 1000);
    log.log(`still waiting for another process's migrations after ${seconds} s`);
  }, STILL_WAITING_EVERY_MS);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(1, Math.round(performance.now() - started));
    },
  };
}

type PostgresRunner = QueryRunner & { releasePostgresConnection(error?: unknown): Promise<void> };

async function withPostgresLock(
  dataSource: DataSource,
  log: MigrationLog,
  work: (runner: QueryRunner) => Promise<string[]>,
): Promise<MigrationRun> {
  const runner = dataSource.createQueryRunner('master') as PostgresRunner;
  const key = MIGRATION_LOCK_KEY.toString();
  // Any failure hands the connection back as broken, so that the pool closes
  // it: its session ends and the lock with it, whatever state it was left in.
  let released = false;
  try {
    let waitedMs = 0;
    const tried = (await runner.query('SELECT pg_try_advisory_lock($1::bigint) AS locked', [
      key,
    ])) as { locked: boolean }[];
    if (tried[0]?.locked !== true) {
      const notice = waitingNotice(log, `PostgreSQL advisory lock ${key}`);
      try {
        // Waits without limit: the holder is migrating, or dies and so unlocks.
        await runner.query('SELECT pg_advisory_lock($1::bigint)', [key]);
      } finally {
        waitedMs = notice.stop();
      }
    }
    const applied = await work(runner);
    const unlocked = (await runner.query('SELECT pg_advisory_unlock($1::bigint) AS unlocked', [
      key,
    ])) as { unlocked: boolean }[];
    if (unlocked[0]?.unlocked !== true)
      throw new Error(`the migration lock ${key} was not held at the end`);
    released = true;
    return { applied, waitedMs };
  } finally {
    await runner.releasePostgresConnection(
      released ? undefined : new Error('discarding the migration lock connection'),
    );
  }
}

async function withSqliteLock(
  lockFile: string,
  log: MigrationLog,
  work: () => Promise<string[]>,
): Promise<MigrationRun> {
  // No busy timeout: better-sqlite3 would block the event loop while it
  // waits; the lock is tried again here instead, without limit.
  const lock = new Database(lockFile, { timeout: 0 });
  try {
    let waitedMs = 0;
    let notice: { stop(): number } | undefined;
    try {
      for (;;) {
        try {
          lock.exec('BEGIN EXCLUSIVE');
          break;
        } catch (error) {
          if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
          notice ??= waitingNotice(log, `lock file ${lockFile}`);
          await new Promise((resolve) => setTimeout(resolve, SQLITE_RETRY_MS));
        }
      }
    } finally {
      if (notice) waitedMs = notice.stop();
    }
    try {
      return { applied: await work(), waitedMs };
    } finally {
      lock.exec('ROLLBACK');
    }
  } finally {
    lock.close();
  }
}

import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import type { AppConfig } from '../config/app-config.js';
import { entitiesFor } from './entities.js';

export const SQLITE_FILE_NAME = 'kanribo.sqlite';

/** Milliseconds a SQLite writer waits for the lock before giving up. */
export const SQLITE_BUSY_TIMEOUT_MS = 10_000;

/** The settings every PostgreSQL connection starts with (libpq's `options`). */
export const PG_SESSION_OPTIONS =
  '-c default_transaction_isolation=read\\ committed -c synchronous_commit=on';

/** Where the embedded database lives for this configuration. */
export function sqliteFilePath(config: Pick<AppConfig, 'DATA_DIR'>): string {
  return resolve(join(config.DATA_DIR, SQLITE_FILE_NAME));
}

/**
 * The TypeORM options for the configured database. The schema comes only from
 * the migrations, which TypeORM does not run by itself (`migrationsRun` would
 * run them unlocked): initializeMigratedDataSource applies any pending one
 * under the migration lock when the data source starts.
 */
export function buildDataSourceOptions(
  config: Pick<AppConfig, 'DATABASE_URL' | 'DATA_DIR'>,
): DataSourceOptions {
  const common = {
    entities: entitiesFor(config.DATABASE_URL ? 'postgres' : 'sqlite'),
    migrations: MIGRATIONS,
    migrationsRun: false,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    logging: false,
  };
  if (config.DATABASE_URL) {
    return {
      ...common,
      type: 'postgres',
      url: config.DATABASE_URL,
      extra: {
        max: 10,
        application_name: 'kanribo',
        // Pinned per connection at its start, where a client's settings win over
        // the database's and the role's: every transaction reads committed data
        // (a head's FOR UPDATE then sees the row its holder committed) without a
        // SET TRANSACTION round trip per write, and a COMMIT is acknowledged only
        // once durable, whatever the server's defaults say.
        options: PG_SESSION_OPTIONS,
      },
    };
  }
  mkdirSync(resolve(config.DATA_DIR), { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: sqliteFilePath(config),
    timeout: SQLITE_BUSY_TIMEOUT_MS,
    prepareDatabase: (db: Database.Database) => {
      // WAL lets readers run beside the one writer; FULL makes every commit
      // durable before it is acknowledged (an entry survives power loss).
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      db.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
      // 64 MiB of page cache instead of 2: index inserts keyed by random
      // UUIDs (a daily scan storing tens of thousands of reminders) touch
      // pages all over each index.
      db.pragma('cache_size = -65536');
    },
  };
}

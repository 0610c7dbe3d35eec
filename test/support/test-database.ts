import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** Where one test file's application keeps its data; dropped afterwards. */
export interface TestDatabase {
  kind: 'sqlite' | 'postgres';
  env: { DATABASE_URL?: string; DATA_DIR: string };
  drop(): Promise<void>;
}

/**
 * A fresh, empty database for one test file: a temporary SQLite folder, or,
 * when DATABASE_URL is set, a new PostgreSQL database named after it (so that
 * test files can run in parallel without seeing each other's rows).
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kanribo-test-'));
  const base = process.env.DATABASE_URL;
  if (!base) {
    return {
      kind: 'sqlite',
      env: { DATA_DIR: dataDir },
      drop: () => Promise.resolve(rmSync(dataDir, { recursive: true, force: true })),
    };
  }
  const baseUrl = new URL(base);
  const name = `${baseUrl.pathname.replace(/^\//, '')}_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    kind: 'postgres',
    env: { DATABASE_URL: url.toString(), DATA_DIR: dataDir },
    drop: async () => {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

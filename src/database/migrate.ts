import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfigOrExit } from '../config/load-config-or-exit.js';
import { buildDataSourceOptions } from './data-source-options.js';

/**
 * `npm run migration:run`: applies every pending migration to the configured
 * database and says which. The server does the same at start-up; this is for
 * deployments that migrate as a separate step.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const dataSource = new DataSource(buildDataSourceOptions(config, { migrationsRun: false }));
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    if (applied.length === 0) {
      process.stdout.write(`kanribo: the ${config.databaseKind} schema is up to date\n`);
    }
    for (const migration of applied) {
      process.stdout.write(`kanribo: applied ${migration.name}\n`);
    }
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `kanribo: migration failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});

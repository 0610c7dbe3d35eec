import 'reflect-metadata';
import { loadConfigOrExit } from '../config/load-config-or-exit.js';
import { buildDataSourceOptions } from './data-source-options.js';
import { initializeMigratedDataSource } from './migration-lock.js';

/**
 * `npm run migration:run`: applies every pending migration to the configured
 * database and says which. The server does the same at start-up (the same
 * function, under the same lock); this is for deployments that migrate as a
 * separate step.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const dataSource = await initializeMigratedDataSource(buildDataSourceOptions(config), {
    log: (message) => process.stdout.write(`kanribo: ${message}\n`),
  });
  await dataSource.destroy();
}

main().catch((error: unknown) => {
  process.stderr.write(
    `kanribo: migration failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});

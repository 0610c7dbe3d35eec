import 'reflect-metadata';
import { ConfigError, loadConfig } from './config/app-config.js';
import { createApp } from './app.factory.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`kanribo: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const app = await createApp({ config });
  await app.listen({ port: config.PORT, host: config.HOST });
  app
    .getHttpAdapter()
    .getInstance()
    .log.info(
      { port: config.PORT, database: config.databaseKind },
      `kanribo listening on http://${config.HOST}:${config.PORT}/api (docs at /api/docs)`,
    );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `kanribo: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});

import 'reflect-metadata';
import { createApp } from './app.factory.js';
import { loadConfigOrExit } from './config/load-config-or-exit.js';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
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

import 'reflect-metadata';
import { createApp } from './app.factory.js';
import { ConfigError } from './config/app-config.js';
import { loadConfigOrExit } from './config/load-config-or-exit.js';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await createApp({ config });
  await app.listen({ port: config.PORT, host: config.HOST });
  const scheme = config.TLS_CERT_FILE ? 'https' : 'http';
  app
    .getHttpAdapter()
    .getInstance()
    .log.info(
      { port: config.PORT, database: config.databaseKind, tls: scheme === 'https' },
      `kanribo listening on ${scheme}://${config.HOST}:${config.PORT}/api (docs at /api/docs)`,
    );
}

main().catch((error: unknown) => {
  // An unusable TLS file is a configuration error: one line naming the variable.
  if (error instanceof ConfigError) {
    process.stderr.write(`kanribo: ${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(
    `kanribo: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});

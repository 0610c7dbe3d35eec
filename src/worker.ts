import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { createLogger, PinoNestLogger } from './common/logging/logger.js';
import { loadConfigOrExit } from './config/load-config-or-exit.js';

/**
 * `npm run worker`: the queue workers (daily reminder scan, catch-up,
 * webhook deliveries) without the HTTP API, for deployments that run the
 * API with QUEUE_WORKERS=off. Any number may run: notifications are
 * idempotent and each job is taken by one worker.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = new PinoNestLogger(
    createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT }),
    ['fatal', 'error', 'warn', 'log'],
  );
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot({ config, runsWorkers: true }),
    { logger },
  );
  app.enableShutdownHooks();
  new Logger('Worker').log(
    `kanribo worker started (queue prefix ${config.QUEUE_PREFIX}, daily scan ${config.REMINDER_SCAN_TIME})`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `kanribo worker: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});

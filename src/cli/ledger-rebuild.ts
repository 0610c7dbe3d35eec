import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module.js';
import { loadConfigOrExit } from '../config/load-config-or-exit.js';
import { LedgerService } from '../modules/ledger/ledger.service.js';

/**
 * `npm run ledger:rebuild`: empties every projection (media, handovers,
 * incidents, rosters) and replays every contract's ledger into it, and
 * rebuilds each ledger's Merkle tree from its entries, in one transaction.
 * The entries and the signed checkpoints are only read.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot({ config, runsWorkers: false }),
    {
      logger: ['fatal', 'error'],
    },
  );
  try {
    const started = performance.now();
    const replayed = await app.get(LedgerService).rebuildProjections();
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    process.stdout.write(
      `kanribo: rebuilt the projections and Merkle trees from ${replayed} ledger entries in ${seconds} s\n`,
    );
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `kanribo: rebuild failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});

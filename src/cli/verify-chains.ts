import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module.js';
import { loadConfigOrExit } from '../config/load-config-or-exit.js';
import { AccessLogService } from '../modules/access-log/access-log.service.js';
import { keptEntries } from '../modules/access-log/access-log-chain.rule.js';
import { LedgerService } from '../modules/ledger/ledger.service.js';

/**
 * `kanribo verify`: recomputes every contract's 管理簿 chain and the access
 * log's chain from the stored rows, as `…/ledger/verify` and
 * `/api/access-log/verify` do one at a time, and prints one line each. Exits
 * 1 when any chain is broken, so that a nightly job or an auditor's script can
 * act on it without reading the output. Only reads.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot({ config, runsWorkers: false }),
    { logger: ['fatal', 'error'] },
  );
  let broken = 0;
  try {
    const contracts: Array<{ id: string; title: string }> = await app
      .get(DataSource)
      .query(
        'SELECT h.contract_id AS id, c.title AS title FROM ledger_heads h JOIN contracts c ON c.id = h.contract_id ORDER BY c.title, h.contract_id',
      );
    const ledger = app.get(LedgerService);
    for (const contract of contracts) {
      const verdict = await ledger.verify(contract.id);
      if (verdict.valid) {
        process.stdout.write(
          `ok      ledger ${contract.id} ${contract.title}: ${verdict.length} entries, head ${verdict.head}\n`,
        );
      } else {
        broken++;
        process.stdout.write(
          `BROKEN  ledger ${contract.id} ${contract.title}: entry ${verdict.firstInvalidSeq}: ${verdict.reason}\n`,
        );
      }
    }
    const log = await app.get(AccessLogService).verify();
    if (log.valid) {
      process.stdout.write(`ok      access log: ${keptEntries(log)}, head ${log.head}\n`);
    } else {
      broken++;
      process.stdout.write(`BROKEN  access log: entry ${log.firstInvalidSeq}: ${log.reason}\n`);
    }
    process.stdout.write(
      broken === 0
        ? `kanribo: ${contracts.length} ledger(s) and the access log verify\n`
        : `kanribo: ${broken} chain(s) do not verify\n`,
    );
  } finally {
    await app.close();
  }
  if (broken > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `kanribo: verify failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});

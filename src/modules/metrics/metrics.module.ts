import { Global, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TransactionRunner } from '../../database/transaction-runner.js';
import { MetricsController } from './metrics.controller.js';
import { Metrics } from './metrics.js';

/**
 * The 管理簿's size, read when scraped: the sum of every chain's head seq is
 * the number of entries committed, by any process of the installation
 * (`increase()` over it gives the appends). One row per contract is read,
 * not the entries. And this process's holds of a contract's head lock, as
 * the TransactionRunner reports them (only when metrics are on: off, the
 * runner does not watch its units at all).
 */
@Injectable()
class LedgerMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
  ) {}

  onModuleInit(): void {
    if (!this.metrics.enabled) return;
    this.tx.onLockHold(({ seconds, statements, committed }) =>
      this.metrics.ledgerHeadLock(seconds, statements, committed),
    );
    this.metrics.gauge(
      'kanribo_ledger_entries',
      'Entries committed to every contract’s 管理簿 (increase() gives the appends)',
      [],
      async (gauge) => {
        const [row] = await this.dataSource.query<Array<{ entries: number | string }>>(
          'SELECT COALESCE(SUM(seq), 0) AS entries FROM ledger_heads',
        );
        gauge.set(Number(row?.entries ?? 0));
      },
    );
  }
}

/** Prometheus metrics (METRICS=on): the registry every module records into, and its route. */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [Metrics, LedgerMetrics],
  exports: [Metrics],
})
export class MetricsModule {}

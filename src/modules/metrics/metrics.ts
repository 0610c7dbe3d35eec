import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { AppConfig } from '../../config/app-config.js';

/** What a delivery (webhook, e-mail) came to: the outcome label of its counter. */
export type DeliveryOutcome = 'delivered' | 'retry' | 'failed' | 'skipped';

/**
 * The service's Prometheus metrics (prom-client), in a registry of its own.
 * Exposed at /api/metrics when METRICS=on; off, nothing is collected and the
 * recording methods do nothing, so call sites need not ask.
 *
 * Names follow Prometheus' conventions: `kanribo_` prefix, base units
 * (seconds), `_total` on counters. Labels have few values (route patterns,
 * not paths; outcomes; queue names), never an id.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  readonly enabled: boolean;
  private readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly scanDuration: Histogram<never>;
  private readonly deliveries: Counter<'channel' | 'outcome'>;
  private readonly headLock: Histogram<'outcome'>;
  private readonly lockedStatements: Histogram<'outcome'>;

  constructor(config: AppConfig) {
    this.enabled = config.METRICS === 'on';
    this.httpDuration = new Histogram({
      name: 'kanribo_http_request_duration_seconds',
      help: 'Time from request to response, by route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    this.scanDuration = new Histogram({
      name: 'kanribo_reminder_scan_duration_seconds',
      help: 'Duration of one day’s reminder scan over every contract',
      buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers: [this.registry],
    });
    this.deliveries = new Counter({
      name: 'kanribo_deliveries_total',
      help: 'Delivery attempts of notifications by channel and outcome',
      labelNames: ['channel', 'outcome'],
      registers: [this.registry],
    });
    // How long an append's transaction keeps its contract's chain locked, and
    // how many statements it sends meanwhile: appends to one contract take
    // turns, so their rate is at most 1 / the hold. See LockHold for what is
    // measured on each database.
    this.headLock = new Histogram({
      name: 'kanribo_ledger_head_lock_seconds',
      help: 'Time a transaction holds a contract’s ledger head lock, from its grant to the end of COMMIT or ROLLBACK (SQLite: the group commit’s transaction), by outcome',
      labelNames: ['outcome'],
      buckets: [
        0.0005, 0.001, 0.002, 0.003, 0.004, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075,
        0.1, 0.25, 0.5, 1, 2.5,
      ],
      registers: [this.registry],
    });
    this.lockedStatements = new Histogram({
      name: 'kanribo_ledger_locked_statements',
      help: 'SQL statements a transaction sends while it holds a contract’s ledger head lock (PostgreSQL: its COMMIT or ROLLBACK included), by outcome',
      labelNames: ['outcome'],
      buckets: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 20, 25, 30, 40, 50, 100],
      registers: [this.registry],
    });
    if (this.enabled) collectDefaultMetrics({ register: this.registry, prefix: 'kanribo_' });
  }

  /** One answered HTTP request; `route` is the route pattern (never the path: ids are unbounded). */
  httpRequest(method: string, route: string, status: number, seconds: number): void {
    if (!this.enabled) return;
    this.httpDuration.observe({ method, route, status: String(status) }, seconds);
  }

  /** One reminder scan of a day. */
  reminderScan(seconds: number): void {
    if (this.enabled) this.scanDuration.observe(seconds);
  }

  /** One delivery attempt's outcome. */
  delivery(channel: 'webhook' | 'email', outcome: DeliveryOutcome): void {
    if (this.enabled) this.deliveries.inc({ channel, outcome });
  }

  /** One transaction's hold of a contract's ledger head lock, once it has ended. */
  ledgerHeadLock(seconds: number, statements: number, committed: boolean): void {
    if (!this.enabled) return;
    const outcome = committed ? 'commit' : 'rollback';
    this.headLock.observe({ outcome }, seconds);
    this.lockedStatements.observe({ outcome }, statements);
  }

  /**
   * A gauge read when scraped (`collect` sets it), for values that live
   * elsewhere: the database, the queue. Not registered when metrics are off.
   */
  gauge<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    collect: (gauge: Gauge<L>) => Promise<void>,
  ): void {
    if (!this.enabled) return;
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        await collect(this);
      },
    });
  }
}

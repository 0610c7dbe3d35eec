// `npm run bench:scale` (or BENCH_ONLY=scale npm run bench): the handover mix
// of the main bench (each connection walks its own DVD-R through provide,
// receive, return, receive: one ledger append per request), spread over
// BENCH_SCALE_CONTRACTS contracts, against
//   (a) one instance on SQLite (synchronous=FULL), the reference,
//   (b) one instance on PostgreSQL,
//   (c) two instances on the same PostgreSQL database, the connections split
//       between them (one Redis prefix, one DATA_DIR: one checkpoint key),
// in the order a, b, c, c, b, a, so that what drifts over the run weighs on
// each alike. Per run: writes/s, p50/p99, the service's CPU per write (its
// processes, from /proc), PostgreSQL's CPU per write (every `postgres`
// process on this machine, and the bench database's backends with the WAL
// writer, checkpointer and background writer alone), the head lock's hold
// and the statements sent under it (kanribo_ledger_head_lock_seconds and
// kanribo_ledger_locked_statements, scraped before and after); then the
// ratios PG/SQLite and two/one instances against the goals of issue 15.
//
// PostgreSQL: DATABASE_URL names the server (default
// postgres://postgres@127.0.0.1:5432/postgres), which must be on this
// machine (its CPU is read from /proc); a database kanribo_bench_<random> is
// created there and dropped afterwards. BENCH_CONNECTIONS (32),
// BENCH_DURATION (10 s), BENCH_SCALE_CONTRACTS (4), BENCH_SCALE_ACCESS_LOG
// (on); LEDGER_READ_BEFORE_LOCK goes to the instances. A script, not a
// test: its figures depend on the machine.
import 'reflect-metadata';
import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import pg from 'pg';
import { AppModule } from '../src/app.module.js';
import { loadConfig } from '../src/config/app-config.js';
import { TransactionRunner } from '../src/database/transaction-runner.js';
import { ContractsService } from '../src/modules/contracts/contracts.service.js';
import { RosterService } from '../src/modules/contracts/roster.service.js';
import { CustodyService } from '../src/modules/custody/custody.service.js';
import type { LoadResult } from './bench-load.js';
import {
  actorOf,
  BENCH_PASSWORD,
  benchContractTerms,
  benchDirectory,
  benchLogin,
  cpuMs,
  freePort,
  load,
  machineBusyMs,
  runWhenMain,
  startServer,
} from './bench-server.js';
import { deleteKeys } from './redis-keys.js';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const CONTRACTS = Number(process.env.BENCH_SCALE_CONTRACTS ?? 4);
const ACCESS_LOG = process.env.BENCH_SCALE_ACCESS_LOG ?? 'on';
const QUEUE_ENV = {
  QUEUE_PREFIX: `kanribo-bench-scale-${randomUUID().slice(0, 8)}`,
  REMINDER_SCAN_TIME: 'off',
  // Passed on, so that both ways of taking the head lock can be measured.
  LEDGER_READ_BEFORE_LOCK: process.env.LEDGER_READ_BEFORE_LOCK ?? 'off',
};

interface Party {
  userId: string;
  token: string;
}

/** What `prepare` leaves: the users, and per load a set of media spread over the contracts. */
interface Fixture {
  officerId: string;
  handlerId: string;
  /** Per run, one medium per connection; medium i belongs to contract i mod CONTRACTS. */
  mediaSets: string[][];
  contractOf: Record<string, string>;
}

/** Users, CONTRACTS contracts with the handler on each roster, and `sets` sets of media. */
async function prepare(env: Record<string, string>, sets: number): Promise<Fixture> {
  const config = loadConfig({ ...env, LOG_LEVEL: 'error', ...QUEUE_ENV });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot({ config }), {
    logger: ['error'],
  });
  try {
    const { organization, user } = await benchDirectory(app.get(TransactionRunner), BENCH_PASSWORD);
    const ward = await organization('ベンチ区', 'ward');
    const contractor = await organization('ベンチ株式会社', 'contractor');
    const officer = await user(ward, 'bench.officer', 'ward_officer');
    const handler = await user(contractor, 'bench.handler', 'contractor_staff');
    const contracts = app.get(ContractsService);
    const roster = app.get(RosterService);
    const custody = app.get(CustodyService);
    const contractIds: string[] = [];
    for (let c = 0; c < CONTRACTS; c++) {
      const created = await contracts.create(actorOf(officer), {
        ...benchContractTerms(contractor.id),
        title: `bench scale ${c}`,
      });
      await roster.add(actorOf(officer), created.contract.id, {
        userId: handler.id,
        role: 'handler',
        validFrom: '2026-04-01',
      });
      contractIds.push(created.contract.id);
    }
    const contractOf: Record<string, string> = {};
    const mediaSets: string[][] = [];
    for (let s = 0; s < sets; s++) {
      const set: string[] = [];
      for (let i = 0; i < CONNECTIONS; i++) {
        const contractId = contractIds[i % CONTRACTS]!;
        const registered = await custody.registerMedium(actorOf(officer), contractId, {
          kind: 'dvd_r',
          label: `SCALE-${s}-${i}`,
          description: 'ベンチマーク用',
          recordCount: 100,
          encrypted: true,
        });
        set.push(registered.id);
        contractOf[registered.id] = contractId;
      }
      mediaSets.push(set);
    }
    return { officerId: officer.id, handlerId: handler.id, mediaSets, contractOf };
  } finally {
    await app.close();
  }
}

// ------------------------------------------------------------ /proc and metrics

/** The CPU (user + system, ms) of processes: a pid's own, plus its reaped children's where asked. */
function procCpu(pid: number | string, children: boolean): { comm: string; ms: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const f = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    // utime, stime, cutime, cstime: fields 14-17 of proc(5), in 10 ms ticks.
    return { comm, ms: (f[11]! + f[12]! + (children ? f[13]! + f[14]! : 0)) * 10 };
  } catch {
    return null;
  }
}

/**
 * CPU of every `postgres` process on the machine, children reaped included:
 * a backend that exits during a run moves its time to the postmaster's
 * cutime, so the sum stays whole. Other users of the server count too.
 */
function allPostgresCpuMs(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cpu = procCpu(entry, true);
    if (cpu?.comm === 'postgres') total += cpu.ms;
  }
  return total;
}

/**
 * The bench database's backends and the server's WAL writer, checkpointer and
 * background writer, with their CPU so far: PostgreSQL's work for this bench
 * alone, when others use the server too (a backend that exits mid-run is lost).
 */
async function benchPostgresCpu(admin: pg.Client, database: string): Promise<Map<number, number>> {
  const { rows } = await admin.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity
      WHERE datname = $1 OR backend_type IN ('walwriter', 'checkpointer', 'background writer')`,
    [database],
  );
  return new Map(rows.map((r) => [r.pid, procCpu(r.pid, false)?.ms ?? 0]));
}

function cpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

/** A Prometheus histogram's buckets (upper bound → cumulative count), sum and count, over every label. */
interface Histogram {
  buckets: Map<number, number>;
  sum: number;
  count: number;
}

function histogram(text: string, name: string): Histogram {
  const h: Histogram = { buckets: new Map(), sum: 0, count: 0 };
  for (const line of text.split('\n')) {
    const match = /^(\w+?)(_bucket|_sum|_count)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const value = Number(match[4]);
    if (match[2] === '_sum') h.sum += value;
    else if (match[2] === '_count') h.count += value;
    else {
      const le = /le="([^"]+)"/.exec(match[3] ?? '')?.[1];
      const bound = le === '+Inf' ? Infinity : Number(le);
      h.buckets.set(bound, (h.buckets.get(bound) ?? 0) + value);
    }
  }
  return h;
}

function combine(a: Histogram, b: Histogram, sign: 1 | -1): Histogram {
  const buckets = new Map(a.buckets);
  for (const [le, n] of b.buckets) buckets.set(le, (buckets.get(le) ?? 0) + sign * n);
  return { buckets, sum: a.sum + sign * b.sum, count: a.count + sign * b.count };
}

const EMPTY: Histogram = { buckets: new Map(), sum: 0, count: 0 };

/**
 * The q-quantile by linear interpolation inside its bucket, as Prometheus'
 * histogram_quantile; `whole`: the bucket's upper bound instead, for counts
 * (the statements' buckets are one integer wide).
 */
function quantile(h: Histogram, q: number, whole = false): number {
  if (h.count <= 0) return NaN;
  const bounds = [...h.buckets.keys()].sort((x, y) => x - y);
  const rank = q * h.count;
  let lower = 0;
  let below = 0;
  for (const le of bounds) {
    const cumulative = h.buckets.get(le)!;
    if (cumulative >= rank) {
      if (le === Infinity) return lower;
      if (whole) return le;
      const inBucket = cumulative - below;
      return inBucket > 0 ? lower + ((le - lower) * (rank - below)) / inBucket : le;
    }
    lower = le;
    below = cumulative;
  }
  return lower;
}

async function scrape(base: string): Promise<{ hold: Histogram; statements: Histogram }> {
  const text = await fetch(`${base}/api/metrics`).then((r) => r.text());
  return {
    hold: histogram(text, 'kanribo_ledger_head_lock_seconds'),
    statements: histogram(text, 'kanribo_ledger_locked_statements'),
  };
}

// ------------------------------------------------------------------- runs

interface Instance {
  base: string;
  process: ChildProcess;
}

interface Run extends LoadResult {
  writes: number;
  serviceCpuMs: number;
  /** Every postgres process on the machine; NaN on SQLite. */
  postgresCpuMs: number;
  /** The bench database's backends and the writers; NaN on SQLite. */
  benchPostgresCpuMs: number;
  clientCpuMs: number;
  machineBusyMs: number;
  seconds: number;
  hold: Histogram;
  statements: Histogram;
}

interface Target {
  label: string;
  instances: Instance[];
  fixture: Fixture;
  officer: Party;
  handler: Party;
  postgres?: { admin: pg.Client; database: string };
}

async function measure(target: Target, media: string[]): Promise<Run> {
  const pids = target.instances.map((i) => i.process.pid);
  const scrapes = () => Promise.all(target.instances.map((i) => scrape(i.base)));
  const metricsBefore = await scrapes();
  const benchBefore = target.postgres
    ? await benchPostgresCpu(target.postgres.admin, target.postgres.database)
    : new Map<number, number>();
  const serviceBefore = pids.reduce<number>((sum, pid) => sum + cpuMs(pid), 0);
  const postgresBefore = target.postgres ? allPostgresCpuMs() : NaN;
  const busyBefore = machineBusyMs();
  const started = performance.now();
  const result = await load({
    kind: 'handovers',
    base: target.instances[0]!.base,
    bases: target.instances.map((i) => i.base),
    connections: CONNECTIONS,
    duration: DURATION_S,
    contractId: target.fixture.contractOf[media[0]!]!,
    contractOf: target.fixture.contractOf,
    media,
    officer: target.officer,
    handler: target.handler,
  });
  const seconds = (performance.now() - started) / 1000;
  const busy = machineBusyMs() - busyBefore;
  const serviceCpuMs = pids.reduce<number>((sum, pid) => sum + cpuMs(pid), 0) - serviceBefore;
  const postgresCpuMs = target.postgres ? allPostgresCpuMs() - postgresBefore : NaN;
  const benchPostgresCpuMs = target.postgres
    ? cpuDelta(benchBefore, await benchPostgresCpu(target.postgres.admin, target.postgres.database))
    : NaN;
  const metricsAfter = await scrapes();
  let hold = EMPTY;
  let statements = EMPTY;
  metricsAfter.forEach((after, i) => {
    hold = combine(hold, combine(after.hold, metricsBefore[i]!.hold, -1), 1);
    statements = combine(
      statements,
      combine(after.statements, metricsBefore[i]!.statements, -1),
      1,
    );
  });
  return {
    ...result,
    writes: result.total - result.non2xx,
    serviceCpuMs,
    postgresCpuMs,
    benchPostgresCpuMs,
    machineBusyMs: busy,
    seconds,
    hold,
    statements,
  };
}

/** Runs of one configuration as one: rates and p50 averaged, p99 the worst, the rest summed. */
function merged(runs: Run[]): Run {
  const sum = (f: (r: Run) => number) => runs.reduce((s, r) => s + f(r), 0);
  return {
    requestsPerSecond: sum((r) => r.requestsPerSecond) / runs.length,
    p50: sum((r) => r.p50) / runs.length,
    p99: Math.max(...runs.map((r) => r.p99)),
    total: sum((r) => r.total),
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
    writes: sum((r) => r.writes),
    serviceCpuMs: sum((r) => r.serviceCpuMs),
    postgresCpuMs: sum((r) => r.postgresCpuMs),
    benchPostgresCpuMs: sum((r) => r.benchPostgresCpuMs),
    clientCpuMs: sum((r) => r.clientCpuMs),
    machineBusyMs: sum((r) => r.machineBusyMs),
    seconds: sum((r) => r.seconds),
    hold: runs.reduce((h, r) => combine(h, r.hold, 1), EMPTY),
    statements: runs.reduce((h, r) => combine(h, r.statements, 1), EMPTY),
  };
}

function report(label: string, r: Run): string {
  const perWrite = (ms: number) => (Number.isNaN(ms) ? '   -' : (ms / r.writes).toFixed(2));
  const ms = (s: number) => (s * 1000).toFixed(1);
  const writesPerSecond = r.writes / r.seconds;
  return [
    `${label.padEnd(16)} ${writesPerSecond.toFixed(0).padStart(5)} writes/s  p50 ${r.p50.toFixed(1).padStart(5)} ms  p99 ${r.p99.toFixed(1).padStart(6)} ms  (${r.writes} writes, ${r.non2xx} non-2xx, ${r.errors} errors)`,
    `${''.padEnd(16)} CPU ms/write: service ${perWrite(r.serviceCpuMs)}, PostgreSQL ${perWrite(r.postgresCpuMs)} (bench db backends + writers ${perWrite(r.benchPostgresCpuMs)}), load client ${perWrite(r.clientCpuMs)}; machine busy ${((r.machineBusyMs / (r.seconds * 1000)) * 100).toFixed(0)} % of one core`,
    `${''.padEnd(16)} head lock held: p50 ${ms(quantile(r.hold, 0.5))} ms, p99 ${ms(quantile(r.hold, 0.99))} ms, mean ${ms(r.hold.sum / r.hold.count)} ms over ${r.hold.count} holds; statements under it: mean ${(r.statements.sum / r.statements.count).toFixed(1)}, p50 ${quantile(r.statements, 0.5, true)}, p99 ${quantile(r.statements, 0.99, true)}`,
  ].join('\n');
}

const rate = (r: Run) => r.writes / r.seconds;

// ------------------------------------------------------------------- main

export async function benchScale(out: (line: string) => void): Promise<boolean> {
  const server = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(server.hostname)) {
    throw new Error(`the scale bench wants PostgreSQL on this machine, not ${server.hostname}`);
  }
  if (server.pathname === '/' || server.pathname === '') server.pathname = '/postgres';
  const database = `kanribo_bench_${randomBytes(4).toString('hex')}`;
  const pgUrl = new URL(server);
  pgUrl.pathname = `/${database}`;
  const admin = new pg.Client({ connectionString: server.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}"`);
  const root = mkdtempSync(join(tmpdir(), 'kanribo-bench-scale-'));
  const sqliteDir = join(root, 'sqlite');
  // Both PostgreSQL instances start over this folder: one checkpoint key.
  const pgDir = join(root, 'pg');
  mkdirSync(sqliteDir);
  mkdirSync(pgDir);
  const started: Instance[] = [];
  const start = async (dataDir: string, env: Record<string, string>) => {
    const port = await freePort();
    const child = await startServer(dataDir, port, {
      METRICS: 'on',
      ACCESS_LOG,
      ...QUEUE_ENV,
      ...env,
    });
    const instance = { base: `http://127.0.0.1:${port}`, process: child };
    started.push(instance);
    return instance;
  };
  try {
    const [load1, load5, load15] = loadavg();
    out(
      `\nscale: ${CONNECTIONS} connections, ${DURATION_S} s per run, ${CONTRACTS} contracts, access log ${ACCESS_LOG}; order SQLite, PG×1, PG×2, PG×2, PG×1, SQLite; load average ${load1!.toFixed(2)} ${load5!.toFixed(2)} ${load15!.toFixed(2)} before\n`,
    );
    const sqliteFixture = await prepare({ DATA_DIR: sqliteDir }, 2);
    const pgFixture = await prepare({ DATA_DIR: pgDir, DATABASE_URL: pgUrl.toString() }, 4);
    const sqlite = await start(sqliteDir, {});
    const pg1 = await start(pgDir, { DATABASE_URL: pgUrl.toString() });
    const pg2 = await start(pgDir, { DATABASE_URL: pgUrl.toString() });
    const target = async (
      label: string,
      instances: Instance[],
      fixture: Fixture,
      postgres?: Target['postgres'],
    ): Promise<Target> => ({
      label,
      instances,
      fixture,
      officer: {
        userId: fixture.officerId,
        token: await benchLogin(instances[0]!.base, 'bench.officer'),
      },
      handler: {
        userId: fixture.handlerId,
        token: await benchLogin(instances[0]!.base, 'bench.handler'),
      },
      postgres,
    });
    const onPostgres = { admin, database };
    const targets = {
      sqlite: await target('SQLite ×1', [sqlite], sqliteFixture),
      pg1: await target('PostgreSQL ×1', [pg1], pgFixture, onPostgres),
      pg2: await target('PostgreSQL ×2', [pg1, pg2], pgFixture, onPostgres),
    };
    const runs: Record<keyof typeof targets, Run[]> = { sqlite: [], pg1: [], pg2: [] };
    const order: Array<[keyof typeof targets, string[]]> = [
      ['sqlite', sqliteFixture.mediaSets[0]!],
      ['pg1', pgFixture.mediaSets[0]!],
      ['pg2', pgFixture.mediaSets[1]!],
      ['pg2', pgFixture.mediaSets[2]!],
      ['pg1', pgFixture.mediaSets[3]!],
      ['sqlite', sqliteFixture.mediaSets[1]!],
    ];
    for (const [key, media] of order) {
      const run = await measure(targets[key], media);
      runs[key].push(run);
      out(`${report(`${targets[key].label} #${runs[key].length}`, run)}\n`);
      out(`${''.padEnd(16)} load average ${loadavg()[0]!.toFixed(2)}\n`);
    }
    const s = merged(runs.sqlite);
    const one = merged(runs.pg1);
    const two = merged(runs.pg2);
    out('\nper configuration (two runs each):\n');
    for (const [label, r] of [
      ['SQLite ×1', s],
      ['PostgreSQL ×1', one],
      ['PostgreSQL ×2', two],
    ] as const) {
      out(`${report(label, r)}\n`);
    }
    const cpu = (r: Run) => (r.serviceCpuMs + r.postgresCpuMs) / r.writes;
    out(
      `\nPG ×1 / SQLite: ${(rate(one) / rate(s)).toFixed(2)} writes/s (goal ≥ 0.70); p99 PG ×1 ${one.p99.toFixed(1)} ms (goal ≤ 50 ms at ${CONNECTIONS} connections)\n`,
    );
    out(
      `PG ×2 / PG ×1:  ${(rate(two) / rate(one)).toFixed(2)} writes/s (goal ≥ 1.0); p99 PG ×2 ${two.p99.toFixed(1)} ms\n`,
    );
    out(
      `service + PostgreSQL CPU per write: PG ×1 ${cpu(one).toFixed(2)} ms, PG ×2 ${cpu(two).toFixed(2)} ms (goal ≤ 1.5 ms); SQLite service alone ${(s.serviceCpuMs / s.writes).toFixed(2)} ms\n`,
    );
    out(
      `statements under the head lock per append, mean: PG ×1 ${(one.statements.sum / one.statements.count).toFixed(1)} (goal ≤ 2 round trips), SQLite ${(s.statements.sum / s.statements.count).toFixed(1)}\n`,
    );
    const [after1, after5, after15] = loadavg();
    out(
      `load average ${after1!.toFixed(2)} ${after5!.toFixed(2)} ${after15!.toFixed(2)} after (2 cores: other work shares them)\n`,
    );
    return [s, one, two].every((r) => r.errors === 0 && r.non2xx === 0);
  } finally {
    for (const instance of started) instance.process.kill('SIGTERM');
    await Promise.all(
      started.map(
        (i) =>
          new Promise<void>((resolve) => {
            if (i.process.exitCode !== null) resolve();
            else i.process.once('exit', () => resolve());
          }),
      ),
    );
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    await deleteKeys(loadConfig(process.env).REDIS_URL, QUEUE_ENV.QUEUE_PREFIX);
    rmSync(root, { recursive: true, force: true });
  }
}

runWhenMain(import.meta.url, benchScale);

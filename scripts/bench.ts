// `npm run bench`: the service on a fresh SQLite file (synchronous=FULL), loaded
// over HTTP from a separate process. Prints requests/s and latency of
// (a) handovers — dispatch and receive, each one ledger append — and
// (b) an authenticated trivial GET, measured in the same run, and their
// ratio, each with the access log on and off (two servers on the same file,
// loaded in turn) and the access log's cost as on/off ratios; then the time
// to verify the access log, a 100,000-entry ledger and to export it; then
// one reminder scan over 100,000 contracts and the webhook delivery rate
// (scripts/bench-reminders.ts), the certificate PDFs and the 管理簿 workbook
// (scripts/bench-xlsx.ts), the Merkle tree of a 1,000,000-entry ledger
// (scripts/bench-merkle.ts), the evidence package of a 100,000-entry ledger
// and its offline verifier (scripts/bench-evidence.ts), and the web app's home screen in Chromium
// (scripts/bench-web.ts). BENCH_ONLY=web runs the web app alone, BENCH_ONLY=merkle the Merkle tree alone, BENCH_ONLY=evidence the evidence package alone, BENCH_ONLY=xlsx runs the workbook alone, BENCH_ONLY=reminders the reminder scan and webhooks alone, BENCH_ONLY=scale SQLite against PostgreSQL with one and two instances (scripts/bench-scale.ts), BENCH_ONLY=pdf the PDFs alone, BENCH_ONLY=access-log the access log's cost alone (with BENCH_AA=1, both servers run with it off: the noise floor). A script, not a test:
// its figures depend on the machine.
import 'reflect-metadata';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../src/app.module.js';
import { loadConfig } from '../src/config/app-config.js';
import { TransactionRunner } from '../src/database/transaction-runner.js';
import { ContractsService } from '../src/modules/contracts/contracts.service.js';
import { RosterService } from '../src/modules/contracts/roster.service.js';
import { CustodyService } from '../src/modules/custody/custody.service.js';
import type { UserEntity } from '../src/modules/identity/entities/user.entity.js';
import { LedgerService } from '../src/modules/ledger/ledger.service.js';
import type { LoadResult } from './bench-load.js';
import { benchEvidence } from './bench-evidence.js';
import { benchMerkle } from './bench-merkle.js';
import { benchPdf } from './bench-pdf.js';
import {
  actorOf,
  appendHandovers,
  BENCH_PASSWORD,
  benchContractTerms,
  benchDirectory,
  benchLogin,
  cpuMs,
  freePort,
  load,
  startServer,
} from './bench-server.js';
import { benchReminders } from './bench-reminders.js';
import { benchScale } from './bench-scale.js';
import { benchWeb } from './bench-web.js';
import { benchXlsx } from './bench-xlsx.js';
import { deleteKeys } from './redis-keys.js';

/** The HTTP phases run with the daily schedule off, under a Redis key prefix of their own. */
const QUEUE_ENV = {
  QUEUE_PREFIX: `kanribo-bench-http-${randomUUID().slice(0, 8)}`,
  REMINDER_SCAN_TIME: 'off',
};

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const VERIFY_ENTRIES = Number(process.env.BENCH_VERIFY_ENTRIES ?? 100_000);

interface Fixture {
  contractId: string;
  verifyContractId: string;
  officer: UserEntity;
  handler: UserEntity;
  /** Four sets of one DVD-R per connection: one per handover load (off, on, on, off). */
  mediaSets: string[][];
}

/** Users, a contract with its roster, one DVD-R per connection, and a long ledger. */
async function prepare(dataDir: string): Promise<Fixture> {
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'error', ...QUEUE_ENV });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot({ config }), {
    logger: ['error'],
  });
  try {
    const tx = app.get(TransactionRunner);
    const { organization, user } = await benchDirectory(tx, BENCH_PASSWORD);
    const ward = await organization('ベンチ区', 'ward');
    const contractor = await organization('ベンチ株式会社', 'contractor');
    const officer = await user(ward, 'bench.officer', 'ward_officer');
    const handler = await user(contractor, 'bench.handler', 'contractor_staff');
    await user(ward, 'bench.auditor', 'auditor');
    const contracts = app.get(ContractsService);
    const roster = app.get(RosterService);
    const custody = app.get(CustodyService);
    const terms = benchContractTerms(contractor.id);
    const contract = await contracts.create(actorOf(officer), { ...terms, title: 'bench' });
    await roster.add(actorOf(officer), contract.contract.id, {
      userId: handler.id,
      role: 'handler',
      validFrom: '2026-04-01',
    });
    const media: string[] = [];
    for (let i = 0; i < 4 * CONNECTIONS; i++) {
      const registered = await custody.registerMedium(actorOf(officer), contract.contract.id, {
        kind: 'dvd_r',
        label: `BENCH-${i}`,
        description: 'ベンチマーク用',
        recordCount: 100,
        encrypted: true,
      });
      media.push(registered.id);
    }

    // A contract whose ledger holds VERIFY_ENTRIES entries, for timing verify.
    const long = await contracts.create(actorOf(officer), { ...terms, title: 'bench verify' });
    const stored = await custody.registerMedium(actorOf(officer), long.contract.id, {
      kind: 'dvd_r',
      label: 'VERIFY',
      description: 'x',
      recordCount: 1,
      encrypted: true,
    });
    const ledger = app.get(LedgerService);
    const started = performance.now();
    // Dispatches and receipts, so that the export has a row for each.
    const length = await appendHandovers({
      tx,
      ledger,
      contractId: long.contract.id,
      actor: actorOf(officer),
      party: {
        userId: officer.id,
        displayName: officer.displayName,
        organizationId: ward.id,
        organizationName: ward.name,
      },
      entries: VERIFY_ENTRIES - (await ledger.length(long.contract.id)),
      row: (n) => ({
        bagId: 'BAG-1',
        sealNumber: 'S-1',
        note: `往復 ${n}`,
        item: {
          mediumId: stored.id,
          kind: 'dvd_r',
          label: 'VERIFY',
          description: 'x',
          recordCount: 1,
        },
      }),
    });
    process.stdout.write(
      `prepared: ${length} entries in the verify ledger (${((performance.now() - started) / 1000).toFixed(1)} s)\n`,
    );
    return {
      contractId: contract.contract.id,
      verifyContractId: long.contract.id,
      officer,
      handler,
      mediaSets: [0, 1, 2, 3].map((k) => media.slice(k * CONNECTIONS, (k + 1) * CONNECTIONS)),
    };
  } finally {
    await app.close();
  }
}

type Measured = LoadResult & { cpuUsPerRequest: number };

async function measured(
  pid: number | undefined,
  run: () => Promise<LoadResult>,
): Promise<Measured> {
  const before = cpuMs(pid);
  const result = await run();
  return { ...result, cpuUsPerRequest: ((cpuMs(pid) - before) * 1000) / result.total };
}

/** Two loads of the same kind as one: their rates averaged, their counts summed. */
function combined(a: Measured, b: Measured): Measured {
  const total = a.total + b.total;
  return {
    requestsPerSecond: (a.requestsPerSecond + b.requestsPerSecond) / 2,
    p50: (a.p50 + b.p50) / 2,
    p99: Math.max(a.p99, b.p99),
    total,
    non2xx: a.non2xx + b.non2xx,
    errors: a.errors + b.errors,
    cpuUsPerRequest: (a.cpuUsPerRequest * a.total + b.cpuUsPerRequest * b.total) / total,
  };
}

/** Peak resident memory of a process so far, from /proc (Linux). */
function peakRssMb(pid: number | undefined): string {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
    return (kb / 1024).toFixed(0);
  } catch {
    return '?';
  }
}

const fmt = (r: Measured) =>
  `${r.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${r.p50.toFixed(1).padStart(5)} ms  p99 ${r.p99.toFixed(1).padStart(6)} ms  server CPU ${r.cpuUsPerRequest.toFixed(0).padStart(5)} µs/req  (${r.total} requests, ${r.non2xx} non-2xx, ${r.errors} errors)`;

async function main(): Promise<void> {
  if (process.env.BENCH_ONLY === 'pdf') {
    if (!(await benchPdf((line) => process.stdout.write(line)))) process.exitCode = 1;
    return;
  }
  if (process.env.BENCH_ONLY === 'merkle') {
    if (!(await benchMerkle((line) => process.stdout.write(line)))) process.exitCode = 1;
    return;
  }
  if (process.env.BENCH_ONLY === 'evidence') {
    if (!(await benchEvidence((line) => process.stdout.write(line)))) process.exitCode = 1;
    return;
  }
  if (process.env.BENCH_ONLY === 'xlsx') {
    if (!(await benchXlsx((line) => process.stdout.write(line)))) process.exitCode = 1;
    return;
  }
  if (process.env.BENCH_ONLY === 'web') {
    if (!(await benchWeb((line) => process.stdout.write(line)))) process.exitCode = 1;
    return;
  }
  if (process.env.BENCH_ONLY === 'scale') {
    if (!(await benchScale((line) => process.stdout.write(line)))) process.exitCode = 1;
    return;
  }
  if (process.env.BENCH_ONLY === 'reminders') {
    if (!(await benchReminders((line) => process.stdout.write(line)))) process.exitCode = 1;
    return;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'kanribo-bench-'));
  let server: ChildProcess | undefined;
  let serverOff: ChildProcess | undefined;
  try {
    const fixture = await prepare(dataDir);
    // Two servers on the same file, one with the access log off: each load
    // runs against one while the other idles, off and on in turn, so that
    // both see the same machine and the same database.
    const port = await freePort();
    // BENCH_AA=1 starts both with the access log off: the on/off ratios of
    // that run are the noise floor of this machine.
    server = await startServer(dataDir, port, {
      ACCESS_LOG: process.env.BENCH_AA === '1' ? 'off' : 'on',
      ...QUEUE_ENV,
    });
    const portOff = await freePort();
    serverOff = await startServer(dataDir, portOff, { ACCESS_LOG: 'off', ...QUEUE_ENV });
    const base = `http://127.0.0.1:${port}`;
    const baseOff = `http://127.0.0.1:${portOff}`;
    const officerToken = await benchLogin(base, 'bench.officer');
    const handlerToken = await benchLogin(base, 'bench.handler');

    process.stdout.write(
      `\nload: ${CONNECTIONS} connections, ${DURATION_S} s each, twice per side (off, on, on, off), SQLite synchronous=FULL\n`,
    );
    const handoverLoad = (url: string, media: string[], pid: number | undefined) =>
      measured(pid, () =>
        load({
          kind: 'handovers',
          base: url,
          connections: CONNECTIONS,
          duration: DURATION_S,
          contractId: fixture.contractId,
          media,
          officer: { token: officerToken, userId: fixture.officer.id },
          handler: { token: handlerToken, userId: fixture.handler.id },
        }),
      );
    const getLoad = (url: string, path: string, pid: number | undefined) =>
      measured(pid, () =>
        load({
          kind: 'get',
          base: url,
          connections: CONNECTIONS,
          duration: DURATION_S,
          token: officerToken,
          path,
        }),
      );
    const contractPath = `/api/contracts/${fixture.contractId}`;
    const on = server.pid;
    const off = serverOff.pid;
    // Off, on, on, off: each side runs once early and once late, so that
    // what drifts over the run (the file and its WAL grow, the machine
    // warms up) weighs on both alike.
    const abba = async (
      run: (url: string, pid: number | undefined, round: number) => Promise<Measured>,
    ): Promise<{ on: Measured; off: Measured }> => {
      const first = await run(baseOff, off, 0);
      const second = await run(base, on, 1);
      const third = await run(base, on, 2);
      const fourth = await run(baseOff, off, 3);
      return { on: combined(second, third), off: combined(first, fourth) };
    };
    const { on: handovers, off: handoversOff } = await abba((url, pid, round) =>
      handoverLoad(url, fixture.mediaSets[round]!, pid),
    );
    const { on: trivial, off: trivialOff } = await abba((url, pid) =>
      getLoad(url, '/api/auth/me', pid),
    );
    const { on: contractRead, off: contractReadOff } = await abba((url, pid) =>
      getLoad(url, contractPath, pid),
    );
    serverOff.kill('SIGTERM');
    serverOff = undefined;
    for (const [label, a, b] of [
      ['on', handovers, trivial],
      ['off', handoversOff, trivialOff],
    ] as const) {
      process.stdout.write(`access log ${label}:\n`);
      process.stdout.write(`(a) handovers (dispatch/receive)  ${fmt(a)}\n`);
      process.stdout.write(`(b) GET /api/auth/me              ${fmt(b)}\n`);
      process.stdout.write(
        `ratio (a)/(b): ${(a.requestsPerSecond / b.requestsPerSecond).toFixed(2)}  (goal ≥ 0.20, p99 of (a) < 100 ms)\n`,
      );
    }
    const cost = (on: Measured, off: Measured) =>
      `on/off ${(on.requestsPerSecond / off.requestsPerSecond).toFixed(2)} (${(on.requestsPerSecond - off.requestsPerSecond).toFixed(0)} req/s, ${((on.requestsPerSecond / off.requestsPerSecond - 1) * 100).toFixed(1)} %)  (goal: the access log costs < 10 %); CPU per request on/off ${(on.cpuUsPerRequest / off.cpuUsPerRequest).toFixed(2)}`;
    process.stdout.write(
      `access log cost, (a) handovers:       ${cost(handovers, handoversOff)}\n`,
    );
    process.stdout.write(`access log cost, (b) GET /api/auth/me: ${cost(trivial, trivialOff)}\n`);
    // /api/auth/me reads only the caller's own account and is not recorded;
    // a contract read is, through the buffer: its cost is the price of a logged read.
    process.stdout.write(`(c) GET /api/contracts/:id, on:  ${fmt(contractRead)}\n`);
    process.stdout.write(`(c) GET /api/contracts/:id, off: ${fmt(contractReadOff)}\n`);
    process.stdout.write(
      `access log cost, (c) a logged read:   ${cost(contractRead, contractReadOff)}\n`,
    );
    // BENCH_ONLY=access-log stops here: the cost of the access log alone.
    if (process.env.BENCH_ONLY === 'access-log') return;
    const auditorToken = await benchLogin(base, 'bench.auditor');
    const logStarted = performance.now();
    const logVerdict = await fetch(`${base}/api/access-log/verify`, {
      headers: { authorization: `Bearer ${auditorToken}` },
    }).then((r) => r.json() as Promise<{ valid: boolean; length: number }>);
    process.stdout.write(
      `the access log: ${logVerdict.length} entries, valid=${logVerdict.valid}, verified in ${((performance.now() - logStarted) / 1000).toFixed(2)} s\n`,
    );

    const verify = await fetch(`${base}/api/contracts/${fixture.contractId}/ledger/verify`, {
      headers: { authorization: `Bearer ${officerToken}` },
    }).then((r) => r.json() as Promise<{ valid: boolean; length: number }>);
    process.stdout.write(`the loaded ledger: ${verify.length} entries, valid=${verify.valid}\n`);

    const times: number[] = [];
    let verdict: { valid: boolean; length: number } | undefined;
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      verdict = await fetch(`${base}/api/contracts/${fixture.verifyContractId}/ledger/verify`, {
        headers: { authorization: `Bearer ${officerToken}` },
      }).then((r) => r.json() as Promise<{ valid: boolean; length: number }>);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    process.stdout.write(
      `verify over HTTP: ${verdict?.length} entries, valid=${verdict?.valid}: median ${(times[1]! / 1000).toFixed(2)} s (runs ${times.map((t) => (t / 1000).toFixed(2)).join(', ')} s; goal < 1.5 s)\n`,
    );

    // The 管理簿 export of the same ledger, streamed: the server's peak memory
    // (VmHWM) before and after says whether it stayed flat.
    const peakBefore = peakRssMb(server.pid);
    const started = performance.now();
    const csv = await fetch(`${base}/api/contracts/${fixture.verifyContractId}/ledger/export.csv`, {
      headers: { authorization: `Bearer ${officerToken}` },
    });
    let bytes = 0;
    let lines = 0;
    for await (const chunk of csv.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      for (const b of chunk) if (b === 10) lines++;
    }
    process.stdout.write(
      `export.csv: ${lines - 1} rows, ${(bytes / 1e6).toFixed(1)} MB in ${((performance.now() - started) / 1000).toFixed(2)} s; server peak RSS ${peakBefore} MB before, ${peakRssMb(server.pid)} MB after\n`,
    );
    if (
      [handovers, handoversOff].some((r) => r.errors > 0 || r.non2xx > 0) ||
      !verify.valid ||
      !verdict?.valid ||
      !logVerdict.valid
    )
      process.exitCode = 1;
    server.kill('SIGTERM');
    server = undefined;
    if (!(await benchReminders((line) => process.stdout.write(line)))) process.exitCode = 1;
    if (!(await benchPdf((line) => process.stdout.write(line)))) process.exitCode = 1;
    if (!(await benchXlsx((line) => process.stdout.write(line)))) process.exitCode = 1;
    if (!(await benchMerkle((line) => process.stdout.write(line)))) process.exitCode = 1;
    if (!(await benchEvidence((line) => process.stdout.write(line)))) process.exitCode = 1;
    if (!(await benchWeb((line) => process.stdout.write(line)))) process.exitCode = 1;
  } finally {
    server?.kill('SIGTERM');
    serverOff?.kill('SIGTERM');
    await deleteKeys(loadConfig(process.env).REDIS_URL, QUEUE_ENV.QUEUE_PREFIX);
    if (process.env.BENCH_KEEP_DIR) process.stdout.write(`kept ${dataDir}\n`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});

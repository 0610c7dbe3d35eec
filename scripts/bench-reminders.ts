// Part of `npm run bench`: one reminder scan over 100,000 contracts on a
// fresh SQLite file (or, with DATABASE_URL, a fresh PostgreSQL database made
// beside the one named and dropped afterwards), then the rate of webhook
// deliveries through BullMQ (the local Redis) to a local receiver. A script,
// not a test.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { getQueueToken } from '@nestjs/bullmq';
import { NestFactory } from '@nestjs/core';
import type { Queue } from 'bullmq';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module.js';
import { loadConfig } from '../src/config/app-config.js';
import { FixedClock } from '../src/common/time/clock.js';
import { Sql } from '../src/database/sql.js';
import { TransactionRunner } from '../src/database/transaction-runner.js';
import { MAIL_QUEUE, WEBHOOK_QUEUE } from '../src/modules/notifications/queue.constants.js';
import { QueueState } from '../src/modules/notifications/queue-state.js';
import { WardScope } from '../src/modules/notifications/ward-parts.js';
import { ReminderScanner, type ScanResult } from '../src/modules/notifications/reminder-scanner.js';
import { deleteKeys } from './redis-keys.js';

const CONTRACTS = Number(process.env.BENCH_SCAN_CONTRACTS ?? 100_000);
const WARDS = 50;
const CONTRACTORS = 20;

async function insertRows(
  tx: TransactionRunner,
  table: string,
  columns: string[],
  rows: Array<Array<string | number | null>>,
): Promise<void> {
  const chunk = Math.floor(30_000 / columns.length);
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk);
    await tx.run((m) =>
      new Sql(m).run(
        `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${part
          .map(() => `(${columns.map(() => '?').join(', ')})`)
          .join(', ')}`,
        part.flat(),
      ),
    );
  }
}

/** A new, empty PostgreSQL database beside the one `base` names, and how to drop it. */
async function freshPostgres(base: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${new URL(base).pathname.replace(/^\//, '')}_bench_${randomBytes(4).toString('hex')}`;
  const admin = async (text: string) => {
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

/** The machine's load average over the last minute, per core: the other load a figure was taken under. */
function load(): string {
  return `load ${loadavg()[0]!.toFixed(2)} on ${cpus().length} cores`;
}

export async function benchReminders(out: (line: string) => void): Promise<boolean> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kanribo-bench-reminders-'));
  const prefix = `kanribo-bench-${randomBytes(4).toString('hex')}`;
  const postgres = process.env.DATABASE_URL
    ? await freshPostgres(process.env.DATABASE_URL)
    : undefined;
  const config = loadConfig({
    ...(postgres ? { DATABASE_URL: postgres.url } : {}),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'error',
    QUEUE_PREFIX: prefix,
    REMINDER_SCAN_TIME: 'off',
    QUEUE_CHECK_INTERVAL_MS: '200',
    // The bench's webhook receiver listens on loopback over plain http.
    WEBHOOK_ALLOWED_NETWORKS: '127.0.0.1/32',
    WEBHOOK_ALLOW_HTTP: 'true',
    // Mail on (to a loopback port; its queue stays paused), so that each scan composes digests.
    SMTP_URL: 'smtp://127.0.0.1:2',
    MAIL_FROM: 'bench@example.test',
    PUBLIC_URL: 'http://127.0.0.1',
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
  });
  // 30 January 2027, 10:00 in Tokyo: 60 days before the 31 March due date.
  const clock = new FixedClock('2027-01-30T01:00:00.000Z');
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot({ config, clock, runsWorkers: true }),
    { logger: ['error'] },
  );
  const received = new Set<string>();
  let requests = 0;
  const receiver = createServer((req, res) => {
    requests++;
    received.add(String(req.headers['webhook-id']));
    req.resume();
    req.on('end', () => {
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const { port } = receiver.address() as { port: number };
  let ok: boolean;
  try {
    const tx = app.get(TransactionRunner);
    const now = clock.now().toISOString();
    const wards = Array.from({ length: WARDS }, (_, i) => ({ id: randomUUID(), name: `区 ${i}` }));
    const contractors = Array.from({ length: CONTRACTORS }, (_, i) => ({
      id: randomUUID(),
      name: `委託先 ${i}`,
    }));
    await insertRows(
      tx,
      'organizations',
      ['id', 'name', 'kind', 'created_at'],
      [
        ...wards.map((w) => [w.id, w.name, 'ward', now]),
        ...contractors.map((c) => [c.id, c.name, 'contractor', now]),
      ],
    );
    const officers = wards.flatMap((w, i) =>
      [0, 1].map((k) => [
        randomUUID(),
        w.id,
        `officer.${i}.${k}`,
        `職員 ${i}-${k}`,
        'ward_officer',
        'x',
        '[]',
        false,
        true,
        now,
        `officer.${i}.${k}@example.test`,
        // One officer of each ward takes the daily digest: the scan composes 50.
        k === 0 ? 'digest' : 'off',
      ]),
    );
    await insertRows(
      tx,
      'users',
      [
        'id',
        'organization_id',
        'login_id',
        'display_name',
        'role',
        'password_hash',
        'previous_password_hashes',
        'must_change_password',
        'active',
        'created_at',
        'email',
        'mail_mode',
      ],
      [
        ...officers,
        [
          randomUUID(),
          wards[0]!.id,
          'auditor.0',
          '監査',
          'auditor',
          'x',
          '[]',
          false,
          true,
          now,
          null,
          'off',
        ],
      ] as Array<Array<string | number | null>>,
    );
    // Contracts that started on 1 April 2026 and end between June 2026 and
    // March 2028; a third already audited this fiscal year.
    const ends = ['2026-06-30', '2027-03-31', '2027-03-31', '2027-09-30', '2028-03-31'];
    const contracts: Array<Array<string | number | null>> = [];
    const audits: Array<Array<string | number | null>> = [];
    for (let i = 0; i < CONTRACTS; i++) {
      const id = randomUUID();
      contracts.push([
        id,
        `委託契約 ${i}`,
        wards[i % WARDS]!.id,
        contractors[i % CONTRACTORS]!.id,
        '2026-04-01',
        ends[i % ends.length]!,
        '["氏名","住所"]',
        1000,
        60,
        '[60,30,7]',
        'active',
        String(officers[0]![0]),
        now,
      ]);
      if (i % 3 === 0) {
        audits.push([
          randomUUID(),
          id,
          '2026-10-01',
          2026,
          'satisfactory',
          null,
          '["監査"]',
          'x',
          now,
          1,
        ]);
      }
    }
    const started = performance.now();
    await insertRows(
      tx,
      'contracts',
      [
        'id',
        'title',
        'ward_organization_id',
        'contractor_organization_id',
        'starts_on',
        'ends_on',
        'data_items',
        'subject_count',
        'min_separation_minutes',
        'reminder_lead_days',
        'status',
        'created_by_user_id',
        'created_at',
      ],
      contracts,
    );
    await insertRows(
      tx,
      'audits',
      [
        'id',
        'contract_id',
        'performed_on',
        'fiscal_year',
        'result',
        'findings',
        'auditors',
        'recorded_by_user_id',
        'recorded_at',
        'seq',
      ],
      audits,
    );
    await insertRows(
      tx,
      'webhooks',
      ['organization_id', 'url', 'secret', 'updated_by_user_id', 'updated_at'],
      [[wards[0]!.id, `http://127.0.0.1:${port}/hook`, 'bench-secret-0123456789', 'x', now]],
    );
    out(
      `\nreminder scan on ${postgres ? 'PostgreSQL' : 'SQLite'}: ${CONTRACTS} contracts, ${audits.length} audited, ${WARDS} wards (loaded in ${((performance.now() - started) / 1000).toFixed(1)} s)\n`,
    );
    const scanner = app.get(ReminderScanner);
    const sql = new Sql(app.get(DataSource).manager);
    // No webhook is sent while the scans run: (c) times the scan, (d) the deliveries.
    const webhookQueue = app.get<Queue>(getQueueToken(WEBHOOK_QUEUE));
    await webhookQueue.pause();
    await app.get<Queue>(getQueueToken(MAIL_QUEUE)).pause();
    // The longest unit of work a scan runs: how long it holds SQLite's writer lock at most.
    let longest = 0;
    const run = tx.run.bind(tx);
    tx.run = async (work) => {
      const begun = performance.now();
      try {
        return await run(work);
      } finally {
        longest = Math.max(longest, performance.now() - begun);
      }
    };
    const secs = (ms: number) => (ms / 1000).toFixed(2);
    // This process's CPU time beside the wall time: the part the machine's other load does not stretch.
    let cpuFrom = process.cpuUsage();
    const cpu = () => {
      const used = process.cpuUsage(cpuFrom);
      cpuFrom = process.cpuUsage();
      return `${secs((used.user + used.system) / 1000)} s CPU`;
    };
    cpu();
    const first = await scanner.scan('2027-01-30');
    out(
      `(c) scan of 2027-01-30, first run: ${first.due} due, ${first.raised} notifications and ${first.digests} digests stored in ${secs(first.durationMs)} s, ${cpu()} (goal ≤ 1 s; ${load()})\n`,
    );
    const second = await scanner.scan('2027-01-30');
    out(
      `    the same day again: ${second.due} due, ${second.raised} stored in ${secs(second.durationMs)} s, ${cpu()} (goal ≤ 1 s; ${load()})\n`,
    );
    const next = await scanner.scan('2027-01-31');
    out(
      `    the next day: ${next.due} due, ${next.raised} stored in ${secs(next.durationMs)} s, ${cpu()} (${load()})\n`,
    );
    // The later lead days (30 and 7 days before 31 March): as many reminders
    // again, stored into tables that hold the earlier days' (a year of scans
    // makes them far bigger still).
    const later: ScanResult[] = [];
    for (const day of ['2027-03-01', '2027-03-24'] as const) {
      const stored = Number(
        (await sql.one<{ n: number }>('SELECT COUNT(*) AS n FROM notifications'))?.n ?? 0,
      );
      const result = await scanner.scan(day);
      later.push(result);
      out(
        `    a later lead day, ${day}: ${result.raised} notifications stored beside ${stored} in ${secs(result.durationMs)} s, ${cpu()} (${load()})\n`,
      );
    }
    tx.run = run;
    out(`    longest single transaction of the five scans: ${secs(longest)} s\n`);
    // Where a rescan's time goes: the facts and rules alone, without writing.
    const judging = performance.now();
    await scanner.judge('2027-01-31', new Date('2027-01-31T00:00:00.000Z'));
    out(
      `    of which reading the facts and judging them: ${secs(performance.now() - judging)} s\n`,
    );
    // What each worker reads and judges when two share the day (REMINDER_SCAN_PARTS).
    const partTimes: string[] = [];
    for (let part = 0; part < 2; part++) {
      const scope = WardScope.of(
        { part, parts: 2 },
        wards.map((w) => w.id),
      );
      const begun = performance.now();
      const due = await scanner.judge(
        '2027-01-31',
        new Date('2027-01-31T00:00:00.000Z'),
        scanner.settings,
        scope,
      );
      partTimes.push(
        `${secs(performance.now() - begun)} s (${scope.size} wards, ${due.length} due)`,
      );
    }
    out(`    the same, each of two parts by ward: ${partTimes.join(', ')}\n`);
    ok =
      second.raised === 0 &&
      next.raised === 0 &&
      [first, ...later].every((scan) => scan.raised === first.due);

    // Webhook deliveries raised by the scans for the one ward with a webhook.
    const total = Number(
      (await sql.one<{ n: number }>('SELECT COUNT(*) AS n FROM webhook_deliveries'))?.n ?? 0,
    );
    const state = app.get(QueueState);
    for (let i = 0; i < 100 && !state.up; i++) await new Promise((r) => setTimeout(r, 100));
    if (!state.up) {
      out('(d) webhooks: Redis is not reachable; skipped\n');
      return ok;
    }
    const deliveryStart = performance.now();
    await webhookQueue.resume();
    for (let i = 0; i < 1200 && received.size < total; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const seconds = (performance.now() - deliveryStart) / 1000;
    const delivered = Number(
      (
        await sql.one<{ n: number }>(
          "SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status = 'delivered'",
        )
      )?.n ?? 0,
    );
    out(
      `(d) webhooks: ${received.size} of ${total} deliveries received (${requests} requests) in ${seconds.toFixed(2)} s: ${(received.size / seconds).toFixed(0)} deliveries/s, ${delivered} marked delivered\n`,
    );
    ok = ok && received.size === total && requests === total;
    return ok;
  } finally {
    await app.close();
    receiver.closeAllConnections();
    receiver.close();
    await deleteKeys(config.REDIS_URL, prefix);
    if (process.env.BENCH_KEEP_DIR) out(`kept ${dataDir}\n`);
    else rmSync(dataDir, { recursive: true, force: true });
    await postgres?.drop();
  }
}

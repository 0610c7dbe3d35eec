// Part of `npm run bench` (BENCH_ONLY=xlsx runs it alone; `node
// dist/scripts/bench-xlsx.js` too): the 管理簿 workbook of a long ledger.
// The service on a fresh SQLite file, in a process of its own on loopback;
// two contracts whose ledgers hold 10,000 and 100,000 (BENCH_XLSX_ENTRIES)
// dispatch and receipt entries, appended through the ledger service so that
// the chains verify. Prints, for each export over HTTP: the time to the
// first byte and to the last, the file's size, and the server's resident
// memory before, at its highest while the export ran (sampled) and its
// peak since start (VmHWM); then opens the big workbook with exceljs's
// streaming reader and counts its rows. A flat memory shows as the same
// peak for both sizes. A script, not a test: its figures depend on the machine.
import 'reflect-metadata';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import ExcelJS from 'exceljs';
import { AppModule } from '../src/app.module.js';
import { loadConfig } from '../src/config/app-config.js';
import { TransactionRunner } from '../src/database/transaction-runner.js';
import { ContractsService } from '../src/modules/contracts/contracts.service.js';
import { CustodyService } from '../src/modules/custody/custody.service.js';
import { LedgerService } from '../src/modules/ledger/ledger.service.js';
import {
  actorOf,
  appendHandovers,
  BENCH_PASSWORD,
  benchContractTerms,
  benchDirectory,
  benchLogin,
  freePort,
  runWhenMain,
  startServer,
} from './bench-server.js';
import { deleteKeys } from './redis-keys.js';

const ENTRIES = Number(process.env.BENCH_XLSX_ENTRIES ?? 100_000);
const SMALL = Math.min(10_000, ENTRIES);
const QUEUE_ENV = {
  QUEUE_PREFIX: `kanribo-bench-xlsx-${randomUUID().slice(0, 8)}`,
  REMINDER_SCAN_TIME: 'off',
};
/** Entries per transaction while filling a ledger. */
const APPEND_BATCH = 5000;

/** Users, and two contracts whose ledgers hold `SMALL` and `ENTRIES` entries. */
async function prepare(dataDir: string): Promise<{ small: string; big: string }> {
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'error', ...QUEUE_ENV });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot({ config }), {
    logger: ['error'],
  });
  try {
    const tx = app.get(TransactionRunner);
    const { organization, user } = await benchDirectory(tx, BENCH_PASSWORD);
    const ward = await organization('ベンチ区 戸籍住民課', 'ward');
    const contractor = await organization('ベンチ株式会社', 'contractor');
    const officer = await user(ward, 'bench.officer', 'ward_officer');
    const contracts = app.get(ContractsService);
    const custody = app.get(CustodyService);
    const ledger = app.get(LedgerService);
    const party = {
      userId: officer.id,
      displayName: '山田 太郎',
      organizationId: ward.id,
      organizationName: ward.name,
    };

    const fill = async (title: string, entries: number): Promise<string> => {
      const created = await contracts.create(actorOf(officer), {
        title,
        // The bench times the export; the take-out rows are written into the entries below.
        ...benchContractTerms(contractor.id),
      });
      const contractId = created.contract.id;
      const medium = await custody.registerMedium(actorOf(officer), contractId, {
        kind: 'dvd_r',
        label: 'XLSX-001',
        description: '住民税課税資料',
        recordCount: 1200,
        encrypted: true,
      });
      // Dispatches and receipts (the rows of the 管理簿), with bag and seal
      // numbers Excel would misread in a CSV and, on every tenth handover,
      // the take-out approval its item was written under.
      await appendHandovers({
        tx,
        ledger,
        contractId,
        actor: actorOf(officer),
        party,
        entries,
        batch: APPEND_BATCH,
        row: (n) => ({
          bagId: `${(n % 12) + 1}-${(n % 28) + 1}`,
          sealNumber: String(n).padStart(6, '0'),
          note: `往復 ${n}`,
          item: {
            mediumId: medium.id,
            kind: 'dvd_r',
            label: 'XLSX-001',
            description: '住民税課税資料',
            recordCount: 1200,
            ...(n % 10 === 0
              ? {
                  takeout: {
                    requestId: randomUUID(),
                    approvedByUserId: officer.id,
                    approvedByName: '課長 鈴木',
                    approvedAt: new Date().toISOString(),
                  },
                }
              : {}),
          },
        }),
      });
      return contractId;
    };
    const small = await fill('bench xlsx 小', SMALL);
    const big = await fill('bench xlsx & 大', ENTRIES);
    return { small, big };
  } finally {
    await app.close();
  }
}

/** Resident memory of a process now (VmRSS) and at its highest so far (VmHWM), in MB. */
function memoryMb(pid: number | undefined): { rss: number; hwm: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1]);
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
  } catch {
    return { rss: Number.NaN, hwm: Number.NaN };
  }
}

interface Exported {
  status: number;
  bytes: number;
  firstByteMs: number;
  totalMs: number;
  rssBefore: number;
  rssPeak: number;
  hwmAfter: number;
}

/** Downloads one export to `file`, sampling the server's memory every 20 ms meanwhile. */
async function exportOnce(
  base: string,
  token: string,
  contractId: string,
  pid: number | undefined,
  file: string,
  format: 'xlsx' | 'csv' = 'xlsx',
): Promise<Exported> {
  const before = memoryMb(pid);
  let rssPeak = before.rss;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, memoryMb(pid).rss);
  }, 20);
  try {
    const started = performance.now();
    const response = await fetch(`${base}/api/contracts/${contractId}/ledger/export.${format}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    let firstByteMs = Number.NaN;
    let bytes = 0;
    const out = createWriteStream(file);
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      if (bytes === 0) firstByteMs = performance.now() - started;
      bytes += chunk.length;
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise<void>((resolve, reject) =>
      out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
    const totalMs = performance.now() - started;
    rssPeak = Math.max(rssPeak, memoryMb(pid).rss);
    return {
      status: response.status,
      bytes,
      firstByteMs,
      totalMs,
      rssBefore: before.rss,
      rssPeak,
      hwmAfter: memoryMb(pid).hwm,
    };
  } finally {
    clearInterval(sampler);
  }
}

/** Rows of sheet 管理簿 and the figures of sheet 検証, read with the streaming reader. */
async function readBack(file: string): Promise<{ rows: number; verify: Record<string, string> }> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {
    sharedStrings: 'cache',
    styles: 'ignore',
    hyperlinks: 'ignore',
    worksheets: 'emit',
  });
  let rows = 0;
  const verify: Record<string, string> = {};
  for await (const sheet of reader) {
    // Sheets by position: workbook.xml, which names them, comes last in the zip.
    const first = (sheet as unknown as { id: number }).id === 1;
    for await (const row of sheet) {
      if (first) rows++;
      else verify[row.getCell(1).text] = row.getCell(2).text;
    }
  }
  return { rows: rows - 1, verify };
}

const mb = (n: number) => `${n.toFixed(0)} MB`;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export async function benchXlsx(out: (line: string) => void): Promise<boolean> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kanribo-bench-xlsx-'));
  let server: ChildProcess | undefined;
  try {
    const started = performance.now();
    const { small, big } = await prepare(dataDir);
    out(
      `\nXLSX: ledgers of ${SMALL} and ${ENTRIES} entries prepared in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
    const port = await freePort();
    // BENCH_XLSX_NODE_OPTIONS (say --max-old-space-size=96) runs the server
    // in a small heap: the exports must still go through.
    const nodeOptions = process.env.BENCH_XLSX_NODE_OPTIONS;
    server = await startServer(dataDir, port, {
      ...QUEUE_ENV,
      ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
    });
    if (nodeOptions) out(`XLSX: the server runs with NODE_OPTIONS=${nodeOptions}\n`);
    const base = `http://127.0.0.1:${port}`;
    const token = await benchLogin(base, 'bench.officer');
    let failures = 0;
    let bigFile = '';
    for (const [label, contractId] of [
      [`${SMALL} entries`, small],
      [`${ENTRIES} entries`, big],
    ] as const) {
      const file = join(dataDir, `${contractId}.xlsx`);
      const r = await exportOnce(base, token, contractId, server.pid, file);
      if (r.status !== 200) failures++;
      bigFile = file;
      out(
        `XLSX: export of ${label}: ${(r.bytes / 1e6).toFixed(1)} MB, first byte ${s(r.firstByteMs)} (verify first), done in ${s(r.totalMs)}; server RSS ${mb(r.rssBefore)} before, ${mb(r.rssPeak)} at most during (+${mb(r.rssPeak - r.rssBefore)}), VmHWM ${mb(r.hwmAfter)} after\n`,
      );
    }
    // The CSV of the same ledger, for comparison.
    const csv = await exportOnce(base, token, big, server.pid, join(dataDir, 'big.csv'), 'csv');
    if (csv.status !== 200) failures++;
    out(
      `XLSX: for comparison, the CSV of ${ENTRIES} entries: ${(csv.bytes / 1e6).toFixed(1)} MB, done in ${s(csv.totalMs)}; server RSS ${mb(csv.rssBefore)} before, ${mb(csv.rssPeak)} at most during (+${mb(csv.rssPeak - csv.rssBefore)})\n`,
    );
    const readStarted = performance.now();
    const { rows, verify } = await readBack(bigFile);
    const valid = verify['検証結果']?.startsWith('正常') ?? false;
    out(
      `XLSX: read back with exceljs's streaming reader in ${s(performance.now() - readStarted)}: ${rows} rows on 管理簿; 検証: チェーン長 ${verify['チェーン長']}, ${valid ? 'valid' : 'NOT valid'}\n`,
    );
    if (rows !== ENTRIES || !valid) failures++;
    if (failures > 0) out(`XLSX: ${failures} checks failed\n`);
    return failures === 0;
  } finally {
    server?.kill('SIGTERM');
    await deleteKeys(loadConfig(process.env).REDIS_URL, QUEUE_ENV.QUEUE_PREFIX);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

runWhenMain(import.meta.url, benchXlsx);

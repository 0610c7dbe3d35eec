// Part of `npm run bench` (BENCH_ONLY=pdf runs it alone; `node
// dist/scripts/bench-pdf.js` too): certificate PDFs against the event loop.
// The service on a fresh SQLite file, in a process of its own on loopback;
// certificates of maximum size (every text field at its longest, in kanji that
// are nearly all different, 200 media, a 2,000-character rejection reason).
// Prints /api/health p50/p99 idle and while 4 PDFs render at once (rounds of
// 4 certificates never read before, so nothing comes from memory), the first
// render after start-up and a repeat read. A script, not a test: its figures
// depend on the machine.
import 'reflect-metadata';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { actorOf, benchDirectory, freePort, runWhenMain, startServer } from './bench-server.js';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../src/app.module.js';
import { loadConfig } from '../src/config/app-config.js';
import { TransactionRunner } from '../src/database/transaction-runner.js';
import { CloseoutService } from '../src/modules/closeout/closeout.service.js';
import type { SubmitCertificateRequest } from '../src/modules/closeout/dto/deletion-certificate.dto.js';
import { ContractsService } from '../src/modules/contracts/contracts.service.js';
import { RosterService } from '../src/modules/contracts/roster.service.js';
import { CustodyService } from '../src/modules/custody/custody.service.js';
import { deleteKeys } from './redis-keys.js';

const CONCURRENT = 4;
const ROUNDS = Number(process.env.BENCH_PDF_ROUNDS ?? 3);
const IDLE_SAMPLES = 200;
const PASSWORD = 'bench-password-0123';
const QUEUE_ENV = {
  QUEUE_PREFIX: `kanribo-bench-pdf-${randomUUID().slice(0, 8)}`,
  REMINDER_SCAN_TIME: 'off',
};

/** `length` kanji, walking the CJK block from `start`: nearly every glyph different. */
function kanji(start: number, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += String.fromCodePoint(0x4e00 + ((start + i) % 20_900));
  return text;
}

/** A contract, its roster, 200 media held by the contractor, and `count` rejected certificates of maximum size. */
async function prepare(
  dataDir: string,
  count: number,
): Promise<{ contractId: string; ids: string[] }> {
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'error', ...QUEUE_ENV });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot({ config }), {
    logger: ['error'],
  });
  try {
    const tx = app.get(TransactionRunner);
    const { organization, user } = await benchDirectory(tx, PASSWORD);
    const ward = await organization('ベンチ区', 'ward');
    const contractor = await organization('ベンチ株式会社', 'contractor');
    const officer = actorOf(await user(ward, 'bench.officer', 'ward_officer'));
    const responsible = actorOf(await user(contractor, 'bench.responsible', 'contractor_staff'));
    const contract = await app.get(ContractsService).create(officer, {
      contractorOrganizationId: contractor.id,
      startsOn: '2026-04-01',
      endsOn: '2027-03-31',
      dataItems: ['氏名', '住所'],
      subjectCount: 1000,
      title: 'bench pdf',
      // The bench times the PDF, not training.
      handlingPolicy: { requireTraining: false, requireEmergencyPlan: false },
    });
    const contractId = contract.contract.id;
    await app.get(RosterService).add(officer, contractId, {
      userId: responsible.userId,
      role: 'responsible',
      validFrom: '2026-04-01',
    });
    const custody = app.get(CustodyService);
    const media: string[] = [];
    for (let i = 0; i < 200; i++) {
      const medium = await custody.registerMedium(responsible, contractId, {
        kind: 'dvd_r',
        label: `媒体-${i}-${kanji(i * 37, 20)}`,
        description: kanji(i * 53, 200),
        recordCount: 100,
        encrypted: true,
      });
      media.push(medium.id);
    }
    // Each certificate is rejected before the next is submitted: a medium
    // is covered by one pending certificate at a time.
    const closeout = app.get(CloseoutService);
    const ids: string[] = [];
    for (let n = 0; n < count; n++) {
      const at = n * 977;
      const request = {
        certificateNumber: `DC-BENCH-${String(n).padStart(4, '0')}`,
        erasedAt: new Date(Date.now() - 3_600_000).toISOString(),
        scope: {
          dataItems: Array.from({ length: 100 }, (_, i) => kanji(at + i * 200, 200)),
          systems: Array.from({ length: 100 }, (_, i) => kanji(at + 20_000 + i * 300, 300)),
          places: Array.from({ length: 100 }, (_, i) => kanji(at + 50_000 + i * 300, 300)),
        },
        mediaIds: media,
        method: 'purge',
        tool: kanji(at + 1, 300),
        verification: kanji(at + 2, 2000),
        performedBy: kanji(at + 3, 200),
        witnessedBy: kanji(at + 4, 200),
      } as SubmitCertificateRequest;
      const submitted = await closeout.submit(responsible, contractId, request);
      await closeout.reject(officer, contractId, submitted.id, { reason: kanji(at + 5, 2000) });
      ids.push(submitted.id);
    }
    return { contractId, ids };
  } finally {
    await app.close();
  }
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const ms = (n: number) => `${n.toFixed(1)} ms`;

export async function benchPdf(out: (line: string) => void): Promise<boolean> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kanribo-bench-pdf-'));
  let server: ChildProcess | undefined;
  try {
    const started = performance.now();
    const { contractId, ids } = await prepare(dataDir, 1 + ROUNDS * CONCURRENT);
    out(
      `\nPDF: ${ids.length} certificates of maximum size prepared in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
    const port = await freePort();
    server = await startServer(dataDir, port, {
      ...(process.env.PDF_WORKERS ? { PDF_WORKERS: process.env.PDF_WORKERS } : {}),
      ...QUEUE_ENV,
    });
    const base = `http://127.0.0.1:${port}`;
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ loginId: 'bench.officer', password: PASSWORD }),
    }).then((r) => r.json() as Promise<{ token: string }>);
    const headers = { authorization: `Bearer ${login.token}` };
    let failures = 0;
    const health = async (): Promise<number> => {
      const t0 = performance.now();
      const r = await fetch(`${base}/api/health`);
      await r.arrayBuffer();
      if (!r.ok) failures++;
      return performance.now() - t0;
    };
    const pdf = async (id: string): Promise<{ ms: number; bytes: number }> => {
      const t0 = performance.now();
      const r = await fetch(`${base}/api/contracts/${contractId}/deletion-certificates/${id}.pdf`, {
        headers,
      });
      const bytes = (await r.arrayBuffer()).byteLength;
      if (r.status !== 200) failures++;
      return { ms: performance.now() - t0, bytes };
    };

    // Idle (this also lets the workers' start-up warm-up finish).
    const idle: number[] = [];
    for (let i = 0; i < IDLE_SAMPLES; i++) idle.push(await health());
    idle.sort((a, b) => a - b);

    const first = await pdf(ids[0]!);
    const repeats: number[] = [];
    for (let i = 0; i < 5; i++) repeats.push((await pdf(ids[0]!)).ms);
    repeats.sort((a, b) => a - b);

    // Rounds of 4 concurrent first reads, /api/health asked one after the other meanwhile.
    const busy: number[] = [];
    const renders: number[] = [];
    const rounds: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const batch = ids.slice(1 + round * CONCURRENT, 1 + (round + 1) * CONCURRENT);
      let done = false;
      const t0 = performance.now();
      const pdfs = Promise.all(batch.map((id) => pdf(id))).finally(() => {
        done = true;
      });
      while (!done) busy.push(await health());
      renders.push(...(await pdfs).map((r) => r.ms));
      rounds.push(performance.now() - t0);
    }
    busy.sort((a, b) => a - b);
    renders.sort((a, b) => a - b);

    out(
      `PDF: first render after start-up ${ms(first.ms)} (${(first.bytes / 1e6).toFixed(2)} MB); a repeat read: median ${ms(percentile(repeats, 50))}\n`,
    );
    out(
      `PDF: ${ROUNDS} rounds of ${CONCURRENT} concurrent renders: each PDF p50 ${ms(percentile(renders, 50))}, max ${ms(renders.at(-1)!)}; a round ${rounds.map((r) => (r / 1000).toFixed(2)).join(', ')} s\n`,
    );
    out(
      `PDF: /api/health idle p50 ${ms(percentile(idle, 50))} p99 ${ms(percentile(idle, 99))} (${idle.length}); while rendering p50 ${ms(percentile(busy, 50))} p99 ${ms(percentile(busy, 99))} max ${ms(busy.at(-1)!)} (${busy.length})  (goal: p99 < 50 ms while rendering)\n`,
    );
    if (failures > 0) out(`PDF: ${failures} requests failed\n`);
    return failures === 0;
  } finally {
    server?.kill('SIGTERM');
    await deleteKeys(loadConfig(process.env).REDIS_URL, QUEUE_ENV.QUEUE_PREFIX);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

runWhenMain(import.meta.url, benchPdf);

// Part of `npm run bench` (BENCH_ONLY=web runs it alone; `node
// dist/scripts/bench-web.js` too): the web app's home screen as a ward
// officer opens it. The built service on a fresh SQLite file, in a process of
// its own on loopback, with one officer holding BENCH_WEB_MEDIA media on
// BENCH_WEB_CONTRACTS contracts (3; a ward officer may see 100); Debian's Chromium (playwright-core) signs in through the
// API's cookie session and opens / in a new browser context each time (an
// empty cache), BENCH_WEB_RUNS times. Prints the gzipped size of the
// JavaScript the home screen loads and the time from navigation to the home
// screen being usable (every list filled in: the work across contracts, the
// audits, the inbox), median and worst. A script, not
// a test: its figures depend on the machine.
import 'reflect-metadata';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { NestFactory } from '@nestjs/core';
import { chromium, type Page } from 'playwright-core';
import { AppModule } from '../src/app.module.js';
import { loadConfig } from '../src/config/app-config.js';
import { TransactionRunner } from '../src/database/transaction-runner.js';
import { ContractsService } from '../src/modules/contracts/contracts.service.js';
import { CustodyService } from '../src/modules/custody/custody.service.js';
import {
  actorOf,
  BENCH_PASSWORD,
  benchContractTerms,
  benchDirectory,
  freePort,
  runWhenMain,
  startServer,
} from './bench-server.js';
import { deleteKeys } from './redis-keys.js';

const MEDIA = Number(process.env.BENCH_WEB_MEDIA ?? 30);
const CONTRACTS = Number(process.env.BENCH_WEB_CONTRACTS ?? 3);
const RUNS = Number(process.env.BENCH_WEB_RUNS ?? 10);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const QUEUE_ENV = {
  QUEUE_PREFIX: `kanribo-bench-web-${randomUUID().slice(0, 8)}`,
  REMINDER_SCAN_TIME: 'off',
};

/** An officer holding `MEDIA` media spread over `CONTRACTS` contracts. */
async function prepare(dataDir: string): Promise<void> {
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'error', ...QUEUE_ENV });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot({ config }), {
    logger: ['error'],
  });
  try {
    const { organization, user } = await benchDirectory(app.get(TransactionRunner), BENCH_PASSWORD);
    const ward = await organization('ベンチ区 戸籍住民課', 'ward');
    const contractor = await organization('ベンチ株式会社', 'contractor');
    const officer = actorOf(await user(ward, 'bench.officer', 'ward_officer'));
    for (let c = 0; c < CONTRACTS; c++) {
      const created = await app.get(ContractsService).create(officer, {
        title: `住民税課税資料のデータ入力業務委託 ${c + 1}`,
        ...benchContractTerms(contractor.id),
      });
      for (let m = c; m < MEDIA; m += CONTRACTS) {
        await app.get(CustodyService).registerMedium(officer, created.contract.id, {
          kind: 'dvd_r',
          label: `住民-${String(m + 1).padStart(3, '0')}`,
          description: '住民税課税資料',
          recordCount: 1200,
          encrypted: true,
        });
      }
    }
  } finally {
    await app.close();
  }
}

/**
 * The home screen is usable: the media the officer holds are counted (the
 * total, even beyond the first 100 listed), and no list is still loading.
 */
async function usable(page: Page): Promise<void> {
  await page.getByRole('heading', { name: `手元で保管中の媒体（${MEDIA}件）` }).waitFor();
  await page.locator('[aria-busy="true"]').first().waitFor({ state: 'detached' });
}

/** The session cookies of a cookie login, as the browser keeps them. */
async function sessionCookies(base: string) {
  const response = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ loginId: 'bench.officer', password: BENCH_PASSWORD, session: 'cookie' }),
  });
  if (!response.ok) throw new Error(`login: ${response.status}`);
  return response.headers.getSetCookie().map((header) => {
    const [name, value] = header.split(';')[0]!.split('=') as [string, string];
    return { name, value, url: base };
  });
}

export async function benchWeb(out: (line: string) => void): Promise<boolean> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kanribo-bench-web-'));
  let server: ChildProcess | undefined;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'],
  });
  try {
    await prepare(dataDir);
    const port = await freePort();
    server = await startServer(dataDir, port, QUEUE_ENV);
    const base = `http://127.0.0.1:${port}`;
    const cookies = await sessionCookies(base);
    const times: number[] = [];
    const warm: number[] = [];
    let scripts = { raw: 0, gzip: 0, files: 0 };
    for (let run = 0; run < RUNS; run++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      await context.addCookies(cookies);
      const page = await context.newPage();
      const loaded: Buffer[] = [];
      page.on('response', (response) => {
        if (response.url().endsWith('.js')) void response.body().then((b) => loaded.push(b));
      });
      const started = performance.now();
      if (process.env.BENCH_WEB_TRACE) {
        page.on('response', (r) =>
          out(
            `  ${(performance.now() - started).toFixed(0).padStart(5)} ms ${r.status()} ${r.url().replace(base, '')}\n`,
          ),
        );
      }
      await page.goto(`${base}/`);
      await usable(page);
      times.push(performance.now() - started);
      if (run === 0) {
        scripts = {
          files: loaded.length,
          raw: loaded.reduce((n, b) => n + b.length, 0),
          gzip: loaded.reduce((n, b) => n + gzipSync(b, { level: 9 }).length, 0),
        };
      }
      // The next morning's visit: the same browser, its cache holding the app's files.
      const again = performance.now();
      await page.goto(`${base}/`);
      await usable(page);
      warm.push(performance.now() - again);
      await context.close();
    }
    times.sort((a, b) => a - b);
    warm.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    out(
      `web app: the home screen loads ${scripts.files} script(s), ${(scripts.raw / 1024).toFixed(0)} kB, ${(scripts.gzip / 1024).toFixed(1)} kB gzipped (goal ≤ 250 kB)\n`,
    );
    out(
      `web app: navigation to a usable home screen (${MEDIA} media on ${CONTRACTS} contracts, empty cache): median ${median.toFixed(0)} ms, worst ${times[times.length - 1]!.toFixed(0)} ms over ${RUNS} runs (goal < 1000 ms)\n`,
    );
    out(
      `web app: the same with the app's files cached: median ${warm[Math.floor(warm.length / 2)]!.toFixed(0)} ms, worst ${warm[warm.length - 1]!.toFixed(0)} ms\n`,
    );
    return scripts.gzip <= 250 * 1024 && median < 1000;
  } finally {
    await browser.close();
    server?.kill();
    await deleteKeys(loadConfig(process.env).REDIS_URL, QUEUE_ENV.QUEUE_PREFIX);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

runWhenMain(import.meta.url, benchWeb);

// Part of `npm run bench` (BENCH_ONLY=evidence runs it alone; `node
// dist/scripts/bench-evidence.js` too): the evidence package of a long
// 管理簿 (issue 13). The service on a fresh SQLite file (synchronous=FULL),
// in a process of its own on loopback. Two contracts whose ledgers hold
// BENCH_EVIDENCE_ENTRIES / 10 (10,000) and BENCH_EVIDENCE_ENTRIES (100,000)
// entries — dispatches and receipts written by SQL as the Merkle bench writes
// them, the tree rebuilt with rebuildTree — then BENCH_EVIDENCE_CERTIFICATES
// (5) deletion certificates submitted over HTTP (each a PDF in the package).
// Prints, for each GET …/evidence (after one warm-up download): the time to
// the last byte, the package's size, and what the server's memory grew by
// while it ran over its baseline (after a garbage collection): resident
// memory sampled from /proc every 10 ms, and the heap and the buffers outside
// it sampled inside the server (scripts/bench-memory-probe.ts). Flat memory
// shows as the same growth for both sizes. Then the built kanribo-verify on
// each package, a child process with the published key pinned:
// BENCH_EVIDENCE_VERIFY_RUNS (3) runs of the big one, its wall time (goal
// < 3 s, node's start-up included), its CPU time (what a loaded machine
// changes least) and peak resident memory (VmHWM).
// A script, not a test: its figures depend on the machine.
import 'reflect-metadata';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  createWriteStream,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/app-config.js';
import { buildDataSourceOptions, SQLITE_FILE_NAME } from '../src/database/data-source-options.js';
import { rebuildTree } from '../src/modules/ledger/transparency/tree-store.js';
import { api, fillLedger, seedBenchParties } from './bench-merkle.js';
import type { MemoryReport } from './bench-memory-probe.js';
import {
  BENCH_PASSWORD,
  benchContractTerms,
  freePort,
  runWhenMain,
  startServer,
} from './bench-server.js';
import { deleteKeys } from './redis-keys.js';

const ENTRIES = Number(process.env.BENCH_EVIDENCE_ENTRIES ?? 100_000);
const SMALL = Math.max(1, Math.round(ENTRIES / 10));
const CERTIFICATES = Number(process.env.BENCH_EVIDENCE_CERTIFICATES ?? 5);
const VERIFY_RUNS = Number(process.env.BENCH_EVIDENCE_VERIFY_RUNS ?? 3);

const here = fileURLToPath(new URL('.', import.meta.url));
const PROBE = pathToFileURL(join(here, 'bench-memory-probe.js')).href;
const VERIFIER = join(here, '../src/cli/verify-evidence.js');

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** Resident memory of a process now, in bytes, from /proc (Linux); NaN elsewhere. */
function rssOf(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) * 1024;
  } catch {
    return Number.NaN;
  }
}

/** Asks the server's probe for its report (`file`.ask) and waits until it is written. */
async function probe(file: string, last: number): Promise<MemoryReport> {
  writeFileSync(`${file}.ask`, '');
  for (let i = 0; i < 500; i++) {
    await new Promise((r) => setTimeout(r, 10));
    if (!existsSync(file)) continue;
    try {
      const report = JSON.parse(readFileSync(file, 'utf8')) as MemoryReport;
      if (report.serial > last) return report;
    } catch {
      // Read while being written: try again.
    }
  }
  throw new Error('the memory probe did not answer');
}

interface Prepared {
  base: string;
  db: Database.Database;
  officer: string;
  contracts: Array<{ id: string; entries: number }>;
}

/** Users by SQL; over HTTP, a contract with its responsible person and a DVD-R; its ledger by SQL; its tree; its certificates over HTTP. */
async function prepare(
  dataDir: string,
  base: string,
  out: (line: string) => void,
): Promise<Prepared> {
  const db = new Database(join(dataDir, SQLITE_FILE_NAME));
  const { ward, contractor, officerId, handlerId: responsibleId } = await seedBenchParties(db);
  const login = async (loginId: string) =>
    (
      await api<{ token: string }>(base, 'POST', '/api/auth/login', undefined, {
        loginId,
        password: BENCH_PASSWORD,
      })
    ).token;
  const officer = await login('bench.officer');
  const responsible = await login('bench.handler');
  const contracts: Prepared['contracts'] = [];
  for (const entries of [SMALL, ENTRIES]) {
    const started = performance.now();
    const { id } = await api<{ id: string }>(base, 'POST', '/api/contracts', officer, {
      title: `bench evidence ${entries}`,
      ...benchContractTerms(contractor.id),
    });
    await api(base, 'POST', `/api/contracts/${id}/roster`, officer, {
      userId: responsibleId,
      role: 'responsible',
      validFrom: '2026-04-01',
    });
    const medium = await api<{ id: string }>(base, 'POST', `/api/contracts/${id}/media`, officer, {
      kind: 'dvd_r',
      label: 'BENCH-0-0',
      description: 'ベンチマーク用',
      recordCount: 100,
      encrypted: true,
    });
    const party = {
      userId: officerId,
      displayName: '山田 太郎',
      organizationId: ward.id,
      organizationName: ward.name,
    };
    // The certificates' entries come after the fill: the fill stops short of them.
    const length = fillLedger(
      db,
      id,
      {
        userId: officerId,
        loginId: 'bench.officer',
        displayName: '山田 太郎',
        organizationId: ward.id,
        role: 'ward_officer',
      },
      party,
      medium.id,
      entries - CERTIFICATES,
    );
    const filled = performance.now();
    const dataSource = new DataSource(buildDataSourceOptions({ DATA_DIR: dataDir }));
    await dataSource.initialize();
    try {
      await dataSource.transaction((manager) => rebuildTree(manager, id));
    } finally {
      await dataSource.destroy();
    }
    const treed = performance.now();
    for (let i = 0; i < CERTIFICATES; i++) {
      await api(base, 'POST', `/api/contracts/${id}/deletion-certificates`, responsible, {
        contractId: id,
        certificateNumber: `DC-BENCH-${entries}-${i + 1}`,
        erasedAt: new Date(Date.now() - 60_000).toISOString(),
        scope: { dataItems: ['氏名', '住所'], systems: [`PC-${i + 1}`], places: ['本社'] },
        mediaIds: [],
        method: 'purge',
        tool: 'CryptoErase 2.1',
        verification: '鍵破棄を確認',
        performedBy: '作業 五郎',
      });
    }
    db.pragma('wal_checkpoint(TRUNCATE)');
    contracts.push({ id, entries: length + CERTIFICATES });
    out(
      `evidence: a ledger of ${length + CERTIFICATES} entries: ${length} by SQL in ${s(filled - started)}, its tree rebuilt in ${s(treed - filled)}, ${CERTIFICATES} deletion certificates over HTTP in ${s(performance.now() - treed)}\n`,
    );
  }
  return { base, db, officer, contracts };
}

interface Downloaded {
  status: number;
  bytes: number;
  ms: number;
  rssBaseline: number;
  rssPeak: number;
  report: MemoryReport;
  baseline: MemoryReport;
}

/** GET …/evidence to `file`, the server's memory sampled meanwhile. */
async function download(
  prepared: Prepared,
  server: ChildProcess,
  probeFile: string,
  contractId: string,
  file: string,
): Promise<Downloaded> {
  const pid = server.pid!;
  const read = () => {
    try {
      return (JSON.parse(readFileSync(probeFile, 'utf8')) as MemoryReport).serial;
    } catch {
      return 0;
    }
  };
  const baseline = await probe(probeFile, read());
  const rssBaseline = rssOf(pid);
  let rssPeak = rssBaseline;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, rssOf(pid));
  }, 10);
  try {
    const started = performance.now();
    const response = await fetch(`${prepared.base}/api/contracts/${contractId}/evidence`, {
      headers: { authorization: `Bearer ${prepared.officer}` },
    });
    let bytes = 0;
    const sink = createWriteStream(file);
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      if (!sink.write(chunk)) await new Promise<void>((r) => sink.once('drain', () => r()));
    }
    await new Promise<void>((resolve, reject) =>
      sink.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
    const ms = performance.now() - started;
    rssPeak = Math.max(rssPeak, rssOf(pid));
    const report = await probe(probeFile, baseline.serial);
    return { status: response.status, bytes, ms, rssBaseline, rssPeak, report, baseline };
  } finally {
    clearInterval(sampler);
  }
}

/** The built kanribo-verify on `file`, a child process with the key pinned: exit code, wall time, peak RSS. */
async function verifyOnce(
  file: string,
  key: string,
  probeFile: string,
): Promise<{
  code: number | null;
  ms: number;
  cpuMs: number;
  maxRss: number;
  stdout: string;
  stderr: string;
}> {
  rmSync(probeFile, { force: true });
  const started = performance.now();
  const child = spawn(process.execPath, [VERIFIER, file, '--key', key], {
    env: {
      PATH: process.env.PATH,
      NODE_OPTIONS: `--import=${PROBE}`,
      BENCH_MEMORY_FILE: probeFile,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const ms = performance.now() - started;
  let report: Partial<MemoryReport> = {};
  try {
    report = JSON.parse(readFileSync(probeFile, 'utf8')) as MemoryReport;
  } catch {
    // No report: the figures stay unknown.
  }
  const maxRss = report.maxRss ?? Number.NaN;
  return { code, ms, cpuMs: report.cpuMs ?? Number.NaN, maxRss, stdout, stderr };
}

export async function benchEvidence(out: (line: string) => void): Promise<boolean> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kanribo-bench-evidence-'));
  const queuePrefix = `kanribo-bench-evidence-${randomUUID().slice(0, 8)}`;
  const probeFile = join(dataDir, 'server-memory.json');
  let server: ChildProcess | undefined;
  let db: Database.Database | undefined;
  let failures = 0;
  try {
    out(
      `\nevidence: SQLite synchronous=FULL; packages of ${SMALL} and ${ENTRIES} entries, ${CERTIFICATES} certificate PDFs each\n`,
    );
    const port = await freePort();
    server = await startServer(dataDir, port, {
      QUEUE_PREFIX: queuePrefix,
      REMINDER_SCAN_TIME: 'off',
      // BENCH_EVIDENCE_NODE_OPTIONS (say --max-old-space-size=160) runs the
      // server in a small heap: what the package holds, not what V8 lets pile up.
      NODE_OPTIONS:
        `--expose-gc --import=${PROBE} ${process.env.BENCH_EVIDENCE_NODE_OPTIONS ?? ''}`.trim(),
      BENCH_MEMORY_FILE: probeFile,
    });
    if (process.env.BENCH_EVIDENCE_NODE_OPTIONS) {
      out(`evidence: the server runs with ${process.env.BENCH_EVIDENCE_NODE_OPTIONS}\n`);
    }
    const prepared = await prepare(dataDir, `http://127.0.0.1:${port}`, out);
    db = prepared.db;
    const [small, big] = prepared.contracts as [Prepared['contracts'][0], Prepared['contracts'][0]];
    // One download first, not counted: the PDF renderer's fonts, archiver and zlib load, the JIT warms up.
    await download(prepared, server, probeFile, small.id, join(dataDir, 'warm-up.zip'));
    const files: Record<string, string> = {};
    const grown: number[] = [];
    for (const contract of [small, big]) {
      const file = join(dataDir, `evidence-${contract.entries}.zip`);
      files[contract.id] = file;
      const d = await download(prepared, server, probeFile, contract.id, file);
      if (d.status !== 200) failures++;
      const { peak } = d.report;
      const { after } = d.baseline;
      grown.push(d.rssPeak - d.rssBaseline);
      out(
        `evidence: GET …/evidence of ${contract.entries} entries: ${(d.bytes / 1e6).toFixed(1)} MB in ${s(d.ms)} (${((contract.entries / d.ms) * 1000).toFixed(0)} entries/s), status ${d.status}; server RSS +${mb(d.rssPeak - d.rssBaseline)} over its baseline ${mb(d.rssBaseline)} (sampled /proc); inside: heap used +${mb(peak.heapUsed - after.heapUsed)} (baseline ${mb(after.heapUsed)}), buffers outside the heap +${mb(peak.arrayBuffers - after.arrayBuffers)}, RSS +${mb(peak.rss - after.rss)}\n`,
      );
    }
    out(
      `evidence: RSS growth ${ENTRIES} / ${SMALL} entries: ${(grown[1]! / grown[0]!).toFixed(2)} (flat memory: about 1, not ${(ENTRIES / SMALL).toFixed(0)})\n`,
    );

    // The verifier on each package, offline, with the published key pinned.
    const { verifierKey } = await api<{ verifierKey: string }>(
      prepared.base,
      'GET',
      '/api/transparency/key',
    );
    const verifyProbe = join(dataDir, 'verify-memory.json');
    for (const [contract, runs] of [
      [small, 1],
      [big, VERIFY_RUNS],
    ] as const) {
      const results = [];
      for (let i = 0; i < runs; i++) {
        const r = await verifyOnce(files[contract.id]!, verifierKey, verifyProbe);
        results.push(r);
        const chain = new RegExp(`^OK {2}hash chain: ${contract.entries} entries`, 'm');
        if (r.code !== 0 || !chain.test(r.stdout)) {
          failures++;
          out(`evidence: kanribo-verify exited ${r.code}:\n${r.stdout}${r.stderr}\n`);
        }
      }
      const times = results.map((r) => r.ms).sort((a, b) => a - b);
      out(
        `evidence: kanribo-verify of ${contract.entries} entries (a child process, key pinned): median ${s(times[Math.floor(times.length / 2)]!)} (runs ${results.map((r) => s(r.ms)).join(', ')}${contract === big ? '; goal < 3 s' : ''}; CPU ${results.map((r) => s(r.cpuMs)).join(', ')}, the machine's load ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores), peak RSS ${results.map((r) => mb(r.maxRss)).join(', ')}, exit ${results.map((r) => r.code).join(', ')}\n`,
      );
    }
    if (failures > 0) out(`evidence: ${failures} checks failed\n`);
    return failures === 0;
  } finally {
    server?.kill('SIGTERM');
    db?.close();
    await deleteKeys(loadConfig(process.env).REDIS_URL, queuePrefix);
    if (process.env.BENCH_KEEP_DIR) out(`kept ${dataDir}\n`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}

runWhenMain(import.meta.url, benchEvidence);

// Part of `npm run bench` (BENCH_ONLY=merkle runs it alone; `node
// dist/scripts/bench-merkle.js` too): the Merkle tree of a long 管理簿
// (issue 13). The service on a fresh SQLite file (synchronous=FULL), in a
// process of its own on loopback. One contract's ledger is filled to
// BENCH_MERKLE_ENTRIES (1,000,000) entries — dispatches and receipts, valid
// chained entries written straight into ledger_entries — and its tree built
// with rebuildTree (timed). Then, measured over HTTP:
//  - the append rate with the tree maintained: the handover load of the main
//    bench (dispatch and receive, one append each; BENCH_CONNECTIONS
//    connections, BENCH_DURATION s a run) against the long contract and
//    against a fresh one, BENCH_MERKLE_ROUNDS runs each. With
//    BENCH_MERKLE_BASELINE=<a built checkout of the commit before the tree>
//    the same is prepared on a second server started from that checkout's
//    dist/src/main.js, on its own file, and the two are loaded in turn
//    (A B, B A, ...), so that both see the same machine: the ratio is the
//    tree's cost on appends (goal: within 5 %). Each run also prints the
//    server's CPU per append and how many cores other processes kept busy
//    meanwhile (a shared machine shows there). BENCH_MERKLE_BASELINE=. runs
//    this checkout against itself: the noise floor;
//  - inclusion and consistency proofs (BENCH_MERKLE_PROOFS sequential
//    requests at random seqs, at most BENCH_MERKLE_PROOF_SECONDS s each;
//    goal < 5 ms), each checked against the signed checkpoint's root, and
//    the same proofs from the service in-process (no HTTP);
//  - GET …/ledger/checkpoint;
//  - GET …/ledger/verify of the whole chain: wall time, and the server's CPU
//    across its threads (the verify workers' included).
// Files are prepared through the HTTP API and plain SQL only, so that the
// baseline's server prepares its own schema. SQLite only: the benches have
// no PostgreSQL setting. It needs about 2 GB of disk per server for the
// default size. A script, not a test: its figures depend on the machine.
import 'reflect-metadata';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { hash as argon2 } from '@node-rs/argon2';
import Database from 'better-sqlite3';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module.js';
import { loadConfig } from '../src/config/app-config.js';
import { buildDataSourceOptions, SQLITE_FILE_NAME } from '../src/database/data-source-options.js';
import {
  canonicalJson,
  type LedgerActor,
  type StoredEntry,
  storedEntryHash,
} from '../src/modules/ledger/hash-chain.js';
import {
  inclusionRanges,
  type NodeId,
  rangeNodes,
  verifyConsistency,
  verifyInclusion,
} from '../src/modules/ledger/transparency/merkle.js';
import { buildTreeTable } from '../migrations/1764760000000-MerkleTree.js';
import { TransparencyService } from '../src/modules/ledger/transparency/transparency.service.js';
import {
  entryLeafHash,
  nodeHolder,
  rebuildTree,
} from '../src/modules/ledger/transparency/tree-store.js';
import type { LoadResult } from './bench-load.js';
import {
  cpuTimesMs,
  freePort,
  load,
  machineBusyMs,
  runWhenMain,
  startServer,
  BENCH_PASSWORD,
  benchContractTerms,
} from './bench-server.js';
import { deleteKeys } from './redis-keys.js';

const ENTRIES = Number(process.env.BENCH_MERKLE_ENTRIES ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_MERKLE_ROUNDS ?? 4);
const PROOFS = Number(process.env.BENCH_MERKLE_PROOFS ?? 2000);
const PROOF_SECONDS = Number(process.env.BENCH_MERKLE_PROOF_SECONDS ?? 30);
const VERIFY_RUNS = Number(process.env.BENCH_MERKLE_VERIFY_RUNS ?? 3);
const BASELINE = process.env.BENCH_MERKLE_BASELINE;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const WARM_UP_S = Math.min(5, DURATION_S);
/** Entries per transaction while filling the long ledger. */
const FILL_BATCH = 10_000;

interface Party {
  token: string;
  userId: string;
}

/** One server and its file: this checkout's (the tree), or the baseline's. */
interface Side {
  name: 'tree' | 'baseline';
  dataDir: string;
  server: ChildProcess;
  base: string;
  queuePrefix: string;
  db: Database.Database;
  officer: Party;
  handler: Party;
  small: string;
  big: string;
  /** ROUNDS + 1 sets of one DVD-R per connection, per contract: a fresh set for each run, the first for the warm-up. */
  media: Record<string, string[][]>;
}

const ms = (t: number) => `${t.toFixed(2)} ms`;
const s = (t: number) => `${(t / 1000).toFixed(2)} s`;

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

const summary = (times: number[]) => {
  const sorted = [...times].sort((a, b) => a - b);
  return `median ${ms(quantile(sorted, 0.5))}, p99 ${ms(quantile(sorted, 0.99))}, max ${ms(sorted[sorted.length - 1] ?? Number.NaN)} (${times.length} requests)`;
};

/**
 * A ward, a contractor, a ward officer (`bench.officer`) and a contractor's
 * handler (`bench.handler`), written by SQL into a bench's fresh database.
 */
export async function seedBenchParties(db: Database.Database): Promise<{
  ward: { id: string; name: string };
  contractor: { id: string; name: string };
  officerId: string;
  handlerId: string;
}> {
  db.pragma('busy_timeout = 10000');
  // Only the preparation writes through this connection: a crash loses a bench file.
  db.pragma('synchronous = NORMAL');
  const now = new Date().toISOString();
  const ward = { id: randomUUID(), name: 'ベンチ区' };
  const contractor = { id: randomUUID(), name: 'ベンチ株式会社' };
  const insertOrg = db.prepare(
    'INSERT INTO organizations (id, name, kind, created_at) VALUES (?, ?, ?, ?)',
  );
  insertOrg.run(ward.id, ward.name, 'ward', now);
  insertOrg.run(contractor.id, contractor.name, 'contractor', now);
  const passwordHash = await argon2(BENCH_PASSWORD);
  const insertUser = db.prepare(
    `INSERT INTO users (id, organization_id, login_id, display_name, role, password_hash,
       previous_password_hashes, must_change_password, active, created_at)
     VALUES (?, ?, ?, ?, ?, ?, '[]', 0, 1, ?)`,
  );
  const officerId = randomUUID();
  const handlerId = randomUUID();
  insertUser.run(
    officerId,
    ward.id,
    'bench.officer',
    '山田 太郎',
    'ward_officer',
    passwordHash,
    now,
  );
  insertUser.run(
    handlerId,
    contractor.id,
    'bench.handler',
    '佐藤 花子',
    'contractor_staff',
    passwordHash,
    now,
  );
  return { ward, contractor, officerId, handlerId };
}

/** A seeded generator (mulberry32), so that runs draw the same seqs. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function api<T>(
  base: string,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<T> {
  const send = () =>
    fetch(`${base}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  // A GET once more when the connection failed: a kept-alive socket the
  // server closed while the bench worked in-process.
  const response = await send().catch((error: unknown) => {
    if (method !== 'GET') throw error;
    return send();
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/**
 * Starts a server on a fresh file (it applies its own migrations), adds the
 * users by SQL and, over HTTP, two contracts with a handler on their roster
 * and the DVD-Rs the loads walk around; then fills the long contract's
 * ledger to ENTRIES entries by SQL.
 */
async function prepareSide(
  name: Side['name'],
  main: string | undefined,
  out: (line: string) => void,
): Promise<Side> {
  const dataDir = mkdtempSync(join(tmpdir(), `kanribo-bench-merkle-${name}-`));
  const queuePrefix = `kanribo-bench-merkle-${name}-${randomUUID().slice(0, 8)}`;
  const port = await freePort();
  const server = await startServer(
    dataDir,
    port,
    { QUEUE_PREFIX: queuePrefix, REMINDER_SCAN_TIME: 'off' },
    main,
  );
  const opened: { db?: Database.Database } = {};
  try {
    return await fillSide(name, dataDir, server, queuePrefix, port, opened, out);
  } catch (error) {
    server.kill('SIGTERM');
    opened.db?.close();
    await deleteKeys(loadConfig(process.env).REDIS_URL, queuePrefix);
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

async function fillSide(
  name: Side['name'],
  dataDir: string,
  server: ChildProcess,
  queuePrefix: string,
  port: number,
  opened: { db?: Database.Database },
  out: (line: string) => void,
): Promise<Side> {
  const base = `http://127.0.0.1:${port}`;
  const db = new Database(join(dataDir, SQLITE_FILE_NAME));
  opened.db = db;
  const { ward, contractor, officerId, handlerId } = await seedBenchParties(db);
  const login = async (loginId: string, userId: string): Promise<Party> => {
    const { token } = await api<{ token: string }>(base, 'POST', '/api/auth/login', undefined, {
      loginId,
      password: BENCH_PASSWORD,
    });
    return { token, userId };
  };
  const officer = await login('bench.officer', officerId);
  const handler = await login('bench.handler', handlerId);
  const media: Record<string, string[][]> = {};
  const contract = async (title: string): Promise<string> => {
    const { id } = await api<{ id: string }>(base, 'POST', '/api/contracts', officer.token, {
      title,
      ...benchContractTerms(contractor.id),
    });
    await api(base, 'POST', `/api/contracts/${id}/roster`, officer.token, {
      userId: handlerId,
      role: 'handler',
      validFrom: '2026-04-01',
    });
    media[id] = [];
    for (let round = 0; round <= ROUNDS; round++) {
      const set: string[] = [];
      for (let i = 0; i < CONNECTIONS; i++) {
        const medium = await api<{ id: string }>(
          base,
          'POST',
          `/api/contracts/${id}/media`,
          officer.token,
          {
            kind: 'dvd_r',
            label: `BENCH-${round}-${i}`,
            description: 'ベンチマーク用',
            recordCount: 100,
            encrypted: true,
          },
        );
        set.push(medium.id);
      }
      media[id].push(set);
    }
    return id;
  };
  const small = await contract('bench merkle 小');
  const big = await contract('bench merkle 大');
  const started = performance.now();
  const filled = fillLedger(
    db,
    big,
    {
      userId: officerId,
      loginId: 'bench.officer',
      displayName: '山田 太郎',
      organizationId: ward.id,
      role: 'ward_officer',
    },
    {
      userId: officerId,
      displayName: '山田 太郎',
      organizationId: ward.id,
      organizationName: ward.name,
    },
    media[big]![0]![0]!,
  );
  out(
    `merkle: ${name}: ${filled} entries written into the long ledger by SQL in ${s(performance.now() - started)}\n`,
  );
  return { name, dataDir, server, base, queuePrefix, db, officer, handler, small, big, media };
}

/**
 * Appends valid chained entries to a contract's ledger by SQL, from its head
 * on, until it holds `entries` (ENTRIES): dispatches and receipts in turn, as
 * the main bench's long ledger, hashed as the service hashes them. Updates the
 * head's seq and hash (not the tree: rebuildTree does that). Returns the new
 * length. The evidence bench fills its ledgers with it too.
 */
export function fillLedger(
  db: Database.Database,
  contractId: string,
  actor: LedgerActor,
  party: Record<string, string>,
  mediumId: string,
  entries = ENTRIES,
): number {
  const head = db
    .prepare('SELECT seq, hash FROM ledger_heads WHERE contract_id = ?')
    .get(contractId) as { seq: number; hash: string };
  const actorJson = canonicalJson(actor);
  const insert = db.prepare(
    `INSERT INTO ledger_entries
       (contract_id, seq, type, occurred_at, recorded_at, actor, payload, prev_hash, hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const item = {
    mediumId,
    kind: 'dvd_r',
    label: 'BENCH-0-0',
    description: 'ベンチマーク用',
    recordCount: 100,
  };
  let seq = head.seq;
  let prevHash = head.hash;
  let handoverId = '';
  const batch = db.transaction((count: number) => {
    const at = new Date().toISOString();
    for (let i = 0; i < count; i++) {
      seq++;
      // Entry 1 of the fill is a dispatch whatever the head's parity.
      const dispatch = (seq - head.seq) % 2 === 1;
      if (dispatch) handoverId = randomUUID();
      const n = Math.floor((seq - head.seq - 1) / 2);
      const payload = {
        handoverId,
        purpose: 'internal',
        method: 'hand',
        bagId: `BAG-${n % 100}`,
        sealNumber: String(n).padStart(6, '0'),
        from: party,
        to: party,
        items: [item],
        ...(dispatch
          ? { note: `往復 ${n}` }
          : {
              sealIntact: true,
              sha256: {},
              fingerprintMismatches: [],
              compromisedMediumIds: [],
              states: { [mediumId]: 'held' },
            }),
      };
      const row: StoredEntry = {
        contractId,
        seq,
        type: dispatch ? 'handover_dispatched' : 'handover_received',
        occurredAt: at,
        recordedAt: at,
        actor: actorJson,
        payload: canonicalJson(payload),
        prevHash,
        hash: '',
      };
      row.hash = storedEntryHash(row);
      insert.run(
        row.contractId,
        row.seq,
        row.type,
        row.occurredAt,
        row.recordedAt,
        row.actor,
        row.payload,
        row.prevHash,
        row.hash,
      );
      prevHash = row.hash;
    }
    db.prepare('UPDATE ledger_heads SET seq = ?, hash = ? WHERE contract_id = ?').run(
      seq,
      prevHash,
      contractId,
    );
  });
  while (seq < entries) batch(Math.min(FILL_BATCH, entries - seq));
  db.pragma('wal_checkpoint(TRUNCATE)');
  return seq;
}

/** Builds the long ledger's tree with rebuildTree, as the migration and ledger:rebuild do. */
async function buildTree(side: Side, out: (line: string) => void): Promise<void> {
  const dataSource = new DataSource(buildDataSourceOptions({ DATA_DIR: side.dataDir }));
  await dataSource.initialize();
  try {
    // The nodes are in ledger_tree_nodes before TreeNodesInEntries (a baseline
    // checkout of that time), in the entries after: each built as its appends build it.
    const table = side.db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ledger_tree_nodes'")
      .get();
    const started = performance.now();
    const size = await dataSource.transaction(async (manager) => {
      if (!table) return rebuildTree(manager, side.big);
      await buildTreeTable(manager, side.big);
      return ENTRIES;
    });
    const took = performance.now() - started;
    const { nodes } = side.db
      .prepare(
        table
          ? 'SELECT count(*) AS nodes FROM ledger_tree_nodes WHERE contract_id = ?'
          : 'SELECT sum(length(tree_nodes)) / 64 AS nodes FROM ledger_entries WHERE contract_id = ?',
      )
      .get(side.big) as { nodes: number };
    side.db.pragma('wal_checkpoint(TRUNCATE)');
    const fileMb = statSync(join(side.dataDir, SQLITE_FILE_NAME)).size / 1e6;
    out(
      `merkle: ${side.name}: rebuildTree of ${size} entries: ${s(took)} (${((size / took) * 1000).toFixed(0)} entries/s), ${nodes} nodes stored; the file is ${fileMb.toFixed(0)} MB\n`,
    );
  } finally {
    await dataSource.destroy();
  }
}

type Run = LoadResult & {
  otherCores: number;
  side: Side['name'];
  which: 'small' | 'big';
  entriesPerSecond: number;
  cpuUsPerAppend: number;
  userUsPerAppend: number;
};

async function appendRun(
  side: Side,
  which: 'small' | 'big',
  set: number,
  duration = DURATION_S,
): Promise<Run> {
  const contractId = which === 'small' ? side.small : side.big;
  const length = () =>
    (
      side.db.prepare('SELECT seq FROM ledger_heads WHERE contract_id = ?').get(contractId) as {
        seq: number;
      }
    ).seq;
  const before = length();
  const cpuBefore = cpuTimesMs(side.server.pid);
  const busyBefore = machineBusyMs();
  const ownBefore = process.cpuUsage();
  const result = await load({
    kind: 'handovers',
    base: side.base,
    connections: CONNECTIONS,
    duration,
    contractId,
    media: side.media[contractId]![set]!,
    officer: side.officer,
    handler: side.handler,
  });
  const appended = length() - before;
  const cpuAfter = cpuTimesMs(side.server.pid);
  const serverUserMs = cpuAfter.user - cpuBefore.user;
  const serverMs = serverUserMs + cpuAfter.system - cpuBefore.system;
  const own = process.cpuUsage(ownBefore);
  // What the rest of the machine (other processes than the server, the load
  // and this one) kept busy meanwhile, in cores: the run's disturbance.
  const othersMs =
    machineBusyMs() - busyBefore - serverMs - result.clientCpuMs - (own.user + own.system) / 1000;
  return {
    ...result,
    side: side.name,
    which,
    entriesPerSecond: appended / duration,
    cpuUsPerAppend: (serverMs * 1000) / appended,
    userUsPerAppend: (serverUserMs * 1000) / appended,
    otherCores: Math.max(0, othersMs) / 1000 / duration,
  };
}

const runLine = (r: Run) =>
  `${r.entriesPerSecond.toFixed(0).padStart(5)} entries/s (${r.requestsPerSecond.toFixed(0)} req/s), p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, server CPU ${r.cpuUsPerAppend.toFixed(0)} µs/append (user ${r.userUsPerAppend.toFixed(0)}), ${r.non2xx} non-2xx, ${r.errors} errors; other processes ${r.otherCores.toFixed(2)} cores`;

const mean = (runs: Run[]) => runs.reduce((sum, r) => sum + r.entriesPerSecond, 0) / runs.length;
const meanCpu = (runs: Run[]) => runs.reduce((sum, r) => sum + r.cpuUsPerAppend, 0) / runs.length;

/**
 * The handover load against both contracts of each side, ROUNDS times, the
 * sides in turn (A B, B A, ...) and the contracts in turn, so that drift over
 * the run (the files grow, the machine warms up) weighs on all alike.
 */
async function appendRates(sides: Side[], out: (line: string) => void): Promise<boolean> {
  out(
    `\nmerkle: appends, the handover load (dispatch and receive, one append each), ${CONNECTIONS} connections, ${DURATION_S} s a run, ${ROUNDS} runs per side and contract${sides.length > 1 ? ', sides in turn (A B, B A, ...)' : ''}\n`,
  );
  // A warm-up of each server and contract first (the JIT, the page cache), not counted.
  for (const side of sides) {
    for (const which of ['small', 'big'] as const) await appendRun(side, which, 0, WARM_UP_S);
  }
  const runs: Run[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const contracts = round % 2 === 0 ? (['small', 'big'] as const) : (['big', 'small'] as const);
    for (const which of contracts) {
      const order = round % 2 === 0 ? sides : [...sides].reverse();
      for (const side of order) {
        const run = await appendRun(side, which, round + 1);
        runs.push(run);
        out(`merkle: run ${round + 1} ${side.name.padEnd(8)} ${which.padEnd(5)} ${runLine(run)}\n`);
      }
    }
  }
  const of = (name: Side['name'], which: 'small' | 'big') =>
    runs.filter((r) => r.side === name && r.which === which);
  for (const side of sides) {
    const small = of(side.name, 'small');
    const big = of(side.name, 'big');
    out(
      `merkle: ${side.name}: fresh contract ${mean(small).toFixed(0)} entries/s (${meanCpu(small).toFixed(0)} µs/append), ${ENTRIES}-entry contract ${mean(big).toFixed(0)} entries/s (${meanCpu(big).toFixed(0)} µs/append); long/fresh ${(mean(big) / mean(small)).toFixed(3)}\n`,
    );
  }
  if (sides.length > 1) {
    for (const which of ['small', 'big'] as const) {
      const tree = of('tree', which);
      const baseline = of('baseline', which);
      const ratio = mean(tree) / mean(baseline);
      // The runs of a round ran back to back: their ratios, one per round, are what drift least.
      const pairs = tree.map((r, i) => r.entriesPerSecond / baseline[i]!.entriesPerSecond);
      const sortedPairs = [...pairs].sort((a, b) => a - b);
      const half = sortedPairs.length / 2;
      const median =
        sortedPairs.length % 2 === 1
          ? sortedPairs[Math.floor(half)]!
          : (sortedPairs[half - 1]! + sortedPairs[half]!) / 2;
      out(
        `merkle: tree/baseline, ${which === 'small' ? 'fresh contract' : `${ENTRIES}-entry contract`}: ${ratio.toFixed(3)} (${((ratio - 1) * 100).toFixed(1)} %; runs tree ${tree.map((r) => r.entriesPerSecond.toFixed(0)).join(', ')} vs baseline ${baseline.map((r) => r.entriesPerSecond.toFixed(0)).join(', ')} entries/s; per round ${pairs.map((p) => p.toFixed(3)).join(', ')}, median ${median.toFixed(3)}); CPU per append ${(meanCpu(tree) / meanCpu(baseline)).toFixed(3)} (goal: within 5 %)\n`,
      );
    }
  }
  return runs.every((r) => r.non2xx === 0 && r.errors === 0);
}

interface InclusionBody {
  seq: number;
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  rootHash: string;
  proof: string[];
}

interface ConsistencyBody {
  from: number;
  to: number;
  fromRootHash: string;
  toRootHash: string;
  proof: string[];
}

/**
 * Runs `request` for each of `inputs` in turn, within PROOF_SECONDS: the
 * time of each in ms, and what each answered (checked after, untimed).
 */
async function timed<T, R>(
  inputs: readonly T[],
  request: (input: T) => Promise<R>,
): Promise<{ times: number[]; answers: Array<[T, R]> }> {
  const times: number[] = [];
  const answers: Array<[T, R]> = [];
  const deadline = performance.now() + PROOF_SECONDS * 1000;
  for (const input of inputs) {
    const started = performance.now();
    const answer = await request(input);
    times.push(performance.now() - started);
    answers.push([input, answer]);
    if (performance.now() > deadline) break;
  }
  return { times, answers };
}

const buf = (hex: string) => Buffer.from(hex, 'hex');

/** Checkpoint, proofs and verify over HTTP, the proofs in-process too, on the tree side's long ledger. */
async function proofs(side: Side, out: (line: string) => void): Promise<boolean> {
  const path = `/api/contracts/${side.big}/ledger`;
  const get = <T>(query: string) => api<T>(side.base, 'GET', `${path}${query}`, side.officer.token);
  let failures = 0;

  // The checkpoint of the whole ledger: the first call signs one (the
  // loads ended between two interval checkpoints), later ones read it.
  let started = performance.now();
  const checkpoint = await get<{ treeSize: number; rootHash: string; reason: string }>(
    '/checkpoint',
  );
  const firstMs = performance.now() - started;
  const size = checkpoint.treeSize;
  const checkpoints = await timed(Array.from({ length: PROOFS }), () =>
    get<{ treeSize: number; rootHash: string }>('/checkpoint'),
  );
  for (const [, again] of checkpoints.answers) {
    if (again.treeSize !== size || again.rootHash !== checkpoint.rootHash) failures++;
  }
  out(
    `\nmerkle: GET …/ledger/checkpoint of ${size} entries: first ${ms(firstMs)} (reason ${checkpoint.reason}), then ${summary(checkpoints.times)}\n`,
  );

  const draw = random(13);
  const seqs = Array.from({ length: PROOFS }, () => 1 + Math.floor(draw() * size));
  const inclusions = await timed(seqs, (seq) =>
    get<InclusionBody>(`/proof/inclusion?seq=${seq}&size=${size}`),
  );
  // Each proof leads from the stored entry's leaf to the checkpoint's root.
  const entry = side.db.prepare(
    'SELECT contract_id AS contractId, seq, type, occurred_at AS occurredAt, recorded_at AS recordedAt, actor, payload, prev_hash AS prevHash, hash FROM ledger_entries WHERE contract_id = ? AND seq = ?',
  );
  for (const [seq, proof] of inclusions.answers) {
    const leaf = entryLeafHash(entry.get(side.big, seq) as StoredEntry);
    const ok =
      proof.rootHash === checkpoint.rootHash &&
      leaf.toString('hex') === proof.leafHash &&
      verifyInclusion(leaf, seq - 1, size, proof.proof.map(buf), buf(checkpoint.rootHash));
    if (!ok) failures++;
  }
  out(
    `merkle: GET …/proof/inclusion?seq=&size=${size}: ${summary(inclusions.times)} (goal < 5 ms; each checked: the stored entry's leaf, the checkpoint's root)\n`,
  );

  const froms = Array.from({ length: PROOFS }, () => 1 + Math.floor(draw() * (size - 1)));
  const consistencies = await timed(froms, (from) =>
    get<ConsistencyBody>(`/proof/consistency?from=${from}&to=${size}`),
  );
  for (const [from, proof] of consistencies.answers) {
    const ok =
      proof.toRootHash === checkpoint.rootHash &&
      verifyConsistency(
        from,
        size,
        buf(proof.fromRootHash),
        buf(checkpoint.rootHash),
        proof.proof.map(buf),
      );
    if (!ok) failures++;
  }
  out(
    `merkle: GET …/proof/consistency?from=&to=${size}: ${summary(consistencies.times)} (each checked against the checkpoint's root)\n`,
  );

  const verifyTimes: number[] = [];
  // The server's CPU across its threads (the verify workers' included): what
  // a walk costs whatever the cores, so what more cores would make of it.
  const verifyCpu: number[] = [];
  let verdict: { valid: boolean; length: number } | undefined;
  for (let i = 0; i < VERIFY_RUNS; i++) {
    const cpu = cpuTimesMs(side.server.pid);
    started = performance.now();
    verdict = await get<{ valid: boolean; length: number }>('/verify');
    verifyTimes.push(performance.now() - started);
    const after = cpuTimesMs(side.server.pid);
    verifyCpu.push(after.user + after.system - cpu.user - cpu.system);
    if (!verdict.valid) failures++;
  }
  const sorted = [...verifyTimes].sort((a, b) => a - b);
  const cpuSorted = [...verifyCpu].sort((a, b) => a - b);
  out(
    `merkle: GET …/ledger/verify: ${verdict?.length} entries, valid=${verdict?.valid}: median ${s(quantile(sorted, 0.5))} (runs ${verifyTimes.map(s).join(', ')}; goal < 3 s); server CPU median ${s(quantile(cpuSorted, 0.5))} across its threads\n`,
  );

  // The server-side part: the same proofs from the service, in this process.
  const config = loadConfig({
    DATA_DIR: side.dataDir,
    LOG_LEVEL: 'error',
    QUEUE_PREFIX: side.queuePrefix,
    REMINDER_SCAN_TIME: 'off',
  });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot({ config }), {
    logger: ['error'],
  });
  try {
    const transparency = app.get(TransparencyService);
    const inProcess = await timed(seqs, (seq) => transparency.inclusionProof(side.big, seq, size));
    const inProcessConsistency = await timed(froms, (from) =>
      transparency.consistencyProof(side.big, from, size),
    );
    out(
      `merkle: in-process TransparencyService.inclusionProof: ${summary(inProcess.times)}; consistencyProof: ${summary(inProcessConsistency.times)}\n`,
    );
  } finally {
    await app.close();
  }
  out(readNodesPlan(side, size, seqs[0]!));

  if (failures > 0) out(`merkle: ${failures} checks failed\n`);
  return failures === 0;
}

/**
 * How SQLite runs the query TransparencyService's readNodes sends for one
 * inclusion proof (the entries that keep its nodes, by primary key), and its
 * time here.
 */
function readNodesPlan(side: Side, size: number, seq: number): string {
  const index = seq - 1;
  const ranges: Array<readonly [number, number]> = [
    [index, index + 1],
    [0, size],
    ...inclusionRanges(index, size),
  ];
  const ids: NodeId[] = ranges.flatMap(([a, b]) => rangeNodes(a, b));
  const seqs = [...new Set(ids.map((id) => nodeHolder(id).seq))];
  const text = `SELECT seq, tree_nodes FROM ledger_entries WHERE contract_id = ? AND seq IN (${seqs.map(() => '?').join(', ')})`;
  const params = [side.big, ...seqs];
  const statement = side.db.prepare(text);
  const plan = [
    ...new Set(
      (
        side.db.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...params) as Array<{ detail: string }>
      ).map((row) => row.detail),
    ),
  ];
  const times: number[] = [];
  const deadline = performance.now() + 10_000;
  for (let i = 0; i < 20 && performance.now() < deadline; i++) {
    const started = performance.now();
    statement.all(...params);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return `merkle: readNodes' query for one inclusion proof (${ids.length} nodes in ${seqs.length} entries), in SQLite directly: ${ms(quantile(times, 0.5))} (median of ${times.length}); plan: ${plan.slice(0, 2).join(' / ')}\n`;
}

export async function benchMerkle(out: (line: string) => void): Promise<boolean> {
  const sides: Side[] = [];
  let ok = true;
  try {
    out(
      `\nmerkle: SQLite synchronous=FULL; a ledger of ${ENTRIES} entries${BASELINE ? `; baseline: ${BASELINE}` : ''}\n`,
    );
    const tree = await prepareSide('tree', undefined, out);
    sides.push(tree);
    await buildTree(tree, out);
    if (BASELINE) {
      const main = resolve(BASELINE, 'dist/src/main.js');
      if (!existsSync(main)) throw new Error(`${main} is missing: build the baseline checkout`);
      const baseline = await prepareSide('baseline', main, out);
      sides.push(baseline);
      // A baseline that keeps a tree too (BENCH_MERKLE_BASELINE=. is the A/A run: the noise floor).
      const hasTree = baseline.db
        .prepare("SELECT 1 FROM pragma_table_info('ledger_heads') WHERE name = 'tree_frontier'")
        .get();
      if (hasTree) await buildTree(baseline, out);
    }
    if (!(await appendRates(sides, out))) ok = false;
    if (!(await proofs(tree, out))) ok = false;
    return ok;
  } finally {
    const redis = loadConfig(process.env).REDIS_URL;
    for (const side of sides) {
      side.server.kill('SIGTERM');
      side.db.close();
      await deleteKeys(redis, side.queuePrefix);
      if (process.env.BENCH_KEEP_DIR) out(`kept ${side.dataDir}\n`);
      else rmSync(side.dataDir, { recursive: true, force: true });
    }
  }
}

runWhenMain(import.meta.url, benchMerkle);

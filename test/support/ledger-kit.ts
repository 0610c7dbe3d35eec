import { createHash, verify } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { TestApp } from './test-app.js';

/**
 * Helpers for the ledger specs: an independent re-implementation of the hash
 * chain (from PRODUCT.md, not from the service's code), raw SQL that works on
 * both drivers, projection snapshots, a CSV reader and a seeded PRNG.
 */

/** `prevHash` of entry 1. */
export const GENESIS = '0'.repeat(64);

export interface ServedEntry {
  contractId: string;
  seq: number;
  type: string;
  occurredAt: string;
  recordedAt: string;
  actor: Record<string, unknown>;
  payload: Record<string, any>;
  prevHash: string;
  hash: string;
}

/** Lowercase hex SHA-256 of the UTF-8 bytes of the RFC 8785 canonical JSON of the entry without `hash`. */
export function recomputeHash(entry: Omit<ServedEntry, 'hash'> & { hash?: string }): string {
  const rest: Record<string, unknown> = { ...entry };
  delete rest.hash;
  const text = canonicalize(rest);
  if (text === undefined) throw new Error('entry has no JSON form');
  return createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex');
}

export function canonicalText(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('value has no JSON form');
  return text;
}

/** Every entry of a contract's ledger, read page by page through the API. */
export async function readLedger(
  t: TestApp,
  contractId: string,
  token: string,
  pageSize = 1000,
): Promise<ServedEntry[]> {
  const entries: ServedEntry[] = [];
  let after = 0;
  for (;;) {
    const page = await t.get(
      `/api/contracts/${contractId}/ledger?afterSeq=${after}&limit=${pageSize}`,
      token,
    );
    if (page.status !== 200) throw new Error(`ledger page: ${page.status} ${page.text}`);
    entries.push(...(page.body.items as ServedEntry[]));
    if (page.body.nextAfterSeq === null) return entries;
    after = page.body.nextAfterSeq as number;
  }
}

/**
 * Checks a whole served chain without the service: seqs 1..n, each hash
 * recomputed from the canonical JSON, each prevHash the hash before it.
 * Returns the problems found (empty when intact), so that a failure names them.
 */
export function chainProblems(entries: ServedEntry[], contractId: string): string[] {
  const problems: string[] = [];
  let previous = GENESIS;
  entries.forEach((entry, index) => {
    const where = `entry ${index + 1} (seq ${entry.seq})`;
    if (entry.seq !== index + 1) problems.push(`${where}: seq is not ${index + 1}`);
    if (entry.contractId !== contractId) problems.push(`${where}: contractId ${entry.contractId}`);
    if (!/^[0-9a-f]{64}$/.test(entry.hash)) problems.push(`${where}: hash is not lowercase hex`);
    if (entry.prevHash !== previous) problems.push(`${where}: prevHash does not link`);
    if (recomputeHash(entry) !== entry.hash) problems.push(`${where}: hash does not recompute`);
    previous = entry.hash;
  });
  return problems;
}

/** Raw SQL with `?` placeholders on both drivers (PostgreSQL wants `$1`, `$2`…). */
export function sql<T = any>(t: TestApp, query: string, params: unknown[] = []): Promise<T[]> {
  let text = query;
  if (t.database.kind === 'postgres') {
    let n = 0;
    text = query.replace(/\?/g, () => `$${++n}`);
  }
  return t.dataSource.query(text, params);
}

/** The projection tables that are rebuilt from the ledger, with their primary keys. */
export const PROJECTIONS: Record<string, string> = {
  media: 'id',
  handovers: 'id',
  handover_items: 'handover_id, medium_id',
  incidents: 'id',
  roster_entries: 'id',
  designated_places: 'id',
  place_consents: 'id',
  copy_permissions: 'id',
  handler_trainings: 'id',
  emergency_plans: 'contract_id',
  audits: 'id',
  audit_checklists: 'contract_id',
  audit_findings: 'id',
  status_reports: 'id',
};

/** Booleans as 1/0 (SQLite answers 0/1, PostgreSQL true/false); integers as numbers. */
function normalize(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(row).sort()) {
    const value = row[key];
    out[key] = typeof value === 'boolean' ? (value ? 1 : 0) : value;
  }
  return out;
}

export type Snapshot = Record<string, Array<Record<string, unknown>>>;

/** Every row of every projection table, in primary-key order. */
export async function snapshotProjections(
  t: TestApp,
  tables: Record<string, string> = PROJECTIONS,
): Promise<Snapshot> {
  const snapshot: Snapshot = {};
  for (const [table, key] of Object.entries(tables)) {
    const rows = await sql<Record<string, unknown>>(t, `SELECT * FROM "${table}" ORDER BY ${key}`);
    snapshot[table] = rows.map(normalize);
  }
  return snapshot;
}

/**
 * Every projection as kept live, then again after `tables` were emptied and
 * every projection rebuilt from the ledger alone: the two must be equal.
 */
export async function rebuiltAfterEmptying(
  t: TestApp,
  tables: string[],
): Promise<{ live: Snapshot; rebuilt: Snapshot }> {
  const live = await snapshotProjections(t);
  for (const table of tables) await sql(t, `DELETE FROM "${table}"`);
  // Imported here, once the app is up: the ledger service alone meets an import cycle of the entities.
  const { LedgerService } = await import('../../src/modules/ledger/ledger.service.js');
  await t.app.get(LedgerService).rebuildProjections();
  return { live, rebuilt: await snapshotProjections(t) };
}

/** RFC 4180 reader: rows of cells, quotes undone. Lines end in CRLF (a bare LF is kept in the cell). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        cell += ch;
      }
    } else if (ch === '"' && cell === '') {
      quoted = true;
    } else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else {
      cell += ch;
    }
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** `YYYY/MM/DD HH:mm` in Tokyo (UTC+9 all year: Japan has no summer time). */
export function tokyoMinute(iso: string): string {
  const d = new Date(Date.parse(iso) + 9 * 3_600_000).toISOString();
  return `${d.slice(0, 4)}/${d.slice(5, 7)}/${d.slice(8, 10)} ${d.slice(11, 16)}`;
}

/** mulberry32: a tiny deterministic PRNG, so that a failing sequence can be replayed. */
export function prng(seed: number) {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    /** An integer in [0, n). */
    int: (n: number): number => Math.floor(next() * n),
    /** An integer in [min, max]. */
    between: (min: number, max: number): number => min + Math.floor(next() * (max - min + 1)),
    chance: (p: number): boolean => next() < p,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[Math.floor(next() * items.length)]!;
    },
    /** Up to `n` distinct items, in their original order. */
    some<T>(items: readonly T[], n: number): T[] {
      const chosen = new Set<number>();
      const want = Math.min(n, items.length);
      while (chosen.size < want) chosen.add(Math.floor(next() * items.length));
      return [...chosen].sort((a, b) => a - b).map((i) => items[i]!);
    },
  };
}
export type Prng = ReturnType<typeof prng>;

/**
 * Runs a request that must be refused and proves it wrote nothing: the
 * ledger and the given projection tables keep their row counts.
 */
export async function writesNothing<T>(
  t: TestApp,
  tables: string[],
  attempt: () => Promise<T>,
): Promise<T> {
  const counts = async () => {
    const out: Record<string, number> = {};
    for (const table of ['ledger_entries', ...tables]) out[table] = await t.count(table);
    return out;
  };
  const before = await counts();
  const response = await attempt();
  expect(await counts()).toEqual(before);
  return response;
}

/**
 * The Merkle tree hash of RFC 9162 §2.1 over served entries, written from the
 * RFC's recursive definition (not from the service's code): leaf =
 * SHA-256(0x00 ‖ the entry's canonical JSON, hash included).
 */
export function merkleLeaf(entry: ServedEntry): Buffer {
  return createHash('sha256')
    .update(Buffer.from([0]))
    .update(Buffer.from(canonicalText(entry), 'utf8'))
    .digest();
}

export function merkleRoot(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return createHash('sha256').digest();
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return createHash('sha256')
    .update(Buffer.from([1]))
    .update(merkleRoot(leaves.slice(0, k)))
    .update(merkleRoot(leaves.slice(k)))
    .digest();
}

/**
 * Opens a C2SP signed checkpoint with an Ed25519 public key (PEM), using
 * only node:crypto: the text's three lines, and whether the signature line
 * of `keyName` verifies over the text.
 */
export function openCheckpoint(
  note: string,
  keyName: string,
  publicKeyPem: string,
): { origin: string; size: number; root: Buffer; verified: boolean } {
  const split = note.lastIndexOf('\n\n');
  const text = note.slice(0, split + 1);
  const [origin, size, root] = text.split('\n') as [string, string, string];
  const line = note
    .slice(split + 2)
    .split('\n')
    .find((l) => l.startsWith(`\u2014 ${keyName} `));
  let verified = false;
  if (line) {
    const bytes = Buffer.from(line.slice(`\u2014 ${keyName} `.length), 'base64');
    verified = verify(null, Buffer.from(text, 'utf8'), publicKeyPem, bytes.subarray(4));
  }
  return { origin, size: Number(size), root: Buffer.from(root, 'base64'), verified };
}

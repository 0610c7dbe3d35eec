import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  CHANGED_WHILE_VERIFIED,
  type ChainRange,
  entryOfRow,
  joinRanges,
  RangeCheck,
  type RangeWalk,
  TREE_MISMATCH,
} from './chain-range.js';
import {
  canonicalJson,
  ChainVerifier,
  type ChainVerdict,
  GENESIS_HASH,
  type RecordedHead,
  type StoredEntry,
  storedEntryHash,
} from './hash-chain.js';
import { entryLeafHash } from './transparency/tree-store.js';
import verifyRange from './verify.worker.js';

/** A row as the walks read it: the entry's columns, then its stored leaf. */
type Row = unknown[];

const actor = canonicalJson({
  userId: 'u1',
  loginId: 'sato',
  displayName: '佐藤 花子',
  organizationId: 'o1',
  role: 'ward_officer',
});

const entryOf = (row: Row): StoredEntry => entryOfRow(row);

const rowOf = (e: StoredEntry, leaf = entryLeafHash(e).toString('hex')): Row => [
  e.contractId,
  e.seq,
  e.type,
  e.occurredAt,
  e.recordedAt,
  e.actor,
  e.payload,
  e.prevHash,
  e.hash,
  leaf,
];

/** A valid chain of `length` entries, as rows with their leaves. */
function chain(length: number, from = 1, prevHash = GENESIS_HASH): Row[] {
  const rows: Row[] = [];
  for (let seq = from; seq < from + length; seq++) {
    const unhashed = {
      contractId: 'c1',
      seq,
      type: 'handover_dispatched',
      occurredAt: '2026-04-01T00:00:00.000Z',
      recordedAt: '2026-04-01T01:00:00.000Z',
      actor,
      payload: canonicalJson({ n: seq, label: `DVD-R ${seq}`, note: '住民記録' }),
      prevHash,
    };
    const entry = { ...unhashed, hash: storedEntryHash({ ...unhashed, hash: '' }) };
    rows.push(rowOf(entry));
    prevHash = entry.hash;
  }
  return rows;
}

/** Rows in the order of their seq column, as the walks' queries read them. */
const bySeq = (rows: readonly Row[]) =>
  [...rows].sort((a, b) => (a[1] as number) - (b[1] as number));

/**
 * The oracle: one walk of the whole chain, as `…/ledger/verify` did before
 * ranges: the chain checked entry by entry, each entry's leaf compared, the
 * chain's failure first, then the recorded heads, then the tree.
 */
function oneWalk(rows: readonly Row[], heads: { before?: RecordedHead; after?: RecordedHead }) {
  const verifier = new ChainVerifier(heads.before ? [heads.before.seq] : []);
  let mismatch: number | undefined;
  for (const row of bySeq(rows)) {
    const entry = entryOf(row);
    verifier.push(entry);
    if (verifier.done) break;
    if (mismatch === undefined && entryLeafHash(entry).toString('hex') !== row[9]) {
      mismatch = entry.seq;
    }
  }
  const verdict = verifier.result(heads);
  if (verdict.valid && mismatch !== undefined) {
    return { valid: false, length: mismatch - 1, firstInvalidSeq: mismatch, reason: TREE_MISMATCH };
  }
  return verdict;
}

let dir: string;
let file: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kanribo-ranges-'));
  file = join(dir, 'ledger.sqlite');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Bytes a forged row stores as text, valid UTF-8 or not (SQLite keeps them
 * as given). In a row, its string is what better-sqlite3 reads back: the
 * bytes decoded, each ill-formed sequence a U+FFFD (which the e2e test of
 * the worker checks against better-sqlite3 itself).
 */
class TextBytes {
  constructor(readonly bytes: Buffer) {}
  toString(): string {
    return this.bytes.toString('utf8');
  }
}

/** The rows as the only ledger of a SQLite file, in the columns of the real table (a seq as the row has it: 3.5 stays 3.5). */
function store(rows: readonly Row[], encoding = 'UTF-8'): void {
  rmSync(file, { force: true });
  const db = new Database(file);
  try {
    db.pragma(`encoding = '${encoding}'`);
    db.exec(`CREATE TABLE ledger_entries (contract_id varchar NOT NULL, seq integer NOT NULL,
        type varchar NOT NULL, occurred_at varchar NOT NULL, recorded_at varchar NOT NULL,
        actor text NOT NULL, payload text NOT NULL, prev_hash varchar NOT NULL,
        hash varchar NOT NULL, tree_nodes text, PRIMARY KEY (contract_id, seq))`);
    db.transaction(() => {
      for (const row of rows) {
        const places = row.map((v) => (v instanceof TextBytes ? 'CAST(? AS TEXT)' : '?'));
        db.prepare(`INSERT INTO ledger_entries VALUES (${places.join(', ')})`).run(
          ...row.map((v) => (v instanceof TextBytes ? v.bytes : (v as string | number | null))),
        );
      }
    })();
  } finally {
    db.close();
  }
}

/** Bytes from strings and byte values, joined. */
const bytesOf = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

/** Each range walked by the worker's own code over the SQLite file, `pageSize` rows a query, then joined. */
async function byRanges(
  rows: readonly Row[],
  ranges: readonly ChainRange[],
  heads: { before?: RecordedHead; after?: RecordedHead },
  pageSize: number,
  encoding = 'UTF-8',
): Promise<ChainVerdict> {
  store(rows, encoding);
  const walks: RangeWalk[] = [];
  for (const range of ranges) {
    const { walk, threadId, bytes } = await verifyRange({
      source: { kind: 'sqlite', file },
      contractId: 'c1',
      range,
      pageSize,
    });
    expect(threadId).toBe(0);
    // A UTF-8 file is read as bytes; any other as text.
    expect(bytes).toBe(encoding === 'UTF-8');
    walks.push(walk);
  }
  return joinRanges(walks, heads);
}

/** Contiguous ranges from entry 1 cut before each of `cuts`; the last open. */
function rangesCutAt(cuts: readonly number[], remember: readonly number[]): ChainRange[] {
  const starts = [1, ...cuts];
  return starts.map((first, i) => ({
    first,
    last: i + 1 < starts.length ? starts[i + 1]! - 1 : null,
    remember,
  }));
}

/** A small deterministic generator (mulberry32), so that a failure repeats. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TAMPERINGS: Record<string, (rows: Row[], at: number) => void> = {
  'nothing changed': () => undefined,
  'an entry deleted': (rows, at) => void rows.splice(at, 1),
  'a payload changed': (rows, at) => {
    rows[at]![6] = canonicalJson({ n: -1 });
  },
  'a prevHash changed': (rows, at) => {
    rows[at]![7] = 'f'.repeat(64);
  },
  'a leaf changed': (rows, at) => {
    rows[at]![9] = '0'.repeat(64);
  },
  'a leaf lost': (rows, at) => {
    rows[at]![9] = null;
  },
  'an entry moved past the end': (rows, at) => {
    rows[at]![1] = rows.length + 3;
  },
  'two entries swapped': (rows, at) => {
    const other = (at * 7 + 3) % rows.length;
    const seq = rows[at]![1];
    rows[at]![1] = rows[other]![1];
    rows[other]![1] = seq;
  },
  'an entry forged between two seqs': (rows, at) => {
    rows.push([...rows[at]!.slice(0, 1), (rows[at]![1] as number) + 0.5, ...rows[at]!.slice(2)]);
  },
  'an entry forged before the first': (rows, at) => {
    rows.push([...rows[at]!.slice(0, 1), 0.5, ...rows[at]!.slice(2)]);
  },
  'entries forged beyond the head, chained': (rows) => {
    const last = entryOf(rows[rows.length - 1]!);
    rows.push(...chain(2, last.seq + 1, last.hash));
  },
  'an entry rewritten and the chain recomputed after it, the tree left alone': (rows, at) => {
    let prevHash = entryOf(rows[at]!).prevHash;
    for (let i = at; i < rows.length; i++) {
      const entry = { ...entryOf(rows[i]!), payload: canonicalJson({ rewritten: i }), prevHash };
      entry.hash = storedEntryHash(entry);
      prevHash = entry.hash;
      rows[i] = rowOf(entry, rows[i]![9] as string);
    }
  },
  'the last entries cut off': (rows, at) => void rows.splice(at),
  'a payload stored as text that is not UTF-8': (rows, at) => {
    rows[at]![6] = new TextBytes(
      bytesOf('{"a":"', [0xe6, 0x80], '","b":"', [0x80, 0xc0, 0xaf], '"}'),
    );
  },
  'an entry rewritten with a payload that is not UTF-8, its hash and leaf recomputed from the text it reads as':
    (rows, at) => {
      const payload = new TextBytes(
        bytesOf('{"x":"', [0xf0, 0x80, 0x80, 0x80, 0xed, 0xa0, 0x80], '"}'),
      );
      const entry = { ...entryOf(rows[at]!), payload: String(payload) };
      entry.hash = storedEntryHash(entry);
      rows[at] = [...rowOf(entry).slice(0, 6), payload, ...rowOf(entry).slice(7)];
    },
  'an actor ending in half a character the payload completes': (rows, at) => {
    const entry = entryOf(rows[at]!);
    rows[at]![5] = new TextBytes(bytesOf(entry.actor, [0xe6, 0x80]));
    rows[at]![6] = new TextBytes(bytesOf([0x80], entry.payload));
  },
  'actor and payload stored as blobs of their own text': (rows, at) => {
    const entry = entryOf(rows[at]!);
    rows[at]![5] = Buffer.from(entry.actor);
    rows[at]![6] = Buffer.from(entry.payload);
  },
  'a payload stored as a blob that is not UTF-8': (rows, at) => {
    rows[at]![6] = bytesOf('{"a":"', [0xff, 0xfe], '"}');
  },
};

describe('a chain verified in ranges', () => {
  it('names the first bad entry and the reason one walk of the whole chain would, wherever the ranges and pages are cut', async () => {
    const next = random(20261205);
    for (const [name, tamper] of Object.entries(TAMPERINGS)) {
      for (let trial = 0; trial < 40; trial++) {
        const length = 2 + Math.floor(next() * 40);
        const rows = chain(length);
        const at = Math.floor(next() * length);
        // The heads recorded before and after the walk: none, the chain's
        // last entry both times, or an earlier one before it (entries
        // appended while the walk ran).
        const headAt = (seq: number) => ({ seq, hash: entryOf(rows[seq - 1]!).hash });
        const draw = next();
        const heads =
          draw < 0.2
            ? {}
            : draw < 0.7
              ? { before: headAt(length), after: headAt(length) }
              : { before: headAt(1 + Math.floor(next() * length)), after: headAt(length) };
        tamper(rows, at);
        const cuts = [
          ...new Set(
            Array.from(
              { length: Math.floor(next() * 5) },
              () => 2 + Math.floor(next() * (length - 1)),
            ),
          ),
        ].sort((a, b) => a - b);
        const pageSize = 1 + Math.floor(next() * 7);
        const remember = heads.before ? [heads.before.seq] : [];
        const verdict = await byRanges(rows, rangesCutAt(cuts, remember), heads, pageSize);
        expect({ name, length, at, cuts, pageSize, verdict }).toEqual({
          name,
          length,
          at,
          cuts,
          pageSize,
          verdict: oneWalk(rows, heads),
        });
      }
    }
  });

  it('walks a UTF-16 file as text, with the verdicts of one walk', async () => {
    // A blob cast from its text would hold UTF-16 there, not the UTF-8 that is hashed.
    const rows = chain(12);
    const head = entryOf(rows[11]!);
    const heads = { before: head, after: head };
    for (const encoding of ['UTF-16le', 'UTF-16be']) {
      expect(await byRanges(rows, rangesCutAt([5], [12]), heads, 3, encoding)).toEqual({
        valid: true,
        length: 12,
        head: head.hash,
      });
      const tampered = rows.map((row) => [...row]);
      TAMPERINGS['a payload changed']!(tampered, 7);
      expect(await byRanges(tampered, rangesCutAt([5], [12]), heads, 3, encoding)).toEqual(
        oneWalk(tampered, heads),
      );
    }
  });

  it('finds an intact chain intact in any cut, with its length and head', async () => {
    const rows = chain(30);
    const head = entryOf(rows[29]!);
    const heads = { before: { seq: 30, hash: head.hash }, after: { seq: 30, hash: head.hash } };
    for (const cuts of [[], [2], [16], [30], [5, 10, 15, 20, 25]]) {
      expect(await byRanges(rows, rangesCutAt(cuts, [30]), heads, 4)).toEqual({
        valid: true,
        length: 30,
        head: head.hash,
      });
    }
  });

  it('fails an entry read differently by the two ranges it joins (changed between their reads)', () => {
    const rows = chain(20);
    const ranges = rangesCutAt([11], []);
    const first = new RangeCheck(ranges[0]!);
    for (const row of rows.slice(0, 10)) first.push(row);
    const second = new RangeCheck(ranges[1]!);
    // Entry 10, the second range's anchor, as it read it: changed since.
    second.push(rowOf({ ...entryOf(rows[9]!), hash: 'e'.repeat(64) }));
    for (const row of rows.slice(10)) second.push(row);
    expect(joinRanges([first.result(), second.result()])).toEqual({
      valid: false,
      length: 9,
      firstInvalidSeq: 10,
      reason: CHANGED_WHILE_VERIFIED,
    });
  });

  it('an empty chain is intact, of length 0', async () => {
    expect(await byRanges([], [{ first: 1, last: null, remember: [] }], {}, 500)).toEqual({
      valid: true,
      length: 0,
      head: GENESIS_HASH,
    });
  });

  it('a range reads from its anchor, the entry before its first, on', () => {
    expect(new RangeCheck({ first: 1, last: 10, remember: [] }).after).toBe(0);
    expect(new RangeCheck({ first: 11, last: 20, remember: [] }).after).toBe(9);
  });
});

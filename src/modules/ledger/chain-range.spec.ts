import {
  CHANGED_WHILE_VERIFIED,
  type ChainRange,
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

/** A row as the walks read it: the entry's columns, then its stored leaf. */
type Row = unknown[];

const actor = canonicalJson({
  userId: 'u1',
  loginId: 'sato',
  displayName: '佐藤 花子',
  organizationId: 'o1',
  role: 'ward_officer',
});

const entryOf = (row: Row): StoredEntry => ({
  contractId: row[0] as string,
  seq: row[1] as number,
  type: row[2] as string,
  occurredAt: row[3] as string,
  recordedAt: row[4] as string,
  actor: row[5] as string,
  payload: row[6] as string,
  prevHash: row[7] as string,
  hash: row[8] as string,
});

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

/** Walks each range over the rows its query would return (by the seq column, in its order), then joins them. */
function byRanges(
  rows: readonly Row[],
  ranges: readonly ChainRange[],
  heads: { before?: RecordedHead; after?: RecordedHead },
): ChainVerdict {
  const sorted = bySeq(rows);
  const walks: RangeWalk[] = ranges.map((range) => {
    const check = new RangeCheck(range);
    for (const row of sorted) {
      const seq = row[1] as number;
      if (seq < check.from || (range.last !== null && seq > range.last)) continue;
      if (!check.push(row)) break;
    }
    return check.result();
  });
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
  'an entry moved to another seq': (rows, at) => {
    rows[at]![1] = rows.length + 3;
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
};

describe('a chain verified in ranges', () => {
  it('names the first bad entry and the reason one walk of the whole chain would, wherever the ranges are cut', () => {
    const next = random(20261205);
    let compared = 0;
    for (const [name, tamper] of Object.entries(TAMPERINGS)) {
      for (let trial = 0; trial < 60; trial++) {
        const length = 2 + Math.floor(next() * 40);
        const rows = chain(length);
        const head = entryOf(rows[length - 1]!);
        const at = Math.floor(next() * length);
        tamper(rows, at);
        const heads =
          next() < 0.7
            ? {
                before: { seq: head.seq, hash: head.hash },
                after: { seq: head.seq, hash: head.hash },
              }
            : {};
        const cuts = [
          ...new Set(
            Array.from(
              { length: Math.floor(next() * 5) },
              () => 2 + Math.floor(next() * (length - 1)),
            ),
          ),
        ]
          .filter((seq) => seq <= length)
          .sort((a, b) => a - b);
        const remember = heads.before ? [heads.before.seq] : [];
        const expected = oneWalk(rows, heads);
        expect({
          name,
          length,
          at,
          cuts,
          verdict: byRanges(rows, rangesCutAt(cuts, remember), heads),
        }).toEqual({
          name,
          length,
          at,
          cuts,
          verdict: expected,
        });
        compared++;
      }
    }
    expect(compared).toBe(Object.keys(TAMPERINGS).length * 60);
  });

  it('finds an intact chain intact in any cut, with its length and head', () => {
    const rows = chain(30);
    const head = entryOf(rows[29]!);
    const heads = { before: { seq: 30, hash: head.hash }, after: { seq: 30, hash: head.hash } };
    for (const cuts of [[], [2], [16], [30], [5, 10, 15, 20, 25]]) {
      expect(byRanges(rows, rangesCutAt(cuts, [30]), heads)).toEqual({
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

  it('an empty chain is intact, of length 0', () => {
    expect(byRanges([], [{ first: 1, last: null, remember: [] }], {})).toEqual({
      valid: true,
      length: 0,
      head: GENESIS_HASH,
    });
  });

  it('a range starts at its anchor, the entry before its first', () => {
    expect(new RangeCheck({ first: 1, last: 10, remember: [] }).from).toBe(1);
    expect(new RangeCheck({ first: 11, last: 20, remember: [] }).from).toBe(10);
  });
});

import {
  ChainVerifier,
  chainVerdict,
  EntryHasher,
  type ChainVerdict,
  type ChainWalk,
  GENESIS_HASH,
  missingEntry,
  type RecordedHead,
  type StoredEntry,
  type WalkedEntry,
} from './hash-chain.js';
import { entryLeafHex } from './transparency/tree-store.js';

/**
 * Verifying a chain in ranges of seqs, each walked on its own (a worker
 * thread each, see ChainVerifyPool) and then joined into the verdict one walk
 * of the whole chain would give: the same first bad entry, the same reason.
 * Every check of an entry is local to it and its predecessor (its seq, its
 * link to the previous hash, its own hash, its leaf in the Merkle tree), so a
 * range needs only the stored hash of the entry before it: its anchor, which
 * the range before checks as its last entry.
 */

/** The columns a walk reads per entry, in the order of a row ({@link entryOfRow}, {@link LEAF}). */
export const WALK_COLUMNS =
  'contract_id, seq, type, occurred_at, recorded_at, actor, payload, prev_hash, hash, substr(tree_nodes, 1, 64) AS leaf';

/** Both of an entry's JSON columns are stored as text: they can be read as one run of bytes. */
const BOTH_TEXT = "typeof(actor) = 'text' AND typeof(payload) = 'text'";

/**
 * {@link WALK_COLUMNS} for a walk of a SQLite file whose text is UTF-8 (the
 * default; a UTF-16 file is walked as text). `actor` and `payload` are read
 * as one Buffer, the UTF-8 bytes of the two texts one after the other, at
 * {@link TEXTS}, with the byte length of `actor` at {@link TEXTS_SPLIT}; the
 * columns of their own are then null. {@link EntryHasher} hashes those bytes
 * as they are, without decoding them into strings and encoding them back,
 * and one Buffer a row costs SQLite and V8 less than two. A row where either
 * is stored as anything but text (only a forged row has one) has both in
 * their columns, as stored, and nulls at TEXTS and TEXTS_SPLIT.
 */
export const WALK_COLUMNS_SQLITE_BYTES =
  `contract_id, seq, type, occurred_at, recorded_at, ` +
  `CASE WHEN ${BOTH_TEXT} THEN NULL ELSE actor END AS actor, ` +
  `CASE WHEN ${BOTH_TEXT} THEN NULL ELSE payload END AS payload, ` +
  `prev_hash, hash, substr(tree_nodes, 1, 64) AS leaf, ` +
  `CASE WHEN ${BOTH_TEXT} THEN CAST(actor || payload AS BLOB) END AS texts, ` +
  `CASE WHEN ${BOTH_TEXT} THEN length(CAST(actor AS BLOB)) END AS texts_split`;

/** Where a row of {@link WALK_COLUMNS_SQLITE_BYTES} has the bytes of `actor` and `payload`, and where the first ends. */
export const TEXTS = 10;
export const TEXTS_SPLIT = 11;

/** Where a row of {@link WALK_COLUMNS} (and of the bytes query) has the stored hash of the entry's leaf (level 0 of its `tree_nodes`), or null. */
export const LEAF = 9;

/** An entry from a row of {@link WALK_COLUMNS} (not of the bytes query): actor and payload as the stored texts. */
export function entryOfRow(row: readonly unknown[]): StoredEntry {
  return { ...walkedOfRow(row), actor: row[5] as string, payload: row[6] as string };
}

/** An entry from a row of {@link WALK_COLUMNS} or {@link WALK_COLUMNS_SQLITE_BYTES}: `actor` and `payload` as read, as text or as bytes. */
function walkedOfRow(row: readonly unknown[]): WalkedEntry {
  const texts = row[TEXTS];
  const split = row[TEXTS_SPLIT];
  const joined = texts instanceof Uint8Array && typeof split === 'number';
  return {
    contractId: row[0] as string,
    seq: Number(row[1]),
    type: row[2] as string,
    occurredAt: row[3] as string,
    recordedAt: row[4] as string,
    actor: joined ? texts.subarray(0, split) : row[5],
    payload: joined ? texts.subarray(split) : row[6],
    prevHash: row[7] as string,
    hash: row[8] as string,
  };
}

/** Why a verify fails an intact chain whose entries do not match the tree. */
export const TREE_MISMATCH =
  'the entry does not match its leaf in the Merkle tree: the entry, or the tree, was changed after it was appended';

/** Why a parallel verify fails a chain whose entry changed between two of its reads. */
export const CHANGED_WHILE_VERIFIED = 'the entry changed while the chain was being verified';

/** Compares each entry, in order, with the leaf the tree stored for it; remembers the first that differs. */
export class TreeLeafCheck {
  firstMismatch: number | undefined;

  push(seq: number, parts: { head: string; tail: string }, hash: string, stored: unknown): void {
    if (this.firstMismatch !== undefined) return;
    this.pushLeaf(seq, entryLeafHex(parts, hash), stored);
  }

  /** {@link push} with the entry's leaf hash already computed, in hex. */
  pushLeaf(seq: number, leaf: string, stored: unknown): void {
    if (this.firstMismatch !== undefined) return;
    if (typeof stored !== 'string' || leaf !== stored) this.firstMismatch = seq;
  }
}

/** A range of a chain to walk: entries `first` … `last` (to the chain's end when null). */
export interface ChainRange {
  first: number;
  last: number | null;
  /** Seqs whose hashes the verdict compares with recorded heads. */
  remember: readonly number[];
}

/** What a walk of one {@link ChainRange} found. */
export interface RangeWalk extends ChainWalk {
  first: number;
  last: number | null;
  /** The stored hash of entry first − 1 the walk took up from (the genesis hash for the first range); undefined when that entry was not there. */
  anchor: string | undefined;
  /** The first entry whose leaf in the Merkle tree does not match it. */
  treeMismatch?: number;
  /** Rows the walk read, its anchor included. */
  rows: number;
}

/**
 * Walks one range: feed it, in seq order, the rows of {@link WALK_COLUMNS}
 * (or, from SQLite, of {@link WALK_COLUMNS_SQLITE_BYTES}) with a seq above
 * {@link after} (from its anchor, entry `first − 1`; none for the first
 * range) and up to `last`.
 * {@link push} says whether more rows are wanted.
 */
export class RangeCheck {
  private verifier: ChainVerifier;
  /** The anchor's hash once read (the genesis hash for the first range). */
  private anchor: string | undefined;
  private readonly tree = new TreeLeafCheck();
  private readonly hasher = new EntryHasher();
  private rows = 0;

  constructor(private readonly range: ChainRange) {
    this.anchor = range.first === 1 ? GENESIS_HASH : undefined;
    this.verifier = new ChainVerifier(range.remember, {
      seq: range.first - 1,
      hash: this.anchor ?? '',
    });
  }

  /**
   * The walk reads the rows with a seq above this, in seq order: from its
   * anchor on (from entry 1 for the first range). Past, not from: a row
   * forged with a seq between two integers is read too.
   */
  get after(): number {
    return this.range.first === 1 ? 0 : this.range.first - 2;
  }

  push(row: readonly unknown[]): boolean {
    this.rows++;
    const entry = walkedOfRow(row);
    if (this.anchor === undefined) {
      // Not the anchor: it is missing, and the range before, which ends at
      // it, names the first bad entry.
      if (entry.seq !== this.range.first - 1) return false;
      this.anchor = entry.hash;
      this.verifier = new ChainVerifier(this.range.remember, { seq: entry.seq, hash: entry.hash });
      return true;
    }
    if (this.range.last !== null && entry.seq > this.range.last) return false;
    const hashes = this.hasher.hashes(entry);
    this.verifier.push(entry, hashes.hash);
    this.tree.pushLeaf(entry.seq, hashes.leaf, row[LEAF]);
    return !this.verifier.done;
  }

  result(): RangeWalk {
    return {
      ...this.verifier.state,
      first: this.range.first,
      last: this.range.last,
      anchor: this.anchor,
      rows: this.rows,
      ...(this.tree.firstMismatch === undefined ? {} : { treeMismatch: this.tree.firstMismatch }),
    };
  }
}

/**
 * The verdict on a chain from the walks of its ranges, in order and
 * contiguous (each range's `first` is the one before's `last` + 1; only the
 * last may be open): what one walk of the whole chain would have said, then
 * checked against the heads recorded before and after the walks.
 */
export function joinRanges(
  walks: readonly RangeWalk[],
  heads: { before?: RecordedHead; after?: RecordedHead } = {},
): ChainVerdict {
  let end: ChainWalk = { seq: 0, hash: GENESIS_HASH, hashes: [] };
  const hashes: Array<readonly [number, string]> = [];
  let treeMismatch: number | undefined;
  for (const [i, walk] of walks.entries()) {
    if (i > 0) {
      const previous = walks[i - 1]!;
      if (previous.seq !== previous.last) {
        // The range before ended early. Entries after it: the next one is
        // missing; none: the chain ends there, for the heads to judge.
        if (walks.slice(i).some((later) => later.rows > 0)) {
          return chainVerdict({
            ...previous,
            failure: { seq: previous.seq + 1, reason: missingEntry(previous.seq + 1) },
          });
        }
        break;
      }
      // Its last entry is this one's anchor, read twice: the same unless it
      // changed (or went) in between.
      if (walk.anchor !== previous.hash) {
        return chainVerdict({
          ...previous,
          failure: { seq: previous.seq, reason: CHANGED_WHILE_VERIFIED },
        });
      }
    }
    if (walk.failure) return chainVerdict(walk);
    hashes.push(...walk.hashes);
    treeMismatch ??= walk.treeMismatch;
    end = walk;
  }
  const verdict = chainVerdict({ seq: end.seq, hash: end.hash, hashes }, heads);
  if (verdict.valid && treeMismatch !== undefined) {
    return {
      valid: false,
      length: treeMismatch - 1,
      firstInvalidSeq: treeMismatch,
      reason: TREE_MISMATCH,
    };
  }
  return verdict;
}

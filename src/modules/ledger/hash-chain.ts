import { isUtf8 } from 'node:buffer';
import { hash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** `prevHash` of entry 1. */
export const GENESIS_HASH = '0'.repeat(64);

/** Who recorded an entry, as it was at that moment. */
export interface LedgerActor {
  userId: string;
  loginId: string;
  displayName: string;
  organizationId: string;
  role: string;
}

/** An entry as served and as hashed (with `hash`), per PRODUCT.md. */
export interface LedgerEntry {
  contractId: string;
  seq: number;
  type: string;
  occurredAt: string;
  recordedAt: string;
  actor: LedgerActor;
  payload: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export type UnhashedEntry = Omit<LedgerEntry, 'hash'>;

/** RFC 8785 canonical JSON (JCS) of a JSON value. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('value has no JSON form');
  return text;
}

/** SHA-256, lowercase hex. The one-shot `crypto.hash` costs a fifth less than a Hash object per call. */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}

/**
 * The hash of an entry: lowercase hex SHA-256 of the UTF-8 bytes of the RFC
 * 8785 canonical JSON of the entry without `hash`. Anyone holding an export
 * can recompute it without the service.
 */
export function entryHash(entry: UnhashedEntry): string {
  return sha256Hex(canonicalJson(entry));
}

/**
 * The same canonical JSON as {@link entryHash} computes, assembled from the
 * stored columns: `actor` and `payload` are kept as canonical JSON text, so
 * verifying a long chain needs no parse and re-serialization per entry. The
 * keys are written in JCS order (UTF-16 code units): actor, contractId,
 * occurredAt, payload, prevHash, recordedAt, seq, type.
 */
export function storedEntryHash(row: StoredEntry): string {
  const { head, tail } = storedEntryParts(row);
  return sha256Hex(head + tail);
}

/**
 * The RFC 8785 canonical JSON of an entry as served, `hash` included,
 * assembled from the stored columns: the bytes of its Merkle tree leaf
 * (the leaf hash is SHA-256(0x00 ‖ these bytes)), and the line an evidence
 * package holds for it. Keys in JCS order: actor, contractId, hash,
 * occurredAt, payload, prevHash, recordedAt, seq, type.
 */
export function storedEntryJson(row: StoredEntry): string {
  const { head, tail } = storedEntryParts(row);
  return withHash(head, row.hash, tail);
}

/**
 * An entry's canonical JSON in two parts, around where `"hash"` goes: the
 * entry as hashed is head + tail, as served head + `,"hash":…` + tail
 * ({@link withHash}). Verify builds them once for both hashes of an entry.
 */
export function storedEntryParts(row: StoredEntry): { head: string; tail: string } {
  const text = canonicalText(row);
  return {
    head: `${ACTOR_KEY}${row.actor}${text.afterActor}`,
    tail: `${text.beforePayload}${row.payload}${text.afterPayload}`,
  };
}

export function withHash(head: string, hash: string, tail: string): string {
  return `${head}${hashMember(hash)}${tail}`;
}

/** Where an entry's canonical JSON starts: its first key, `actor` (JCS order). */
const ACTOR_KEY = '{"actor":';

/**
 * The canonical JSON of an entry between and after its two JSON columns,
 * keys in JCS order (UTF-16 code units): `{"actor":` ‖ actor ‖ afterActor
 * (where `,"hash":…` goes, see {@link hashMember}) ‖ beforePayload ‖ payload
 * ‖ afterPayload. The one place that order is written: {@link storedEntryParts}
 * puts strings between these, {@link EntryHasher} stored bytes.
 */
function canonicalText(row: WalkedEntry): {
  afterActor: string;
  beforePayload: string;
  afterPayload: string;
} {
  return {
    afterActor: `,"contractId":${JSON.stringify(row.contractId)}`,
    beforePayload: `,"occurredAt":${JSON.stringify(row.occurredAt)},"payload":`,
    afterPayload:
      `,"prevHash":${JSON.stringify(row.prevHash)},"recordedAt":${JSON.stringify(row.recordedAt)}` +
      `,"seq":${row.seq},"type":${JSON.stringify(row.type)}}`,
  };
}

/** The `hash` member of an entry as served, which goes right after `contractId`. */
function hashMember(hash: string): string {
  return `,"hash":${JSON.stringify(hash)}`;
}

/**
 * An entry as a walk reads it: `actor` and `payload` as stored text, or, from
 * SQLite, as the UTF-8 bytes of that text (a Buffer: no decoding into a
 * JavaScript string and encoding back for the hash). A value a forged row
 * stored as a blob is a Buffer in both forms, and its text is its bytes
 * decoded as UTF-8, as better-sqlite3's Buffer gives it to a template
 * literal in {@link storedEntryParts}; any other value is its template
 * literal text.
 */
export type WalkedEntry = Omit<StoredEntry, 'actor' | 'payload'> & {
  actor: unknown;
  payload: unknown;
};

/** Bytes reserved per JavaScript character written as UTF-8 (a UTF-16 unit takes at most 3). */
const UTF8_PER_UNIT = 3;

/**
 * Both hashes of each entry of a walk, the chain's ({@link storedEntryHash})
 * and its Merkle leaf's (SHA-256 of 0x00 ‖ {@link storedEntryJson}), in hex:
 * the same bytes assembled in two buffers kept from entry to entry, and
 * hashed from there. Hashing a string makes Node encode it to UTF-8 first,
 * which for an entry with Japanese text cost more than the SHA-256 itself;
 * given the stored bytes, this does not. Stored bytes that are not valid
 * UTF-8 are hashed as the string they decode to (ill-formed sequences
 * replaced by U+FFFD, as better-sqlite3 decodes text), as the string form
 * is. The buffers are sized from a bound on the UTF-8 length of what is
 * written (3 bytes a UTF-16 unit): Buffer.write would cut off what did not
 * fit without a word.
 */
export class EntryHasher {
  private chain = Buffer.allocUnsafe(16 * 1024);
  private leaf = Buffer.allocUnsafe(16 * 1024);

  hashes(entry: WalkedEntry): { hash: string; leaf: string } {
    const actor = asUtf8(entry.actor);
    const payload = asUtf8(entry.payload);
    const { afterActor, beforePayload, afterPayload } = canonicalText(entry);
    const withHashText = hashMember(entry.hash);
    const bound =
      1 +
      byteBound(actor) +
      byteBound(payload) +
      UTF8_PER_UNIT *
        (ACTOR_KEY.length +
          afterActor.length +
          beforePayload.length +
          afterPayload.length +
          withHashText.length);
    if (bound > this.chain.length) {
      const size = 2 ** Math.ceil(Math.log2(bound));
      this.chain = Buffer.allocUnsafe(size);
      this.leaf = Buffer.allocUnsafe(size);
    }
    const chain = this.chain;
    let at = chain.write(ACTOR_KEY, 0, 'latin1');
    at += put(chain, actor, at);
    at += chain.write(afterActor, at);
    const headEnd = at;
    at += chain.write(beforePayload, at);
    at += put(chain, payload, at);
    at += chain.write(afterPayload, at);
    const leaf = this.leaf;
    leaf[0] = 0;
    chain.copy(leaf, 1, 0, headEnd);
    let leafAt = 1 + headEnd;
    leafAt += leaf.write(withHashText, leafAt);
    leafAt += chain.copy(leaf, leafAt, headEnd, at);
    return {
      hash: hash('sha256', chain.subarray(0, at), 'hex'),
      leaf: hash('sha256', leaf.subarray(0, leafAt), 'hex'),
    };
  }
}

/** Stored bytes as they are when valid UTF-8, else as the string they decode to; any other value as its text. */
function asUtf8(value: unknown): Uint8Array | string {
  if (value instanceof Uint8Array) {
    const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    return isUtf8(bytes) ? bytes : bytes.toString('utf8');
  }
  return typeof value === 'string' ? value : `${value as string}`;
}

function byteBound(value: Uint8Array | string): number {
  return typeof value === 'string' ? UTF8_PER_UNIT * value.length : value.byteLength;
}

function put(target: Buffer, value: Uint8Array | string, at: number): number {
  if (typeof value === 'string') return target.write(value, at);
  target.set(value, at);
  return value.byteLength;
}

/** An entry as stored: actor and payload as canonical JSON text. */
export interface StoredEntry {
  contractId: string;
  seq: number;
  type: string;
  occurredAt: string;
  recordedAt: string;
  actor: string;
  payload: string;
  prevHash: string;
  hash: string;
}

export type ChainVerdict =
  | { valid: true; length: number; head: string }
  | { valid: false; length: number; firstInvalidSeq: number; reason: string };

/**
 * Walks a chain in stored order and stops at the first entry that is not
 * where it should be: a seq out of order (a deleted or moved row), a
 * `prevHash` that is not the previous `hash`, or a `hash` that does not match
 * the entry's content. Feed it entries batch by batch; {@link result} gives
 * the verdict; the head recorded at append time catches a cut-off tail and a
 * re-hashed last entry.
 */
export interface RecordedHead {
  seq: number;
  hash: string;
}

export class ChainVerifier {
  private seq: number;
  private previous: string;
  /** Hashes remembered at the seqs the caller will compare with recorded heads. */
  private readonly hashes = new Map<number, string>();
  private failure: ChainFailure | undefined;

  /**
   * `start`: where the walk takes up a chain whose entries up to `start.seq`
   * another walk checks (a range of a parallel verify): the next entry must
   * be start.seq + 1 and link to `start.hash`. By default the chain's start.
   */
  constructor(
    private readonly remember: readonly number[] = [],
    start: RecordedHead = { seq: 0, hash: GENESIS_HASH },
  ) {
    this.seq = start.seq;
    this.previous = start.hash;
  }

  get done(): boolean {
    return this.failure !== undefined;
  }

  /** The walk so far: the last entry found good, the remembered hashes, the first failure. */
  get state(): ChainWalk {
    return {
      seq: this.seq,
      hash: this.previous,
      hashes: [...this.hashes],
      ...(this.failure ? { failure: this.failure } : {}),
    };
  }

  /** `computed` is the entry's hash recomputed from its content, when the caller already has it. */
  push(row: StoredEntry): void;
  push(row: WalkedEntry, computed: string): void;
  push(row: StoredEntry | WalkedEntry, computed?: string): void {
    if (this.failure) return;
    const expected = this.seq + 1;
    if (row.seq !== expected) {
      this.failure = { seq: expected, reason: missingEntry(expected) };
    } else if (row.prevHash !== this.previous) {
      this.failure = { seq: expected, reason: PREV_HASH_MISMATCH };
    } else if ((computed ?? storedEntryHash(row as StoredEntry)) !== row.hash) {
      this.failure = { seq: expected, reason: 'hash does not match the entry' };
    } else {
      this.seq = expected;
      this.previous = row.hash;
      if (this.remember.includes(expected)) this.hashes.set(expected, row.hash);
    }
  }

  /**
   * The verdict once every row was pushed. `before` and `after` are the head
   * recorded at append time, read just before and just after the walk (an
   * append may commit in between): the walk must reach the first, match its
   * hash there, and not go past the second.
   */
  result(heads: { before?: RecordedHead; after?: RecordedHead } = {}): ChainVerdict {
    return chainVerdict(this.state, heads);
  }
}

/** Why a walk fails at an entry that is not where the chain has it. */
export function missingEntry(seq: number): string {
  return `entry ${seq} is missing or out of place`;
}

export const PREV_HASH_MISMATCH = 'prevHash does not match the previous entry';

export interface ChainFailure {
  seq: number;
  reason: string;
}

/** Where a walk of a chain got to: see {@link ChainVerifier.state}. */
export interface ChainWalk {
  /** The last entry found good, and its hash. */
  seq: number;
  hash: string;
  /** The hashes at the remembered seqs the walk passed. */
  hashes: ReadonlyArray<readonly [seq: number, hash: string]>;
  failure?: ChainFailure;
}

/** The verdict on a whole walk, against the heads recorded before and after it (see {@link ChainVerifier.result}). */
export function chainVerdict(
  walk: ChainWalk,
  heads: { before?: RecordedHead; after?: RecordedHead } = {},
): ChainVerdict {
  const { before, after } = heads;
  if (walk.failure) {
    return {
      valid: false,
      length: walk.failure.seq - 1,
      firstInvalidSeq: walk.failure.seq,
      reason: walk.failure.reason,
    };
  }
  const invalid = (seq: number, reason: string): ChainVerdict => ({
    valid: false,
    length: seq - 1,
    firstInvalidSeq: seq,
    reason,
  });
  if (before && before.seq > walk.seq) {
    return invalid(
      walk.seq + 1,
      `the chain ends at ${walk.seq} but its head records ${before.seq}`,
    );
  }
  // A changed and re-hashed entry at the end links correctly to its
  // predecessor; only the head recorded at append time tells it apart.
  const hashes = new Map(walk.hashes);
  if (before && before.seq > 0 && hashes.get(before.seq) !== before.hash) {
    return invalid(before.seq, 'the entry does not match the head recorded when it was appended');
  }
  if (after && walk.seq > after.seq) {
    return invalid(after.seq + 1, `entries go on past the recorded head (${after.seq})`);
  }
  if (after && after.seq === walk.seq && after.hash !== walk.hash) {
    return invalid(walk.seq, 'the entry does not match the head recorded when it was appended');
  }
  return { valid: true, length: walk.seq, head: walk.hash };
}

/** A `ledger_entries` row as either driver returns it (PostgreSQL may give seq as text). */
export interface StoredRow {
  contract_id: string;
  seq: number | string;
  type: string;
  occurred_at: string;
  recorded_at: string;
  actor: string;
  payload: string;
  prev_hash: string;
  hash: string;
}

export function storedFromRow(row: StoredRow): StoredEntry {
  return {
    contractId: row.contract_id,
    seq: Number(row.seq),
    type: row.type,
    occurredAt: row.occurred_at,
    recordedAt: row.recorded_at,
    actor: row.actor,
    payload: row.payload,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

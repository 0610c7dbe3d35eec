import { hash } from 'node:crypto';
import { addDays, businessDateOf, instantAt } from '../../common/time/business-date.js';

/** `prevHash` of entry 1 (before any pruning). */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * One entry of the access log (アクセスログ) as stored, served and hashed
 * (with `hash`). One chain per installation: `seq` counts every entry ever
 * appended, `prevHash` is the hash of entry `seq - 1` (64 zeros for entry 1,
 * or the anchor recorded when the entries before were pruned).
 */
export interface AccessLogEntry {
  seq: number;
  /** When the request arrived (ISO 8601 UTC, milliseconds). */
  recordedAt: string;
  /** The caller, or the user an account event is about when nobody is logged in (a login). */
  userId: string | null;
  organizationId: string | null;
  role: string | null;
  /** The login id as typed, for account events (a failed login of an unknown id has no user). */
  loginId: string | null;
  /** The handler (`ledger.export`) or the account event (`login.failed`). */
  action: string;
  method: string;
  /** The route pattern, e.g. `/api/contracts/:id/ledger/export.csv`. */
  route: string;
  contractId: string | null;
  resourceId: string | null;
  statusCode: number;
  clientAddress: string;
  userAgent: string | null;
  requestId: string;
  prevHash: string;
  hash: string;
}

export type UnhashedAccessLogEntry = Omit<AccessLogEntry, 'hash'>;

/** What the request said about itself, before the chain gives it a place. */
export type AccessLogRecord = Omit<AccessLogEntry, 'seq' | 'prevHash' | 'hash'>;

/** Characters JSON (and JCS) escapes in a string, plus surrogates, which it may. */
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

const str = (value: string | null): string =>
  value === null ? 'null' : NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`;

/**
 * RFC 8785 canonical JSON (JCS) of an entry without `hash`. Every member is
 * a string, an integer or null, for which JCS serializes exactly as
 * `JSON.stringify` does; the keys are written in JCS order (UTF-16 code
 * units). Written out by hand because it runs once per request; the spec
 * proves it equal to the `canonicalize` package's output.
 */
export function canonicalEntryJson(e: UnhashedAccessLogEntry): string {
  return (
    `{"action":${str(e.action)},"clientAddress":${str(e.clientAddress)}` +
    `,"contractId":${str(e.contractId)},"loginId":${str(e.loginId)},"method":${str(e.method)}` +
    `,"organizationId":${str(e.organizationId)},"prevHash":${str(e.prevHash)}` +
    `,"recordedAt":${str(e.recordedAt)},"requestId":${str(e.requestId)}` +
    `,"resourceId":${str(e.resourceId)},"role":${str(e.role)},"route":${str(e.route)}` +
    `,"seq":${e.seq},"statusCode":${e.statusCode},"userAgent":${str(e.userAgent)}` +
    `,"userId":${str(e.userId)}}`
  );
}

/**
 * The hash of an entry: lowercase hex SHA-256 of the UTF-8 bytes of the RFC
 * 8785 canonical JSON of the entry without `hash`, as the ledger hashes its
 * entries. Anyone holding the rows can recompute it without the service.
 */
export function accessLogEntryHash(entry: UnhashedAccessLogEntry): string {
  return hash('sha256', canonicalEntryJson(entry), 'hex');
}

/** Where the chain stands: its last entry, and the anchor the kept entries start from. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/**
 * Gives records their places after `head`: consecutive seqs, each linked to
 * the one before. Returns the entries and the new head.
 */
export function chainRecords(
  head: ChainHead,
  records: readonly AccessLogRecord[],
): { entries: AccessLogEntry[]; head: ChainHead } {
  let seq = head.seq;
  let previous = head.hash;
  const entries = new Array<AccessLogEntry>(records.length);
  for (let i = 0; i < records.length; i++) {
    // One object per entry (this runs for every request): the canonical JSON
    // reads the members it hashes and ignores `hash`, filled in after.
    const entry: AccessLogEntry = { ...records[i]!, seq: ++seq, prevHash: previous, hash: '' };
    entry.hash = accessLogEntryHash(entry);
    previous = entry.hash;
    entries[i] = entry;
  }
  return { entries, head: { seq, hash: previous } };
}

export type AccessLogVerdict =
  | { valid: true; length: number; head: string; firstSeq: number }
  | { valid: false; firstInvalidSeq: number; reason: string };

/**
 * The entries an intact chain keeps, in words: `length` is the seq of its
 * last entry (pruned ones counted), `firstSeq` the first entry kept.
 */
export function keptEntries(verdict: { length: number; firstSeq: number }): string {
  return verdict.length < verdict.firstSeq
    ? 'no entries kept'
    : `entries ${verdict.firstSeq}–${verdict.length}`;
}

/**
 * Walks the kept entries in seq order from the anchor (the last pruned entry,
 * or the genesis) and stops at the first entry that is not where it should
 * be: a seq out of order (a row deleted or moved), a `prevHash` that is not
 * the previous `hash`, or a `hash` that does not match the entry. The head
 * recorded at append time, read before and after the walk, catches a
 * cut-off tail and a re-hashed last entry.
 */
export class AccessLogVerifier {
  private seq: number;
  private previous: string;
  private failure: { seq: number; reason: string } | undefined;
  private readonly hashes = new Map<number, string>();

  constructor(
    readonly anchor: ChainHead,
    /** Seqs whose hashes {@link result} compares with recorded heads. */
    private readonly remember: readonly number[] = [],
  ) {
    this.seq = anchor.seq;
    this.previous = anchor.hash;
  }

  get done(): boolean {
    return this.failure !== undefined;
  }

  /** The last entry checked so far (the anchor before any). */
  get reached(): ChainHead {
    return { seq: this.seq, hash: this.previous };
  }

  push(entry: AccessLogEntry): void {
    if (this.failure) return;
    const expected = this.seq + 1;
    if (entry.seq !== expected) {
      this.failure = { seq: expected, reason: `entry ${expected} is missing or out of place` };
    } else if (entry.prevHash !== this.previous) {
      this.failure = { seq: expected, reason: 'prevHash does not match the previous entry' };
    } else if (accessLogEntryHash(entry) !== entry.hash) {
      this.failure = { seq: expected, reason: 'hash does not match the entry' };
    } else {
      this.seq = expected;
      this.previous = entry.hash;
      if (this.remember.includes(expected)) this.hashes.set(expected, entry.hash);
    }
  }

  /**
   * The verdict once every row was pushed. `before` and `after` are the head
   * recorded at append time, read just before and just after the walk (an
   * append may commit in between): the walk must reach the first and match
   * its hash there, and must not go past the second.
   */
  result(heads: { before: ChainHead; after: ChainHead }): AccessLogVerdict {
    const firstSeq = this.anchor.seq + 1;
    if (this.failure) {
      return { valid: false, firstInvalidSeq: this.failure.seq, reason: this.failure.reason };
    }
    const { before, after } = heads;
    if (before.seq > this.seq) {
      return {
        valid: false,
        firstInvalidSeq: this.seq + 1,
        reason: `the chain ends at ${this.seq} but its head records ${before.seq}`,
      };
    }
    // A changed and re-hashed last entry links correctly to its predecessor;
    // only the head recorded when it was appended tells it apart.
    const rememberedBefore =
      before.seq === this.anchor.seq ? this.anchor.hash : this.hashes.get(before.seq);
    if (rememberedBefore !== before.hash) {
      return {
        valid: false,
        firstInvalidSeq: before.seq,
        reason: 'the entry does not match the head recorded when it was appended',
      };
    }
    if (this.seq > after.seq) {
      return {
        valid: false,
        firstInvalidSeq: after.seq + 1,
        reason: `entries go on past the recorded head (${after.seq})`,
      };
    }
    if (after.seq === this.seq && after.hash !== this.previous) {
      return {
        valid: false,
        firstInvalidSeq: this.seq,
        reason: 'the entry does not match the head recorded when it was appended',
      };
    }
    return { valid: true, length: this.seq, head: this.previous, firstSeq };
  }
}

/**
 * The first instant retention keeps: midnight (in `timeZone`, the business
 * time zone) that starts the day `retentionDays` days before today. Entries
 * recorded before it are past retention; pruning removes them, whole
 * business days at a time.
 */
export function retentionCutoff(now: Date, retentionDays: number, timeZone: string): Date {
  const today = businessDateOf(now, timeZone);
  return instantAt(addDays(today, -retentionDays), '00:00', timeZone);
}

/**
 * The last seq pruning may remove: every entry up to it was recorded before
 * the cut-off, so only a prefix of the chain goes and the chain stays
 * verifiable from the anchor. `firstKept` is the smallest seq recorded at
 * or after the cut-off (undefined when there is none).
 */
export function lastPrunableSeq(head: ChainHead, firstKept: number | undefined): number {
  return firstKept === undefined ? head.seq : firstKept - 1;
}

// eslint-disable-next-line no-control-regex
const SUSPECT = /[\u0000\ud800-\udfff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * A string as both databases store it exactly (what is hashed must be what
 * is read back): NUL and lone surrogates become U+FFFD, and it is cut to
 * `max` characters.
 */
export function storable(value: string | null | undefined, max: number): string | null {
  if (value === null || value === undefined) return null;
  let text = value;
  if (SUSPECT.test(text)) {
    // eslint-disable-next-line no-control-regex
    text = text.replace(/\u0000/g, '\ufffd').replace(LONE_SURROGATE, '\ufffd');
  }
  if (text.length > max) text = Array.from(text).slice(0, max).join('');
  return text;
}

/** `LedgerController.export` → `ledger.export`. */
export function actionName(controller: string, method: string): string {
  const base = controller.replace(/Controller$/, '');
  return `${base.charAt(0).toLowerCase()}${base.slice(1)}.${method}`;
}

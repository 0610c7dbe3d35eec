import { hash as digest } from 'node:crypto';
import { canonicalJson, type LedgerEntry, sha256Hex } from '../ledger/hash-chain.js';

/**
 * One line of ledger.jsonl, checked: its entry, its `hash`, and the hash
 * recomputed (lowercase hex SHA-256 of the RFC 8785 form of the entry
 * without `hash`); or why the line is not an entry in its RFC 8785 form.
 */
export type EntryLine =
  { entry: LedgerEntry; hash: unknown; recomputed: string } | { reason: string };

export const NOT_UTF8 = 'the line is not UTF-8';
export const NOT_JSON = 'the line is not JSON';
export const NOT_AN_ENTRY = 'the line is not an entry';
export const NOT_CANONICAL = 'the line is not the entry’s RFC 8785 form';

/**
 * Parses one line (its bytes, without the \n) and proves it is its entry's
 * RFC 8785 form. JSON.parse proves it is JSON; {@link scanCanonical} then
 * proves, in one pass over the bytes, that JSON is the canonical one, and
 * finds where `hash` is, so that the hashed bytes are the line's own bytes
 * without that member: no re-serialization of the entry and no string to
 * encode again. A line the scan cannot vouch for (an escape other than the
 * short ones, a fraction or exponent, a non-ASCII key) is compared with
 * the re-serialized entry as before: the scan only ever takes the fast road
 * for lines that road would also have accepted.
 */
export function parseEntryLine(bytes: Buffer): EntryLine {
  const text = bytes.toString('utf8');
  // Invalid UTF-8 decodes to U+FFFD; a real U+FFFD encodes back to the same bytes.
  if (text.includes('\ufffd') && !Buffer.from(text, 'utf8').equals(bytes)) {
    return { reason: NOT_UTF8 };
  }
  let entry: LedgerEntry;
  try {
    entry = JSON.parse(text) as LedgerEntry;
  } catch {
    return { reason: NOT_JSON };
  }
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
    return { reason: NOT_AN_ENTRY };
  }
  if (scanCanonical(bytes)) {
    return { entry, hash: entry.hash, recomputed: hashWithout(bytes, cut.start, cut.end) };
  }
  return compared(text, entry);
}

/**
 * The line compared with the entry serialized again (what every line cost
 * before the scan): JSON.stringify where it agrees with RFC 8785 (keys in
 * order, no escaped surrogate), canonicalize otherwise (integer-like keys,
 * which JavaScript orders first).
 */
function compared(text: string, entry: LedgerEntry): EntryLine {
  const { hash, ...unhashed } = entry;
  if (JSON.stringify(entry) === text && keysInOrder(entry) && !/\\u[dD][89a-fA-F]/.test(text)) {
    return { entry, hash, recomputed: sha256Hex(JSON.stringify(unhashed)) };
  }
  try {
    if (canonicalJson(entry) === text) {
      return { entry, hash, recomputed: sha256Hex(canonicalJson(unhashed)) };
    }
  } catch {
    // A lone surrogate: no RFC 8785 form.
  }
  return { reason: NOT_CANONICAL };
}

/** Whether every object in a parsed JSON value lists its keys in RFC 8785 order (UTF-16 code units). */
function keysInOrder(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) return value.every(keysInOrder);
  const keys = Object.keys(value);
  for (let i = 1; i < keys.length; i++) if (!(keys[i - 1]! < keys[i]!)) return false;
  return keys.every((key) => keysInOrder((value as Record<string, unknown>)[key]));
}

/**
 * SHA-256 (hex) of `bytes` without [start, end). The two parts are copied
 * into one scratch buffer, kept between lines (a buffer per line cost more
 * than the copy: a new 8 KiB pool every few lines), so that the one-shot
 * hash sees one input.
 */
function hashWithout(bytes: Buffer, start: number, end: number): string {
  if (start === end) return digest('sha256', bytes, 'hex');
  const length = bytes.length - (end - start);
  const into = scratchOf(length);
  bytes.copy(into, 0, 0, start);
  bytes.copy(into, start, end);
  return digest('sha256', into.subarray(0, length), 'hex');
}

/** Lines up to this long share one scratch buffer; a longer one (up to the 16 MiB limit) gets its own. */
const SCRATCH_BYTES = 64 * 1024;
const scratch = Buffer.allocUnsafe(SCRATCH_BYTES);

function scratchOf(length: number): Buffer {
  return length <= SCRATCH_BYTES ? scratch : Buffer.allocUnsafe(length);
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;

/** Deeper than this the scan gives up (the comparison decides): entries nest three or four levels. */
const MAX_DEPTH = 64;
/** Up to 15 digits an integer is exact in a double and prints back digit for digit. */
const MAX_DIGITS = 15;

/** Per depth: whether it is an object, and the last key seen in it (its bytes' range). */
const isObject = new Uint8Array(MAX_DEPTH + 1);
const keyStart = new Int32Array(MAX_DEPTH + 1);
const keyEnd = new Int32Array(MAX_DEPTH + 1);

/**
 * Where {@link scanCanonical} found the top-level `hash` member: the bytes
 * to cut so that the rest is the entry without it, one comma included
 * (start === end when there is none). Module state, not an object per line:
 * the scan is synchronous and its result read at once.
 */
const cut = { start: 0, end: 0 };

const HASH_KEY = Buffer.from('hash', 'latin1');
const TRUE = Buffer.from('true', 'latin1');
const FALSE = Buffer.from('false', 'latin1');
const NULL = Buffer.from('null', 'latin1');

/**
 * Whether `b`, which JSON.parse accepted, is byte for byte the RFC 8785
 * form of what it parses to. Sound, not complete: true only when every
 * token is written the way RFC 8785 (ECMAScript's JSON.stringify with keys
 * sorted) writes it —
 * - no whitespace between tokens;
 * - strings: raw characters, or the escapes JSON.stringify itself writes
 *   (\" \\ \b \f \n \r \t); any \u escape or \/ gives up;
 * - numbers: integers of at most 15 digits without a sign on 0 (a double
 *   prints them back unchanged); a fraction or an exponent gives up;
 * - keys: ASCII without escapes, each greater than the one before in its
 *   object (so sorted by UTF-16 code units and never twice, which JSON.parse
 *   would merge); another key gives up.
 * false means "not proven", never "not canonical". It also records, in
 * {@link cut}, the top-level `hash` member and one comma beside it.
 */
export function scanCanonical(b: Uint8Array): boolean {
  const n = b.length;
  if (n === 0 || b[0] !== OPEN_OBJECT) return false;
  let depth = 0;
  let hashAt = -1;
  cut.start = 0;
  cut.end = 0;
  let i = 0;
  while (i < n) {
    const c = b[i]!;
    if (c === QUOTE) {
      const start = i + 1;
      const previous = b[i - 1];
      if (isObject[depth] === 1 && (previous === OPEN_OBJECT || previous === COMMA)) {
        // A key: plain, after the one before it, and followed by its colon.
        const end = plainKeyEnd(b, start);
        if (end < 0 || b[end + 1] !== COLON) return false;
        if (keyStart[depth]! >= 0 && !bytesAfter(b, keyStart[depth]!, keyEnd[depth]!, start, end)) {
          return false;
        }
        keyStart[depth] = start;
        keyEnd[depth] = end;
        if (depth === 1 && equalsAt(b, start, end, HASH_KEY)) hashAt = i;
        i = end + 2;
      } else {
        const end = stringEnd(b, start);
        if (end < 0) return false;
        i = end + 1;
      }
      continue;
    }
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > MAX_DEPTH) return false;
      isObject[depth] = c === OPEN_OBJECT ? 1 : 0;
      keyStart[depth] = -1;
      i++;
      continue;
    }
    if (c === CLOSE_OBJECT || c === CLOSE_ARRAY || c === COMMA) {
      if (depth === 1 && hashAt >= 0) {
        recordCut(b, hashAt, i);
        hashAt = -1;
      }
      if (c !== COMMA && --depth === 0) return i === n - 1;
      i++;
      continue;
    }
    if (c === MINUS || (c >= ZERO && c <= NINE)) {
      i = integerEnd(b, i);
      if (i < 0) return false;
      continue;
    }
    const literal = c === 0x74 ? TRUE : c === 0x66 ? FALSE : c === 0x6e ? NULL : undefined;
    if (!literal || !equalsAt(b, i, i + literal.length, literal)) return false;
    i += literal.length;
  }
  return false;
}

/**
 * The closing quote of the string whose characters start at `i`, when its
 * escapes are ones JSON.stringify writes; -1 otherwise. Separate from keys
 * so that the bytes of values, most of a line, are tested for two values.
 */
function stringEnd(b: Uint8Array, i: number): number {
  const n = b.length;
  for (let j = i; j < n; j++) {
    const c = b[j];
    if (c === QUOTE) return j;
    if (c === BACKSLASH) {
      if (!isShortEscape(b[j + 1])) return -1;
      j++;
    }
  }
  return -1;
}

/** The closing quote of the key whose characters start at `i` when they are ASCII with no escape; -1 otherwise. */
function plainKeyEnd(b: Uint8Array, i: number): number {
  const n = b.length;
  for (let j = i; j < n; j++) {
    const c = b[j]!;
    if (c === QUOTE) return j;
    if (c === BACKSLASH || c >= 0x80) return -1;
  }
  return -1;
}

/** \" \\ \b \f \n \r \t: the only escapes JSON.stringify writes besides \u. */
function isShortEscape(c: number | undefined): boolean {
  return (
    c === QUOTE ||
    c === BACKSLASH ||
    c === 0x62 ||
    c === 0x66 ||
    c === 0x6e ||
    c === 0x72 ||
    c === 0x74
  );
}

/**
 * The end of the integer at `i` when RFC 8785 writes it so (0, or up to 15
 * digits with no leading zero, a minus only before a non-zero digit), and
 * the number ends there; -1 otherwise (-0, a fraction, an exponent, more
 * digits than a double holds exactly).
 */
function integerEnd(b: Uint8Array, i: number): number {
  const n = b.length;
  let j = i;
  if (b[j] === MINUS) j++;
  const first = b[j];
  if (first === undefined || first < ZERO || first > NINE) return -1;
  if (first === ZERO) {
    if (j !== i) return -1;
    j++;
  } else {
    const digitsFrom = j;
    while (j < n && b[j]! >= ZERO && b[j]! <= NINE) j++;
    if (j - digitsFrom > MAX_DIGITS) return -1;
  }
  const next = b[j];
  return next === COMMA || next === CLOSE_OBJECT || next === CLOSE_ARRAY ? j : -1;
}

/** Whether b[start, end) is greater than b[prevStart, prevEnd), byte by byte (ASCII: as UTF-16 code units). */
function bytesAfter(
  b: Uint8Array,
  prevStart: number,
  prevEnd: number,
  start: number,
  end: number,
): boolean {
  const prevLength = prevEnd - prevStart;
  const length = end - start;
  const common = Math.min(prevLength, length);
  for (let k = 0; k < common; k++) {
    const p = b[prevStart + k]!;
    const q = b[start + k]!;
    if (p !== q) return q > p;
  }
  return length > prevLength;
}

function equalsAt(b: Uint8Array, start: number, end: number, word: Uint8Array): boolean {
  if (end - start !== word.length || end > b.length) return false;
  for (let k = 0; k < word.length; k++) if (b[start + k] !== word[k]) return false;
  return true;
}

/**
 * The top-level member from `at` (its key's quote) to `end` (the comma or
 * brace after its value), with the comma that joins it to the others: the
 * one after it, or, for the last member, the one before it.
 */
function recordCut(b: Uint8Array, at: number, end: number): void {
  if (b[end] === COMMA) {
    cut.start = at;
    cut.end = end + 1;
  } else {
    cut.start = b[at - 1] === COMMA ? at - 1 : at;
    cut.end = end;
  }
}

import canonicalize from 'canonicalize';
import { canonicalJson, sha256Hex } from '../ledger/hash-chain.js';
import {
  NOT_AN_ENTRY,
  NOT_CANONICAL,
  NOT_JSON,
  NOT_UTF8,
  parseEntryLine,
  scanCanonical,
} from './entry-line.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');

/** What a line must give, the slow way: its RFC 8785 form compared, the entry without hash hashed. */
function reference(line: Buffer): { reason: string } | { recomputed: string } {
  const text = line.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(line)) return { reason: NOT_UTF8 };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { reason: NOT_JSON };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { reason: NOT_AN_ENTRY };
  }
  let canonical: string | undefined;
  try {
    canonical = canonicalJson(value);
  } catch {
    // No RFC 8785 form.
  }
  if (canonical !== text) return { reason: NOT_CANONICAL };
  return { recomputed: sha256Hex(canonicalJson({ ...value, hash: undefined })) };
}

function outcome(line: Buffer): { reason: string } | { recomputed: string } {
  const parsed = parseEntryLine(line);
  return 'reason' in parsed ? { reason: parsed.reason } : { recomputed: parsed.recomputed };
}

const ENTRY = {
  contractId: 'c0ffee00-0000-4000-8000-000000000001',
  seq: 3,
  type: 'handover_dispatched',
  occurredAt: '2026-11-25T01:00:00.000Z',
  recordedAt: '2026-11-25T01:00:00.001Z',
  actor: {
    userId: 'u1',
    loginId: 'ward.officer',
    displayName: '山田 太郎',
    organizationId: 'o1',
    role: 'ward_officer',
  },
  payload: {
    mediaIds: ['m1', 'm2'],
    note: 'line one\nline "two"\t\\ end',
    recordCount: 100,
    negative: -42,
    zero: 0,
    sealed: true,
    witnessedBy: null,
    nested: { deeper: [{ b: 1, a: [false, 'x'] }] },
  },
  prevHash: 'a'.repeat(64),
  hash: 'b'.repeat(64),
};

describe('parseEntryLine', () => {
  it('takes an RFC 8785 line on the scan, and hashes its bytes without the hash member', () => {
    const line = bytes(canonicalJson(ENTRY));
    expect(scanCanonical(line)).toBe(true);
    const parsed = parseEntryLine(line);
    expect(parsed).toEqual({
      entry: ENTRY,
      hash: ENTRY.hash,
      recomputed: sha256Hex(canonicalJson({ ...ENTRY, hash: undefined })),
    });
  });

  it('cuts the top-level hash wherever it is, and only that one', () => {
    for (const value of [
      { hash: 'h' },
      { a: 1, hash: 'h' },
      { hash: 'h', z: 1 },
      { actor: { hash: 'not this one' }, hash: 'h', z: [{ hash: 'nor this' }] },
      { a: 1, hash: { nested: [1, { x: 'y' }] }, z: 2 },
      { a: 1 },
      {},
    ]) {
      const line = bytes(canonicalJson(value));
      expect(scanCanonical(line)).toBe(true);
      expect(outcome(line)).toEqual(reference(line));
    }
  });

  it('refuses a line that is not its entry’s RFC 8785 form with the same reason as before', () => {
    const canonical = canonicalJson(ENTRY);
    const refused = [
      canonical.replace('"seq":3', '"seq": 3'), // whitespace
      ` ${canonical}`,
      `${canonical} `,
      canonical.replace('"seq":3', '"seq":3.0'), // a fraction
      canonical.replace('"seq":3', '"seq":3e0'), // an exponent
      canonical.replace('"zero":0', '"zero":-0'),
      canonical.replace('"recordCount":100', '"recordCount":12345678901234567890'), // not exact
      canonical.replace('ward.officer', 'ward\\/officer'), // an escape JSON.stringify does not write
      canonical.replace('ward.officer', 'ward\\u002eofficer'),
      canonical.replace('"x"],"b":1}', '"x"],"B":1}'), // keys out of order
      canonical.replace('{"a":[false,"x"],"b":1}', '{"b":1,"a":[false,"x"]}'),
      canonical.replace('"zero":0', '"zero":0,"zero":0'), // a key twice
      canonical.replace('"actor":{', '"actor":{"userId":"twice",'),
      JSON.stringify(ENTRY), // the entry's own order
      '{"a":"\\ud800 lone","hash":"h"}', // a lone surrogate has no RFC 8785 form
    ];
    for (const text of refused) {
      expect(text).not.toBe(canonical);
      expect(() => JSON.parse(text) as unknown).not.toThrow();
      const line = bytes(text);
      expect(scanCanonical(line)).toBe(false);
      expect(parseEntryLine(line)).toEqual({ reason: NOT_CANONICAL });
    }
  });

  it('names a line that is not UTF-8, not JSON or not an entry', () => {
    const canonical = bytes(canonicalJson(ENTRY));
    const broken = Buffer.from(canonical);
    broken[canonical.indexOf(bytes('山'))] = 0xff;
    expect(parseEntryLine(broken)).toEqual({ reason: NOT_UTF8 });
    expect(parseEntryLine(canonical.subarray(0, -1))).toEqual({ reason: NOT_JSON });
    expect(parseEntryLine(bytes(''))).toEqual({ reason: NOT_JSON });
    expect(parseEntryLine(bytes('[1,2]'))).toEqual({ reason: NOT_AN_ENTRY });
    expect(parseEntryLine(bytes('null'))).toEqual({ reason: NOT_AN_ENTRY });
    expect(parseEntryLine(bytes('"entry"'))).toEqual({ reason: NOT_AN_ENTRY });
  });

  it('gives a tampered entry a hash that differs from the one it records', () => {
    const tampered = bytes(canonicalJson({ ...ENTRY, payload: { ...ENTRY.payload, zero: 1 } }));
    const parsed = parseEntryLine(tampered);
    expect('reason' in parsed).toBe(false);
    if ('reason' in parsed) return;
    expect(parsed.hash).toBe(ENTRY.hash);
    expect(parsed.recomputed).not.toBe(sha256Hex(canonicalJson({ ...ENTRY, hash: undefined })));
    expect(parsed.recomputed).toBe(
      sha256Hex(
        canonicalJson({ ...ENTRY, payload: { ...ENTRY.payload, zero: 1 }, hash: undefined }),
      ),
    );
  });

  it('leaves to the comparison what the scan does not vouch for, and accepts it when it is canonical', () => {
    const accepted = [
      { a: '\u001f control', hash: 'h' }, // \u001f
      { a: 1.5, b: 1e21, c: 123456789012345680000, hash: 'h' },
      { é: 1, hash: 'h', z: 'ü' },
      { '😀': 1, ﬁ: 2, hash: 'h' }, // UTF-16 order: U+1F600 (D83D…) before U+FB01
      { '10': 1, '9': 2, hash: 'h' }, // integer-like keys, which JavaScript orders first
    ];
    for (const value of accepted) {
      const line = bytes(canonicalize(value)!);
      expect(outcome(line)).toEqual(reference(line));
      expect('recomputed' in outcome(line)).toBe(true);
    }
    // By UTF-8 bytes (code points) U+FB01 comes first: not RFC 8785.
    const byCodePoint = bytes('{"hash":"h","ﬁ":2,"😀":1}');
    expect(scanCanonical(byCodePoint)).toBe(false);
    expect(parseEntryLine(byCodePoint)).toEqual({ reason: NOT_CANONICAL });
    // An upper-case \u escape is not what JSON.stringify writes.
    expect(parseEntryLine(bytes('{"a":"\\u001F"}'))).toEqual({ reason: NOT_CANONICAL });
  });

  it('agrees with the RFC 8785 comparison on generated and mutated lines', () => {
    let state = 20261205;
    const random = () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state / 2 ** 32;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const KEYS = ['a', 'b', 'hash', 'seq', 'A', '_', '10', '9', 'é', 'ﬁ', '😀', 'a b', 'q"k', ''];
    const STRINGS = [
      '',
      'x',
      '山田',
      '"',
      '\\',
      '\n\t\r\b\f',
      '\u0001',
      '\u007f',
      '\u2028',
      '/',
      '😀',
    ];
    const NUMBERS = [0, -1, 7, 42, 1.5, -0.25, 1e21, 1e-7, 2 ** 53, 999999999999999, 123456789012];
    const value = (depth: number): unknown => {
      const kind = depth > 3 ? Math.floor(random() * 4) : Math.floor(random() * 6);
      if (kind === 0) return pick(STRINGS);
      if (kind === 1) return pick(NUMBERS);
      if (kind === 2) return pick([true, false, null]);
      if (kind === 3) return pick(STRINGS) + pick(STRINGS);
      if (kind === 4)
        return Array.from({ length: Math.floor(random() * 3) }, () => value(depth + 1));
      return object(depth + 1);
    };
    const object = (depth: number) => {
      const result: Record<string, unknown> = {};
      for (let k = Math.floor(random() * 5); k > 0; k--) result[pick(KEYS)] = value(depth);
      return result;
    };
    const texts: string[] = [];
    for (let n = 0; n < 400; n++) {
      const entry = object(0);
      texts.push(canonicalize(entry)!, JSON.stringify(entry), JSON.stringify(entry, null, 1));
    }
    let scanned = 0;
    for (const text of texts) {
      const canonical = bytes(text);
      const variants = [canonical];
      for (let m = 0; m < 6; m++) {
        const at = Math.floor(random() * canonical.length);
        const mutated = Buffer.from(canonical);
        mutated[at] = pick([0x20, 0x22, 0x2c, 0x30, 0x31, 0x2d, 0x5c, 0x7b, 0x7d, 0x61, 0x41]);
        variants.push(
          mutated,
          Buffer.concat([canonical.subarray(0, at), canonical.subarray(at + 1)]),
        );
      }
      for (const line of variants) {
        const result = outcome(line);
        expect(result).toEqual(reference(line));
        // The scan vouches only for what JSON.parse accepted (parseEntryLine asks it after).
        if ('reason' in result && result.reason === NOT_JSON) continue;
        if (scanCanonical(line)) {
          scanned++;
          expect(canonicalJson(JSON.parse(line.toString('utf8')))).toBe(line.toString('utf8'));
        }
      }
    }
    // The scan is not idle: most canonical lines take it.
    expect(scanned).toBeGreaterThan(100);
  });
});

import { createHash } from 'node:crypto';
import {
  canonicalJson,
  ChainVerifier,
  EntryHasher,
  entryHash,
  GENESIS_HASH,
  type LedgerEntry,
  storedEntryHash,
  type StoredEntry,
  storedEntryJson,
  type UnhashedEntry,
} from './hash-chain.js';

const actor = {
  userId: 'u1',
  loginId: 'sato',
  displayName: '佐藤 花子',
  organizationId: 'o1',
  role: 'ward_officer',
};

function chain(length: number): LedgerEntry[] {
  const entries: LedgerEntry[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= length; seq++) {
    const unhashed: UnhashedEntry = {
      contractId: 'c1',
      seq,
      type: seq === 1 ? 'contract_registered' : 'handover_dispatched',
      occurredAt: `2026-04-01T00:00:${String(seq % 60).padStart(2, '0')}.000Z`,
      recordedAt: '2026-04-01T01:00:00.000Z',
      actor,
      payload: { n: seq, label: `DVD-R ${seq}`, items: [{ b: 1, a: '情報' }], note: null },
      prevHash,
    };
    const hash = entryHash(unhashed);
    entries.push({ ...unhashed, hash });
    prevHash = hash;
  }
  return entries;
}

const stored = (e: LedgerEntry): StoredEntry => ({
  ...e,
  actor: canonicalJson(e.actor),
  payload: canonicalJson(e.payload),
});

describe('canonicalJson (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: [3, { d: true, c: null }], é: 'x', Z: 2 })).toBe(
      '{"Z":2,"a":[3,{"c":null,"d":true}],"b":1,"é":"x"}',
    );
  });

  it('serializes numbers the ECMAScript way', () => {
    expect(canonicalJson([1e21, 0.1, -0, 100, 1.5e-7])).toBe('[1e+21,0.1,0,100,1.5e-7]');
  });

  it('passes through non-ASCII text unescaped', () => {
    expect(canonicalJson({ 内容: '住民税\n' })).toBe('{"内容":"住民税\\n"}');
  });

  // The examples of RFC 8785 (§3.2.3 and the sorting example of §3.2.3's
  // "weird" keys): the library that computes every ledger hash must keep
  // giving these exact bytes whatever its version.
  it('gives the RFC 8785 examples byte for byte', () => {
    const example = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",' +
        ' "literals": [null, true, false]}',
    ) as unknown;
    expect(canonicalJson(example)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
    const weird = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    expect(canonicalJson(weird)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","ö":"Latin Small Letter O With Diaeresis",' +
        '"€":"Euro Sign","😀":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('refuses what has no canonical form', () => {
    expect(() => canonicalJson({ text: 'a\ud800b' })).toThrow(/surrogate/i);
    expect(() => canonicalJson([Number.NaN])).toThrow();
    expect(() => canonicalJson({ n: Number.POSITIVE_INFINITY })).toThrow();
  });
});

describe('entryHash', () => {
  it('is the SHA-256 of the canonical JSON of the entry without hash', () => {
    const [first] = chain(1);
    const { hash, ...rest } = first!;
    const expected = createHash('sha256').update(canonicalJson(rest), 'utf8').digest('hex');
    expect(hash).toBe(expected);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('the stored-column form gives the same hash', () => {
    for (const entry of chain(20)) expect(storedEntryHash(stored(entry))).toBe(entry.hash);
  });

  it('changes with any field', () => {
    const [entry] = chain(1);
    const base = entryHash(entry!);
    expect(entryHash({ ...entry!, seq: 2 })).not.toBe(base);
    expect(entryHash({ ...entry!, payload: { ...entry!.payload, n: 2 } })).not.toBe(base);
    expect(entryHash({ ...entry!, actor: { ...actor, displayName: 'x' } })).not.toBe(base);
  });
});

describe('ChainVerifier', () => {
  const verify = (
    rows: StoredEntry[],
    before?: { seq: number; hash: string },
    after: { seq: number; hash: string } | undefined = before,
  ) => {
    const verifier = new ChainVerifier(before ? [before.seq] : []);
    for (const row of rows) verifier.push(row);
    return verifier.result({ before, after });
  };

  it('accepts an intact chain and names its head', () => {
    const entries = chain(10);
    expect(verify(entries.map(stored), { seq: 10, hash: entries[9]!.hash })).toEqual({
      valid: true,
      length: 10,
      head: entries[9]!.hash,
    });
  });

  it('accepts the empty chain', () => {
    expect(verify([])).toEqual({ valid: true, length: 0, head: GENESIS_HASH });
  });

  it('names a changed entry', () => {
    const rows = chain(10).map(stored);
    rows[4] = { ...rows[4]!, payload: rows[4]!.payload.replace('DVD-R 5', 'DVD-R 6') };
    expect(verify(rows)).toMatchObject({ valid: false, firstInvalidSeq: 5, length: 4 });
  });

  it('names a deleted entry', () => {
    const rows = chain(10).map(stored);
    rows.splice(6, 1);
    expect(verify(rows)).toMatchObject({ valid: false, firstInvalidSeq: 7 });
  });

  it('names the first of two swapped entries', () => {
    const rows = chain(10).map(stored);
    // Swap the contents of 3 and 4 but leave the seq column in order.
    const [three, four] = [rows[2]!, rows[3]!];
    rows[2] = { ...four, seq: 3 };
    rows[3] = { ...three, seq: 4 };
    expect(verify(rows)).toMatchObject({ valid: false, firstInvalidSeq: 3 });
  });

  it('names an entry re-hashed after a change (its successor no longer links)', () => {
    const rows = chain(10).map(stored);
    const changed = { ...rows[2]!, payload: '{"forged":true}' };
    changed.hash = storedEntryHash(changed);
    rows[2] = changed;
    expect(verify(rows)).toMatchObject({ valid: false, firstInvalidSeq: 4 });
  });

  it('names a cut-off tail against the recorded head', () => {
    const entries = chain(10);
    const rows = entries.map(stored).slice(0, 8);
    expect(verify(rows, { seq: 10, hash: entries[9]!.hash })).toMatchObject({
      valid: false,
      firstInvalidSeq: 9,
      length: 8,
    });
  });

  it('names a last entry changed and re-hashed, against the recorded head', () => {
    const entries = chain(10);
    const rows = entries.map(stored);
    const forged = { ...rows[9]!, payload: '{"forged":true}' };
    forged.hash = storedEntryHash(forged);
    rows[9] = forged;
    expect(verify(rows)).toMatchObject({ valid: true });
    expect(verify(rows, { seq: 10, hash: entries[9]!.hash })).toMatchObject({
      valid: false,
      firstInvalidSeq: 10,
    });
  });

  it('names rows forged past the recorded head', () => {
    const entries = chain(11);
    const rows = entries.map(stored);
    const head = { seq: 10, hash: entries[9]!.hash };
    expect(verify(rows, head)).toMatchObject({ valid: false, firstInvalidSeq: 11 });
  });

  it('accepts an append that committed during the walk', () => {
    const entries = chain(11);
    const rows = entries.map(stored);
    const before = { seq: 10, hash: entries[9]!.hash };
    const after = { seq: 11, hash: entries[10]!.hash };
    expect(verify(rows, before, after)).toMatchObject({ valid: true, length: 11 });
    // …or one that committed after the walk ended.
    const later = { seq: 12, hash: 'f'.repeat(64) };
    expect(verify(rows.slice(0, 11), before, later)).toMatchObject({ valid: true, length: 11 });
  });

  it('stops at the first failure', () => {
    const rows = chain(10).map(stored);
    rows[1] = { ...rows[1]!, type: 'x' };
    rows[7] = { ...rows[7]!, type: 'y' };
    expect(verify(rows)).toMatchObject({ firstInvalidSeq: 2 });
  });
});

describe('storedEntryJson', () => {
  it('is the RFC 8785 canonical JSON of the entry as served, hash included', async () => {
    const { storedEntryJson, canonicalJson, entryHash } = await import('./hash-chain.js');
    const unhashed = {
      contractId: 'c-1',
      seq: 3,
      type: 'handover_dispatched',
      occurredAt: '2026-04-01T00:00:00.000Z',
      recordedAt: '2026-04-01T00:00:01.000Z',
      actor: {
        userId: 'u',
        loginId: 'l',
        displayName: '区 職員 "引渡"',
        organizationId: 'o',
        role: 'ward_officer',
      },
      payload: { z: 1, a: ['\u2028', 'é'], n: { y: null, b: true } },
      prevHash: 'a'.repeat(64),
    };
    const entry = { ...unhashed, hash: entryHash(unhashed) };
    expect(
      storedEntryJson({
        ...entry,
        actor: canonicalJson(entry.actor),
        payload: canonicalJson(entry.payload),
      }),
    ).toBe(canonicalJson(entry));
  });
});

describe('EntryHasher', () => {
  /** What a walk of text columns computes: the chain's hash and the Merkle leaf's, from the strings. */
  const fromStrings = (entry: StoredEntry) => ({
    hash: storedEntryHash(entry),
    leaf: createHash('sha256')
      .update(Buffer.from([0]))
      .update(storedEntryJson(entry), 'utf8')
      .digest('hex'),
  });

  /** An entry whose strings hold what canonical JSON and UTF-8 make hard: quotes, controls, non-BMP, lone surrogates. */
  const awkward = (payload: string, type = 'handover_dispatched'): StoredEntry => ({
    contractId: 'c-"\\-1',
    seq: 42,
    type,
    occurredAt: '2026-03-31T15:00:00.000Z\u0007',
    recordedAt: '2026-04-01T00:00:00.000Z',
    actor: canonicalJson({ ...actor, displayName: '髙橋 "𠮷" \\ \u2028' }),
    payload,
    prevHash: 'b'.repeat(64),
    hash: 'whatever is stored',
  });

  it('gives the hashes of the string form, from strings and from the stored bytes', () => {
    const hasher = new EntryHasher();
    const entries = [
      ...chain(5).map(stored),
      awkward(canonicalJson({ label: '個人情報 DVD-R', emoji: '😀', tab: '\t', nul: '\u0000' })),
      awkward('{"x":1}', 'type with a lone surrogate \ud800 and \udfff'),
    ];
    for (const entry of entries) {
      const expected = fromStrings(entry);
      expect(hasher.hashes(entry)).toEqual(expected);
      // As SQLite's walk reads them: both texts' bytes in one buffer, each a view into it.
      const texts = Buffer.from(`${entry.actor}${entry.payload}`, 'utf8');
      const split = Buffer.byteLength(entry.actor, 'utf8');
      expect(
        hasher.hashes({
          ...entry,
          actor: texts.subarray(0, split),
          payload: texts.subarray(split),
        }),
      ).toEqual(expected);
    }
  });

  it('grows its buffers for an entry larger than they are, and hashes the next small one right', () => {
    const hasher = new EntryHasher();
    const big = awkward(canonicalJson({ note: '保'.repeat(40_000) }));
    expect(hasher.hashes({ ...big, payload: Buffer.from(big.payload) })).toEqual(fromStrings(big));
    const [small] = chain(1).map(stored);
    expect(hasher.hashes(small!)).toEqual(fromStrings(small!));
  });

  it('sizes its buffers for what the text becomes in UTF-8, around their 16 KiB and past it', () => {
    // Text that takes three bytes a character in UTF-8, and stored bytes that
    // decode to three times their length (each 0xFF a U+FFFD): a buffer sized
    // by characters or by stored bytes would cut them off, and Buffer.write
    // says nothing of it.
    for (const characters of [5_000, 5_460, 5_500, 11_000, 22_000]) {
      const hasher = new EntryHasher();
      const wide = awkward(canonicalJson({ note: '保'.repeat(characters) }));
      expect(hasher.hashes(wide)).toEqual(fromStrings(wide));
      const bad = Buffer.alloc(characters, 0xff);
      const decoded = awkward(bad.toString('utf8'));
      expect(decoded.payload).toHaveLength(characters);
      expect(hasher.hashes({ ...decoded, payload: bad })).toEqual(fromStrings(decoded));
      const actorWide = {
        ...awkward('{}'),
        actor: canonicalJson({ name: '髙'.repeat(characters) }),
      };
      expect(hasher.hashes(actorWide)).toEqual(fromStrings(actorWide));
    }
  });

  it('hashes stored bytes that are not UTF-8 as the string they decode to', () => {
    // A lead byte with no continuation, a stray continuation byte, an overlong form.
    const bad = Buffer.from([
      0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe6, 0x80, 0x22, 0x80, 0xc0, 0xaf, 0x22, 0x7d,
    ]);
    const entry = awkward(bad.toString('utf8'));
    expect(entry.payload).toContain('\ufffd');
    expect(new EntryHasher().hashes({ ...entry, payload: bad })).toEqual(fromStrings(entry));
  });

  it('takes a value stored as other than text as a template literal takes it, as the string form does', () => {
    const hasher = new EntryHasher();
    for (const payload of [null, 12.5, 7]) {
      const asText = awkward(`${payload}`);
      expect(hasher.hashes({ ...asText, payload })).toEqual(fromStrings(asText));
    }
  });

  it('changes both hashes with any byte of the stored payload, and only the leaf with the stored hash', () => {
    const hasher = new EntryHasher();
    const [entry] = chain(1).map(stored);
    const base = hasher.hashes(entry!);
    const original = Buffer.from(entry!.payload);
    for (let at = 0; at < original.length; at++) {
      const bytes = Buffer.from(original);
      bytes.writeUInt8(original.readUInt8(at) ^ 1, at);
      const changed = hasher.hashes({ ...entry!, payload: bytes });
      expect(changed.hash).not.toBe(base.hash);
      expect(changed.leaf).not.toBe(base.leaf);
    }
    // The leaf covers the stored hash; the chain's hash does not.
    const rehashed = hasher.hashes({ ...entry!, hash: 'f'.repeat(64) });
    expect(rehashed.hash).toBe(base.hash);
    expect(rehashed.leaf).not.toBe(base.leaf);
  });
});

import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import {
  type AccessLogEntry,
  type AccessLogRecord,
  AccessLogVerifier,
  accessLogEntryHash,
  canonicalEntryJson,
  chainRecords,
  GENESIS_HASH,
  keptEntries,
  lastPrunableSeq,
  retentionCutoff,
  storable,
  actionName,
  type UnhashedAccessLogEntry,
} from './access-log-chain.rule.js';

const record = (overrides: Partial<AccessLogRecord> = {}): AccessLogRecord => ({
  recordedAt: '2026-11-25T01:00:00.000Z',
  userId: 'c3d8f6a2-1111-4aaa-8bbb-000000000001',
  organizationId: 'c3d8f6a2-2222-4aaa-8bbb-000000000002',
  role: 'ward_officer',
  loginId: null,
  action: 'ledger.export',
  method: 'GET',
  route: '/api/contracts/:id/ledger/export.csv',
  contractId: 'c3d8f6a2-3333-4aaa-8bbb-000000000003',
  resourceId: null,
  statusCode: 200,
  clientAddress: '127.0.0.1',
  userAgent: 'Mozilla/5.0 "quoted" \\ 日本語 \u0001',
  requestId: 'req-1',
  ...overrides,
});

const withoutHash = (entry: AccessLogEntry): UnhashedAccessLogEntry => {
  const copy: Partial<AccessLogEntry> = { ...entry };
  delete copy.hash;
  return copy as UnhashedAccessLogEntry;
};

const chain = (n: number) =>
  chainRecords(
    { seq: 0, hash: GENESIS_HASH },
    Array.from({ length: n }, (_, i) => record({ requestId: `req-${i + 1}` })),
  );

const verify = (
  entries: AccessLogEntry[],
  head = { seq: entries.at(-1)?.seq ?? 0, hash: entries.at(-1)?.hash ?? GENESIS_HASH },
  anchor = { seq: 0, hash: GENESIS_HASH },
) => {
  const verifier = new AccessLogVerifier(anchor, [head.seq]);
  for (const entry of entries) verifier.push(entry);
  return verifier.result({ before: head, after: head });
};

describe('access log hash chain', () => {
  it('writes the same canonical JSON as RFC 8785 (canonicalize), nulls and escapes included', () => {
    const { entries } = chain(1);
    const unhashed: UnhashedAccessLogEntry = withoutHash(entries[0]!);
    expect(canonicalEntryJson(unhashed)).toBe(canonicalize(unhashed));
    const withNulls = {
      ...unhashed,
      userId: null,
      organizationId: null,
      role: null,
      userAgent: null,
      contractId: null,
      loginId: 'x\u2028"y',
    };
    expect(canonicalEntryJson(withNulls)).toBe(canonicalize(withNulls));
    expect(accessLogEntryHash(withNulls)).toBe(
      createHash('sha256').update(canonicalize(withNulls)!, 'utf8').digest('hex'),
    );
  });

  it('links entries from the genesis: seq 1.., prevHash of the one before', () => {
    const { entries, head } = chain(3);
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(entries[0]!.prevHash).toBe(GENESIS_HASH);
    expect(entries[1]!.prevHash).toBe(entries[0]!.hash);
    expect(head).toEqual({ seq: 3, hash: entries[2]!.hash });
    expect(entries[2]!.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('verifies an intact chain and an empty one', () => {
    const { entries } = chain(5);
    expect(verify(entries)).toEqual({
      valid: true,
      length: 5,
      head: entries[4]!.hash,
      firstSeq: 1,
    });
    expect(verify([])).toEqual({ valid: true, length: 0, head: GENESIS_HASH, firstSeq: 1 });
  });

  it('names an edited entry', () => {
    const { entries } = chain(5);
    entries[2] = { ...entries[2]!, statusCode: 403 };
    expect(verify(entries)).toMatchObject({ valid: false, firstInvalidSeq: 3 });
  });

  it('names a deleted entry in the middle, at the start and at the end', () => {
    const { entries } = chain(5);
    expect(verify(entries.filter((e) => e.seq !== 3))).toMatchObject({
      valid: false,
      firstInvalidSeq: 3,
    });
    const head = { seq: 5, hash: entries[4]!.hash };
    expect(verify(entries.slice(1), head)).toMatchObject({ valid: false, firstInvalidSeq: 1 });
    expect(verify(entries.slice(0, 4), head)).toMatchObject({ valid: false, firstInvalidSeq: 5 });
  });

  it('names a re-hashed last entry by the head recorded at append time', () => {
    const { entries } = chain(3);
    const head = { seq: 3, hash: entries[2]!.hash };
    const last = withoutHash({ ...entries[2]!, action: 'auth.me' });
    entries[2] = { ...last, hash: accessLogEntryHash(last) };
    expect(verify(entries, head)).toMatchObject({ valid: false, firstInvalidSeq: 3 });
  });

  it('says which entries an intact chain keeps, after pruning too', () => {
    const { entries } = chain(6);
    const whole = verify(entries);
    const pruned = verify(entries.slice(3), undefined, { seq: 3, hash: entries[2]!.hash });
    if (!whole.valid || !pruned.valid) throw new Error('an intact chain did not verify');
    expect(keptEntries(whole)).toBe('entries 1–6');
    expect(keptEntries(pruned)).toBe('entries 4–6');
    expect(keptEntries({ length: 6, firstSeq: 7 })).toBe('no entries kept');
    expect(keptEntries({ length: 0, firstSeq: 1 })).toBe('no entries kept');
  });

  it('verifies from a pruning anchor, and refuses a chain that does not start at it', () => {
    const { entries } = chain(6);
    const anchor = { seq: 3, hash: entries[2]!.hash };
    const kept = entries.slice(3);
    expect(verify(kept, undefined, anchor)).toEqual({
      valid: true,
      length: 6,
      head: entries[5]!.hash,
      firstSeq: 4,
    });
    expect(verify(kept.slice(1), { seq: 6, hash: entries[5]!.hash }, anchor)).toMatchObject({
      valid: false,
      firstInvalidSeq: 4,
    });
    expect(verify(kept, undefined, { seq: 3, hash: GENESIS_HASH })).toMatchObject({
      valid: false,
      firstInvalidSeq: 4,
    });
  });

  it('keeps whole business days: the cut-off is midnight in the business time zone', () => {
    // 2026-11-25 10:00 in Tokyo; 30 days kept besides today → from 2026-10-26 00:00 JST.
    expect(retentionCutoff(new Date('2026-11-25T01:00:00Z'), 30, 'Asia/Tokyo').toISOString()).toBe(
      '2026-10-25T15:00:00.000Z',
    );
    // 2026-11-24 23:30 UTC is already the 25th in Tokyo.
    expect(retentionCutoff(new Date('2026-11-24T23:30:00Z'), 1, 'Asia/Tokyo').toISOString()).toBe(
      '2026-11-23T15:00:00.000Z',
    );
    expect(retentionCutoff(new Date('2026-11-25T01:00:00Z'), 1, 'UTC').toISOString()).toBe(
      '2026-11-24T00:00:00.000Z',
    );
  });

  it('prunes a prefix only: up to the entry before the first one kept', () => {
    expect(lastPrunableSeq({ seq: 10, hash: 'h' }, 7)).toBe(6);
    expect(lastPrunableSeq({ seq: 10, hash: 'h' }, undefined)).toBe(10);
    expect(lastPrunableSeq({ seq: 10, hash: 'h' }, 1)).toBe(0);
  });

  it('stores strings as both databases give them back: no NUL, no lone surrogate, cut by characters', () => {
    expect(storable(null, 10)).toBeNull();
    expect(storable('curl/8.5', 500)).toBe('curl/8.5');
    expect(storable('a\u0000b', 10)).toBe('a\ufffdb');
    expect(storable('x\ud800y\udc00z', 10)).toBe('x\ufffdy\ufffdz');
    expect(storable('😀😀😀', 2)).toBe('😀😀');
    const text = storable('\ud83d\ude00\ud83d', 10)!;
    expect(Buffer.from(text, 'utf8').toString('utf8')).toBe(text);
  });

  it('names an action after the controller and its method', () => {
    expect(actionName('LedgerController', 'export')).toBe('ledger.export');
    expect(actionName('AccessLogController', 'list')).toBe('accessLog.list');
  });
});

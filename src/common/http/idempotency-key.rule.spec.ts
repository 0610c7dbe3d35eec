import { decideReplay, parseIdempotencyKey, requestFingerprint } from './idempotency-key.rule.js';

describe('parseIdempotencyKey', () => {
  it('takes a bare token or an RFC 8941 quoted string as the same key', () => {
    expect(parseIdempotencyKey('8e03978e-40d5')).toBe('8e03978e-40d5');
    expect(parseIdempotencyKey('"8e03978e-40d5"')).toBe('8e03978e-40d5');
    expect(parseIdempotencyKey('"a\\"b\\\\c"')).toBe('a"b\\c');
  });

  it.each([
    [''],
    ['""'],
    ['x'.repeat(256)],
    ['tab\there'],
    ['キー'],
    ['"open'],
    ['"a"b'],
    ['"\\x"'],
  ])('refuses %j', (value) => expect(parseIdempotencyKey(value)).toBeNull());

  it('refuses a header sent twice (an array) and a missing one', () => {
    expect(parseIdempotencyKey(['a', 'b'])).toBeNull();
    expect(parseIdempotencyKey(undefined)).toBeNull();
  });
});

describe('requestFingerprint', () => {
  it('ignores member order and number spelling, not method, URL or content', () => {
    const base = requestFingerprint('POST', '/api/x', { a: 1, b: [1, 2] });
    expect(requestFingerprint('post', '/api/x', { b: [1, 2], a: 1.0 })).toBe(base);
    expect(requestFingerprint('PUT', '/api/x', { a: 1, b: [1, 2] })).not.toBe(base);
    expect(requestFingerprint('POST', '/api/y', { a: 1, b: [1, 2] })).not.toBe(base);
    expect(requestFingerprint('POST', '/api/x', { a: 1, b: [2, 1] })).not.toBe(base);
    expect(requestFingerprint('POST', '/api/x', undefined)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('decideReplay', () => {
  const at = new Date('2026-11-25T00:00:00.000Z');
  const later = (ms: number) => new Date(at.getTime() + ms);
  const stored = { fingerprint: 'f', answered: true, createdAt: at };

  it('replays the same request, refuses another one under the key', () => {
    expect(decideReplay(stored, 'f', false, later(1)).kind).toBe('replay');
    expect(decideReplay(stored, 'g', false, later(1)).kind).toBe('reused');
  });

  it('an unanswered key is in progress for a minute or while running here, then lost', () => {
    const open = { ...stored, answered: false };
    expect(decideReplay(open, 'f', false, later(59_999)).kind).toBe('in_progress');
    expect(decideReplay(open, 'f', true, later(3_600_000)).kind).toBe('in_progress');
    expect(decideReplay(open, 'f', false, later(60_000)).kind).toBe('answer_lost');
    expect(decideReplay(open, 'g', false, later(1)).kind).toBe('reused');
  });
});

import { createHash } from 'node:crypto';
import { generateBearerToken, hashBearerToken, parseAuthorizationHeader } from './bearer-token.js';

describe('generateBearerToken', () => {
  it('is 43 characters of base64url (32 random bytes, no padding)', () => {
    const token = generateBearerToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
  });

  it('is unique across 1000 calls', () => {
    const tokens = Array.from({ length: 1000 }, () => generateBearerToken());
    expect(new Set(tokens).size).toBe(1000);
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('is accepted by parseAuthorizationHeader', () => {
    const token = generateBearerToken();
    expect(parseAuthorizationHeader(`Bearer ${token}`)).toBe(token);
  });
});

describe('hashBearerToken', () => {
  const sha256 = (text: string): string =>
    createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex');

  it('is the lowercase hex SHA-256 of the token', () => {
    const token = generateBearerToken();
    const hash = hashBearerToken(token);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).toBe(sha256(token));
  });

  it('matches a known SHA-256 vector', () => {
    expect(hashBearerToken('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('hashes UTF-8 bytes', () => {
    expect(hashBearerToken('管理簿')).toBe(sha256('管理簿'));
  });

  it('is deterministic and differs between tokens', () => {
    expect(hashBearerToken('token-one-aaaaaaaaaaaaaa')).toBe(
      hashBearerToken('token-one-aaaaaaaaaaaaaa'),
    );
    expect(hashBearerToken('token-one-aaaaaaaaaaaaaa')).not.toBe(
      hashBearerToken('token-two-aaaaaaaaaaaaaa'),
    );
  });

  it('does not contain the token', () => {
    const token = generateBearerToken();
    expect(hashBearerToken(token)).not.toContain(token);
  });
});

describe('parseAuthorizationHeader', () => {
  const token = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde';

  it('reads the token of "Bearer <token>"', () => {
    expect(parseAuthorizationHeader(`Bearer ${token}`)).toBe(token);
  });

  it('tolerates surrounding whitespace of the header', () => {
    expect(parseAuthorizationHeader(`  Bearer ${token}  `)).toBe(token);
  });

  it('accepts tokens of 20 to 200 characters', () => {
    expect(parseAuthorizationHeader(`Bearer ${'a'.repeat(20)}`)).toBe('a'.repeat(20));
    expect(parseAuthorizationHeader(`Bearer ${'a'.repeat(200)}`)).toBe('a'.repeat(200));
  });

  it.each([
    ['undefined', undefined],
    ['an empty header', ''],
    ['Basic credentials', 'Basic dXNlcjpwYXNzd29yZA=='],
    ['"Basic x"', 'Basic x'],
    ['the scheme alone', 'Bearer'],
    ['the scheme and a space', 'Bearer '],
    ['the token without a scheme', token],
    ['a token with spaces', `Bearer ${token.slice(0, 21)} ${token.slice(21)}`],
    ['two spaces after the scheme', `Bearer  ${token}`],
    ['a tab after the scheme', `Bearer\t${token}`],
    ['a token with "." (not base64url)', `Bearer ${token}.sig`],
    ['a token with "+" and "/" (base64, not base64url)', `Bearer ${token.slice(0, 30)}+/xyz`],
    ['a padded token', `Bearer ${token}=`],
    ['a token with non-ASCII characters', `Bearer ${token}é`],
    ['a token with a newline inside', `Bearer ${token.slice(0, 25)}\n${token.slice(25)}`],
    ['a token of 19 characters', `Bearer ${'a'.repeat(19)}`],
    ['a token of 201 characters', `Bearer ${'a'.repeat(201)}`],
    ['a second credential after the token', `Bearer ${token}, Bearer ${token}`],
  ])('refuses %s', (_label, header) => {
    expect(parseAuthorizationHeader(header)).toBeNull();
  });
});

describe('parseAuthorizationHeader scheme case', () => {
  it('accepts the scheme in any case (RFC 7235 §2.1)', () => {
    const token = 'A'.repeat(43);
    expect(parseAuthorizationHeader(`bearer ${token}`)).toBe(token);
    expect(parseAuthorizationHeader(`BEARER ${token}`)).toBe(token);
  });
});

import {
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  MIN_PASSWORD_SCORE,
  PASSWORD_HISTORY_DEPTH,
  PASSWORD_REFUSALS,
  passwordProblem,
  passwordRefusal,
} from './password.rule.js';

describe('passwordProblem', () => {
  const login = 'tanaka.h';

  it('refuses 11 characters', () => {
    expect(passwordProblem('Qx7!vrT9#mL', login)).toBe('must be at least 12 characters');
  });

  it('accepts 12 characters', () => {
    expect(passwordProblem('Qx7!vrT9#mLw', login)).toBeNull();
  });

  it.each([
    '<at least 12 characters>',
    '<12+ characters, not guessable>',
    "<demo.officer's one-time password>",
    ' {{ new password goes here }} ',
    '${NEW_PASSWORD_FOR_KANRIBO}',
    '[your new password here]',
  ])('refuses the placeholder %j pasted from the documentation', (placeholder) => {
    expect(passwordProblem(placeholder, login)).toMatch(/^looks like a placeholder/);
  });

  it('accepts a real password that merely contains brackets', () => {
    expect(passwordProblem('<Qx7!vrT9#mLw', login)).toBeNull();
    expect(passwordProblem('a<Qx7!vrT9#mLw>', login)).toBeNull();
  });

  it('refuses the empty password', () => {
    expect(passwordProblem('', login)).toBe('must be at least 12 characters');
  });

  it('accepts 256 characters and refuses 257', () => {
    // 260 characters with no pattern the estimator knows.
    const base = Array.from({ length: 260 }, (_, i) => 'Kq7#Zm2$Wv9!Xr4%Tb8&'[(i * 7) % 20]).join(
      '',
    );
    const strong = `${'mango-viaduct-Orbit-97;'}${base}`;
    expect(passwordProblem(strong.slice(0, 256), login)).toBeNull();
    expect(passwordProblem(strong.slice(0, 257), login)).toBe('must be at most 256 characters');
  });

  it.each([
    ['tanaka.h-2026-spring', 'the login as it is'],
    ['my-TANAKA.H-password', 'the login in upper case'],
    ['xx-TaNaKa.H-yy-zz', 'the login in mixed case'],
  ])('refuses %j (%s)', (password) => {
    expect(passwordProblem(password, login)).toBe('must not contain the login id');
  });

  it('refuses a password that is the login id itself', () => {
    expect(passwordProblem('administrator', 'Administrator')).toBe('must not contain the login id');
  });

  it('accepts a strong password that contains only part of the login id', () => {
    expect(passwordProblem('tanaka-spring-2026', login)).toBeNull();
  });

  it.each([
    ['abcdabcdabcd', 'a repeated sequence (the security review’s example)'],
    ['aaaaaaaaaaaaa', 'one repeated character'],
    ['abcabcabcabc', 'three characters repeated'],
    ['password1234', 'a common password'],
    ['P4$$w0rd!2024', 'a common password in l33t speak with a year'],
    ['qwertyuiop123', 'a keyboard walk'],
    ['123456789012', 'a digit sequence'],
    ['whatever-123', 'a common word with digits'],
  ])('refuses %j as too easy to guess (%s), saying why in one line', (password) => {
    const problem = passwordProblem(password, login);
    expect(problem).toMatch(/^is too easy to guess/);
    expect(problem).not.toMatch(/\n/);
  });

  it('says what the estimator found', () => {
    expect(passwordProblem('abcdabcdabcd', login)).toBe(
      'is too easy to guess: Repeated character patterns like "abcabcabc" are easy to guess',
    );
  });

  it.each([
    'correct horse battery staple',
    '個人情報は鍵付きカバンで運ぶ',
    'test-password-0123',
    'a-brand-new-secret-1',
    'bootstrap-secret-2026',
    'Tr0ub4dor&3xy',
  ])('accepts %j', (password) => {
    expect(passwordProblem(password, login)).toBeNull();
  });

  it('reports length before the other rules', () => {
    expect(passwordProblem('tanaka.h', login)).toBe('must be at least 12 characters');
    expect(passwordProblem('a'.repeat(300), login)).toBe('must be at most 256 characters');
  });

  it('reports the login id before the estimator', () => {
    expect(passwordProblem('tanaka.h1234', login)).toBe('must not contain the login id');
  });

  it('judges a long password within a bounded time', () => {
    const noisy = Array.from({ length: 256 }, (_, i) => '!@$0134578|'[(i * 5) % 11]).join('');
    const started = performance.now();
    passwordProblem(noisy, login);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('names each refusal with a stable reason, for the screens to say in Japanese', () => {
    const reasons = [
      'Qx7!vrT9#mL',
      'a'.repeat(257),
      '<at least 12 characters>',
      'tanaka.h1234',
      'abcdabcdabcd',
    ].map((password) => passwordRefusal(password, login)?.reason);
    expect(reasons).toEqual([...PASSWORD_REFUSALS]);
    expect(passwordRefusal('Qx7!vrT9#mLw', login)).toBeNull();
    expect(passwordRefusal('abcdabcdabcd', login)?.problem).toBe(
      passwordProblem('abcdabcdabcd', login),
    );
  });

  it('exposes its limits', () => {
    expect(MIN_PASSWORD_LENGTH).toBe(12);
    expect(MAX_PASSWORD_LENGTH).toBe(256);
    expect(MIN_PASSWORD_SCORE).toBe(3);
    expect(PASSWORD_HISTORY_DEPTH).toBe(5);
  });
});

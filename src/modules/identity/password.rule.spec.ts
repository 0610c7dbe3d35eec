import {
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  PASSWORD_HISTORY_DEPTH,
  passwordProblem,
} from './password.rule.js';

describe('passwordProblem', () => {
  const login = 'tanaka.h';

  it('refuses 11 characters', () => {
    expect(passwordProblem('Abcdefgh1!x', login)).toBe('must be at least 12 characters');
  });

  it('accepts 12 characters', () => {
    expect(passwordProblem('Abcdefgh1!xy', login)).toBeNull();
  });

  it('refuses the empty password', () => {
    expect(passwordProblem('', login)).toBe('must be at least 12 characters');
  });

  it('accepts 256 characters and refuses 257', () => {
    const base = 'abcdefghij'.repeat(26); // 260 characters, 10 distinct
    expect(passwordProblem(base.slice(0, 256), login)).toBeNull();
    expect(passwordProblem(base.slice(0, 257), login)).toBe('must be at most 256 characters');
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

  it('accepts a password that contains only part of the login id', () => {
    expect(passwordProblem('tanaka-spring-2026', login)).toBeNull();
  });

  it('refuses a single repeated character', () => {
    expect(passwordProblem('aaaaaaaaaaaaa', login)).toBe(
      'must use at least 4 different characters',
    );
  });

  it('refuses three distinct characters and accepts four', () => {
    expect(passwordProblem('abcabcabcabc', login)).toBe('must use at least 4 different characters');
    expect(passwordProblem('abcdabcdabcd', login)).toBeNull();
  });

  it('accepts a long passphrase with spaces and non-ASCII characters', () => {
    expect(passwordProblem('correct horse battery staple', login)).toBeNull();
    expect(passwordProblem('個人情報は鍵付きカバンで運ぶ', 'suzuki')).toBeNull();
  });

  it('reports length before the other rules', () => {
    expect(passwordProblem('tanaka.h', login)).toBe('must be at least 12 characters');
    expect(passwordProblem('a'.repeat(300), login)).toBe('must be at most 256 characters');
  });

  it('exposes its limits', () => {
    expect(MIN_PASSWORD_LENGTH).toBe(12);
    expect(MAX_PASSWORD_LENGTH).toBe(256);
    expect(PASSWORD_HISTORY_DEPTH).toBe(5);
  });
});

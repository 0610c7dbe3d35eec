import {
  generateOneTimePassword,
  ONE_TIME_PASSWORD_ALPHABET,
  ONE_TIME_PASSWORD_LENGTH,
} from './one-time-password.js';
import { passwordProblem } from './password.rule.js';

describe('one-time password', () => {
  it('is 20 characters of the readable alphabet', () => {
    expect(ONE_TIME_PASSWORD_LENGTH).toBe(20);
    expect(ONE_TIME_PASSWORD_ALPHABET).not.toMatch(/[0O1Il2Z5S8B]/);
    expect(new Set(ONE_TIME_PASSWORD_ALPHABET).size).toBe(ONE_TIME_PASSWORD_ALPHABET.length);
    for (let i = 0; i < 200; i++) {
      const password = generateOneTimePassword();
      expect(password).toHaveLength(20);
      for (const c of password) expect(ONE_TIME_PASSWORD_ALPHABET).toContain(c);
    }
  });

  it('differs every time and uses the whole alphabet', () => {
    const passwords = Array.from({ length: 500 }, () => generateOneTimePassword());
    expect(new Set(passwords).size).toBe(500);
    expect(new Set(passwords.join('')).size).toBe(ONE_TIME_PASSWORD_ALPHABET.length);
  });

  it('passes the password policy', () => {
    for (let i = 0; i < 50; i++) {
      expect(passwordProblem(generateOneTimePassword(), 'sato.hanako')).toBeNull();
    }
  });
});

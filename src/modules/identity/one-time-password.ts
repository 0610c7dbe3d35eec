import { randomInt } from 'node:crypto';

/**
 * Letters and digits that cannot be mistaken for one another when read out
 * or copied from a screen: no 0/O/o, 1/I/l, nor 2/Z, 5/S, 8/B.
 */
export const ONE_TIME_PASSWORD_ALPHABET = 'ACDEFGHJKLMNPQRTUVWXYabcdefghijkmnpqrstuvwxyz34679';
export const ONE_TIME_PASSWORD_LENGTH = 20;

/**
 * A new temporary password for an admin's reset: 20 characters drawn
 * uniformly (node:crypto's randomInt) from a 50-character alphabet, about
 * 112 bits. Shown once; the user must change it at their next login.
 */
export function generateOneTimePassword(): string {
  let password = '';
  for (let i = 0; i < ONE_TIME_PASSWORD_LENGTH; i++) {
    password += ONE_TIME_PASSWORD_ALPHABET[randomInt(ONE_TIME_PASSWORD_ALPHABET.length)];
  }
  return password;
}

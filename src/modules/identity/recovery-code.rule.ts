/**
 * Recovery codes of the second factor: ten random codes, each usable once,
 * shown once and stored as hashes. A code is 10 characters of Crockford's
 * base32 (50 bits), written `xxxxx-xxxxx`; when typed back, case, spaces and
 * dashes do not matter, and the letters people confuse with digits
 * (i, l, o) are read as the digits.
 */

/** How many codes an enrollment hands out. */
export const RECOVERY_CODE_COUNT = 10;
/** Characters of a code, without the dash. */
export const RECOVERY_CODE_LENGTH = 10;
/** Random bytes read for one code: 56 bits, of which the low 50 are used. */
export const RECOVERY_CODE_BYTES = Math.ceil((RECOVERY_CODE_LENGTH * 5) / 8);

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** A code from {@link RECOVERY_CODE_BYTES} random bytes, as shown to the user. */
export function formatRecoveryCode(bytes: Uint8Array): string {
  if (bytes.length < RECOVERY_CODE_BYTES) throw new Error('not enough random bytes');
  let bits = 0n;
  for (const byte of bytes.subarray(0, RECOVERY_CODE_BYTES)) bits = (bits << 8n) | BigInt(byte);
  let code = '';
  for (let i = RECOVERY_CODE_LENGTH - 1; i >= 0; i--) {
    code += ALPHABET[Number((bits >> BigInt(i * 5)) & 31n)];
  }
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/** The canonical form of a typed code (what is hashed), or null if it cannot be one. */
export function normalizeRecoveryCode(typed: string): string | null {
  const code = typed.toLowerCase().replace(/[\s-]/g, '').replace(/[il]/g, '1').replace(/o/g, '0');
  if (code.length !== RECOVERY_CODE_LENGTH) return null;
  for (const c of code) if (!ALPHABET.includes(c)) return null;
  return code;
}

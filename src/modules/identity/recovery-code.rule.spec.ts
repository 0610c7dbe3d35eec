import {
  formatRecoveryCode,
  normalizeRecoveryCode,
  RECOVERY_CODE_BYTES,
} from './recovery-code.rule.js';

describe('formatRecoveryCode', () => {
  it('writes 50 bits as two groups of five base32 characters', () => {
    expect(RECOVERY_CODE_BYTES).toBe(7);
    expect(formatRecoveryCode(new Uint8Array(7))).toBe('00000-00000');
    expect(formatRecoveryCode(new Uint8Array(7).fill(255))).toBe('zzzzz-zzzzz');
    expect(formatRecoveryCode(new Uint8Array([0, 0, 0, 0, 0, 0, 33]))).toBe('00000-00011');
    // only the low 50 bits count
    expect(formatRecoveryCode(new Uint8Array([0xfc, 0, 0, 0, 0, 0, 0]))).toBe('00000-00000');
  });

  it('refuses too few bytes', () => {
    expect(() => formatRecoveryCode(new Uint8Array(6))).toThrow();
  });
});

describe('normalizeRecoveryCode', () => {
  it('gives back the characters of a shown code', () => {
    const shown = formatRecoveryCode(new Uint8Array([1, 2, 3, 4, 5, 6, 7]));
    expect(normalizeRecoveryCode(shown)).toBe(shown.replace('-', ''));
  });

  it('ignores case, spaces and dashes and reads i, l, o as digits', () => {
    expect(normalizeRecoveryCode(' ABCDE-FGHJK ')).toBe('abcdefghjk');
    expect(normalizeRecoveryCode('ab cd ef gh jk')).toBe('abcdefghjk');
    expect(normalizeRecoveryCode('IlOoo-00000')).toBe('11000' + '00000');
  });

  it('refuses other lengths and characters', () => {
    expect(normalizeRecoveryCode('abcde-fghj')).toBeNull();
    expect(normalizeRecoveryCode('abcde-fghjkm')).toBeNull();
    expect(normalizeRecoveryCode('abcde-fghju')).toBeNull(); // u is not in the alphabet
    expect(normalizeRecoveryCode('abcde_fghjk')).toBeNull();
    expect(normalizeRecoveryCode('')).toBeNull();
  });
});

import { X509Certificate } from 'node:crypto';
import { aTestSigner, type KeySpec } from '../../../test/support/x509-kit.js';
import { keyUsageOf, signingKeyRefusal } from './signing-key.rule.js';

const certificateOf = (spec: KeySpec, keyUsage?: string[]) =>
  new X509Certificate(aTestSigner(spec, { keyUsage }).certPem);

describe('signingKeyRefusal', () => {
  it.each<[string, KeySpec]>([
    ['RSA 2048', { type: 'rsa', bits: 2048 }],
    ['EC P-256', { type: 'ec', curve: 'P-256' }],
    ['EC P-384', { type: 'ec', curve: 'P-384' }],
  ])('accepts %s', (_label, spec) => {
    expect(signingKeyRefusal(certificateOf(spec))).toBeNull();
  });

  it('accepts a keyUsage with digitalSignature or nonRepudiation', () => {
    for (const usage of [['digitalSignature'], ['nonRepudiation', 'keyEncipherment']]) {
      expect(signingKeyRefusal(certificateOf({ type: 'ec', curve: 'P-256' }, usage))).toBeNull();
    }
  });

  it.each<[string, KeySpec, string]>([
    ['RSA 1024', { type: 'rsa', bits: 1024 }, 'rsa_key_too_short'],
    ['EC P-521', { type: 'ec', curve: 'P-521' }, 'ec_curve_not_allowed'],
    ['EC secp256k1', { type: 'ec', curve: 'secp256k1' }, 'ec_curve_not_allowed'],
    ['DSA', { type: 'dsa' }, 'key_type_not_allowed'],
    ['Ed25519', { type: 'ed25519' }, 'key_type_not_allowed'],
  ])('refuses %s', (_label, spec, reason) => {
    expect(signingKeyRefusal(certificateOf(spec))?.reason).toBe(reason);
  });

  it('refuses a key whose keyUsage allows encryption only', () => {
    const refusal = signingKeyRefusal(
      certificateOf({ type: 'rsa', bits: 2048 }, ['keyEncipherment']),
    );
    expect(refusal).toMatchObject({
      reason: 'key_usage_not_signing',
      keyUsage: ['keyEncipherment'],
    });
  });

  it('reads keyUsage bits, and tells a certificate without the extension', () => {
    const raw = (usage?: string[]) => certificateOf({ type: 'ec', curve: 'P-256' }, usage).raw;
    expect(keyUsageOf(raw())).toBeUndefined();
    expect(keyUsageOf(raw(['digitalSignature', 'keyEncipherment']))).toEqual([
      'digitalSignature',
      'keyEncipherment',
    ]);
  });
});

import type { X509Certificate } from 'node:crypto';
import forge from 'node-forge';

/**
 * Which keys an organization may sign deletion certificates with: RSA of at
 * least 2048 bits, or ECDSA on P-256 or P-384 (the keys the Japanese
 * government's CRYPTREC list and LGPKI accept for signatures, and the only
 * ones detached-signature.ts verifies with a digest it knows). DSA, EdDSA,
 * RSA-PSS-only keys, short RSA and other curves are refused. When the
 * certificate carries a keyUsage extension it must allow signatures
 * (digitalSignature or nonRepudiation): a key issued for encryption only is
 * not the organization's signature.
 *
 * Node's X509Certificate reads the key (node-forge cannot parse EC keys);
 * keyUsage is read from the DER, since Node does not expose it.
 */

export const SIGNING_KEY_REFUSAL_REASONS = [
  'key_type_not_allowed',
  'rsa_key_too_short',
  'ec_curve_not_allowed',
  'key_usage_not_signing',
] as const;
export type SigningKeyRefusalReason = (typeof SIGNING_KEY_REFUSAL_REASONS)[number];

export interface SigningKeyRefusal {
  reason: SigningKeyRefusalReason;
  message: string;
  keyType: string | null;
  modulusLength?: number;
  namedCurve?: string;
  keyUsage?: string[];
}

export const MIN_RSA_BITS = 2048;
/** Node's names for P-256 and P-384. */
export const ALLOWED_CURVES: ReadonlySet<string> = new Set(['prime256v1', 'secp384r1']);

/** RFC 5280 §4.2.1.3, in bit order. */
const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;
const KEY_USAGE_OID = '2.5.29.15';

/** Why the certificate's key may not sign deletion certificates, or null when it may. */
export function signingKeyRefusal(certificate: X509Certificate): SigningKeyRefusal | null {
  let keyType: string | undefined;
  let details: { modulusLength?: number; namedCurve?: string } = {};
  try {
    keyType = certificate.publicKey.asymmetricKeyType;
    details = certificate.publicKey.asymmetricKeyDetails ?? {};
  } catch {
    keyType = undefined; // a key type Node does not know
  }
  if (keyType === 'rsa') {
    const bits = details.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) {
      return {
        reason: 'rsa_key_too_short',
        message: `An RSA key needs at least ${MIN_RSA_BITS} bits; this one has ${bits}`,
        keyType,
        modulusLength: bits,
      };
    }
  } else if (keyType === 'ec') {
    const curve = details.namedCurve ?? 'unknown';
    if (!ALLOWED_CURVES.has(curve)) {
      return {
        reason: 'ec_curve_not_allowed',
        message: `An EC key must be on P-256 or P-384; this one is on ${curve}`,
        keyType,
        namedCurve: curve,
      };
    }
  } else {
    return {
      reason: 'key_type_not_allowed',
      message: `Only RSA (≥ ${MIN_RSA_BITS} bits) and EC P-256/P-384 keys sign; this one is ${keyType ?? 'unknown'}`,
      keyType: keyType ?? null,
    };
  }
  const usage = keyUsageOf(certificate.raw);
  if (usage && !usage.includes('digitalSignature') && !usage.includes('nonRepudiation')) {
    return {
      reason: 'key_usage_not_signing',
      message: 'The certificate’s keyUsage allows neither digitalSignature nor nonRepudiation',
      keyType,
      keyUsage: usage,
    };
  }
  return null;
}

type Asn1 = forge.asn1.Asn1;
const children = (node: Asn1 | undefined): Asn1[] => (Array.isArray(node?.value) ? node.value : []);

/**
 * The keyUsage bits a DER certificate names, or undefined when it has no
 * keyUsage extension. An extension that cannot be read counts as allowing
 * nothing (refused rather than trusted).
 */
export function keyUsageOf(der: Buffer): string[] | undefined {
  // node-forge takes an options object here (its typings know only `strict`):
  // a BIT STRING is kept as bytes, not guessed to hold nested DER.
  const options = { decodeBitStrings: false } as unknown as boolean;
  const certificate = forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary')), options);
  const tbs = children(certificate)[0];
  // tbsCertificate: [0] version, serial, signature, issuer, validity, subject, spki, [1], [2], [3] extensions
  const explicit = children(tbs).find(
    (node) => node.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && Number(node.type) === 3,
  );
  for (const extension of children(children(explicit)[0])) {
    const parts = children(extension);
    const id = parts[0];
    if (typeof id?.value !== 'string' || forge.asn1.derToOid(id.value) !== KEY_USAGE_OID) continue;
    const octets = parts[parts.length - 1];
    try {
      if (typeof octets?.value !== 'string') return [];
      const bitString = forge.asn1.fromDer(forge.util.createBuffer(octets.value), options);
      if (typeof bitString.value !== 'string' || bitString.value.length < 1) return [];
      const bytes = Buffer.from(bitString.value, 'binary').subarray(1); // after the unused-bits count
      return KEY_USAGE_BITS.filter(
        (_name, bit) => ((bytes[bit >> 3] ?? 0) & (0x80 >> (bit % 8))) !== 0,
      );
    } catch {
      return [];
    }
  }
  return undefined;
}

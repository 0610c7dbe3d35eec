import { execFileSync } from 'node:child_process';
import {
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign as cryptoSign,
  X509Certificate,
} from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';

/**
 * Test certificates of any key type (node-forge signs certificates with RSA
 * only): the TBSCertificate is assembled with node-forge's ASN.1 and signed
 * with Node's crypto, with the validity and keyUsage the test asks for.
 */

export type KeySpec =
  | { type: 'rsa'; bits: number }
  | { type: 'ec'; curve: 'P-256' | 'P-384' | 'P-521' | 'secp256k1' }
  | { type: 'dsa' }
  | { type: 'ed25519' };

export interface TestSigner {
  certPem: string;
  keyPem: string;
  privateKey: KeyObject;
  fingerprint256: string;
}

const asn1 = forge.asn1;
const { Class, Type } = asn1;
const seq = (value: forge.asn1.Asn1[]) => asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, value);
const oid = (id: string) =>
  asn1.create(Class.UNIVERSAL, Type.OID, false, asn1.oidToDer(id).getBytes());
const der = (node: forge.asn1.Asn1) => Buffer.from(asn1.toDer(node).getBytes(), 'binary');
const fromDer = (bytes: Buffer) => asn1.fromDer(forge.util.createBuffer(bytes.toString('binary')));

const CURVES = {
  'P-256': 'prime256v1',
  'P-384': 'secp384r1',
  'P-521': 'secp521r1',
  secp256k1: 'secp256k1',
};
const KEY_USAGE = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment'];

function keyPair(spec: KeySpec) {
  switch (spec.type) {
    case 'rsa':
      return generateKeyPairSync('rsa', { modulusLength: spec.bits });
    case 'ec':
      return generateKeyPairSync('ec', { namedCurve: CURVES[spec.curve] });
    case 'dsa':
      return generateKeyPairSync('dsa', { modulusLength: 1024, divisorLength: 160 });
    case 'ed25519':
      return generateKeyPairSync('ed25519');
  }
}

/** Signature algorithm (OID, parameters NULL?) and digest for each key type. */
function algorithm(spec: KeySpec): { oid: string; nullParams: boolean; digest: string | null } {
  switch (spec.type) {
    case 'rsa':
      return { oid: '1.2.840.113549.1.1.11', nullParams: true, digest: 'sha256' };
    case 'ec':
      return spec.curve === 'P-384' || spec.curve === 'P-521'
        ? { oid: '1.2.840.10045.4.3.3', nullParams: false, digest: 'sha384' }
        : { oid: '1.2.840.10045.4.3.2', nullParams: false, digest: 'sha256' };
    case 'dsa':
      return { oid: '2.16.840.1.101.3.4.3.2', nullParams: false, digest: 'sha256' };
    case 'ed25519':
      return { oid: '1.3.101.112', nullParams: false, digest: null };
  }
}

/** A self-signed certificate; keyUsage is left out unless given. */
export function aTestSigner(
  spec: KeySpec,
  options: { cn?: string; notBefore?: string; notAfter?: string; keyUsage?: string[] } = {},
): TestSigner {
  const { publicKey, privateKey } = keyPair(spec);
  const alg = algorithm(spec);
  const algorithmId = seq([
    oid(alg.oid),
    ...(alg.nullParams ? [asn1.create(Class.UNIVERSAL, Type.NULL, false, '')] : []),
  ]);
  const name = seq([
    asn1.create(Class.UNIVERSAL, Type.SET, true, [
      seq([oid('2.5.4.3'), asn1.create(Class.UNIVERSAL, Type.UTF8, false, options.cn ?? 'signer')]),
    ]),
  ]);
  const time = (iso: string) =>
    asn1.create(Class.UNIVERSAL, Type.UTCTIME, false, asn1.dateToUtcTime(new Date(iso)));
  const extensions = [];
  if (options.keyUsage) {
    let bits = 0;
    for (const usage of options.keyUsage) bits |= 0x80 >> KEY_USAGE.indexOf(usage);
    const bitString = asn1.create(
      Class.UNIVERSAL,
      Type.BITSTRING,
      false,
      String.fromCharCode(0, bits),
    );
    extensions.push(
      seq([
        oid('2.5.29.15'),
        asn1.create(Class.UNIVERSAL, Type.BOOLEAN, false, String.fromCharCode(0xff)),
        asn1.create(Class.UNIVERSAL, Type.OCTETSTRING, false, asn1.toDer(bitString).getBytes()),
      ]),
    );
  }
  const serial = randomBytes(8);
  serial[0]! &= 0x7f;
  const tbs = seq([
    asn1.create(Class.CONTEXT_SPECIFIC, 0, true, [
      asn1.create(Class.UNIVERSAL, Type.INTEGER, false, String.fromCharCode(2)),
    ]),
    asn1.create(Class.UNIVERSAL, Type.INTEGER, false, serial.toString('binary')),
    algorithmId,
    name,
    seq([
      time(options.notBefore ?? '2026-01-01T00:00:00Z'),
      time(options.notAfter ?? '2030-01-01T00:00:00Z'),
    ]),
    name,
    fromDer(publicKey.export({ type: 'spki', format: 'der' })),
    ...(extensions.length > 0
      ? [asn1.create(Class.CONTEXT_SPECIFIC, 3, true, [seq(extensions)])]
      : []),
  ]);
  const tbsDer = der(tbs);
  const signature = cryptoSign(alg.digest, tbsDer, privateKey);
  const certificate = seq([
    tbs,
    algorithmId,
    asn1.create(Class.UNIVERSAL, Type.BITSTRING, false, '\0' + signature.toString('binary')),
  ]);
  const certPem = new X509Certificate(der(certificate)).toString();
  return {
    certPem,
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    privateKey,
    fingerprint256: new X509Certificate(certPem).fingerprint256,
  };
}

/** A detached CMS signature (PEM) over `bytes`, made by `openssl cms -sign -binary`. */
export function opensslCmsSign(
  signer: Pick<TestSigner, 'certPem' | 'keyPem'>,
  bytes: Buffer,
): string {
  const dir = mkdtempSync(join(tmpdir(), 'kanribo-cms-'));
  try {
    writeFileSync(join(dir, 'content.json'), bytes);
    writeFileSync(join(dir, 'cert.pem'), signer.certPem);
    writeFileSync(join(dir, 'key.pem'), signer.keyPem);
    execFileSync('openssl', [
      'cms',
      '-sign',
      '-binary',
      '-in',
      join(dir, 'content.json'),
      '-signer',
      join(dir, 'cert.pem'),
      '-inkey',
      join(dir, 'key.pem'),
      '-outform',
      'PEM',
      '-out',
      join(dir, 'sig.pem'),
    ]);
    return readFileSync(join(dir, 'sig.pem'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

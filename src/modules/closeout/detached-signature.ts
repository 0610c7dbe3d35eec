import { createHash, verify as verifySignature, type X509Certificate } from 'node:crypto';
import forge from 'node-forge';

/**
 * Verification of a detached PKCS#7 / CMS SignedData signature (RFC 5652
 * §5.4), as `openssl cms -sign -binary` or node-forge make it. node-forge
 * parses the ASN.1 (its own `verify()` is not implemented); Node's crypto
 * checks the digest and the signature, for RSA and ECDSA keys alike.
 */

const OID = {
  signedData: '1.2.840.113549.1.7.2',
  data: '1.2.840.113549.1.7.1',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
};

const DIGESTS: Record<string, string> = {
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

export type SignatureVerdict =
  { valid: true; certificate: X509Certificate } | { valid: false; reason: string };

type Asn1 = forge.asn1.Asn1;

const children = (node: Asn1 | undefined): Asn1[] => (Array.isArray(node?.value) ? node.value : []);
const oidOf = (node: Asn1 | undefined): string | undefined =>
  node && typeof node.value === 'string' && node.type === forge.asn1.Type.OID
    ? forge.asn1.derToOid(node.value)
    : undefined;
const bytesOf = (node: Asn1 | undefined): Buffer | undefined =>
  node && typeof node.value === 'string' ? Buffer.from(node.value, 'binary') : undefined;

/** DER bytes of a PEM block labelled PKCS7 or CMS. */
function pemToDer(pem: string): Buffer | undefined {
  const match = /-----BEGIN (PKCS7|CMS)-----([\s\S]+?)-----END \1-----/.exec(pem);
  if (!match) return undefined;
  return Buffer.from(match[2]!.replace(/\s+/g, ''), 'base64');
}

/**
 * Whether `signaturePem` is a valid detached signature over `content` by one
 * of `certificates` (the signer's organization's registered, unexpired
 * certificates). The signer is found by issuer and serial number.
 */
export function verifyDetachedSignature(
  signaturePem: string,
  content: Buffer,
  certificates: X509Certificate[],
): SignatureVerdict {
  const der = pemToDer(signaturePem);
  if (!der || der.length === 0) return { valid: false, reason: 'not a PEM PKCS7 or CMS block' };
  let contentInfo: Asn1;
  try {
    contentInfo = forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary')));
  } catch {
    return { valid: false, reason: 'the signature is not valid DER' };
  }
  const [typeNode, explicitContent] = children(contentInfo);
  if (oidOf(typeNode) !== OID.signedData) return { valid: false, reason: 'not a SignedData' };
  const signedData = children(explicitContent)[0];
  const parts = children(signedData);
  // version, digestAlgorithms, encapContentInfo, [0] certificates?, [1] crls?, signerInfos
  const encap = parts[2];
  if (children(encap).length > 1) return { valid: false, reason: 'the signature is not detached' };
  const signerInfos = parts[parts.length - 1];
  const signers = children(signerInfos);
  if (signers.length !== 1) return { valid: false, reason: 'expected exactly one signer' };
  const fields = children(signers[0]);
  // version, sid, digestAlgorithm, [0] signedAttrs?, signatureAlgorithm, signature, [1] unsignedAttrs?
  const sid = fields[1];
  const digestName = DIGESTS[oidOf(children(fields[2])[0]) ?? ''];
  if (!digestName) return { valid: false, reason: 'unsupported digest algorithm' };
  const hasAttrs =
    fields[3]?.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && Number(fields[3].type) === 0; // [0] IMPLICIT
  const signedAttrs = hasAttrs ? fields[3] : undefined;
  const signature = bytesOf(fields[hasAttrs ? 5 : 4]);
  if (!signature) return { valid: false, reason: 'no signature value' };

  const certificate = findSigner(sid, certificates);
  if (!certificate)
    return {
      valid: false,
      reason: 'the signer is not a registered certificate of the organization',
    };

  let signed: Buffer = content;
  if (signedAttrs) {
    const digest = createHash(digestName).update(content).digest();
    let messageDigest: Buffer | undefined;
    let contentType: string | undefined;
    for (const attribute of children(signedAttrs)) {
      const [type, values] = children(attribute);
      const value = children(values)[0];
      if (oidOf(type) === OID.messageDigest) messageDigest = bytesOf(value);
      if (oidOf(type) === OID.contentType) contentType = oidOf(value);
    }
    if (contentType !== OID.data)
      return { valid: false, reason: 'the signed content type is not data' };
    if (!messageDigest || !messageDigest.equals(digest)) {
      return { valid: false, reason: 'the signature is over other bytes than these' };
    }
    // The signature covers the DER of the attributes as a SET (RFC 5652 §5.4).
    const asSet = forge.asn1.create(
      forge.asn1.Class.UNIVERSAL,
      forge.asn1.Type.SET,
      true,
      children(signedAttrs),
    );
    signed = Buffer.from(forge.asn1.toDer(asSet).getBytes(), 'binary');
  }
  try {
    const ok = verifySignature(digestName, signed, certificate.publicKey, signature);
    return ok
      ? { valid: true, certificate }
      : { valid: false, reason: 'the signature does not verify' };
  } catch {
    return { valid: false, reason: 'the signature does not verify' };
  }
}

/** The registered certificate named by a SignerIdentifier (issuer and serial number). */
function findSigner(
  sid: Asn1 | undefined,
  certificates: X509Certificate[],
): X509Certificate | undefined {
  const [issuer, serial] = children(sid);
  const serialHex = bytesOf(serial)
    ?.toString('hex')
    .replace(/^(00)+/, '')
    .toUpperCase();
  if (!issuer || !serialHex) return undefined;
  const issuerDer = Buffer.from(forge.asn1.toDer(issuer).getBytes(), 'binary');
  return certificates.find((certificate) => {
    if (certificate.serialNumber.replace(/^(00)+/, '').toUpperCase() !== serialHex) return false;
    // Compare the issuer's DER with the certificate's own issuer field.
    const parsed = forge.asn1.fromDer(forge.util.createBuffer(certificate.raw.toString('binary')));
    const tbs = children(parsed)[0];
    const tbsFields = children(tbs);
    const offset = tbsFields[0]?.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC ? 1 : 0;
    const certIssuer = tbsFields[offset + 2];
    return (
      certIssuer !== undefined &&
      Buffer.from(forge.asn1.toDer(certIssuer).getBytes(), 'binary').equals(issuerDer)
    );
  });
}

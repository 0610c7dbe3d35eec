import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';

/**
 * C2SP signed notes (https://c2sp.org/signed-note), the envelope of
 * transparency-log checkpoints, with Ed25519 keys in the text forms of Go's
 * golang.org/x/mod/sumdb/note:
 *
 * - verifier key `<name>+<key id, 8 hex>+<base64(0x01 ‖ public key)>`,
 * - signer key `PRIVATE+KEY+<name>+<key id>+<base64(0x01 ‖ seed)>`,
 * - key id: the first 4 bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key),
 * - a note: its text (ending in a newline), an empty line, and one line per
 *   signature, `— <name> <base64(key id ‖ signature)>`.
 */

export const ED25519 = 0x01;
/** The dash that starts a signature line (U+2014), not a hyphen. */
export const EM_DASH = '\u2014';
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');

export class NoteError extends Error {}

/**
 * A key name: not empty, at most 200 characters, no white space, no '+' and
 * no control character (Go's note.Open refuses a note that holds one).
 */
export function isKeyName(name: string): boolean {
  // eslint-disable-next-line no-control-regex
  return name.length > 0 && name.length <= 200 && !/[\s+\u0000-\u001f\u007f]/u.test(name);
}

export function keyId(name: string, type: number, publicKey: Uint8Array): Buffer {
  return createHash('sha256')
    .update(name, 'utf8')
    .update(Buffer.from([0x0a, type]))
    .update(publicKey)
    .digest()
    .subarray(0, 4);
}

export interface NoteVerifier {
  name: string;
  keyId: Buffer;
  /** Raw 32-byte Ed25519 public key. */
  publicKey: Buffer;
  /** The verifier key in its text form. */
  text: string;
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

export interface NoteSigner extends NoteVerifier {
  sign(message: Uint8Array): Buffer;
  /** The signer key in its text form: a secret. */
  secret: string;
}

/** Standard base64 with padding, in its one canonical form; undefined otherwise. */
export function base64Strict(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

/** The key's fields: split at the first `count - 1` '+' (base64 has its own). */
export function splitKey(text: string, count: number): string[] | undefined {
  const parts: string[] = [];
  let rest = text;
  for (let i = 1; i < count; i++) {
    const at = rest.indexOf('+');
    if (at < 0) return undefined;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  parts.push(rest);
  return parts;
}

/** A raw 32-byte Ed25519 public key as a node:crypto key. */
export function publicKeyObject(raw: Buffer): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519, raw]), format: 'der', type: 'spki' });
}

function verifierOf(name: string, publicKey: Buffer): NoteVerifier {
  if (!isKeyName(name)) throw new NoteError(`"${name}" is not a key name`);
  if (publicKey.length !== 32) throw new NoteError('an Ed25519 public key is 32 bytes');
  const id = keyId(name, ED25519, publicKey);
  const key = publicKeyObject(publicKey);
  return {
    name,
    keyId: id,
    publicKey,
    text: `${name}+${id.toString('hex')}+${Buffer.concat([Buffer.from([ED25519]), publicKey]).toString('base64')}`,
    verify: (message, signature) =>
      signature.length === 64 && verify(null, message, key, signature),
  };
}

/** Parses a verifier key; throws {@link NoteError} when it is not one (or its id does not match). */
export function parseVerifierKey(text: string): NoteVerifier {
  const parts = splitKey(text, 3);
  if (!parts) throw new NoteError('a verifier key is <name>+<id>+<key>');
  const [name, id, encoded] = parts as [string, string, string];
  const key = base64Strict(encoded);
  if (!/^[0-9a-f]{8}$/.test(id) || !key || key.length !== 33 || key[0] !== ED25519) {
    throw new NoteError('not an Ed25519 verifier key');
  }
  const verifier = verifierOf(name, key.subarray(1));
  if (verifier.keyId.toString('hex') !== id)
    throw new NoteError('the key id does not match the key');
  return verifier;
}

/** The raw 32 bytes of an Ed25519 public key object. */
export function rawPublicKey(key: KeyObject): Buffer {
  const der = key.export({ format: 'der', type: 'spki' });
  return Buffer.from(der.subarray(der.length - 32));
}

/** An Ed25519 key pair from its 32-byte seed (the form signer keys hold). */
export function keyPairFromSeed(seed: Buffer): { privateKey: KeyObject; publicKey: Buffer } {
  if (seed.length !== 32) throw new NoteError('an Ed25519 seed is 32 bytes');
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  return { privateKey, publicKey: rawPublicKey(createPublicKey(privateKey)) };
}

/** A verifier from an Ed25519 public key object (a PEM a ward uploaded, say). */
export function verifierFromPublicKey(name: string, key: KeyObject): NoteVerifier {
  if (key.asymmetricKeyType !== 'ed25519') throw new NoteError('not an Ed25519 key');
  return verifierOf(name, rawPublicKey(key));
}

export function signerFromSeed(name: string, seed: Buffer): NoteSigner {
  const { privateKey, publicKey } = keyPairFromSeed(seed);
  const verifier = verifierOf(name, publicKey);
  return {
    ...verifier,
    secret: `PRIVATE+KEY+${name}+${verifier.keyId.toString('hex')}+${Buffer.concat([Buffer.from([ED25519]), seed]).toString('base64')}`,
    sign: (message) => sign(null, message, privateKey),
  };
}

/** Parses a signer key (`PRIVATE+KEY+…`). */
export function parseSignerKey(text: string): NoteSigner {
  const parts = splitKey(text.trim(), 5);
  if (!parts || parts[0] !== 'PRIVATE' || parts[1] !== 'KEY') {
    throw new NoteError('a signer key is PRIVATE+KEY+<name>+<id>+<key>');
  }
  const [, , name, id, encoded] = parts as [string, string, string, string, string];
  const key = base64Strict(encoded);
  if (!key || key.length !== 33 || key[0] !== ED25519)
    throw new NoteError('not an Ed25519 signer key');
  const signer = signerFromSeed(name, key.subarray(1));
  if (signer.keyId.toString('hex') !== id) throw new NoteError('the key id does not match the key');
  return signer;
}

export function generateSigner(name: string): NoteSigner {
  const { privateKey } = generateKeyPairSync('ed25519');
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  return signerFromSeed(name, Buffer.from(pkcs8.subarray(pkcs8.length - 32)));
}

/** The PEM (SPKI) form of a verifier's (or a witness's) public key, for openssl. */
export function publicKeyPem(verifier: { publicKey: Buffer }): string {
  return publicKeyObject(verifier.publicKey).export({ format: 'pem', type: 'spki' }).toString();
}

/** Throws {@link NoteError} unless `text` can be a note's text. */
export function checkText(text: string): void {
  if (!text.endsWith('\n')) throw new NoteError('a note’s text ends with a newline');
  if (text.includes('\n\n') || text.startsWith('\n')) {
    // An empty line would be read as the start of the signatures.
    throw new NoteError('a note’s text has no empty line');
  }
}

/** The signature line a signer adds to a note's text. */
export function signatureLine(text: string, signer: NoteSigner): string {
  checkText(text);
  const signature = signer.sign(Buffer.from(text, 'utf8'));
  return `${EM_DASH} ${signer.name} ${Buffer.concat([signer.keyId, signature]).toString('base64')}\n`;
}

/** A signed note: the text, an empty line, one line per signer. */
export function signNote(text: string, ...signers: NoteSigner[]): string {
  return `${text}\n${signers.map((signer) => signatureLine(text, signer)).join('')}`;
}

export interface NoteSignature {
  name: string;
  keyId: Buffer;
  /** The signature without its key id. */
  signature: Buffer;
  /** The whole line, newline included. */
  line: string;
}

/** Splits a signed note into its text and signature lines; throws {@link NoteError} when it is not one. */
export function parseNote(note: string): { text: string; signatures: NoteSignature[] } {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new NoteError('not a signed note');
  const text = note.slice(0, split + 1);
  checkText(text);
  const signatures: NoteSignature[] = [];
  for (const line of note
    .slice(split + 2)
    .split('\n')
    .slice(0, -1)) {
    const match = /^\u2014 ([^\s+]+) ([A-Za-z0-9+/=]+)$/u.exec(line);
    const bytes = match ? base64Strict(match[2]!) : undefined;
    if (!match || !bytes || bytes.length < 5) throw new NoteError(`not a signature line: ${line}`);
    signatures.push({
      name: match[1]!,
      keyId: bytes.subarray(0, 4),
      signature: bytes.subarray(4),
      line: `${line}\n`,
    });
  }
  if (signatures.length === 0) throw new NoteError('the note has no signature');
  return { text, signatures };
}

/**
 * Opens a signed note with known verifiers: the text and which of them
 * signed it. A line that names a known key but does not verify throws;
 * lines by unknown keys are ignored, as the format asks.
 */
export function openNote(
  note: string,
  verifiers: readonly NoteVerifier[],
): { text: string; verifiedBy: NoteVerifier[] } {
  const { text, signatures } = parseNote(note);
  const message = Buffer.from(text, 'utf8');
  const verifiedBy: NoteVerifier[] = [];
  for (const line of signatures) {
    const verifier = verifiers.find((v) => v.name === line.name && v.keyId.equals(line.keyId));
    if (!verifier) continue;
    if (!verifier.verify(message, line.signature)) {
      throw new NoteError(`the signature of ${line.name} does not verify`);
    }
    if (!verifiedBy.includes(verifier)) verifiedBy.push(verifier);
  }
  return { text, verifiedBy };
}

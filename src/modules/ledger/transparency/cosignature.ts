import { generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import {
  base64Strict,
  checkText,
  ED25519,
  EM_DASH,
  isKeyName,
  keyId,
  keyPairFromSeed,
  NoteError,
  parseNote,
  publicKeyObject,
  rawPublicKey,
  splitKey,
} from './signed-note.js';

/**
 * C2SP tlog-cosignature (https://c2sp.org/tlog-cosignature), Ed25519
 * `cosignature/v1`: a witness's statement that, as of a time, the checkpoint
 * is the largest consistent one it has seen of that log. A cosignature is one
 * more signature line of the checkpoint's signed note:
 *
 * - key id: the first 4 bytes of SHA-256(name ‖ "\n" ‖ 0x04 ‖ public key),
 * - signed message: `cosignature/v1\ntime <unix seconds>\n` followed by the
 *   checkpoint's whole note text (origin, size, root, any extension line),
 * - line: `— <name> base64(key id ‖ timestamp as u64 big-endian ‖ signature)`,
 * - verifier key: `<name>+<key id>+base64(0x04 ‖ public key)`.
 *
 * Pure functions, shared by the service (which checks the cosignatures wards
 * post) and whoever verifies a cosigned checkpoint offline.
 */

export const COSIGNATURE_V1 = 0x04;
const KEY_ID_BYTES = 4;
const TIMESTAMP_BYTES = 8;
const SIGNATURE_BYTES = 64;
/** key id ‖ timestamp ‖ Ed25519 signature. */
export const COSIGNATURE_BYTES = KEY_ID_BYTES + TIMESTAMP_BYTES + SIGNATURE_BYTES;

export interface CosignatureVerifier {
  name: string;
  /** SHA-256(name ‖ \n ‖ 0x04 ‖ public key)[:4]. */
  keyId: Buffer;
  /** Raw 32-byte Ed25519 public key. */
  publicKey: Buffer;
  /** The verifier key in its text form, type 0x04. */
  text: string;
  /** Whether `signature` (64 bytes) is this key's cosignature of the note text `text` at `timestamp`. */
  verify(text: string, timestamp: number, signature: Uint8Array): boolean;
}

export interface CosignatureSigner extends CosignatureVerifier {
  /** The signature line (newline included) cosigning the note text `text` at `timestamp`. */
  cosign(text: string, timestamp: number): string;
}

/** A cosignature as read from a line, not verified yet. */
export interface ParsedCosignature {
  /** The key name of the line; absent when only the base64 part was given. */
  name?: string;
  keyId: Buffer;
  /** Unix seconds. */
  timestamp: number;
  signature: Buffer;
}

export function cosignatureKeyId(name: string, publicKey: Uint8Array): Buffer {
  return keyId(name, COSIGNATURE_V1, publicKey);
}

function checkTimestamp(timestamp: number): void {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new NoteError('a cosignature timestamp is a whole number of seconds since 1970');
  }
}

/** The bytes a witness signs: `cosignature/v1`, `time <timestamp>`, then the note text. */
export function cosignedMessage(text: string, timestamp: number): Buffer {
  checkText(text);
  checkTimestamp(timestamp);
  return Buffer.from(`cosignature/v1\ntime ${timestamp}\n${text}`, 'utf8');
}

/** The note signature line of a cosignature. */
export function cosignatureLine(
  name: string,
  id: Uint8Array,
  timestamp: number,
  signature: Uint8Array,
): string {
  checkTimestamp(timestamp);
  const blob = Buffer.alloc(COSIGNATURE_BYTES);
  Buffer.from(id).copy(blob, 0);
  blob.writeBigUInt64BE(BigInt(timestamp), KEY_ID_BYTES);
  Buffer.from(signature).copy(blob, KEY_ID_BYTES + TIMESTAMP_BYTES);
  return `${EM_DASH} ${name} ${blob.toString('base64')}\n`;
}

function verifierOf(name: string, publicKey: Buffer): CosignatureVerifier {
  if (!isKeyName(name)) throw new NoteError(`"${name}" is not a key name`);
  if (publicKey.length !== 32) throw new NoteError('an Ed25519 public key is 32 bytes');
  const id = cosignatureKeyId(name, publicKey);
  const key = publicKeyObject(publicKey);
  return {
    name,
    keyId: id,
    publicKey,
    text: `${name}+${id.toString('hex')}+${Buffer.concat([Buffer.from([COSIGNATURE_V1]), publicKey]).toString('base64')}`,
    verify: (text, timestamp, signature) => {
      if (signature.length !== SIGNATURE_BYTES) return false;
      let message: Buffer;
      try {
        message = cosignedMessage(text, timestamp);
      } catch {
        return false;
      }
      return verify(null, message, key, signature);
    },
  };
}

/**
 * Parses a witness's verifier key: type 0x04 (cosignature/v1), or a plain
 * Ed25519 one (type 0x01, its id checked as such), which is taken as the same
 * key's cosignature/v1 key as Go's NewVerifierForCosignatureV1 does. Either
 * way the verifier has the 0x04 key id and text. Throws {@link NoteError}.
 */
export function parseCosignatureVerifierKey(text: string): CosignatureVerifier {
  const parts = splitKey(text.trim(), 3);
  if (!parts) throw new NoteError('a verifier key is <name>+<id>+<key>');
  const [name, id, encoded] = parts as [string, string, string];
  const key = base64Strict(encoded);
  if (
    !/^[0-9a-f]{8}$/.test(id) ||
    !key ||
    key.length !== 33 ||
    (key[0] !== COSIGNATURE_V1 && key[0] !== ED25519)
  ) {
    throw new NoteError('not an Ed25519 cosignature/v1 (0x04) or Ed25519 (0x01) verifier key');
  }
  if (!isKeyName(name)) throw new NoteError(`"${name}" is not a key name`);
  const publicKey = key.subarray(1);
  if (keyId(name, key[0], publicKey).toString('hex') !== id) {
    throw new NoteError('the key id does not match the key');
  }
  return verifierOf(name, Buffer.from(publicKey));
}

/** A witness's verifier from an Ed25519 public key object (a PEM a ward uploaded, say). */
export function cosignatureVerifierFromPublicKey(
  name: string,
  key: KeyObject,
): CosignatureVerifier {
  if (key.type !== 'public' || key.asymmetricKeyType !== 'ed25519') {
    throw new NoteError('not an Ed25519 public key');
  }
  return verifierOf(name, rawPublicKey(key));
}

export function cosignatureSignerFromSeed(name: string, seed: Buffer): CosignatureSigner {
  const { privateKey, publicKey } = keyPairFromSeed(seed);
  const verifier = verifierOf(name, publicKey);
  return {
    ...verifier,
    cosign: (text, timestamp) =>
      cosignatureLine(
        verifier.name,
        verifier.keyId,
        timestamp,
        sign(null, cosignedMessage(text, timestamp), privateKey),
      ),
  };
}

export function generateCosignatureSigner(name: string): CosignatureSigner {
  const { privateKey } = generateKeyPairSync('ed25519');
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  return cosignatureSignerFromSeed(name, Buffer.from(pkcs8.subarray(pkcs8.length - 32)));
}

/**
 * Reads a cosignature: a whole signature line (`— <name> <base64>`, its
 * newline optional) or only its base64 part. Throws {@link NoteError} when it
 * is neither, or its bytes are not key id ‖ timestamp ‖ 64-byte signature
 * (with a timestamp this side of 2^53).
 */
export function parseCosignature(text: string): ParsedCosignature {
  const line = text.endsWith('\n') ? text.slice(0, -1) : text;
  const match = /^(?:\u2014 (\S+) )?([A-Za-z0-9+/=]+)$/u.exec(line);
  const bytes = match ? base64Strict(match[2]!) : undefined;
  if (!match || !bytes) {
    throw new NoteError('a cosignature is a signature line "— <name> <base64>" or its base64');
  }
  if (bytes.length !== COSIGNATURE_BYTES) {
    throw new NoteError(
      `a cosignature/v1 is ${COSIGNATURE_BYTES} bytes (key id, timestamp, Ed25519 signature), not ${bytes.length}`,
    );
  }
  const timestamp = bytes.readBigUInt64BE(KEY_ID_BYTES);
  if (timestamp > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new NoteError('the cosignature’s timestamp is out of range');
  }
  return {
    ...(match[1] === undefined ? {} : { name: match[1] }),
    keyId: bytes.subarray(0, KEY_ID_BYTES),
    timestamp: Number(timestamp),
    signature: bytes.subarray(KEY_ID_BYTES + TIMESTAMP_BYTES),
  };
}

/**
 * The cosignatures of a signed note by known witnesses, with their times. A
 * line that names a known witness key but does not verify throws
 * {@link NoteError}; other lines (the log's own signature, unknown
 * witnesses) are ignored, as the signed-note format asks.
 */
export function openCosignatures(
  note: string,
  witnesses: readonly CosignatureVerifier[],
): Array<{ witness: CosignatureVerifier; timestamp: number }> {
  const { text, signatures } = parseNote(note);
  const found: Array<{ witness: CosignatureVerifier; timestamp: number }> = [];
  for (const line of signatures) {
    const witness = witnesses.find((w) => w.name === line.name && w.keyId.equals(line.keyId));
    if (!witness) continue;
    const blob = line.signature;
    const timestamp =
      blob.length === TIMESTAMP_BYTES + SIGNATURE_BYTES ? blob.readBigUInt64BE(0) : undefined;
    if (
      timestamp === undefined ||
      timestamp > BigInt(Number.MAX_SAFE_INTEGER) ||
      !witness.verify(text, Number(timestamp), blob.subarray(TIMESTAMP_BYTES))
    ) {
      throw new NoteError(`the cosignature of ${line.name} does not verify`);
    }
    found.push({ witness, timestamp: Number(timestamp) });
  }
  return found;
}

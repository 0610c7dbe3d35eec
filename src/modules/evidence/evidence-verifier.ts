import { createHash, X509Certificate } from 'node:crypto';
import type { Readable, TransformOptions } from 'node:stream';
import { createInflateRaw, type ZlibOptions } from 'node:zlib';
import yauzl from 'yauzl';
import type { CertificateSubmittedPayload } from '../closeout/closeout.projector.js';
import { signedContent, signedDocument } from '../closeout/signed-content.rule.js';
import { GENESIS_HASH } from '../ledger/hash-chain.js';
import { BOM, csvLine, KANRIBO_HEADER, kanriboCsvLine } from '../ledger/kanribo-csv.js';
import { kanriboRow } from '../ledger/kanribo-row.js';
import { parseCheckpoint } from '../ledger/transparency/checkpoint.js';
import { appendLeaf, foldRange, leafHash } from '../ledger/transparency/merkle.js';
import {
  NoteError,
  type NoteVerifier,
  openNote,
  parseNote,
  parseVerifierKey,
  publicKeyPem,
} from '../ledger/transparency/signed-note.js';
import {
  CERTIFICATE_FILES,
  EVIDENCE_FILES,
  EVIDENCE_FORMAT,
  type EvidenceManifest,
} from './evidence-layout.js';
import { parseEntryLine } from './entry-line.js';

/** One check of an evidence package: OK, or the first failure (with the entry it is at). */
export interface EvidenceCheck {
  name: string;
  ok: boolean;
  detail: string;
  seq?: number;
}

/**
 * The package cannot be read as a package (a file over its size limit, a
 * size that lies, a broken archive): kanribo-verify exits 2, as for an
 * unreadable file, rather than naming a failed check.
 */
export class EvidenceReadError extends Error {}

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/**
 * The most a package's files may hold, uncompressed, and the most files it
 * may hold. The declared sizes of the archive are not trusted: a file is
 * refused when it declares more than its limit, and its bytes are counted as
 * they are inflated (yauzl also fails a file whose bytes differ from what it
 * declares). The ledger and the CSV are read a chunk at a time (the ledger a
 * line at a time, each line at most `line`), so their limits bound the
 * time a package can take, not memory; every other file is read whole.
 */
export interface EvidenceLimits {
  files: number;
  /** ledger.jsonl and 管理簿.csv, streamed. */
  streamed: number;
  /** One line of ledger.jsonl: one entry, held while it is checked. */
  line: number;
  /** manifest.json (its certificate list). */
  manifest: number;
  /** checkpoint.txt, the keys and the openssl files. */
  checkpoint: number;
  /** Each file of a certificate folder that is read (content, signature, signer certificate). */
  certificate: number;
}

export const EVIDENCE_LIMITS: EvidenceLimits = {
  files: 100_000,
  streamed: 16 * GiB,
  line: 16 * MiB,
  manifest: 16 * MiB,
  checkpoint: 64 * KiB,
  certificate: 4 * MiB,
};

/**
 * How a streamed file is inflated: 256 KiB at a time, up to 4 MiB ahead of
 * the reader (memory, bounded). zlib hands its options to its Transform,
 * whose high-water mark @types/node does not list for it.
 */
const INFLATE: ZlibOptions & TransformOptions = {
  chunkSize: 256 * KiB,
  readableHighWaterMark: 4 * MiB,
};

/** The limit of a file of the package, by what it is. */
function limitOf(name: string, limits: EvidenceLimits): number {
  if (name === EVIDENCE_FILES.ledger || name === EVIDENCE_FILES.kanriboCsv) return limits.streamed;
  if (name === EVIDENCE_FILES.manifest) return limits.manifest;
  if (name.startsWith('certificates/')) return limits.certificate;
  return limits.checkpoint;
}

const amount = (bytes: number) =>
  bytes >= MiB ? `${(bytes / MiB).toFixed(bytes % MiB ? 1 : 0)} MiB` : `${bytes} bytes`;

/** A zip opened for reading: its file names, and each file as bytes or as chunks, within its limit. */
export interface ZipReader {
  names: ReadonlySet<string>;
  limits: EvidenceLimits;
  buffer(name: string): Promise<Buffer>;
  chunks(name: string): AsyncIterable<Buffer>;
  close(): void;
}

export async function openZip(
  path: string,
  limits: EvidenceLimits = EVIDENCE_LIMITS,
): Promise<ZipReader> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(
      path,
      { lazyEntries: true, autoClose: false, validateEntrySizes: true },
      (error, file) =>
        error || !file ? reject(error ?? new Error('not a zip file')) : resolve(file),
    ),
  );
  if (zip.entryCount > limits.files) {
    zip.close();
    throw new EvidenceReadError(
      `the archive holds ${zip.entryCount} files, more than the ${limits.files} a package may hold`,
    );
  }
  const entries = new Map<string, yauzl.Entry>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      // Two files of one name: tools would disagree on which one is read.
      if (entries.has(entry.fileName)) {
        zip.close();
        reject(new Error(`${entry.fileName} is in the archive twice`));
        return;
      }
      entries.set(entry.fileName, entry);
      zip.readEntry();
    });
    zip.on('end', () => resolve());
    zip.on('error', reject);
    zip.readEntry();
  });
  async function* chunks(name: string): AsyncGenerator<Buffer> {
    const entry = entries.get(name);
    if (!entry) throw new EvidenceReadError(`${name} is missing`);
    const limit = limitOf(name, limits);
    if (entry.uncompressedSize > limit) {
      throw new EvidenceReadError(
        `${name} declares ${amount(entry.uncompressedSize)}, more than the ${amount(limit)} it may hold: not read`,
      );
    }
    // Inflated here, not by yauzl: in larger chunks (a fifth of the time of
    // a long ledger went into 16 KiB ones), and counted against what the
    // entry declares as they come. Up to READ_AHEAD is inflated ahead of the
    // reader, on libuv's thread while the entries are checked on this one:
    // with the default high-water mark the inflate waited for each chunk to
    // be consumed, and the checks then waited for the inflate (a tenth of a
    // 100,000-entry run idle).
    const deflated = entry.compressionMethod === 8;
    const raw = await new Promise<Readable>((resolve, reject) =>
      zip.openReadStream(entry, deflated ? { decompress: false } : {}, (error, stream) =>
        error || !stream ? reject(error ?? new Error(name)) : resolve(stream),
      ),
    ).catch((error: unknown) => {
      throw new EvidenceReadError(`${name}: ${(error as Error).message}`);
    });
    const readable = deflated ? raw.pipe(createInflateRaw(INFLATE)) : raw;
    if (deflated) raw.on('error', (error) => readable.destroy(error));
    let read = 0;
    try {
      for await (const chunk of readable) {
        read += (chunk as Buffer).length;
        if (read > entry.uncompressedSize) {
          throw new EvidenceReadError(
            `${name} holds more than the ${amount(entry.uncompressedSize)} it declares: not read further`,
          );
        }
        yield chunk as Buffer;
      }
    } catch (error) {
      if (error instanceof EvidenceReadError) throw error;
      throw new EvidenceReadError(`${name}: ${(error as Error).message}`);
    } finally {
      readable.destroy();
      raw.destroy();
    }
    if (read !== entry.uncompressedSize) {
      throw new EvidenceReadError(
        `${name} holds ${amount(read)}, not the ${amount(entry.uncompressedSize)} it declares`,
      );
    }
  }
  return {
    names: new Set(entries.keys()),
    limits,
    chunks,
    async buffer(name) {
      const parts: Buffer[] = [];
      for await (const chunk of chunks(name)) parts.push(chunk);
      return Buffer.concat(parts);
    },
    close: () => zip.close(),
  };
}

/**
 * The lines of a file, as bytes (the bytes of a Merkle leaf): split at each
 * \n, a last line without one included; a line longer than `max` is refused.
 * Given a chunk's lines at a time: an await per line cost more than the
 * splitting (2 % of a 100,000-entry check).
 */
async function* lines(
  name: string,
  chunks: AsyncIterable<Buffer>,
  max: number,
): AsyncGenerator<Buffer[]> {
  const tooLong = () =>
    new EvidenceReadError(`a line of ${name} is longer than the ${amount(max)} an entry may take`);
  let pending: Buffer[] = [];
  let pendingLength = 0;
  for await (const chunk of chunks) {
    const batch: Buffer[] = [];
    let start = 0;
    let end = chunk.indexOf(10);
    while (end >= 0) {
      let line = chunk.subarray(start, end);
      if (pendingLength > 0) {
        line = Buffer.concat([...pending, line]);
        pending = [];
        pendingLength = 0;
      }
      if (line.length > max) throw tooLong();
      batch.push(line);
      start = end + 1;
      end = chunk.indexOf(10, start);
    }
    if (start < chunk.length) {
      pending.push(chunk.subarray(start));
      pendingLength += chunk.length - start;
      if (pendingLength > max) throw tooLong();
    }
    if (batch.length > 0) yield batch;
  }
  if (pendingLength > 0) yield [Buffer.concat(pending)];
}

/**
 * Checks an evidence package with nothing but its own files: the checkpoint's
 * Ed25519 signature, every entry's hash and link, the Merkle root against the
 * checkpoint, each deletion certificate's content and CMS signature, and the
 * 管理簿 CSV against the entries. `expectedKey` pins the checkpoint key (the
 * one kanribo publishes, or the one a ward noted): without it, the package's
 * own key is used, which proves integrity but not who signed.
 */
export async function verifyEvidence(
  zip: ZipReader,
  options: { expectedKey?: string } = {},
): Promise<{ checks: EvidenceCheck[]; manifest?: EvidenceManifest; cosignatures: string[] }> {
  const checks: EvidenceCheck[] = [];
  const check = (name: string, ok: boolean, detail: string, seq?: number) => {
    checks.push({ name, ok, detail, ...(seq === undefined ? {} : { seq }) });
    return ok;
  };
  const missing = Object.values(EVIDENCE_FILES).filter((name) => !zip.names.has(name));
  if (
    !check(
      'files',
      missing.length === 0,
      missing.length ? `missing: ${missing.join(', ')}` : `${zip.names.size} files`,
    )
  ) {
    return { checks, cosignatures: [] };
  }
  let manifest: EvidenceManifest;
  try {
    manifest = JSON.parse(
      (await zip.buffer(EVIDENCE_FILES.manifest)).toString('utf8'),
    ) as EvidenceManifest;
  } catch (error) {
    if (error instanceof EvidenceReadError) throw error;
    check('manifest', false, 'manifest.json is not JSON');
    return { checks, cosignatures: [] };
  }
  if (manifest === null || typeof manifest !== 'object' || !Array.isArray(manifest.certificates)) {
    check('manifest', false, 'manifest.json is not a manifest');
    return { checks, cosignatures: [] };
  }
  if (
    !check(
      'manifest',
      manifest.format === EVIDENCE_FORMAT,
      `format ${String(manifest.format)}, contract ${manifest.contractId}`,
    )
  ) {
    return { checks, manifest, cosignatures: [] };
  }

  // The checkpoint and its key.
  const note = (await zip.buffer(EVIDENCE_FILES.checkpoint)).toString('utf8');
  const keyText = (await zip.buffer(EVIDENCE_FILES.verifierKey)).toString('utf8').trim();
  let root: Buffer | undefined;
  let size = -1;
  let cosignatures: string[] = [];
  try {
    const key = parseVerifierKey(keyText);
    const pinned = options.expectedKey ? parseVerifierKey(options.expectedKey.trim()) : undefined;
    const pem = (await zip.buffer(EVIDENCE_FILES.publicKeyPem)).toString('utf8');
    const { text, verifiedBy } = openNote(note, [pinned ?? key]);
    const checkpoint = parseCheckpoint(text);
    const signer = pinned ?? key;
    if (pinned && pinned.text !== key.text) {
      check(
        'checkpoint signature',
        false,
        `the package's key ${key.text} is not the expected ${pinned.text}`,
      );
    } else if (verifiedBy.length === 0) {
      check(
        'checkpoint signature',
        false,
        `no signature by ${signer.name}+${signer.keyId.toString('hex')}`,
      );
    } else if (!checkpoint) {
      check('checkpoint signature', false, 'the signed text is not a checkpoint');
    } else if (
      checkpoint.origin !== manifest.origin ||
      !checkpoint.origin.endsWith(`/${manifest.contractId}`)
    ) {
      check(
        'checkpoint signature',
        false,
        `the checkpoint is of ${checkpoint.origin}, not of this contract`,
      );
    } else if (pem.trim() !== publicKeyPem(key).trim()) {
      check(
        'checkpoint signature',
        false,
        `${EVIDENCE_FILES.publicKeyPem} is not the key of ${EVIDENCE_FILES.verifierKey}`,
      );
    } else {
      root = checkpoint.root;
      size = checkpoint.size;
      check(
        'checkpoint signature',
        true,
        `Ed25519 by ${signer.text}${pinned ? ' (the expected key)' : ' (the package’s own key: compare it with the published one)'}; ${checkpoint.origin}, ${checkpoint.size} entries`,
      );
      cosignatures = parseNote(note)
        .signatures.filter((s) => s.name !== signer.name)
        .map((s) => s.line.trimEnd());
    }
  } catch (error) {
    if (error instanceof EvidenceReadError) throw error;
    check(
      'checkpoint signature',
      false,
      error instanceof NoteError ? error.message : String(error),
    );
  }

  // The files openssl checks (検証手順.txt): the note's body and the log key's signature, byte for byte.
  check(
    'openssl files',
    ...opensslFiles(
      note,
      keyText,
      await zip.buffer(EVIDENCE_FILES.checkpointBody),
      await zip.buffer(EVIDENCE_FILES.checkpointSignature),
    ),
  );

  // The chain and the tree, a line at a time; the CSV the entries make, hashed as it goes.
  let frontier: Buffer[] = [];
  let count = 0;
  let previous = GENESIS_HASH;
  let chainFailure: { seq: number; reason: string } | undefined;
  const certificates: Array<{ seq: number; payload: CertificateSubmittedPayload }> = [];
  const csv = createHash('sha256').update(BOM + csvLine(KANRIBO_HEADER));
  let csvRows = 0;
  const ledger = lines(EVIDENCE_FILES.ledger, zip.chunks(EVIDENCE_FILES.ledger), zip.limits.line);
  for await (const batch of ledger) {
    for (const bytes of batch) {
      const seq = count + 1;
      if (!chainFailure) {
        const parsed = parseEntryLine(bytes);
        if ('reason' in parsed) chainFailure = { seq, reason: parsed.reason };
        else {
          const { entry } = parsed;
          if (entry.seq !== seq)
            chainFailure = { seq, reason: `entry ${seq} is missing or out of place` };
          else if (entry.contractId !== manifest.contractId)
            chainFailure = { seq, reason: 'the entry is of another contract' };
          else if (entry.prevHash !== previous)
            chainFailure = { seq, reason: 'prevHash does not match the previous entry' };
          else if (parsed.recomputed !== parsed.hash)
            chainFailure = { seq, reason: 'hash does not match the entry' };
          else {
            previous = parsed.hash;
            if (entry.type === 'deletion_certificate_submitted') {
              certificates.push({
                seq,
                payload: entry.payload as unknown as CertificateSubmittedPayload,
              });
            }
            const row = kanriboRow(entry);
            if (row) {
              csv.update(kanriboCsvLine(row, manifest.businessTimeZone));
              csvRows++;
            }
          }
        }
      }
      frontier = appendLeaf(frontier, count, leafHash(bytes)).frontier;
      count++;
    }
  }
  check(
    'hash chain',
    !chainFailure,
    chainFailure
      ? `entry ${chainFailure.seq}: ${chainFailure.reason}`
      : `${count} entries, each hash and link recomputed`,
    chainFailure?.seq,
  );
  const computed = foldRange(frontier);
  if (!root) {
    check('Merkle root', false, 'no verified checkpoint to compare with');
  } else if (count !== size) {
    check(
      'Merkle root',
      false,
      `${count} entries, the checkpoint signs ${size}`,
      Math.min(count, size) + 1,
    );
  } else {
    check(
      'Merkle root',
      computed.equals(root),
      computed.equals(root)
        ? `RFC 9162 root of the ${count} entries is the checkpoint’s (${computed.toString('hex')})`
        : `the root of the ${count} entries (${computed.toString('hex')}) is not the checkpoint’s (${root.toString('hex')})`,
    );
  }

  // Each signed deletion certificate: content rebuilt from its ledger entry, and its CMS signature.
  for (const { seq, payload } of certificates) {
    const name = `certificate ${payload.certificateNumber} (entry ${seq})`;
    const folder = manifest.certificates.find((c) => c.submitSeq === seq)?.folder;
    if (!payload.signature) {
      check(name, true, 'submitted without a signature: nothing to check');
      continue;
    }
    if (!folder || !zip.names.has(`${folder}/${CERTIFICATE_FILES.content}`)) {
      check(name, false, 'its files are missing', seq);
      continue;
    }
    const content = signedContent(signedDocument(manifest.contractId, payload));
    const packaged = await zip.buffer(`${folder}/${CERTIFICATE_FILES.content}`);
    const signature = (await zip.buffer(`${folder}/${CERTIFICATE_FILES.signature}`)).toString(
      'utf8',
    );
    const signerPem = payload.signature.signerCertificate;
    if (!packaged.equals(content)) {
      check(
        name,
        false,
        `${CERTIFICATE_FILES.content} is not the content the ledger entry records`,
        seq,
      );
    } else if (signature !== payload.signature.pem) {
      check(
        name,
        false,
        `${CERTIFICATE_FILES.signature} is not the signature the ledger entry records`,
        seq,
      );
    } else if (!signerPem) {
      check(name, false, 'the ledger entry records no signer certificate', seq);
    } else {
      let certificate: X509Certificate | undefined;
      try {
        certificate = new X509Certificate(signerPem);
      } catch {
        check(name, false, 'the signer certificate is not X.509', seq);
      }
      if (certificate) {
        // Loaded only for a signed certificate: node-forge, which it parses
        // CMS with, takes 0.15 s to load, a tenth of a 100,000-entry run.
        const { verifyDetachedSignature } = await import('../closeout/detached-signature.js');
        const verdict = verifyDetachedSignature(signature, content, [certificate]);
        check(
          name,
          verdict.valid,
          verdict.valid
            ? `CMS signature by ${certificate.subject.replaceAll('\n', ', ')} (SHA-256 ${certificate.fingerprint256})`
            : `CMS signature: ${verdict.reason}`,
          verdict.valid ? undefined : seq,
        );
      }
    }
  }

  // The 管理簿 CSV: the rows of the entries, as the service writes them (compared by SHA-256, streamed).
  const packagedCsv = createHash('sha256');
  for await (const chunk of zip.chunks(EVIDENCE_FILES.kanriboCsv)) packagedCsv.update(chunk);
  const ok = !chainFailure && packagedCsv.digest().equals(csv.digest());
  check(
    '管理簿 CSV',
    ok,
    ok
      ? `${csvRows} rows, the ledger’s dispatches and receipts`
      : chainFailure
        ? 'not compared: the chain is broken'
        : 'differs from the rows of the ledger’s entries',
  );
  return { checks, manifest, cosignatures };
}

/**
 * Whether openssl/checkpoint-body.txt and openssl/checkpoint.sig are what
 * openssl must check: the body of checkpoint.txt and the signature in it by
 * the package's key (the one checkpoint-key.pem holds), byte for byte. A
 * package whose openssl files verify with openssl but say something else
 * than the note would mislead whoever checks it without kanribo.
 */
function opensslFiles(
  note: string,
  keyText: string,
  body: Buffer,
  signature: Buffer,
): [ok: boolean, detail: string] {
  let parsed: ReturnType<typeof parseNote>;
  try {
    parsed = parseNote(note);
  } catch {
    return [false, `not compared: ${EVIDENCE_FILES.checkpoint} is not a signed note`];
  }
  if (!body.equals(Buffer.from(parsed.text, 'utf8'))) {
    return [
      false,
      `${EVIDENCE_FILES.checkpointBody} is not the body of ${EVIDENCE_FILES.checkpoint}`,
    ];
  }
  let key: NoteVerifier;
  try {
    key = parseVerifierKey(keyText);
  } catch {
    return [false, `not compared: ${EVIDENCE_FILES.verifierKey} is not a verifier key`];
  }
  const own = parsed.signatures.filter((s) => s.name === key.name && s.keyId.equals(key.keyId));
  if (!own.some((s) => s.signature.equals(signature))) {
    return [
      false,
      `${EVIDENCE_FILES.checkpointSignature} is not the signature by ${key.name} in ${EVIDENCE_FILES.checkpoint}`,
    ];
  }
  return [
    true,
    `${EVIDENCE_FILES.checkpointBody} and ${EVIDENCE_FILES.checkpointSignature} are the body of ${EVIDENCE_FILES.checkpoint} and its signature by ${key.name}, byte for byte`,
  ];
}

/** The openssl commands that check the package without kanribo, run in the folder it was unzipped to. */
export function opensslCommands(manifest: EvidenceManifest, folder = '.'): string[] {
  const at = (name: string) => JSON.stringify(`${folder}/${name}`);
  return [
    `openssl pkeyutl -verify -pubin -inkey ${at(EVIDENCE_FILES.publicKeyPem)} -rawin -in ${at(EVIDENCE_FILES.checkpointBody)} -sigfile ${at(EVIDENCE_FILES.checkpointSignature)}`,
    ...manifest.certificates
      .filter((c) => c.signed)
      .map(
        (c) =>
          `openssl cms -verify -binary -inform PEM -in ${at(`${c.folder}/${CERTIFICATE_FILES.signature}`)} -content ${at(`${c.folder}/${CERTIFICATE_FILES.content}`)} -certfile ${at(`${c.folder}/${CERTIFICATE_FILES.signer}`)} -noverify -out /dev/null`,
      ),
  ];
}

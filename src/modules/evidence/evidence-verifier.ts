import { X509Certificate } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { verifyDetachedSignature } from '../closeout/detached-signature.js';
import type { CertificateSubmittedPayload } from '../closeout/closeout.projector.js';
import { signedContent, signedDocument } from '../closeout/signed-content.rule.js';
import { canonicalJson, entryHash, GENESIS_HASH, type LedgerEntry } from '../ledger/hash-chain.js';
import { BOM, csvLine, KANRIBO_HEADER, kanriboCsvLine } from '../ledger/kanribo-csv.js';
import { kanriboRow } from '../ledger/kanribo-row.js';
import { parseCheckpoint } from '../ledger/transparency/checkpoint.js';
import { appendLeaf, foldRange, leafHash } from '../ledger/transparency/merkle.js';
import {
  NoteError,
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

/** One check of an evidence package: OK, or the first failure (with the entry it is at). */
export interface EvidenceCheck {
  name: string;
  ok: boolean;
  detail: string;
  seq?: number;
}

/** A zip opened for reading: its file names, and each file as bytes or as a stream. */
export interface ZipReader {
  names: ReadonlySet<string>;
  buffer(name: string): Promise<Buffer>;
  stream(name: string): Promise<Readable>;
  close(): void;
}

export async function openZip(path: string): Promise<ZipReader> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, autoClose: false }, (error, file) =>
      error || !file ? reject(error ?? new Error('not a zip file')) : resolve(file),
    ),
  );
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
  const stream = (name: string) =>
    new Promise<Readable>((resolve, reject) => {
      const entry = entries.get(name);
      if (!entry) return reject(new Error(`${name} is missing`));
      zip.openReadStream(entry, (error, readable) =>
        error || !readable ? reject(error ?? new Error(name)) : resolve(readable),
      );
    });
  return {
    names: new Set(entries.keys()),
    stream,
    async buffer(name) {
      const chunks: Buffer[] = [];
      for await (const chunk of await stream(name)) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
    close: () => zip.close(),
  };
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
  } catch {
    check('manifest', false, 'manifest.json is not JSON');
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
    check(
      'checkpoint signature',
      false,
      error instanceof NoteError ? error.message : String(error),
    );
  }

  // The chain and the tree, a line at a time.
  const lines = createInterface({
    input: await zip.stream(EVIDENCE_FILES.ledger),
    crlfDelay: Infinity,
  });
  let frontier: Buffer[] = [];
  let count = 0;
  let previous = GENESIS_HASH;
  let chainFailure: { seq: number; reason: string } | undefined;
  const certificates: Array<{ seq: number; payload: CertificateSubmittedPayload }> = [];
  const csv: string[] = [BOM + csvLine(KANRIBO_HEADER)];
  for await (const line of lines) {
    const seq = count + 1;
    if (!chainFailure) {
      let entry: LedgerEntry | undefined;
      try {
        entry = JSON.parse(line) as LedgerEntry;
      } catch {
        chainFailure = { seq, reason: 'the line is not JSON' };
      }
      if (entry) {
        const { hash, ...unhashed } = entry;
        if (canonicalJson(entry) !== line)
          chainFailure = { seq, reason: 'the line is not the entry’s RFC 8785 form' };
        else if (entry.seq !== seq)
          chainFailure = { seq, reason: `entry ${seq} is missing or out of place` };
        else if (entry.contractId !== manifest.contractId)
          chainFailure = { seq, reason: 'the entry is of another contract' };
        else if (entry.prevHash !== previous)
          chainFailure = { seq, reason: 'prevHash does not match the previous entry' };
        else if (entryHash(unhashed) !== hash)
          chainFailure = { seq, reason: 'hash does not match the entry' };
        else {
          previous = hash;
          if (entry.type === 'deletion_certificate_submitted') {
            certificates.push({
              seq,
              payload: entry.payload as unknown as CertificateSubmittedPayload,
            });
          }
          const row = kanriboRow(entry);
          if (row) csv.push(kanriboCsvLine(row, manifest.businessTimeZone));
        }
      }
    }
    frontier = appendLeaf(frontier, count, leafHash(line)).frontier;
    count++;
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

  // The 管理簿 CSV: the rows of the entries, as the service writes them.
  const packagedCsv = (await zip.buffer(EVIDENCE_FILES.kanriboCsv)).toString('utf8');
  const ok = !chainFailure && packagedCsv === csv.join('');
  check(
    '管理簿 CSV',
    ok,
    ok
      ? `${csv.length - 1} rows, the ledger’s dispatches and receipts`
      : chainFailure
        ? 'not compared: the chain is broken'
        : 'differs from the rows of the ledger’s entries',
  );
  return { checks, manifest, cosignatures };
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

import { Readable } from 'node:stream';
import { Injectable, Logger } from '@nestjs/common';
import archiver from 'archiver';
import { Clock } from '../../common/time/clock.js';
import { AppConfig } from '../../config/app-config.js';
import { CloseoutService } from '../closeout/closeout.service.js';
import type { CertificateSubmittedPayload } from '../closeout/closeout.projector.js';
import { signedContent, signedDocument } from '../closeout/signed-content.rule.js';
import { RosterService } from '../contracts/roster.service.js';
import type { Actor } from '../identity/roles.js';
import { storedEntryJson } from '../ledger/hash-chain.js';
import { BOM, csvLine, KANRIBO_HEADER, kanriboCsvLine } from '../ledger/kanribo-csv.js';
import { KANRIBO_ENTRY_TYPES, kanriboRow } from '../ledger/kanribo-row.js';
import { LedgerService, toLedgerEntry } from '../ledger/ledger.service.js';
import { parseNote } from '../ledger/transparency/signed-note.js';
import { TransparencyService } from '../ledger/transparency/transparency.service.js';
import {
  CERTIFICATE_FILES,
  certificateFolder,
  EVIDENCE_FILES,
  EVIDENCE_FORMAT,
  type EvidenceManifest,
  instructions,
} from './evidence-layout.js';

/**
 * The evidence package of a contract: one zip that an auditor, or the
 * Personal Information Protection Commission years later, checks on their
 * own machine with no kanribo running — the ledger as served, a signed
 * checkpoint of exactly those entries and its key, the deletion
 * certificates with their signatures and signer certificates, the 管理簿 CSV,
 * the certificate PDFs and the steps in Japanese. Streamed: the ledger is
 * read a batch at a time and each certificate's PDF rendered when the zip
 * reaches it, so memory stays flat whatever the ledger's length.
 */
@Injectable()
export class EvidenceService {
  private readonly logger = new Logger('Evidence');

  constructor(
    private readonly roster: RosterService,
    private readonly ledger: LedgerService,
    private readonly transparency: TransparencyService,
    private readonly closeout: CloseoutService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async build(actor: Actor, contractId: string): Promise<{ filename: string; body: Readable }> {
    const { contract } = await this.roster.findReadableNeedToKnow(actor, contractId);
    // The checkpoint first: the package holds exactly the entries it signs.
    const checkpoint = await this.transparency.currentCheckpoint(contractId);
    const size = checkpoint.treeSize;
    const key = this.transparency.verifierKey();
    // The certificates' entries only (a few per contract): their PDFs are
    // rendered one at a time as the zip reaches them, below.
    const certificates: Array<{
      folder: string;
      payload: CertificateSubmittedPayload;
      seq: number;
    }> = [];
    for await (const stored of this.ledger.stream(contractId, ['deletion_certificate_submitted'])) {
      if (stored.seq > size) break;
      const payload = toLedgerEntry(stored).payload as unknown as CertificateSubmittedPayload;
      certificates.push({
        folder: certificateFolder(stored.seq, payload.certificateNumber),
        payload,
        seq: stored.seq,
      });
    }
    const createdAt = this.clock.now();
    const manifest: EvidenceManifest = {
      format: EVIDENCE_FORMAT,
      contractId,
      contractTitle: contract.title,
      origin: this.transparency.origin(contractId),
      treeSize: size,
      rootHash: checkpoint.rootHash,
      businessTimeZone: this.config.BUSINESS_TIMEZONE,
      createdAt: createdAt.toISOString(),
      certificates: certificates.map((c) => ({
        folder: c.folder,
        certificateId: c.payload.certificateId,
        certificateNumber: c.payload.certificateNumber,
        submitSeq: c.seq,
        signed: c.payload.signature !== null,
      })),
    };
    const { text, signatures } = parseNote(checkpoint.note);
    const own = signatures.find(
      (s) => s.name === key.name && s.keyId.toString('hex') === key.keyId,
    );
    if (!own)
      throw new Error(`the checkpoint of ${contractId} is not signed by the checkpoint key`);

    const zip = archiver('zip', { zlib: { level: 6 } });
    // Appended entries the zip has written: archiver takes one at a time,
    // so that the next certificate is rendered only when the zip is done
    // with the ones before it (and the client has read all but its buffers).
    let appended = 0;
    let written = 0;
    // The client went away (the zip is destroyed): render nothing more.
    let closed = false;
    let wake: (() => void) | undefined;
    zip.on('entry', () => {
      written++;
      wake?.();
    });
    zip.on('close', () => {
      closed = true;
      wake?.();
    });
    const drained = () =>
      new Promise<void>((resolve) => {
        wake = () => {
          if (written < appended && !closed) return;
          wake = undefined;
          resolve();
        };
        wake();
      });
    const file = (name: string, content: string | Buffer | Readable) => {
      appended++;
      zip.append(content, { name, date: createdAt });
    };
    // Text read ahead by about one batch of the ledger, not by 16 (objectMode's measure).
    const streamed = (lines: AsyncIterable<string>) =>
      Readable.from(lines, { objectMode: false, highWaterMark: 64 * 1024 });
    file(EVIDENCE_FILES.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
    file(EVIDENCE_FILES.instructions, instructions(manifest));
    file(EVIDENCE_FILES.checkpoint, checkpoint.note);
    file(EVIDENCE_FILES.checkpointBody, text);
    file(EVIDENCE_FILES.checkpointSignature, own.signature);
    file(EVIDENCE_FILES.verifierKey, `${key.verifierKey}\n`);
    file(EVIDENCE_FILES.publicKeyPem, key.publicKeyPem);
    file(EVIDENCE_FILES.ledger, streamed(this.ledgerLines(contractId, size)));
    file(EVIDENCE_FILES.kanriboCsv, streamed(this.csvLines(contractId, size)));
    zip.on('warning', (error) => this.logger.warn(`evidence of ${contractId}: ${error.message}`));
    zip.on('error', (error) =>
      this.logger.error(`the evidence package of ${contractId} failed: ${error.message}`),
    );
    const certificateFiles = async () => {
      for (const certificate of certificates) {
        const { payload } = certificate;
        const folder = `${certificate.folder}/`;
        await drained();
        if (closed) return;
        const { pdf } = await this.closeout.pdf(actor, contractId, payload.certificateId);
        file(`${folder}${CERTIFICATE_FILES.pdf}`, pdf);
        if (!payload.signature) continue;
        file(
          `${folder}${CERTIFICATE_FILES.content}`,
          signedContent(signedDocument(contractId, payload)),
        );
        file(`${folder}${CERTIFICATE_FILES.signature}`, payload.signature.pem);
        if (payload.signature.signerCertificate) {
          file(`${folder}${CERTIFICATE_FILES.signer}`, payload.signature.signerCertificate);
        }
      }
      await zip.finalize();
    };
    certificateFiles().catch((error: unknown) => {
      // The response has begun: it is cut off (the 'error' handler logs why),
      // not ended, so that the client sees a failed download, not a short zip.
      zip.destroy(error instanceof Error ? error : new Error(String(error)));
    });
    return { filename: `kanribo-evidence-${contractId}.zip`, body: zip };
  }

  /** Every entry up to `size`, one canonical JSON line each: the bytes of its Merkle leaf. */
  private async *ledgerLines(contractId: string, size: number): AsyncGenerator<string> {
    for await (const batch of this.ledger.batches(contractId)) {
      // Yielded in pieces of about 16,000 characters, not a batch's 2 MB:
      // each stream reads ahead by tens of kB, in strings the young
      // generation collects.
      let lines = '';
      for (const row of batch) {
        if (row.seq > size) break;
        lines += `${storedEntryJson(row)}\n`;
        if (lines.length >= 16_000) {
          yield lines;
          lines = '';
        }
      }
      if (lines) yield lines;
      if (batch.at(-1) && batch.at(-1)!.seq >= size) return;
    }
  }

  /** The 管理簿 CSV of the entries up to `size`, as GET …/ledger/export.csv writes it. */
  private async *csvLines(contractId: string, size: number): AsyncGenerator<string> {
    yield BOM + csvLine(KANRIBO_HEADER);
    for await (const stored of this.ledger.stream(contractId, KANRIBO_ENTRY_TYPES)) {
      if (stored.seq > size) return;
      const row = kanriboRow(toLedgerEntry(stored));
      if (row) yield kanriboCsvLine(row, this.config.BUSINESS_TIMEZONE);
    }
  }
}

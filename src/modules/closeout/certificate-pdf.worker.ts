import { threadId } from 'node:worker_threads';
import {
  type CertificatePdfInput,
  renderCertificatePdf,
  warmUpCertificatePdf,
} from './certificate-pdf.js';

/**
 * The entry point of a PDF worker thread (run by piscina, see
 * CertificatePdfRenderer). Nothing here may import Nest or TypeORM: a worker
 * loads only pdfkit, fontkit and the renderer.
 */
export type CertificatePdfTask =
  { kind: 'render'; input: CertificatePdfInput } | { kind: 'warm-up' };

export interface CertificatePdfResult {
  /** Empty for a warm-up. */
  pdf: Uint8Array;
  /** The worker thread that did the work (never the main thread's). */
  threadId: number;
}

export default async function run(task: CertificatePdfTask): Promise<CertificatePdfResult> {
  if (task.kind === 'warm-up') {
    await warmUpCertificatePdf();
    return { pdf: new Uint8Array(0), threadId };
  }
  // The bytes are copied to the main thread (structured clone, a memcpy of
  // at most a few MB: well under a millisecond), which keeps the threadId
  // beside them; piscina moves without a copy only a bare buffer.
  return { pdf: await renderCertificatePdf(task.input), threadId };
}

import { threadId } from 'node:worker_threads';
import { type AuditReportInput, renderAuditReportPdf } from '../audits/audit-report-pdf.js';
import {
  type CertificatePdfInput,
  renderCertificatePdf,
  warmUpCertificatePdf,
} from '../closeout/certificate-pdf.js';
import {
  renderStatusReportPdf,
  type StatusReportPdfInput,
} from '../status-reports/status-report-pdf.js';

/**
 * The entry point of a PDF worker thread (run by piscina, see PdfRenderer).
 * Nothing here may import Nest or TypeORM: a worker loads only pdfkit,
 * fontkit and the documents' pure renderers.
 */

/** A document to render: which one, and everything it shows. */
export type PdfDocument =
  | { kind: 'certificate'; input: CertificatePdfInput }
  | { kind: 'audit_report'; input: AuditReportInput }
  | { kind: 'status_report'; input: StatusReportPdfInput };

export type PdfTask = { kind: 'render'; document: PdfDocument } | { kind: 'warm-up' };

export interface PdfResult {
  /** Empty for a warm-up. */
  pdf: Uint8Array;
  /** The worker thread that did the work (never the main thread's). */
  threadId: number;
}

function render(document: PdfDocument): Promise<Buffer> {
  switch (document.kind) {
    case 'certificate':
      return renderCertificatePdf(document.input);
    case 'audit_report':
      return renderAuditReportPdf(document.input);
    case 'status_report':
      return renderStatusReportPdf(document.input);
  }
}

export default async function run(task: PdfTask): Promise<PdfResult> {
  if (task.kind === 'warm-up') {
    await warmUpCertificatePdf();
    return { pdf: new Uint8Array(0), threadId };
  }
  // The bytes are copied to the main thread (structured clone, a memcpy of
  // at most a few MB: well under a millisecond), which keeps the threadId
  // beside them; piscina moves without a copy only a bare buffer.
  return { pdf: await render(task.document), threadId };
}

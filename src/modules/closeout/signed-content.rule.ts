import canonicalize from 'canonicalize';
import type { ErasureMethod, ErasureScope } from './entities/deletion-certificate.entity.js';

/**
 * What a contractor signs when it signs a deletion certificate, and what an
 * auditor rebuilds from the ledger to check that signature years later.
 *
 * The signed content is the UTF-8 bytes of the RFC 8785 canonical JSON of
 * the certificate **as the ledger stores it**: the contract it is for (the
 * entry's `contractId`), and the payload's `certificateNumber`, `erasedAt`,
 * `scope`, `mediaIds`, `method`, `tool`, `verification`, `performedBy` and,
 * when there is one, `witnessedBy` (a certificate without a witness has no
 * `witnessedBy` member, where the payload says `null`).
 *
 * Naming the contract binds the signature to it: the same body and signature
 * sent on another contract names the wrong one. The certificate number binds
 * it to one submission: a number is used once per organization and contract,
 * so the same body cannot be sent again after a rejection.
 *
 * The service stores signed fields exactly as sent. Where it would otherwise
 * normalize (erasedAt to UTC with milliseconds, text without surrounding
 * white space), a signed certificate must arrive already in that form;
 * otherwise it is refused ({@link nonCanonicalField}), so that the ledger
 * holds the signed bytes, not a look-alike.
 */

/** The certificate's fields as the `deletion_certificate_submitted` payload stores them. */
export interface StoredCertificateFields {
  certificateNumber: string;
  erasedAt: string;
  scope: ErasureScope;
  mediaIds: string[];
  method: ErasureMethod;
  tool: string;
  verification: string;
  performedBy: string;
  witnessedBy: string | null;
}

export type SignedCertificateDocument = Omit<StoredCertificateFields, 'witnessedBy'> & {
  contractId: string;
  witnessedBy?: string;
};

/** The document a signature covers, from the contract id and the stored fields. */
export function signedDocument(
  contractId: string,
  stored: StoredCertificateFields,
): SignedCertificateDocument {
  const { witnessedBy, ...rest } = stored;
  return {
    contractId,
    certificateNumber: rest.certificateNumber,
    erasedAt: rest.erasedAt,
    scope: {
      dataItems: rest.scope.dataItems,
      systems: rest.scope.systems,
      places: rest.scope.places,
    },
    mediaIds: rest.mediaIds,
    method: rest.method,
    tool: rest.tool,
    verification: rest.verification,
    performedBy: rest.performedBy,
    ...(witnessedBy === null ? {} : { witnessedBy }),
  };
}

/** The signed bytes: the canonical JSON (RFC 8785) of the document, UTF-8. */
export function signedContent(document: SignedCertificateDocument): Buffer {
  return Buffer.from(canonicalize(document) ?? '', 'utf8');
}

/**
 * The first member of what was sent (the request body without `signature`)
 * that differs from the document the ledger would store, and the form it
 * would be stored in; undefined when they are the same JSON value.
 */
export function nonCanonicalField(
  sent: Record<string, unknown>,
  document: SignedCertificateDocument,
): { field: string; canonical: unknown } | undefined {
  const stored = document as unknown as Record<string, unknown>;
  const fields = [...new Set([...Object.keys(stored), ...Object.keys(sent)])].sort();
  for (const field of fields) {
    const a = field in sent ? canonicalize(sent[field]) : undefined;
    const b = field in stored ? canonicalize(stored[field]) : undefined;
    if (a !== b) return { field, canonical: stored[field] ?? null };
  }
  return undefined;
}

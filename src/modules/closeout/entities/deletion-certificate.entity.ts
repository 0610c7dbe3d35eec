import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { ID_LENGTH, INSTANT_LENGTH } from '../../../database/column-types.js';

export const ERASURE_METHODS = ['clear', 'purge', 'destroy'] as const;
/** NIST SP 800-88: clear (overwrite), purge (crypto-erase, degauss…), destroy (physical). */
export type ErasureMethod = (typeof ERASURE_METHODS)[number];

export const CERTIFICATE_STATUSES = ['submitted', 'confirmed', 'rejected'] as const;
export type CertificateStatus = (typeof CERTIFICATE_STATUSES)[number];

/** What was erased, and where (情報項目, systems and places). */
export interface ErasureScope {
  dataItems: string[];
  systems: string[];
  places: string[];
}

/** 消去証明書: a projection of the certificate events of the ledger. */
@Entity({ name: 'deletion_certificates' })
export class DeletionCertificateEntity {
  @PrimaryColumn({ type: 'varchar', length: ID_LENGTH })
  id: string;

  @Index('idx_deletion_certificates_contract')
  @Column({ name: 'contract_id', type: 'varchar', length: ID_LENGTH })
  contractId: string;

  /** The contractor or subcontractor that erased. */
  @Column({ name: 'organization_id', type: 'varchar', length: ID_LENGTH })
  organizationId: string;

  @Column({ name: 'certificate_number', type: 'varchar', length: 100 })
  certificateNumber: string;

  @Column({ type: 'varchar', length: 16 })
  status: CertificateStatus;

  @Column({ name: 'erased_at', type: 'varchar', length: INSTANT_LENGTH })
  erasedAt: string;

  @Column({ type: 'simple-json' })
  scope: ErasureScope;

  @Column({ name: 'media_ids', type: 'simple-json' })
  mediaIds: string[];

  @Column({ type: 'varchar', length: 16 })
  method: ErasureMethod;

  @Column({ type: 'varchar', length: 300 })
  tool: string;

  @Column({ type: 'varchar', length: 2000 })
  verification: string;

  @Column({ name: 'performed_by', type: 'varchar', length: 200 })
  performedBy: string;

  @Column({ name: 'witnessed_by', type: 'varchar', length: 200, nullable: true })
  witnessedBy: string | null;

  @Column({ name: 'submitted_by_user_id', type: 'varchar', length: ID_LENGTH })
  submittedByUserId: string;

  @Column({ name: 'submitted_at', type: 'varchar', length: INSTANT_LENGTH })
  submittedAt: string;

  @Column({ name: 'submit_seq', type: 'integer' })
  submitSeq: number;

  @Column({ name: 'decided_by_user_id', type: 'varchar', length: ID_LENGTH, nullable: true })
  decidedByUserId: string | null;

  @Column({ name: 'decided_at', type: 'varchar', length: INSTANT_LENGTH, nullable: true })
  decidedAt: string | null;

  @Column({ name: 'decision_seq', type: 'integer', nullable: true })
  decisionSeq: number | null;

  /** SHA-256 fingerprint of the X.509 certificate that signed it, if signed. */
  @Column({ name: 'signer_fingerprint256', type: 'varchar', length: 95, nullable: true })
  signerFingerprint256: string | null;

  /** Remarks on confirmation, or the reason of a rejection. */
  @Column({ name: 'decision_note', type: 'varchar', length: 2000, nullable: true })
  decisionNote: string | null;
}

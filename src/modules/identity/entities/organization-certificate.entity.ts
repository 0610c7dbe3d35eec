import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { ID_LENGTH, INSTANT_LENGTH } from '../../../database/column-types.js';

/**
 * An X.509 certificate an organization signs with (deletion certificates are
 * checked against it). Kept as registered; only its revocation is added later,
 * and a revoked certificate stays listed (signatures it made before remain in
 * the ledger) but verifies no new one.
 */
@Entity({ name: 'organization_certificates' })
@Index('uq_organization_certificates_fingerprint', ['organizationId', 'fingerprint256'], {
  unique: true,
})
export class OrganizationCertificateEntity {
  @PrimaryColumn({ type: 'varchar', length: ID_LENGTH })
  id: string;

  @Column({ name: 'organization_id', type: 'varchar', length: ID_LENGTH })
  organizationId: string;

  /** SHA-256 fingerprint, colon-separated hex as OpenSSL prints it. */
  @Column({ name: 'fingerprint256', type: 'varchar', length: 95 })
  fingerprint256: string;

  @Column({ type: 'varchar', length: 1000 })
  subject: string;

  @Column({ type: 'varchar', length: 1000 })
  issuer: string;

  @Column({ name: 'serial_number', type: 'varchar', length: 100 })
  serialNumber: string;

  @Column({ name: 'valid_from', type: 'varchar', length: INSTANT_LENGTH })
  validFrom: string;

  @Column({ name: 'valid_to', type: 'varchar', length: INSTANT_LENGTH })
  validTo: string;

  @Column({ type: 'text' })
  pem: string;

  @Column({ name: 'registered_by_user_id', type: 'varchar', length: ID_LENGTH })
  registeredByUserId: string;

  @Column({ name: 'registered_at', type: 'varchar', length: INSTANT_LENGTH })
  registeredAt: string;

  @Column({ name: 'revoked_at', type: 'varchar', length: INSTANT_LENGTH, nullable: true })
  revokedAt: string | null;

  @Column({ name: 'revoked_by_user_id', type: 'varchar', length: ID_LENGTH, nullable: true })
  revokedByUserId: string | null;
}

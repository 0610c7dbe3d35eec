import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { ID_LENGTH, INSTANT_LENGTH } from '../../../database/column-types.js';

/**
 * A ward's witness key: the Ed25519 public key with which the ward (its
 * officers or auditors) cosigns checkpoints of its contracts' 管理簿 (C2SP
 * tlog-cosignature, cosignature/v1). Kept as registered; only its
 * revocation is added later, and a revoked key stays listed (the
 * cosignatures it made stay served) but is refused for new ones. One
 * registration per public key and ward.
 */
@Entity({ name: 'witness_keys' })
@Index('uq_witness_keys_public_key', ['organizationId', 'publicKey'], { unique: true })
export class WitnessKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: ID_LENGTH })
  id: string;

  /** The ward whose key it is. */
  @Column({ name: 'organization_id', type: 'varchar', length: ID_LENGTH })
  organizationId: string;

  /** The key name of its signature lines (no white space, no '+'). */
  @Column({ type: 'varchar', length: 200 })
  name: string;

  /** The C2SP key id, SHA-256(name ‖ \n ‖ 0x04 ‖ public key)[:4], 8 hex digits. */
  @Column({ name: 'key_id', type: 'varchar', length: 8 })
  keyId: string;

  /** The raw 32-byte Ed25519 public key, hex. */
  @Column({ name: 'public_key', type: 'varchar', length: 64 })
  publicKey: string;

  /** The C2SP verifier key, `<name>+<key id>+<base64(0x04 ‖ public key)>`. */
  @Column({ name: 'verifier_key', type: 'varchar', length: 300 })
  verifierKey: string;

  @Column({ name: 'created_by_user_id', type: 'varchar', length: ID_LENGTH })
  createdByUserId: string;

  @Column({ name: 'created_at', type: 'varchar', length: INSTANT_LENGTH })
  createdAt: string;

  @Column({ name: 'revoked_at', type: 'varchar', length: INSTANT_LENGTH, nullable: true })
  revokedAt: string | null;

  @Column({ name: 'revoked_by_user_id', type: 'varchar', length: ID_LENGTH, nullable: true })
  revokedByUserId: string | null;
}

import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { ID_LENGTH, INSTANT_LENGTH } from '../../../database/column-types.js';

/**
 * The ward's permission to copy named media of the contract for a stated
 * purpose (複写等の禁止の例外): a projection of `copy_permitted` entries, with
 * the copies registered under it, rebuilt by `ledger:rebuild`.
 */
@Entity({ name: 'copy_permissions' })
@Index('idx_copy_permissions_contract', ['contractId', 'permittedSeq'])
export class CopyPermissionEntity {
  @PrimaryColumn({ type: 'varchar', length: ID_LENGTH })
  id: string;

  @Column({ name: 'contract_id', type: 'varchar', length: ID_LENGTH })
  contractId: string;

  @Column({ type: 'varchar', length: 1000 })
  purpose: string;

  @Column({ name: 'source_medium_ids', type: 'simple-json' })
  sourceMediumIds: string[];

  @Column({ name: 'valid_until', type: 'varchar', length: INSTANT_LENGTH })
  validUntil: string;

  @Column({ name: 'permitted_by_user_id', type: 'varchar', length: ID_LENGTH })
  permittedByUserId: string;

  @Column({ name: 'permitted_at', type: 'varchar', length: INSTANT_LENGTH })
  permittedAt: string;

  @Column({ name: 'permitted_seq', type: 'integer' })
  permittedSeq: number;

  /** Copies registered under it so far. */
  @Column({ name: 'copies_registered', type: 'integer' })
  copiesRegistered: number;
}

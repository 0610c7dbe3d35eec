import { Column, Entity, PrimaryColumn } from 'typeorm';
import { ID_LENGTH, INSTANT_LENGTH } from '../../../database/column-types.js';

/**
 * A signed checkpoint of a contract's 管理簿: the C2SP signed note over
 * origin, tree size and root. One per tree size (the primary key), so the
 * service can never hold two different checkpoints of the same size.
 */
@Entity({ name: 'ledger_checkpoints' })
export class LedgerCheckpointEntity {
  @PrimaryColumn({ name: 'contract_id', type: 'varchar', length: ID_LENGTH })
  contractId: string;

  @PrimaryColumn({ name: 'tree_size', type: 'integer' })
  treeSize: number;

  @Column({ name: 'root_hash', type: 'varchar', length: 64 })
  rootHash: string;

  /** The signed note, exactly as served. */
  @Column({ type: 'text' })
  note: string;

  /** Why it was signed: `interval`, `requested`, or the entry type that requires one. */
  @Column({ type: 'varchar', length: 64 })
  reason: string;

  @Column({ name: 'signed_at', type: 'varchar', length: INSTANT_LENGTH })
  signedAt: string;
}

import { Column, Entity, PrimaryColumn } from 'typeorm';
import { ID_LENGTH, INSTANT_LENGTH } from '../../../database/column-types.js';

/**
 * The last entry of each contract's chain. Appends lock this row (on
 * PostgreSQL, `SELECT … FOR UPDATE`) so that they take turns; verification
 * compares the chain's end with it to catch a cut-off tail. It also holds
 * the Merkle tree's frontier (the hashes of the complete subtrees along its
 * right edge, 64 hex digits each, largest first), which is all an append
 * needs to extend the tree, when the last checkpoint was signed, and
 * whether the contract is closed.
 */
@Entity({ name: 'ledger_heads' })
export class LedgerHeadEntity {
  @PrimaryColumn({ name: 'contract_id', type: 'varchar', length: ID_LENGTH })
  contractId: string;

  @Column({ type: 'integer' })
  seq: number;

  @Column({ type: 'varchar', length: 64 })
  hash: string;

  @Column({ name: 'tree_frontier', type: 'text', default: '' })
  treeFrontier: string;

  /** Tree size of the latest signed checkpoint; 0 before the first. */
  @Column({ name: 'checkpoint_size', type: 'integer', default: 0 })
  checkpointSize: number;

  @Column({ name: 'checkpoint_at', type: 'varchar', length: INSTANT_LENGTH, nullable: true })
  checkpointAt: string | null;

  /**
   * The contract is closed: its ledger takes no more custody events. Set by
   * the `contract_closed` append, and read with the lock, so that an append
   * racing the close sees it.
   */
  @Column({ type: 'boolean', default: false })
  closed: boolean;
}

import { Column, Entity, PrimaryColumn } from 'typeorm';
import { ID_LENGTH } from '../../../database/column-types.js';

/**
 * A complete subtree of a contract's Merkle tree (RFC 9162 §2.1): the
 * 2^level leaves from idx·2^level on. Written by the append that completes
 * it, in the append's transaction, and never changed: any proof is served
 * from O(log n) of these rows. Level 0 holds the leaf hashes.
 */
@Entity({ name: 'ledger_tree_nodes' })
export class LedgerTreeNodeEntity {
  @PrimaryColumn({ name: 'contract_id', type: 'varchar', length: ID_LENGTH })
  contractId: string;

  @PrimaryColumn({ type: 'integer' })
  level: number;

  @PrimaryColumn({ type: 'integer' })
  idx: number;

  @Column({ type: 'varchar', length: 64 })
  hash: string;
}

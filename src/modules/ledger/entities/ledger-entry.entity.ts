import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { ID_LENGTH, INSTANT_LENGTH } from '../../../database/column-types.js';
import { ContractEntity } from '../../contracts/entities/contract.entity.js';

/**
 * One entry of a contract's hash chain. Append-only: nothing updates or
 * deletes a row (`ledger:rebuild` rewrites only its `tree_nodes`). `(contract_id, seq)` is the primary key, so two appends that
 * raced for the same seq cannot both commit. Times are kept as the exact
 * strings that were hashed; actor and payload as their canonical JSON.
 */
@Entity({ name: 'ledger_entries' })
export class LedgerEntryEntity {
  @PrimaryColumn({ name: 'contract_id', type: 'varchar', length: ID_LENGTH })
  contractId: string;

  @PrimaryColumn({ type: 'integer' })
  seq: number;

  @ManyToOne(() => ContractEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'contract_id' })
  contract?: Relation<ContractEntity>;

  @Column({ type: 'varchar', length: 64 })
  type: string;

  @Column({ name: 'occurred_at', type: 'varchar', length: INSTANT_LENGTH })
  occurredAt: string;

  @Column({ name: 'recorded_at', type: 'varchar', length: INSTANT_LENGTH })
  recordedAt: string;

  @Column({ type: 'text' })
  actor: string;

  @Column({ type: 'text' })
  payload: string;

  @Column({ name: 'prev_hash', type: 'varchar', length: 64 })
  prevHash: string;

  @Column({ type: 'varchar', length: 64 })
  hash: string;

  /**
   * The hashes of the complete subtrees of the contract's Merkle tree that
   * this entry's append completed, level 0 (its leaf) first, 64 hex digits
   * each: node (level, idx) is kept by entry (idx+1)·2^level (tree-store.ts).
   * Written with the entry; rewritten only by `ledger:rebuild`. Not part of
   * the entry as hashed or served, so not read unless asked for.
   */
  @Column({ name: 'tree_nodes', type: 'text', nullable: true, select: false })
  treeNodes?: string | null;
}

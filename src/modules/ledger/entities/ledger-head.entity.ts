import { Column, Entity, PrimaryColumn } from 'typeorm';
import { ID_LENGTH } from '../../../database/column-types.js';

/**
 * The last entry of each contract's chain. Appends lock this row (on
 * PostgreSQL, `SELECT … FOR UPDATE`) so that they take turns; verification
 * compares the chain's end with it to catch a cut-off tail.
 */
@Entity({ name: 'ledger_heads' })
export class LedgerHeadEntity {
  @PrimaryColumn({ name: 'contract_id', type: 'varchar', length: ID_LENGTH })
  contractId: string;

  @Column({ type: 'integer' })
  seq: number;

  @Column({ type: 'varchar', length: 64 })
  hash: string;
}

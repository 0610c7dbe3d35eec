import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { ID_LENGTH, INSTANT_LENGTH } from '../../../database/column-types.js';

/**
 * A witness's cosignature of a stored checkpoint (C2SP tlog-cosignature,
 * cosignature/v1), verified over exactly that checkpoint's text before it
 * was stored: one per checkpoint and witness key, never changed. The served
 * note of the checkpoint carries its line after the log's own signature.
 */
@Entity({ name: 'ledger_cosignatures' })
@Index('idx_ledger_cosignatures_key', ['witnessKeyId', 'contractId', 'treeSize'])
export class LedgerCosignatureEntity {
  @PrimaryColumn({ name: 'contract_id', type: 'varchar', length: ID_LENGTH })
  contractId: string;

  @PrimaryColumn({ name: 'tree_size', type: 'integer' })
  treeSize: number;

  @PrimaryColumn({ name: 'witness_key_id', type: 'varchar', length: ID_LENGTH })
  witnessKeyId: string;

  /** The signature line as served, `— <name> <base64(key id ‖ timestamp ‖ signature)>` and a newline. */
  @Column({ type: 'text' })
  line: string;

  /** The cosignature's own timestamp (whole seconds), as an instant. */
  @Column({ name: 'cosigned_at', type: 'varchar', length: INSTANT_LENGTH })
  cosignedAt: string;

  @Column({ name: 'recorded_by_user_id', type: 'varchar', length: ID_LENGTH })
  recordedByUserId: string;

  @Column({ name: 'recorded_at', type: 'varchar', length: INSTANT_LENGTH })
  recordedAt: string;
}

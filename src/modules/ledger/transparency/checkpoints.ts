import type { SqlWriter } from '../../../database/write-batch.js';
import type { CheckpointKey } from './checkpoint-key.js';
import { foldRange } from './merkle.js';

/** Entry types whose append always signs a checkpoint (issue 13: certificate confirmation, close, audit). */
export const CHECKPOINTED_TYPES: ReadonlySet<string> = new Set([
  'deletion_certificate_confirmed',
  'contract_closed',
  'audit_recorded',
]);

export interface StoredCheckpoint {
  contractId: string;
  treeSize: number;
  rootHash: string;
  note: string;
  reason: string;
  signedAt: string;
}

/**
 * Signs the checkpoint of a contract's tree of `size` leaves (its frontier
 * given) and stores it, in the caller's transaction, which holds the head
 * row's lock. The head's checkpoint columns are the caller's to update.
 */
export async function storeCheckpoint(
  sql: SqlWriter,
  key: CheckpointKey,
  checkpoint: {
    contractId: string;
    size: number;
    frontier: readonly Buffer[];
    reason: string;
    at: string;
  },
): Promise<StoredCheckpoint> {
  const root = foldRange(checkpoint.frontier);
  const stored: StoredCheckpoint = {
    contractId: checkpoint.contractId,
    treeSize: checkpoint.size,
    rootHash: root.toString('hex'),
    note: key.sign(checkpoint.contractId, checkpoint.size, root),
    reason: checkpoint.reason,
    signedAt: checkpoint.at,
  };
  await sql.run(
    'INSERT INTO ledger_checkpoints (contract_id, tree_size, root_hash, note, reason, signed_at) VALUES (?, ?, ?, ?, ?, ?)',
    [
      stored.contractId,
      stored.treeSize,
      stored.rootHash,
      stored.note,
      stored.reason,
      stored.signedAt,
    ],
  );
  return stored;
}

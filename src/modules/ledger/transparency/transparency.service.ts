import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '../../../common/errors/domain-error.js';
import { Clock } from '../../../common/time/clock.js';
import { Sql } from '../../../database/sql.js';
import { TransactionRunner } from '../../../database/transaction-runner.js';
import type { LedgerEntry } from '../hash-chain.js';
import { LedgerService } from '../ledger.service.js';
import { CheckpointKey } from './checkpoint-key.js';
import { type StoredCheckpoint, storeCheckpoint } from './checkpoints.js';
import { parseCheckpoint } from './checkpoint.js';
import {
  consistencyRanges,
  EMPTY_ROOT,
  foldRange,
  inclusionRanges,
  type Range,
  rangeNodes,
  verifyConsistency,
} from './merkle.js';
import { MissingTreeNode, readNodes } from './tree-store.js';
import { NoteError, openNote, publicKeyPem } from './signed-note.js';

export interface InclusionProof {
  seq: number;
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  rootHash: string;
  proof: string[];
}

/** A witness's cosignature of a checkpoint, as served with it. */
export interface ServedCosignature {
  witnessName: string;
  keyId: string;
  /** Seconds since 1970. */
  timestamp: number;
  cosignedAt: string;
  line: string;
}

/** A stored checkpoint as served: its note followed by its cosignature lines. */
export interface ServedCheckpoint extends StoredCheckpoint {
  cosignatures: ServedCosignature[];
}

export interface ConsistencyProof {
  from: number;
  to: number;
  fromRootHash: string;
  toRootHash: string;
  proof: string[];
}

/**
 * Whether the ledger signed at one checkpoint is a prefix of the ledger
 * signed at a later one: both checkpoints' signatures checked with the
 * checkpoint key, and the RFC 9162 consistency proof between them, served
 * from today's stored tree, checked against their signed roots.
 */
export interface Continuity {
  fromSize: number;
  toSize: number;
  /** `intact`: proven; `broken`: a signature or the proof fails, or a checkpoint signed since checkpoints began is missing; `unavailable`: a checkpoint is missing because the audit predates them. */
  status: 'intact' | 'broken' | 'unavailable';
  fromRootHash: string | null;
  toRootHash: string | null;
  proof: string[];
  /** Why it is broken or unavailable; null when intact. */
  reason: string | null;
}

/**
 * Checkpoints and Merkle proofs of each contract's 管理簿 (issue 13): read
 * from the stored tree, never recomputed from the entries, so that a proof
 * costs O(log n) stored hashes whatever the ledger's length.
 */
@Injectable()
export class TransparencyService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly ledger: LedgerService,
    private readonly key: CheckpointKey,
    private readonly clock: Clock,
  ) {}

  /** The origin line of a contract's checkpoints. */
  origin(contractId: string): string {
    return this.key.origin(contractId);
  }

  /** The checkpoint key, in the forms a verifier needs. */
  verifierKey(): {
    name: string;
    keyId: string;
    verifierKey: string;
    publicKeyPem: string;
    installationId: string;
    originPrefix: string;
  } {
    const signer = this.key.signer;
    return {
      name: signer.name,
      keyId: signer.keyId.toString('hex'),
      verifierKey: signer.text,
      publicKeyPem: publicKeyPem(signer),
      installationId: this.key.installationId,
      originPrefix: `kanribo/${this.key.installationId}/`,
    };
  }

  /**
   * The checkpoint of the whole ledger as it is now: the latest stored one
   * when it covers every entry, else one signed now (under the chain's lock,
   * so that it is the checkpoint of exactly the committed entries). Served
   * with its cosignatures.
   */
  async currentCheckpoint(contractId: string): Promise<ServedCheckpoint> {
    return this.served(await this.currentStoredCheckpoint(contractId));
  }

  private async currentStoredCheckpoint(contractId: string): Promise<StoredCheckpoint> {
    const sql = new Sql(this.dataSource.manager);
    const head = await sql.one<{ seq: number | string; checkpoint_size: number | string }>(
      'SELECT seq, checkpoint_size FROM ledger_heads WHERE contract_id = ?',
      [contractId],
    );
    if (!head || Number(head.seq) === 0) throw this.noCheckpoint(contractId);
    if (Number(head.checkpoint_size) === Number(head.seq)) {
      return this.findStoredCheckpoint(contractId, Number(head.seq));
    }
    return this.tx.run(async (manager) => {
      const locked = await this.ledger.lockHead(manager, contractId);
      if (!locked || locked.seq === 0) throw this.noCheckpoint(contractId);
      const inTx = new Sql(manager);
      if (locked.checkpointSize === locked.seq) {
        const stored = await this.findCheckpoint(inTx, contractId, locked.seq);
        if (stored) return stored;
      }
      const at = this.clock.now().toISOString();
      const stored = await storeCheckpoint(inTx, this.key, {
        contractId,
        size: locked.seq,
        frontier: locked.frontier,
        reason: 'requested',
        at,
      });
      await inTx.run(
        'UPDATE ledger_heads SET checkpoint_size = ?, checkpoint_at = ? WHERE contract_id = ?',
        [locked.seq, at, contractId],
      );
      return stored;
    });
  }

  /** The stored checkpoint of exactly `size` entries, served with its cosignatures. */
  async storedCheckpoint(contractId: string, size: number): Promise<ServedCheckpoint> {
    return this.served(await this.findStoredCheckpoint(contractId, size));
  }

  /** The stored checkpoint of exactly `size` entries, as the log signed it (404 when none). */
  async findStoredCheckpoint(
    contractId: string,
    size: number,
    sql = new Sql(this.dataSource.manager),
  ): Promise<StoredCheckpoint> {
    const stored = await this.findCheckpoint(sql, contractId, size);
    if (!stored) throw this.noCheckpoint(contractId, size);
    return stored;
  }

  /**
   * The checkpoint as served: the log's signed note followed by the
   * cosignature line of each witness that cosigned it, in the order they
   * were recorded (C2SP signed notes take any number of signature lines; a
   * verifier skips those of keys it does not know).
   */
  private async served(stored: StoredCheckpoint): Promise<ServedCheckpoint> {
    const rows = await new Sql(this.dataSource.manager).all<{
      line: string;
      cosigned_at: string;
      name: string;
      key_id: string;
    }>(
      `SELECT c.line, c.cosigned_at, k.name, k.key_id
         FROM ledger_cosignatures c JOIN witness_keys k ON k.id = c.witness_key_id
        WHERE c.contract_id = ? AND c.tree_size = ?
        ORDER BY c.recorded_at, k.key_id, c.witness_key_id`,
      [stored.contractId, stored.treeSize],
    );
    const cosignatures = rows.map((row) => ({
      witnessName: row.name,
      keyId: row.key_id,
      timestamp: Date.parse(row.cosigned_at) / 1000,
      cosignedAt: row.cosigned_at,
      line: row.line,
    }));
    return {
      ...stored,
      note: stored.note + cosignatures.map((c) => c.line).join(''),
      cosignatures,
    };
  }

  /** Every stored checkpoint's size and when it was signed, oldest first. */
  async checkpointSizes(
    contractId: string,
  ): Promise<Array<{ treeSize: number; signedAt: string; reason: string }>> {
    const rows = await new Sql(this.dataSource.manager).all<{
      tree_size: number | string;
      signed_at: string;
      reason: string;
    }>(
      'SELECT tree_size, signed_at, reason FROM ledger_checkpoints WHERE contract_id = ? ORDER BY tree_size',
      [contractId],
    );
    return rows.map((row) => ({
      treeSize: Number(row.tree_size),
      signedAt: row.signed_at,
      reason: row.reason,
    }));
  }

  /** RFC 9162 inclusion proof of entry `seq` in the tree of `size` entries (the whole ledger when absent). */
  async inclusionProof(contractId: string, seq: number, size?: number): Promise<InclusionProof> {
    const treeSize = await this.treeSize(contractId, size);
    if (seq > treeSize) {
      throw new DomainError('SEQ_OUT_OF_RANGE', `Entry ${seq} is not in a tree of ${treeSize}`, {
        seq,
        treeSize,
      });
    }
    const index = seq - 1;
    const ranges = inclusionRanges(index, treeSize);
    const { ranges: [leaf, root] = [], proof } = await this.hashes(
      contractId,
      [
        [index, index + 1],
        [0, treeSize],
      ],
      ranges,
    );
    return {
      seq,
      leafIndex: index,
      treeSize,
      leafHash: hex(leaf),
      rootHash: hex(root),
      proof: proof.map((hash) => hash.toString('hex')),
    };
  }

  /** RFC 9162 consistency proof from the tree of `from` entries to the tree of `to` (the whole ledger when absent). */
  async consistencyProof(contractId: string, from: number, to?: number): Promise<ConsistencyProof> {
    const treeSize = await this.treeSize(contractId, to);
    if (from > treeSize) {
      throw new DomainError(
        'CONSISTENCY_RANGE_INVALID',
        `No consistency proof from ${from} entries to ${treeSize}: from must not exceed to`,
        { from, to: treeSize },
      );
    }
    const ranges = consistencyRanges(from, treeSize);
    const { ranges: [fromRoot, toRoot] = [], proof } = await this.hashes(
      contractId,
      [
        [0, from],
        [0, treeSize],
      ],
      ranges,
    );
    return {
      from,
      to: treeSize,
      fromRootHash: hex(fromRoot),
      toRootHash: hex(toRoot),
      proof: proof.map((hash) => hash.toString('hex')),
    };
  }

  /**
   * The {@link Continuity} from the stored checkpoint of `fromSize` entries
   * to the stored one of `toSize`. Reads through `manager` when given (a
   * reactor inside the append's transaction).
   */
  async continuity(
    contractId: string,
    fromSize: number,
    toSize: number,
    manager = this.dataSource.manager,
  ): Promise<Continuity> {
    const sql = new Sql(manager);
    const result = (
      status: Continuity['status'],
      reason: string | null,
      roots: { from?: Buffer; to?: Buffer } = {},
      proof: Buffer[] = [],
    ): Continuity => ({
      fromSize,
      toSize,
      status,
      fromRootHash: roots.from?.toString('hex') ?? null,
      toRootHash: roots.to?.toString('hex') ?? null,
      proof: proof.map((hash) => hash.toString('hex')),
      reason,
    });
    const [from, to] = await Promise.all([
      this.findCheckpoint(sql, contractId, fromSize),
      this.findCheckpoint(sql, contractId, toSize),
    ]);
    if (!from || !to) {
      const missing = !from ? fromSize : toSize;
      // Checkpoints are signed of the tree as it is: one of a smaller size
      // means this ledger had fewer entries than `missing` when checkpoints
      // began, so the audit at `missing` was recorded since and signed its
      // own, which someone has removed. Otherwise the audit predates them.
      const earliest = await sql.one<{ size: number | string | null }>(
        'SELECT MIN(tree_size) AS size FROM ledger_checkpoints WHERE contract_id = ?',
        [contractId],
      );
      const since = earliest?.size == null ? null : Number(earliest.size);
      return since !== null && since < missing
        ? result(
            'broken',
            `the checkpoint of ${missing} entries, signed when that audit was recorded, is missing (checkpoints are stored from ${since} entries on)`,
          )
        : result('unavailable', `no checkpoint of ${missing} entries is stored`);
    }
    const roots: { from?: Buffer; to?: Buffer } = {};
    for (const [side, stored] of [
      ['from', from],
      ['to', to],
    ] as const) {
      const signed = this.signedCheckpoint(contractId, stored);
      if (typeof signed === 'string') return result('broken', signed, roots);
      roots[side] = signed;
    }
    const ranges = consistencyRanges(fromSize, toSize);
    let proof: Buffer[];
    try {
      proof = await this.rangeHashes(sql, contractId, ranges);
    } catch (error) {
      if (error instanceof MissingTreeNode) return result('broken', error.message, roots);
      throw error;
    }
    return verifyConsistency(fromSize, toSize, roots.from!, roots.to!, proof)
      ? result('intact', null, roots, proof)
      : result(
          'broken',
          `the ledger of ${toSize} entries does not extend the one of ${fromSize} signed before: an entry up to ${fromSize} was changed`,
          roots,
          proof,
        );
  }

  /** The root a stored checkpoint signs, or why it cannot be believed. */
  private signedCheckpoint(contractId: string, stored: StoredCheckpoint): Buffer | string {
    try {
      const { text, verifiedBy } = openNote(stored.note, [this.key.signer]);
      const checkpoint = parseCheckpoint(text);
      if (verifiedBy.length === 0 || !checkpoint) {
        return `the checkpoint of ${stored.treeSize} entries is not signed by the checkpoint key`;
      }
      if (
        checkpoint.origin !== this.key.origin(contractId) ||
        checkpoint.size !== stored.treeSize
      ) {
        return `the checkpoint of ${stored.treeSize} entries names another ledger`;
      }
      return checkpoint.root;
    } catch (error) {
      if (error instanceof NoteError) {
        return `the checkpoint of ${stored.treeSize} entries does not verify: ${error.message}`;
      }
      throw error;
    }
  }

  private async rangeHashes(
    sql: Sql,
    contractId: string,
    ranges: readonly Range[],
  ): Promise<Buffer[]> {
    const decomposed = ranges.map(([start, end]) => rangeNodes(start, end));
    const stored = await readNodes(sql, contractId, decomposed.flat());
    let at = 0;
    return decomposed.map((nodes) => {
      const hashes = stored.slice(at, at + nodes.length);
      at += nodes.length;
      return nodes.length === 0 ? EMPTY_ROOT : foldRange(hashes);
    });
  }

  /**
   * Everything a third party needs to check that one entry belongs to the
   * ledger a signed checkpoint names, without the other entries: the entry,
   * the checkpoint (the one of `size` entries; else the latest one a witness
   * cosigned that covers the entry, so that the proof leads to a head the
   * ward itself signed; else the one of the whole ledger now) and the
   * inclusion proof between them.
   */
  async entryProof(
    contractId: string,
    seq: number,
    size?: number,
  ): Promise<{ entry: LedgerEntry; checkpoint: ServedCheckpoint; inclusion: InclusionProof }> {
    const cosigned =
      size === undefined
        ? await new Sql(this.dataSource.manager).one<{ size: number | string | null }>(
            'SELECT MAX(tree_size) AS size FROM ledger_cosignatures WHERE contract_id = ? AND tree_size >= ?',
            [contractId, seq],
          )
        : undefined;
    if (cosigned?.size !== null && cosigned?.size !== undefined) size = Number(cosigned.size);
    const checkpoint =
      size === undefined
        ? await this.currentCheckpoint(contractId).catch((error: unknown) => {
            throw error instanceof DomainError && error.code === 'CHECKPOINT_NOT_FOUND'
              ? new DomainError('SEQ_OUT_OF_RANGE', `The ledger has no entry ${seq}`, {
                  seq,
                  treeSize: 0,
                })
              : error;
          })
        : await this.storedCheckpoint(contractId, size);
    if (seq > checkpoint.treeSize) {
      throw new DomainError(
        'SEQ_OUT_OF_RANGE',
        `Entry ${seq} is not in the checkpoint of ${checkpoint.treeSize} entries`,
        { seq, treeSize: checkpoint.treeSize },
      );
    }
    const [entry] = await this.ledger.list(contractId, seq - 1, 1);
    if (!entry || entry.seq !== seq) {
      throw new DomainError('SEQ_OUT_OF_RANGE', `The ledger has no entry ${seq}`, { seq });
    }
    const inclusion = await this.inclusionProof(contractId, seq, checkpoint.treeSize);
    return { entry, checkpoint, inclusion };
  }

  /** The ledger's length, or `size` when given and not beyond it. */
  private async treeSize(contractId: string, size?: number): Promise<number> {
    const length = await this.ledger.length(contractId);
    if (size === undefined) return length;
    if (size > length) {
      throw new DomainError(
        'TREE_SIZE_OUT_OF_RANGE',
        `The ledger has ${length} entries; there is no tree of ${size}`,
        { size, length },
      );
    }
    return size;
  }

  /**
   * The tree hashes of some ranges and of a proof's ranges, from the stored
   * complete subtrees, read in one query.
   */
  private async hashes(
    contractId: string,
    ranges: readonly Range[],
    proofRanges: readonly Range[],
  ): Promise<{ ranges: Buffer[]; proof: Buffer[] }> {
    const folded = await this.rangeHashes(new Sql(this.dataSource.manager), contractId, [
      ...ranges,
      ...proofRanges,
    ]);
    return { ranges: folded.slice(0, ranges.length), proof: folded.slice(ranges.length) };
  }

  private async findCheckpoint(
    sql: Sql,
    contractId: string,
    size: number,
  ): Promise<StoredCheckpoint | undefined> {
    const row = await sql.one<{
      contract_id: string;
      tree_size: number | string;
      root_hash: string;
      note: string;
      reason: string;
      signed_at: string;
    }>(
      'SELECT contract_id, tree_size, root_hash, note, reason, signed_at FROM ledger_checkpoints WHERE contract_id = ? AND tree_size = ?',
      [contractId, size],
    );
    return row
      ? {
          contractId: row.contract_id,
          treeSize: Number(row.tree_size),
          rootHash: row.root_hash,
          note: row.note,
          reason: row.reason,
          signedAt: row.signed_at,
        }
      : undefined;
  }

  private noCheckpoint(contractId: string, size?: number): DomainError {
    return new DomainError(
      'CHECKPOINT_NOT_FOUND',
      size === undefined
        ? 'The ledger has no entry yet, so no checkpoint'
        : `No checkpoint of ${size} entries is stored`,
      size === undefined ? { contractId } : { contractId, size },
    );
  }
}

function hex(hash: Buffer | undefined): string {
  if (!hash) throw new Error('a tree hash is missing');
  return hash.toString('hex');
}

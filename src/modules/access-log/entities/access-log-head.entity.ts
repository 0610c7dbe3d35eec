import { Column, Entity, PrimaryColumn } from 'typeorm';
import { INSTANT_LENGTH } from '../../../database/column-types.js';
import { type ChainCounterType, chainCounter } from './chain-counter.js';

/**
 * The one row that says where the installation's access-log chain stands:
 * its last entry (appends lock this row, `SELECT … FOR UPDATE` on
 * PostgreSQL, so they take turns; verification compares the chain's end with
 * it) and its anchor, the last entry pruning removed, from which the kept
 * entries are verified. Its seqs are the entries' ({@link chainCounter}).
 */
function accessLogHeadEntity(seqType: ChainCounterType) {
  @Entity({ name: 'access_log_head' })
  class AccessLogHead {
    /** Always 1. */
    @PrimaryColumn({ type: 'integer' })
    id: number;

    @Column(chainCounter(seqType))
    seq: number;

    @Column({ type: 'varchar', length: 64 })
    hash: string;

    /** The last pruned entry (0 before any pruning). */
    @Column(chainCounter(seqType, 'anchor_seq'))
    anchorSeq: number;

    /** Its hash: the prevHash of the first kept entry (64 zeros before any pruning). */
    @Column({ name: 'anchor_hash', type: 'varchar', length: 64 })
    anchorHash: string;

    /** The retention cut-off of the last pruning: every entry before it is gone. */
    @Column({ name: 'pruned_before', type: 'varchar', length: INSTANT_LENGTH, nullable: true })
    prunedBefore: string | null;
  }
  return AccessLogHead;
}

export const AccessLogHeadEntity = accessLogHeadEntity('integer');
export const AccessLogHeadPgEntity = accessLogHeadEntity('bigint');

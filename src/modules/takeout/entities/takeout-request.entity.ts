import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { DATE_LENGTH, ID_LENGTH, INSTANT_LENGTH } from '../../../database/column-types.js';
import type { TakeoutPurpose, TakeoutStatus } from '../takeout.rule.js';

/**
 * A take-out request (持出し申請) and its decision: a projection of the
 * contract's ledger (`takeout_requested`, `takeout_approved`,
 * `takeout_rejected`, `takeout_withdrawn`), rebuilt by `ledger:rebuild`.
 */
@Entity({ name: 'takeout_requests' })
@Index('idx_takeout_requests_contract', ['contractId', 'requestedAt'])
export class TakeoutRequestEntity {
  @PrimaryColumn({ type: 'varchar', length: ID_LENGTH })
  id: string;

  @Column({ name: 'contract_id', type: 'varchar', length: ID_LENGTH })
  contractId: string;

  @Column({ type: 'varchar', length: 16 })
  status: TakeoutStatus;

  @Column({ name: 'applicant_user_id', type: 'varchar', length: ID_LENGTH })
  applicantUserId: string;

  /** The contract's data items (情報項目) the media will hold. */
  @Column({ name: 'data_items', type: 'simple-json' })
  dataItems: string[];

  /** Records (件数) on each medium at most. */
  @Column({ name: 'record_count', type: 'integer' })
  recordCount: number;

  /** Kinds of media the data may be written onto. */
  @Column({ name: 'media_kinds', type: 'simple-json' })
  mediaKinds: string[];

  /** How many media may be registered under the request. */
  @Column({ name: 'media_count', type: 'integer' })
  mediaCount: number;

  @Column({ type: 'varchar', length: 16 })
  purpose: TakeoutPurpose;

  @Column({ name: 'planned_on', type: 'varchar', length: DATE_LENGTH })
  plannedOn: string;

  /** The terminal (端末) the data is written from. */
  @Column({ name: 'terminal_id', type: 'varchar', length: 100 })
  terminalId: string;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  note: string | null;

  @Column({ name: 'requested_at', type: 'varchar', length: INSTANT_LENGTH })
  requestedAt: string;

  @Column({ name: 'requested_seq', type: 'integer' })
  requestedSeq: number;

  /** The approver who approved or rejected it (kept when an approved request is withdrawn). */
  @Column({ name: 'decided_by_user_id', type: 'varchar', length: ID_LENGTH, nullable: true })
  decidedByUserId: string | null;

  @Column({ name: 'decided_at', type: 'varchar', length: INSTANT_LENGTH, nullable: true })
  decidedAt: string | null;

  /** Why it was rejected. */
  @Column({ type: 'varchar', length: 1000, nullable: true })
  reason: string | null;

  /** An approved request covers media registered and dispatched until this instant. */
  @Column({ name: 'valid_until', type: 'varchar', length: INSTANT_LENGTH, nullable: true })
  validUntil: string | null;

  /** Media registered under it so far. */
  @Column({ name: 'media_registered', type: 'integer' })
  mediaRegistered: number;
}

import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { ID_LENGTH, INSTANT_LENGTH } from '../../../database/column-types.js';

/**
 * A place the ward designated for the contract's work (作業場所) or for
 * keeping its media (保管場所): a projection of `place_designated` and
 * `place_withdrawn` entries, rebuilt by `ledger:rebuild`.
 */
@Entity({ name: 'designated_places' })
@Index('idx_designated_places_contract', ['contractId', 'designatedSeq'])
export class DesignatedPlaceEntity {
  @PrimaryColumn({ type: 'varchar', length: ID_LENGTH })
  id: string;

  @Column({ name: 'contract_id', type: 'varchar', length: ID_LENGTH })
  contractId: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 300 })
  address: string;

  /** Media may be kept here (保管場所), not only worked on. */
  @Column({ name: 'media_storage', type: 'boolean' })
  mediaStorage: boolean;

  @Column({ name: 'designated_by_user_id', type: 'varchar', length: ID_LENGTH })
  designatedByUserId: string;

  @Column({ name: 'designated_at', type: 'varchar', length: INSTANT_LENGTH })
  designatedAt: string;

  @Column({ name: 'designated_seq', type: 'integer' })
  designatedSeq: number;

  @Column({ name: 'withdrawn_at', type: 'varchar', length: INSTANT_LENGTH, nullable: true })
  withdrawnAt: string | null;

  @Column({ name: 'withdrawal_reason', type: 'varchar', length: 1000, nullable: true })
  withdrawalReason: string | null;
}

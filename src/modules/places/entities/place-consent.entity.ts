import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { ID_LENGTH, INSTANT_LENGTH } from '../../../database/column-types.js';

/**
 * The ward's consent (甲の承諾) to take named media to a place it has not
 * designated, or to keep them at a designated work place: a projection of
 * `place_consented` entries, rebuilt by `ledger:rebuild`.
 */
@Entity({ name: 'place_consents' })
@Index('idx_place_consents_place', ['contractId', 'placeId'])
export class PlaceConsentEntity {
  @PrimaryColumn({ type: 'varchar', length: ID_LENGTH })
  id: string;

  @Column({ name: 'contract_id', type: 'varchar', length: ID_LENGTH })
  contractId: string;

  /** A designated place's id, or the id the consent gave a place of its own. */
  @Column({ name: 'place_id', type: 'varchar', length: ID_LENGTH })
  placeId: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 300 })
  address: string;

  @Column({ name: 'medium_ids', type: 'simple-json' })
  mediumIds: string[];

  @Column({ type: 'varchar', length: 1000 })
  reason: string;

  @Column({ name: 'valid_until', type: 'varchar', length: INSTANT_LENGTH })
  validUntil: string;

  @Column({ name: 'consented_by_user_id', type: 'varchar', length: ID_LENGTH })
  consentedByUserId: string;

  @Column({ name: 'consented_at', type: 'varchar', length: INSTANT_LENGTH })
  consentedAt: string;

  @Column({ name: 'consented_seq', type: 'integer' })
  consentedSeq: number;
}

import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { ID_LENGTH, INSTANT_LENGTH } from '../../../database/column-types.js';
import type { DerivedFrom } from '../../copies/copies.rule.js';
import type { CustodyState, MediumKind } from '../custody-state.js';

/**
 * 媒体 and its current custody: a projection of the ledger (rebuilt from it by
 * `npm run ledger:rebuild`), written in the same transaction as the event.
 */
@Entity({ name: 'media' })
export class MediumEntity {
  @PrimaryColumn({ type: 'varchar', length: ID_LENGTH })
  id: string;

  @Index('idx_media_contract')
  @Column({ name: 'contract_id', type: 'varchar', length: ID_LENGTH })
  contractId: string;

  @Column({ type: 'varchar', length: 32 })
  kind: MediumKind;

  @Column({ type: 'varchar', length: 200 })
  label: string;

  /** 情報の内容 */
  @Column({ type: 'varchar', length: 1000 })
  description: string;

  /** 件数 */
  @Column({ name: 'record_count', type: 'integer' })
  recordCount: number;

  @Column({ type: 'boolean' })
  encrypted: boolean;

  @Column({ type: 'varchar', length: 64, nullable: true })
  sha256: string | null;

  /** For a password notice: the medium it unlocks. */
  @Index('idx_media_unlocks')
  @Column({ name: 'unlocks_medium_id', type: 'varchar', length: ID_LENGTH, nullable: true })
  unlocksMediumId: string | null;

  @Column({ type: 'varchar', length: 16 })
  state: CustodyState;

  /** Broken seal or wrong fingerprint at some receipt; sticks for good. */
  @Column({ type: 'boolean' })
  compromised: boolean;

  @Column({ name: 'holder_organization_id', type: 'varchar', length: ID_LENGTH })
  holderOrganizationId: string;

  @Index('idx_media_holder_user')
  @Column({ name: 'holder_user_id', type: 'varchar', length: ID_LENGTH, nullable: true })
  holderUserId: string | null;

  /** Where it is kept (施錠できる金庫又はキャビネット), as last recorded. */
  @Column({ type: 'varchar', length: 300, nullable: true })
  location: string | null;

  /** The designated or consented place (持出しの禁止) its last step on the contractor's side named. */
  @Column({ name: 'place_id', type: 'varchar', length: ID_LENGTH, nullable: true })
  placeId: string | null;

  @Column({ name: 'in_transit_handover_id', type: 'varchar', length: ID_LENGTH, nullable: true })
  inTransitHandoverId: string | null;

  /** The take-out request (持出し申請) it was written under; null when none was needed. */
  @Column({ name: 'takeout_request_id', type: 'varchar', length: ID_LENGTH, nullable: true })
  takeoutRequestId: string | null;

  /**
   * Which side of the contract registered it: `ward` media hold the ward's
   * data and leave the ward only under an approved take-out request. Null
   * for media registered before take-out approval existed.
   */
  @Column({ type: 'varchar', length: 16, nullable: true })
  origin: 'ward' | 'contractor' | null;

  /** What the contractor made it from (複写等の禁止); null when not declared. */
  @Column({ name: 'derived_from', type: 'simple-json', nullable: true })
  derivedFrom: DerivedFrom | null;

  /** The ward's copy permission it was registered under, for a copy. */
  @Column({ name: 'copy_permission_id', type: 'varchar', length: ID_LENGTH, nullable: true })
  copyPermissionId: string | null;

  @Column({ name: 'registered_at', type: 'varchar', length: INSTANT_LENGTH })
  registeredAt: string;

  /** occurredAt of the latest event about it: no later event may be dated earlier. */
  @Column({ name: 'last_event_at', type: 'varchar', length: INSTANT_LENGTH })
  lastEventAt: string;

  @Column({ name: 'last_seq', type: 'integer' })
  lastSeq: number;
}

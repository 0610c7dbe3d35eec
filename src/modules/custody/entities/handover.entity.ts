import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { ID_LENGTH, INSTANT_LENGTH } from '../../../database/column-types.js';
import type { HandoverMethod, HandoverPurpose, HandoverStatus } from '../custody-state.js';

/** A dispatch and, later, its receipt: a projection of the ledger. */
@Entity({ name: 'handovers' })
export class HandoverEntity {
  @PrimaryColumn({ type: 'varchar', length: ID_LENGTH })
  id: string;

  @Index('idx_handovers_contract')
  @Column({ name: 'contract_id', type: 'varchar', length: ID_LENGTH })
  contractId: string;

  @Column({ type: 'varchar', length: 16 })
  status: HandoverStatus;

  @Column({ type: 'varchar', length: 16 })
  purpose: HandoverPurpose;

  @Column({ type: 'varchar', length: 16 })
  method: HandoverMethod;

  @Index('idx_handovers_bag')
  @Column({ name: 'bag_id', type: 'varchar', length: 100, nullable: true })
  bagId: string | null;

  @Column({ name: 'seal_number', type: 'varchar', length: 100, nullable: true })
  sealNumber: string | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  note: string | null;

  @Column({ name: 'from_user_id', type: 'varchar', length: ID_LENGTH })
  fromUserId: string;

  @Column({ name: 'from_organization_id', type: 'varchar', length: ID_LENGTH })
  fromOrganizationId: string;

  @Index('idx_handovers_to_user')
  @Column({ name: 'to_user_id', type: 'varchar', length: ID_LENGTH })
  toUserId: string;

  @Column({ name: 'to_organization_id', type: 'varchar', length: ID_LENGTH })
  toOrganizationId: string;

  @Column({ name: 'dispatched_at', type: 'varchar', length: INSTANT_LENGTH })
  dispatchedAt: string;

  @Column({ name: 'dispatch_seq', type: 'integer' })
  dispatchSeq: number;

  @Column({ name: 'received_at', type: 'varchar', length: INSTANT_LENGTH, nullable: true })
  receivedAt: string | null;

  @Column({ name: 'receipt_seq', type: 'integer', nullable: true })
  receiptSeq: number | null;

  @Column({ name: 'seal_intact', type: 'boolean', nullable: true })
  sealIntact: boolean | null;

  /** Some item arrived with a broken seal or a wrong fingerprint. */
  @Column({ type: 'boolean' })
  compromised: boolean;
}

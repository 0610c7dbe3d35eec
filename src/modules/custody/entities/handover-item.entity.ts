import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { ID_LENGTH, INSTANT_LENGTH } from '../../../database/column-types.js';

/** Which media travelled in which handover, and when it left: for the split-channel rule. */
@Entity({ name: 'handover_items' })
export class HandoverItemEntity {
  @PrimaryColumn({ name: 'handover_id', type: 'varchar', length: ID_LENGTH })
  handoverId: string;

  @Index('idx_handover_items_medium')
  @PrimaryColumn({ name: 'medium_id', type: 'varchar', length: ID_LENGTH })
  mediumId: string;

  @Column({ name: 'contract_id', type: 'varchar', length: ID_LENGTH })
  contractId: string;

  @Column({ name: 'dispatched_at', type: 'varchar', length: INSTANT_LENGTH })
  dispatchedAt: string;
}

import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { ID_LENGTH, INSTANT_LENGTH } from '../../../database/column-types.js';

export const INCIDENT_KINDS = ['seal_broken', 'fingerprint_mismatch', 'lost', 'other'] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

/** 事故: recorded in the ledger at once; a projection for listing. */
@Entity({ name: 'incidents' })
export class IncidentEntity {
  @PrimaryColumn({ type: 'varchar', length: ID_LENGTH })
  id: string;

  @Index('idx_incidents_contract')
  @Column({ name: 'contract_id', type: 'varchar', length: ID_LENGTH })
  contractId: string;

  @Column({ type: 'integer' })
  seq: number;

  @Column({ type: 'varchar', length: 32 })
  kind: IncidentKind;

  @Column({ name: 'handover_id', type: 'varchar', length: ID_LENGTH, nullable: true })
  handoverId: string | null;

  @Column({ name: 'medium_ids', type: 'simple-json' })
  mediumIds: string[];

  @Column({ type: 'varchar', length: 2000 })
  description: string;

  @Column({ name: 'occurred_at', type: 'varchar', length: INSTANT_LENGTH })
  occurredAt: string;

  @Column({ name: 'recorded_at', type: 'varchar', length: INSTANT_LENGTH })
  recordedAt: string;

  @Column({ name: 'reported_by_user_id', type: 'varchar', length: ID_LENGTH })
  reportedByUserId: string;
}

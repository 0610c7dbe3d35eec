import { ApiProperty } from '@nestjs/swagger';
import {
  INCIDENT_KINDS,
  type IncidentEntity,
  type IncidentKind,
} from '../entities/incident.entity.js';

export class IncidentResponse {
  @ApiProperty() id: string;
  @ApiProperty() contractId: string;
  @ApiProperty({ description: 'seq of the ledger entry' }) seq: number;
  @ApiProperty({ enum: INCIDENT_KINDS }) kind: IncidentKind;
  @ApiProperty({ nullable: true, type: String }) handoverId: string | null;
  @ApiProperty({ type: [String] }) mediumIds: string[];
  @ApiProperty() description: string;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiProperty({ format: 'date-time' }) recordedAt: string;
  @ApiProperty() reportedByUserId: string;

  static from(i: IncidentEntity): IncidentResponse {
    return {
      id: i.id,
      contractId: i.contractId,
      seq: i.seq,
      kind: i.kind,
      handoverId: i.handoverId,
      mediumIds: i.mediumIds,
      description: i.description,
      occurredAt: i.occurredAt,
      recordedAt: i.recordedAt,
      reportedByUserId: i.reportedByUserId,
    };
  }
}

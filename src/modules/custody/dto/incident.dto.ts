import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsString,
  Length,
} from 'class-validator';
import { IsInstant, IsText, OptionalField } from '../../../common/http/validators.js';
import {
  INCIDENT_KINDS,
  type IncidentEntity,
  type IncidentKind,
} from '../entities/incident.entity.js';

export const REPORTABLE_INCIDENT_KINDS = ['lost', 'other'] as const;
export type ReportableIncidentKind = (typeof REPORTABLE_INCIDENT_KINDS)[number];

export class ReportIncidentRequest {
  @ApiProperty({
    enum: REPORTABLE_INCIDENT_KINDS,
    description:
      'lost: the media are gone (紛失) and can never move again; other: anything else to report',
  })
  @IsIn(REPORTABLE_INCIDENT_KINDS)
  kind: ReportableIncidentKind;

  @ApiProperty({ type: [String], description: 'The media: ids or labels' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  mediumIds: string[];

  @ApiProperty({ example: '搬送中に鍵付きカバンを紛失' })
  @IsText(1, 2000)
  description: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @OptionalField()
  @IsInstant()
  occurredAt?: string;
}

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

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsString, Length } from 'class-validator';
import { IsIsoDate, IsText, OptionalField, QueryInt } from '../../../common/http/validators.js';
import { AUDIT_RESULTS, type AuditEntity, type AuditResult } from '../entities/audit.entity.js';

export class RecordAuditRequest {
  @ApiProperty({ format: 'date', example: '2027-02-10' })
  @IsIsoDate()
  performedOn: string;

  @ApiProperty({ enum: AUDIT_RESULTS })
  @IsIn(AUDIT_RESULTS)
  result: AuditResult;

  @ApiPropertyOptional({ description: 'Required unless the result is satisfactory' })
  @OptionalField()
  @IsText(1, 4000)
  findings?: string;

  @ApiProperty({ type: [String], example: ['監査 一郎'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  auditors: string[];
}

export class AuditStatusQuery {
  @ApiPropertyOptional({
    minimum: 2000,
    maximum: 2100,
    description: 'Defaults to the current fiscal year',
  })
  @QueryInt(2000, 2100)
  fiscalYear?: number;
}

export class AuditResponse {
  @ApiProperty() id: string;
  @ApiProperty() contractId: string;
  @ApiProperty({ format: 'date' }) performedOn: string;
  @ApiProperty() fiscalYear: number;
  @ApiProperty({ enum: AUDIT_RESULTS }) result: AuditResult;
  @ApiProperty({ nullable: true, type: String }) findings: string | null;
  @ApiProperty({ type: [String] }) auditors: string[];
  @ApiProperty() recordedByUserId: string;
  @ApiProperty({ format: 'date-time' }) recordedAt: string;
  @ApiProperty({ description: 'seq of the ledger entry' }) seq: number;

  static from(a: AuditEntity): AuditResponse {
    return {
      id: a.id,
      contractId: a.contractId,
      performedOn: a.performedOn,
      fiscalYear: a.fiscalYear,
      result: a.result,
      findings: a.findings,
      auditors: a.auditors,
      recordedByUserId: a.recordedByUserId,
      recordedAt: a.recordedAt,
      seq: a.seq,
    };
  }
}

export class AuditStatusItem {
  @ApiProperty() contractId: string;
  @ApiProperty() title: string;
  @ApiProperty() fiscalYear: number;
  @ApiProperty({ description: 'The contract period overlaps the fiscal year' }) required: boolean;
  @ApiProperty({ description: 'An audit was recorded in the fiscal year' }) done: boolean;
  @ApiProperty({
    format: 'date',
    nullable: true,
    type: String,
    description:
      "The due date by contract: the earlier of 31 March and the contract's end (null when not required)",
  })
  dueOn: string | null;
  @ApiProperty({
    format: 'date',
    nullable: true,
    type: String,
    description:
      'The last business day (開庁日) on or before dueOn: not a weekend, national holiday or 29 December – 3 January',
  })
  businessDueOn: string | null;
  @ApiProperty({ description: 'Required, not done, and the due date has passed' }) overdue: boolean;
  @ApiProperty({ type: AuditResponse, nullable: true }) lastAudit: AuditResponse | null;
}

export class AuditStatusResponse {
  @ApiProperty() fiscalYear: number;
  @ApiProperty({ type: [AuditStatusItem] }) items: AuditStatusItem[];
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsInt,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
} from 'class-validator';
import {
  IsBoundedInt,
  IsIsoDate,
  IsText,
  NestedObject,
  OptionalField,
} from '../../../common/http/validators.js';
import {
  CONTRACT_STATUSES,
  type ContractEntity,
  type ContractStatus,
} from '../entities/contract.entity.js';
import { type HandlingPolicy, handlingPolicyOf } from '../contract-terms.rule.js';

export class HandoverPolicyDto {
  @ApiPropertyOptional({
    minimum: 1,
    maximum: 10080,
    default: 60,
    description: 'Least time between a medium and its password notice (別の機会)',
  })
  @OptionalField()
  @IsBoundedInt(1, 10080)
  minSeparationMinutes?: number;

  @ApiPropertyOptional({
    default: true,
    description:
      'Media of the ward are registered and dispatched out of it only under a take-out request approved by the ward’s approver (持出し承認)',
  })
  @OptionalField()
  @IsBoolean()
  requireTakeoutApproval?: boolean;
}

export class HandlingPolicyDto {
  @ApiPropertyOptional({
    default: true,
    description:
      'Contractor staff are rostered and act only with a valid training on record (従事者に対する教育, 特記事項 §18)',
  })
  @OptionalField()
  @IsBoolean()
  requireTraining?: boolean;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 60,
    default: 12,
    description: 'Months a training stays valid from the day it was given',
  })
  @OptionalField()
  @IsBoundedInt(1, 60)
  trainingValidMonths?: number;

  @ApiPropertyOptional({
    default: true,
    description:
      'The first handover waits until both sides have emergency contacts and have confirmed the incident procedure (事故等への対応体制)',
  })
  @OptionalField()
  @IsBoolean()
  requireEmergencyPlan?: boolean;
}

export class AuditPolicyDto {
  @ApiPropertyOptional({
    type: [Number],
    default: [60, 30, 7],
    description: 'Days before the audit due date on which reminders go out',
  })
  @OptionalField()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(365, { each: true })
  reminderLeadDays?: number[];
}

export class CreateContractRequest {
  @ApiProperty({ example: '住民税課税資料のデータ入力業務委託', description: '登録業務の名称' })
  @IsText(1, 300)
  title: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  contractorOrganizationId: string;

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Approved 再委託先' })
  @OptionalField()
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsUUID(undefined, { each: true })
  subcontractorOrganizationIds?: string[];

  @ApiProperty({ example: '2026-09-01', format: 'date' })
  @IsIsoDate()
  startsOn: string;

  @ApiProperty({ example: '2027-03-31', format: 'date' })
  @IsIsoDate()
  endsOn: string;

  @ApiProperty({ type: [String], example: ['氏名', '住所', '生年月日'], description: '情報項目' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  dataItems: string[];

  @ApiProperty({ minimum: 0, example: 12000, description: '対象者数' })
  @IsBoundedInt(0, 100_000_000)
  subjectCount: number;

  @ApiPropertyOptional({ type: () => HandoverPolicyDto })
  @OptionalField()
  @NestedObject(() => HandoverPolicyDto)
  handoverPolicy?: HandoverPolicyDto;

  @ApiPropertyOptional({ type: () => AuditPolicyDto })
  @OptionalField()
  @NestedObject(() => AuditPolicyDto)
  auditPolicy?: AuditPolicyDto;

  @ApiPropertyOptional({ type: () => HandlingPolicyDto })
  @OptionalField()
  @NestedObject(() => HandlingPolicyDto)
  handlingPolicy?: HandlingPolicyDto;
}

export class ContractResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() title: string;
  @ApiProperty({ format: 'uuid' }) wardOrganizationId: string;
  @ApiProperty({ format: 'uuid' }) contractorOrganizationId: string;
  @ApiProperty({ type: [String] }) subcontractorOrganizationIds: string[];
  @ApiProperty({ format: 'date' }) startsOn: string;
  @ApiProperty({ format: 'date' }) endsOn: string;
  @ApiProperty({ type: [String] }) dataItems: string[];
  @ApiProperty() subjectCount: number;
  @ApiProperty({ type: () => HandoverPolicyDto })
  handoverPolicy: { minSeparationMinutes: number; requireTakeoutApproval: boolean };
  @ApiProperty({ type: () => AuditPolicyDto }) auditPolicy: { reminderLeadDays: number[] };
  @ApiProperty({ type: () => HandlingPolicyDto })
  handlingPolicy: HandlingPolicy;
  @ApiProperty({ enum: CONTRACT_STATUSES }) status: ContractStatus;
  @ApiProperty({ format: 'date-time' }) createdAt: string;

  static from(contract: ContractEntity, subcontractorOrganizationIds: string[]): ContractResponse {
    return {
      id: contract.id,
      title: contract.title,
      wardOrganizationId: contract.wardOrganizationId,
      contractorOrganizationId: contract.contractorOrganizationId,
      subcontractorOrganizationIds: [...subcontractorOrganizationIds].sort(),
      startsOn: contract.startsOn,
      endsOn: contract.endsOn,
      dataItems: contract.dataItems,
      subjectCount: contract.subjectCount,
      handoverPolicy: {
        minSeparationMinutes: contract.minSeparationMinutes,
        requireTakeoutApproval: contract.requireTakeoutApproval,
      },
      auditPolicy: { reminderLeadDays: contract.reminderLeadDays },
      handlingPolicy: handlingPolicyOf(contract),
      status: contract.status,
      createdAt: contract.createdAt.toISOString(),
    };
  }
}

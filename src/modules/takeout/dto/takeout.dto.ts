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
import { IsBoundedInt, IsIsoDate, IsText, OptionalField } from '../../../common/http/validators.js';
import { MEDIUM_KINDS } from '../../custody/custody-state.js';
import type { TakeoutRequestEntity } from '../entities/takeout-request.entity.js';
import {
  TAKEOUT_PURPOSES,
  TAKEOUT_STATUSES,
  type TakeoutPurpose,
  type TakeoutStatus,
} from '../takeout.rule.js';

/** Media that carry data: a password notice needs no take-out approval. */
export const TAKEOUT_MEDIUM_KINDS = MEDIUM_KINDS.filter((k) => k !== 'password_notice');

export class CreateTakeoutRequest {
  @ApiProperty({
    type: [String],
    example: ['氏名', '住所'],
    description: 'The contract’s data items (情報項目) to be written',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  dataItems: string[];

  @ApiProperty({ minimum: 1, example: 12000, description: '件数: records on each medium at most' })
  @IsBoundedInt(1, 100_000_000)
  recordCount: number;

  @ApiProperty({ enum: TAKEOUT_MEDIUM_KINDS, isArray: true, example: ['dvd_r'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(TAKEOUT_MEDIUM_KINDS.length)
  @ArrayUnique()
  @IsIn(TAKEOUT_MEDIUM_KINDS, { each: true })
  mediaKinds: string[];

  @ApiProperty({ minimum: 1, maximum: 100, example: 1, description: 'How many media' })
  @IsBoundedInt(1, 100)
  mediaCount: number;

  @ApiProperty({ enum: TAKEOUT_PURPOSES, description: 'provide / return of a copy / other' })
  @IsIn(TAKEOUT_PURPOSES)
  purpose: TakeoutPurpose;

  @ApiProperty({ format: 'date', example: '2026-12-07', description: '持出し予定日' })
  @IsIsoDate()
  plannedOn: string;

  @ApiProperty({
    example: 'PC-ZEIMU-012',
    description: 'The terminal (端末) the data is written from',
  })
  @IsText(1, 100)
  terminalId: string;

  @ApiPropertyOptional({ example: '委託先への提供用' })
  @OptionalField()
  @IsText(1, 1000)
  note?: string;
}

export class RejectTakeoutRequest {
  @ApiProperty({ example: '件数が多すぎるため、対象を絞ってください' })
  @IsText(1, 1000)
  reason: string;
}

export class TakeoutListQuery {
  @ApiPropertyOptional({ enum: TAKEOUT_STATUSES })
  @OptionalField()
  @IsIn(TAKEOUT_STATUSES)
  status?: TakeoutStatus;
}

export class TakeoutRequestResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) contractId: string;
  @ApiProperty({ enum: TAKEOUT_STATUSES }) status: TakeoutStatus;
  @ApiProperty({ format: 'uuid' }) applicantUserId: string;
  @ApiProperty({ type: [String] }) dataItems: string[];
  @ApiProperty() recordCount: number;
  @ApiProperty({ type: [String] }) mediaKinds: string[];
  @ApiProperty() mediaCount: number;
  @ApiProperty({ description: 'media registered under it so far' }) mediaRegistered: number;
  @ApiProperty({ enum: TAKEOUT_PURPOSES }) purpose: TakeoutPurpose;
  @ApiProperty({ format: 'date' }) plannedOn: string;
  @ApiProperty() terminalId: string;
  @ApiProperty({ type: String, nullable: true }) note: string | null;
  @ApiProperty({ format: 'date-time' }) requestedAt: string;
  @ApiProperty({ description: 'seq of its takeout_requested ledger entry' }) requestedSeq: number;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) decidedByUserId: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) decidedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) reason: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date-time',
    description: 'approved: media may be registered and dispatched under it until then',
  })
  validUntil: string | null;

  static from(r: TakeoutRequestEntity): TakeoutRequestResponse {
    return {
      id: r.id,
      contractId: r.contractId,
      status: r.status,
      applicantUserId: r.applicantUserId,
      dataItems: r.dataItems,
      recordCount: Number(r.recordCount),
      mediaKinds: r.mediaKinds,
      mediaCount: Number(r.mediaCount),
      mediaRegistered: Number(r.mediaRegistered),
      purpose: r.purpose,
      plannedOn: r.plannedOn,
      terminalId: r.terminalId,
      note: r.note,
      requestedAt: r.requestedAt,
      requestedSeq: Number(r.requestedSeq),
      decidedByUserId: r.decidedByUserId,
      decidedAt: r.decidedAt,
      reason: r.reason,
      validUntil: r.validUntil,
    };
  }
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsString,
  Length,
} from 'class-validator';
import { IsInstant, IsText, OptionalField } from '../../../common/http/validators.js';
import {
  HANDOVER_METHODS,
  HANDOVER_PURPOSES,
  type HandoverMethod,
  type HandoverPurpose,
  type HandoverStatus,
} from '../custody-state.js';
import { MediumNameResponse, PartyResponse } from './medium.dto.js';
import type { HandoverEntity } from '../entities/handover.entity.js';
import { PlaceIdField } from './medium.dto.js';

export class DispatchRequest {
  @ApiProperty({
    type: [String],
    example: ['DVD-001'],
    description: 'The media: ids or labels (resolved within the contract)',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  items: string[];

  @ApiProperty({ description: 'The addressee (受領者): user id or login id' })
  @IsText(1, 64)
  toUserId: string;

  @ApiProperty({ enum: HANDOVER_METHODS })
  @IsIn(HANDOVER_METHODS)
  method: HandoverMethod;

  @ApiPropertyOptional({ example: 'BAG-07', description: '鍵付きカバン番号; required by hand' })
  @OptionalField()
  @IsText(1, 100)
  bagId?: string;

  @ApiPropertyOptional({ example: 'S-000123', description: '封印番号' })
  @OptionalField()
  @IsText(1, 100)
  sealNumber?: string;

  @ApiProperty({ enum: HANDOVER_PURPOSES })
  @IsIn(HANDOVER_PURPOSES)
  purpose: HandoverPurpose;

  @ApiPropertyOptional({ format: 'date-time', description: 'Defaults to now; may be back-dated' })
  @OptionalField()
  @IsInstant()
  occurredAt?: string;

  @ApiPropertyOptional({ description: '備考' })
  @OptionalField()
  @IsText(1, 1000)
  note?: string;
}

export class ReceiveRequest {
  @ApiProperty({ description: 'The seal arrived unbroken' })
  @IsBoolean()
  sealIntact: boolean;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Fingerprints the recipient computed, by medium id',
  })
  @OptionalField()
  @IsObject()
  sha256?: Record<string, string>;

  @PlaceIdField('the designated (or consented) place it is received at')
  placeId?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @OptionalField()
  @IsInstant()
  occurredAt?: string;
}

/** What moved and between whom, by name as well as by id. */
class HandoverNamesResponse {
  @ApiProperty({ type: [MediumNameResponse] }) items: MediumNameResponse[];
  @ApiProperty({ type: PartyResponse }) from: PartyResponse;
  @ApiProperty({ type: PartyResponse }) to: PartyResponse;
}

export class DispatchResponse extends HandoverNamesResponse {
  @ApiProperty() id: string;
  @ApiProperty() seq: number;
  @ApiProperty({ enum: ['dispatched'] }) status: 'dispatched';
  @ApiProperty() hash: string;
}

export class ReceiptResponse extends HandoverNamesResponse {
  @ApiProperty() id: string;
  @ApiProperty() seq: number;
  @ApiProperty({ enum: ['received'] }) status: 'received';
  @ApiProperty() hash: string;
  @ApiProperty({ type: [String] }) compromisedMediumIds: string[];
  @ApiProperty({ type: [String] }) incidentIds: string[];
}

export class HandoverResponse {
  @ApiProperty() id: string;
  @ApiProperty() contractId: string;
  @ApiProperty({ enum: ['dispatched', 'received'] }) status: HandoverStatus;
  @ApiProperty({ enum: HANDOVER_PURPOSES }) purpose: HandoverPurpose;
  @ApiProperty({ enum: HANDOVER_METHODS }) method: HandoverMethod;
  @ApiProperty({ type: [String], description: 'medium ids' }) items: string[];
  @ApiProperty({ type: [MediumNameResponse], description: 'the items by id and label' })
  media: MediumNameResponse[];
  @ApiProperty({ nullable: true, type: String }) bagId: string | null;
  @ApiProperty({ nullable: true, type: String }) sealNumber: string | null;
  @ApiProperty({ nullable: true, type: String }) note: string | null;
  @ApiProperty() fromUserId: string;
  @ApiProperty() fromOrganizationId: string;
  @ApiProperty() toUserId: string;
  @ApiProperty() toOrganizationId: string;
  @ApiProperty({
    type: PartyResponse,
    description: 'who dispatched: the person as named now, the organization the handover recorded',
  })
  from: PartyResponse;
  @ApiProperty({
    type: PartyResponse,
    description: 'the addressee: the person as named now, the organization the handover recorded',
  })
  to: PartyResponse;
  @ApiProperty({ format: 'date-time' }) dispatchedAt: string;
  @ApiProperty() dispatchSeq: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) receivedAt: string | null;
  @ApiProperty({ nullable: true, type: Number }) receiptSeq: number | null;
  @ApiProperty({ nullable: true, type: Boolean }) sealIntact: boolean | null;
  @ApiProperty() compromised: boolean;

  static from(
    h: HandoverEntity,
    media: MediumNameResponse[],
    parties: { from: PartyResponse; to: PartyResponse },
  ): HandoverResponse {
    return {
      id: h.id,
      contractId: h.contractId,
      status: h.status,
      purpose: h.purpose,
      method: h.method,
      items: media.map((m) => m.mediumId),
      media,
      bagId: h.bagId,
      sealNumber: h.sealNumber,
      note: h.note,
      fromUserId: h.fromUserId,
      fromOrganizationId: h.fromOrganizationId,
      toUserId: h.toUserId,
      toOrganizationId: h.toOrganizationId,
      from: parties.from,
      to: parties.to,
      dispatchedAt: h.dispatchedAt,
      dispatchSeq: h.dispatchSeq,
      receivedAt: h.receivedAt,
      receiptSeq: h.receiptSeq,
      sealIntact: h.sealIntact,
      compromised: h.compromised,
    };
  }
}

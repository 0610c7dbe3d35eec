import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import {
  IsBoundedInt,
  IsRefList,
  IsInstant,
  IsText,
  NestedObject,
  OptionalField,
} from '../../../common/http/validators.js';
import {
  DERIVED_FROM_KINDS,
  type DerivedFrom,
  type DerivedFromKind,
} from '../../copies/copies.rule.js';
import {
  CUSTODY_STATES,
  type CustodyState,
  MEDIUM_KINDS,
  type MediumKind,
} from '../custody-state.js';
import type { HeldMedium } from '../custody.service.js';

export const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

/**
 * The place (持出しの禁止) a step on the contractor's side names, required
 * there on a contract with designated places.
 */
export function PlaceIdField(what: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      format: 'uuid',
      description: `Contractor side, on a contract with designated places: ${what}`,
    }),
    OptionalField(),
    IsUUID(),
  );
}

/** What a medium the contractor registers was made from (複写等の禁止). */
export class DerivedFromRequest {
  @ApiProperty({
    enum: DERIVED_FROM_KINDS,
    description:
      '`collected`: data collected in the work; `media`: a copy of media of the contract',
  })
  @IsIn(DERIVED_FROM_KINDS)
  kind: DerivedFromKind;

  @ApiPropertyOptional({
    type: [String],
    description: '`media` only: the media it was copied from (ids or labels)',
  })
  @OptionalField()
  @IsRefList()
  mediumIds?: string[];
}

export class RegisterMediumRequest {
  @ApiProperty({ enum: MEDIUM_KINDS })
  @IsIn(MEDIUM_KINDS)
  kind: MediumKind;

  @ApiProperty({ example: '住民-001', description: 'Label or serial number' })
  @IsText(1, 200)
  label: string;

  @ApiProperty({ example: '住民税課税資料 令和8年度分', description: '情報の内容' })
  @IsText(1, 1000)
  description: string;

  @ApiProperty({ minimum: 0, example: 12000, description: '件数' })
  @IsBoundedInt(0, 100_000_000)
  recordCount: number;

  @ApiProperty({
    description:
      'The data on it is encrypted (must be true for encrypted_file, false for a password notice)',
  })
  @IsBoolean()
  encrypted: boolean;

  @ApiPropertyOptional({
    description: 'SHA-256 of the encrypted file, hex',
    pattern: SHA256_HEX.source,
  })
  @OptionalField()
  @Matches(SHA256_HEX, { message: 'sha256 must be 64 hexadecimal characters' })
  sha256?: string;

  @ApiPropertyOptional({
    description: 'Password notices only: the medium it unlocks (id or label)',
  })
  @OptionalField()
  @IsText(1, 200)
  unlocksMediumId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'Media of the ward: the approved take-out request (持出し申請) it is written under, by its applicant',
  })
  @OptionalField()
  @IsUUID()
  takeoutRequestId?: string;

  @ApiPropertyOptional({ example: '第2書庫 金庫A', description: 'Where it is kept' })
  @OptionalField()
  @IsText(1, 300)
  location?: string;

  @PlaceIdField('the designated (or consented) place it is kept at')
  placeId?: string;

  @ApiPropertyOptional({
    type: DerivedFromRequest,
    description:
      'Contractor side: what it was made from; a copy of media needs the ward’s copy permission',
  })
  @OptionalField()
  @NestedObject(() => DerivedFromRequest)
  derivedFrom?: DerivedFromRequest;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When it was prepared; defaults to now',
  })
  @OptionalField()
  @IsInstant()
  occurredAt?: string;
}

export class StoreMediumRequest {
  @ApiProperty({ example: '第2書庫 金庫A', description: '施錠できる金庫又はキャビネット' })
  @IsText(1, 300)
  location: string;

  @PlaceIdField('the designated (or consented) place it is kept at')
  placeId?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @OptionalField()
  @IsInstant()
  occurredAt?: string;
}

export class ListMediaQuery {
  @ApiPropertyOptional({ enum: CUSTODY_STATES })
  @IsOptional()
  @IsIn(CUSTODY_STATES)
  state?: CustodyState;
}

/** Who holds a medium, by name. */
export class HolderResponse {
  @ApiProperty() organizationId: string;
  @ApiProperty({ example: '株式会社デモ情報処理' }) organizationName: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'the person accountable for it: who last signed for it (the sender while in transit); null when no one is',
  })
  userId: string | null;
  @ApiProperty({ nullable: true, type: String }) loginId: string | null;
  @ApiProperty({ nullable: true, type: String, example: '取扱 三郎' }) displayName: string | null;
}

export class CustodyResponse {
  @ApiProperty({ enum: CUSTODY_STATES }) state: CustodyState;
  @ApiProperty() holderOrganizationId: string;
  @ApiProperty({ nullable: true, type: String }) holderUserId: string | null;
  @ApiProperty({ type: HolderResponse, description: 'the holder by name' }) holder: HolderResponse;
  @ApiProperty({ nullable: true, type: String }) location: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'designated or consented place' })
  placeId: string | null;
  @ApiProperty({ nullable: true, type: String }) inTransitHandoverId: string | null;
  @ApiProperty({ description: 'Broken seal or wrong fingerprint at some receipt' })
  compromised: boolean;
  @ApiProperty({ format: 'date-time', description: 'occurredAt of the latest event about it' })
  since: string;
  @ApiProperty({ description: 'seq of that event' }) seq: number;
}

export class MediumResponse {
  @ApiProperty() id: string;
  @ApiProperty() contractId: string;
  @ApiProperty({ enum: MEDIUM_KINDS }) kind: MediumKind;
  @ApiProperty() label: string;
  @ApiProperty() description: string;
  @ApiProperty() recordCount: number;
  @ApiProperty() encrypted: boolean;
  @ApiProperty({ nullable: true, type: String }) sha256: string | null;
  @ApiProperty({ nullable: true, type: String }) unlocksMediumId: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'the take-out request (持出し申請) it was written under',
  })
  takeoutRequestId: string | null;
  @ApiProperty({ nullable: true, type: DerivedFromRequest, description: 'what it was made from' })
  derivedFrom: DerivedFrom | null;
  @ApiProperty({ nullable: true, type: String, description: 'for a copy: the ward’s permission' })
  copyPermissionId: string | null;
  @ApiProperty({ format: 'date-time' }) registeredAt: string;
  @ApiProperty({ type: CustodyResponse }) custody: CustodyResponse;

  static from({ medium: m, holder }: HeldMedium): MediumResponse {
    return {
      id: m.id,
      contractId: m.contractId,
      kind: m.kind,
      label: m.label,
      description: m.description,
      recordCount: m.recordCount,
      encrypted: m.encrypted,
      sha256: m.sha256,
      unlocksMediumId: m.unlocksMediumId,
      takeoutRequestId: m.takeoutRequestId,
      derivedFrom: m.derivedFrom,
      copyPermissionId: m.copyPermissionId,
      registeredAt: m.registeredAt,
      custody: {
        state: m.state,
        holderOrganizationId: m.holderOrganizationId,
        holderUserId: m.holderUserId,
        holder,
        location: m.location,
        placeId: m.placeId,
        inTransitHandoverId: m.inTransitHandoverId,
        compromised: m.compromised,
        since: m.lastEventAt,
        seq: m.lastSeq,
      },
    };
  }
}

/** What a write answers: the entry it appended. */
export class AppendedResponse {
  @ApiProperty() id: string;
  @ApiProperty({ description: 'seq of the ledger entry' }) seq: number;
  @ApiProperty({ description: 'hash of the ledger entry' }) hash: string;
}

/** A medium registered or stored: the entry, and the medium by id and label. */
export class MediumAppendedResponse extends AppendedResponse {
  @ApiProperty({ example: '住民-001' }) label: string;
  @ApiProperty({ enum: MEDIUM_KINDS }) kind: string;
}

/** A medium as people name it. */
export class MediumNameResponse {
  @ApiProperty() mediumId: string;
  @ApiProperty({ example: '住民-001' }) label: string;
  @ApiProperty({ enum: MEDIUM_KINDS }) kind: string;
}

/** A person of a handover, by id, login id and name. */
export class PartyResponse {
  @ApiProperty() userId: string;
  @ApiPropertyOptional({ description: 'absent in entries recorded before login ids were carried' })
  loginId?: string;
  @ApiProperty() displayName: string;
  @ApiProperty() organizationId: string;
  @ApiProperty() organizationName: string;
}

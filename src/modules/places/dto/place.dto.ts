import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsUUID } from 'class-validator';
import { IsInstant, IsRefList, IsText, OptionalField } from '../../../common/http/validators.js';
import type { DesignatedPlaceEntity } from '../entities/designated-place.entity.js';
import type { PlaceConsentEntity } from '../entities/place-consent.entity.js';

export class DesignatePlaceRequest {
  @ApiProperty({ example: '株式会社X 本社 第1作業室', description: '作業場所・保管場所の名称' })
  @IsText(1, 200)
  name: string;

  @ApiProperty({ example: '東京都新宿区西新宿2-8-1 5階' })
  @IsText(1, 300)
  address: string;

  @ApiProperty({ description: 'Media may be kept here (保管場所), not only worked on (作業場所)' })
  @IsBoolean()
  mediaStorage: boolean;
}

export class WithdrawPlaceRequest {
  @ApiProperty({ example: '事務所移転のため' })
  @IsText(1, 1000)
  reason: string;
}

export class ConsentPlaceRequest {
  @ApiProperty({
    type: [String],
    example: ['DVD-001'],
    description: 'The media the consent covers: ids or labels',
  })
  @IsRefList()
  mediumIds: string[];

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'A designated place (to keep media at a work place); else give name and address',
  })
  @OptionalField()
  @IsUUID()
  placeId?: string;

  @ApiPropertyOptional({ example: '株式会社X 大阪事業所' })
  @OptionalField()
  @IsText(1, 200)
  name?: string;

  @ApiPropertyOptional({ example: '大阪府大阪市北区梅田1-1-1' })
  @OptionalField()
  @IsText(1, 300)
  address?: string;

  @ApiProperty({ example: '本社改装期間中の作業のため' })
  @IsText(1, 1000)
  reason: string;

  @ApiProperty({ format: 'date-time', description: 'The consent covers steps until this instant' })
  @IsInstant()
  validUntil: string;
}

export class DesignatedPlaceResponse {
  @ApiProperty() id: string;
  @ApiProperty() contractId: string;
  @ApiProperty() name: string;
  @ApiProperty() address: string;
  @ApiProperty() mediaStorage: boolean;
  @ApiProperty({ enum: ['designated', 'withdrawn'] }) status: 'designated' | 'withdrawn';
  @ApiProperty() designatedByUserId: string;
  @ApiProperty({ format: 'date-time' }) designatedAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) withdrawnAt: string | null;
  @ApiProperty({ nullable: true, type: String }) withdrawalReason: string | null;

  static from(p: DesignatedPlaceEntity): DesignatedPlaceResponse {
    return {
      id: p.id,
      contractId: p.contractId,
      name: p.name,
      address: p.address,
      mediaStorage: p.mediaStorage,
      status: p.withdrawnAt === null ? 'designated' : 'withdrawn',
      designatedByUserId: p.designatedByUserId,
      designatedAt: p.designatedAt,
      withdrawnAt: p.withdrawnAt,
      withdrawalReason: p.withdrawalReason,
    };
  }
}

export class PlaceConsentResponse {
  @ApiProperty() id: string;
  @ApiProperty() contractId: string;
  @ApiProperty({ description: 'Name this in placeId on the steps the consent covers' })
  placeId: string;
  @ApiProperty() name: string;
  @ApiProperty() address: string;
  @ApiProperty({ type: [String] }) mediumIds: string[];
  @ApiProperty() reason: string;
  @ApiProperty({ format: 'date-time' }) validUntil: string;
  @ApiProperty() consentedByUserId: string;
  @ApiProperty({ format: 'date-time' }) consentedAt: string;

  static from(c: PlaceConsentEntity): PlaceConsentResponse {
    return {
      id: c.id,
      contractId: c.contractId,
      placeId: c.placeId,
      name: c.name,
      address: c.address,
      mediumIds: c.mediumIds,
      reason: c.reason,
      validUntil: c.validUntil,
      consentedByUserId: c.consentedByUserId,
      consentedAt: c.consentedAt,
    };
  }
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { IsText } from '../../../common/http/validators.js';
import {
  ORGANIZATION_KINDS,
  type OrganizationEntity,
  type OrganizationKind,
} from '../entities/organization.entity.js';

export class CreateOrganizationRequest {
  @ApiProperty({ example: '新宿区 区民課' })
  @IsText(1, 200)
  name: string;

  @ApiProperty({ enum: ORGANIZATION_KINDS })
  @IsIn(ORGANIZATION_KINDS)
  kind: OrganizationKind;
}

export class ListOrganizationsQuery {
  @ApiPropertyOptional({ enum: ORGANIZATION_KINDS })
  @IsOptional()
  @IsIn(ORGANIZATION_KINDS)
  kind?: OrganizationKind;
}

export class OrganizationResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ORGANIZATION_KINDS }) kind: OrganizationKind;
  @ApiProperty({ format: 'date-time' }) createdAt: string;

  static from(org: OrganizationEntity): OrganizationResponse {
    return { id: org.id, name: org.name, kind: org.kind, createdAt: org.createdAt.toISOString() };
  }
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { IsText, OptionalField } from '../../../common/http/validators.js';
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

  @ApiPropertyOptional({
    example: '新宿区長 殿',
    description:
      "How documents issued to the organization address it (宛名): a ward's deletion certificates open with it. Absent: 「<name> 御中」.",
  })
  @OptionalField()
  @IsText(1, 100)
  documentAddressee?: string;
}

/** Changes an organization's settings; absent fields stay as they are. */
export class UpdateOrganizationRequest {
  @ApiPropertyOptional({
    example: '新宿区長 殿',
    description: 'The addressee (宛名) of documents issued to it; an empty string clears it',
  })
  @OptionalField()
  @IsText(0, 100)
  documentAddressee?: string;
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
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The addressee (宛名) of its documents',
  })
  documentAddressee: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;

  static from(org: OrganizationEntity): OrganizationResponse {
    return {
      id: org.id,
      name: org.name,
      kind: org.kind,
      documentAddressee: org.documentAddressee,
      createdAt: org.createdAt.toISOString(),
    };
  }
}

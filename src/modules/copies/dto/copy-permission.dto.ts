import { ApiProperty } from '@nestjs/swagger';
import { IsInstant, IsRefList, IsText } from '../../../common/http/validators.js';
import type { CopyPermissionEntity } from '../entities/copy-permission.entity.js';

export class PermitCopyRequest {
  @ApiProperty({
    type: [String],
    example: ['DVD-001'],
    description: 'The media that may be copied: ids or labels',
  })
  @IsRefList()
  mediumIds: string[];

  @ApiProperty({ example: '入力作業の二重チェック用に作業端末へ複写する' })
  @IsText(1, 1000)
  purpose: string;

  @ApiProperty({ format: 'date-time', description: 'Copies may be registered until this instant' })
  @IsInstant()
  validUntil: string;
}

export class CopyPermissionResponse {
  @ApiProperty() id: string;
  @ApiProperty() contractId: string;
  @ApiProperty() purpose: string;
  @ApiProperty({ type: [String] }) sourceMediumIds: string[];
  @ApiProperty({ format: 'date-time' }) validUntil: string;
  @ApiProperty() permittedByUserId: string;
  @ApiProperty({ format: 'date-time' }) permittedAt: string;
  @ApiProperty({ description: 'Copies registered under it' }) copiesRegistered: number;

  static from(p: CopyPermissionEntity): CopyPermissionResponse {
    return {
      id: p.id,
      contractId: p.contractId,
      purpose: p.purpose,
      sourceMediumIds: p.sourceMediumIds,
      validUntil: p.validUntil,
      permittedByUserId: p.permittedByUserId,
      permittedAt: p.permittedAt,
      copiesRegistered: Number(p.copiesRegistered),
    };
  }
}

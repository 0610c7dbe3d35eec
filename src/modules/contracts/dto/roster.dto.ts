import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { IsIsoDate, IsText, NestedObject, OptionalField } from '../../../common/http/validators.js';
import type { RosterEntryEntity } from '../entities/roster-entry.entity.js';
import { ROSTER_ROLES, type RosterRole } from '../roster.rule.js';
import { TrainingDto } from './training.dto.js';

export class CreateRosterEntryRequest {
  @ApiProperty({
    description:
      'A contractor_staff user of the contractor or an approved subcontractor: user id or login id',
  })
  @IsText(1, 64)
  userId: string;

  @ApiProperty({ enum: ROSTER_ROLES, description: 'responsible = 取扱責任者, handler = 取扱者' })
  @IsIn(ROSTER_ROLES)
  role: RosterRole;

  @ApiPropertyOptional({
    format: 'date',
    description: 'First valid day; defaults to the later of the contract start and today',
  })
  @OptionalField()
  @IsIsoDate()
  validFrom?: string;

  @ApiPropertyOptional({ format: 'date', description: 'Last valid day; open-ended when absent' })
  @OptionalField()
  @IsIsoDate()
  validTo?: string;

  @ApiPropertyOptional({
    type: () => TrainingDto,
    description:
      'The handler’s latest training, recorded with the entry (handler_training_recorded); on a contract that requires training, one must cover validFrom',
  })
  @OptionalField()
  @NestedObject(() => TrainingDto)
  training?: TrainingDto;
}

export class RosterEntryResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) contractId: string;
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ format: 'uuid' }) organizationId: string;
  @ApiProperty({ enum: ROSTER_ROLES }) role: RosterRole;
  @ApiProperty({ format: 'date' }) validFrom: string;
  @ApiProperty({ format: 'date', nullable: true, type: String }) validTo: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) removedAt: string | null;

  static from(entry: RosterEntryEntity): RosterEntryResponse {
    return {
      id: entry.id,
      contractId: entry.contractId,
      userId: entry.userId,
      displayName: entry.user?.displayName ?? '',
      organizationId: entry.organizationId,
      role: entry.role,
      validFrom: entry.validFrom,
      validTo: entry.validTo,
      createdAt: entry.createdAt.toISOString(),
      removedAt: entry.removedAt ? entry.removedAt.toISOString() : null,
    };
  }
}

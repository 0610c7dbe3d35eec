import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MAX_SEQ, QueryInt } from '../../../common/http/validators.js';

export class LedgerPageQuery {
  @ApiPropertyOptional({ default: 0, description: 'Entries after this seq' })
  @QueryInt(0, MAX_SEQ)
  afterSeq?: number;

  @ApiPropertyOptional({ default: 100 })
  @QueryInt(1, 1000)
  limit?: number;
}

export class LedgerActorResponse {
  @ApiProperty() userId: string;
  @ApiProperty() loginId: string;
  @ApiProperty() displayName: string;
  @ApiProperty() organizationId: string;
  @ApiProperty() role: string;
}

export class LedgerEntryResponse {
  @ApiProperty() contractId: string;
  @ApiProperty() seq: number;
  @ApiProperty() type: string;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiProperty({ format: 'date-time' }) recordedAt: string;
  @ApiProperty({ type: LedgerActorResponse }) actor: LedgerActorResponse;
  @ApiProperty({ type: Object }) payload: Record<string, unknown>;
  @ApiProperty({ description: 'hash of entry seq-1; 64 zeros for entry 1' }) prevHash: string;
  @ApiProperty({
    description:
      'lowercase hex SHA-256 of the RFC 8785 canonical JSON of this object without `hash`',
  })
  hash: string;
}

export class LedgerPageResponse {
  @ApiProperty({ type: [LedgerEntryResponse] }) items: LedgerEntryResponse[];
  @ApiProperty({ description: 'Length of the whole chain' }) length: number;
  @ApiProperty({ nullable: true, type: Number, description: 'afterSeq of the next page, or null' })
  nextAfterSeq: number | null;
}

export class LedgerVerifyResponse {
  @ApiProperty() valid: boolean;
  @ApiProperty() length: number;
  @ApiPropertyOptional({ description: 'hash of the last entry (when valid)' }) head?: string;
  @ApiPropertyOptional({ description: 'the first entry that is not as recorded (when invalid)' })
  firstInvalidSeq?: number;
  @ApiPropertyOptional() reason?: string;
}

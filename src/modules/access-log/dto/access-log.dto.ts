import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID, Matches, MaxLength } from 'class-validator';
import { IsInstant, MAX_LOG_SEQ, QueryInt } from '../../../common/http/validators.js';
import type { AccessLogEntry } from '../access-log-chain.rule.js';

/** Which entries: every filter narrows (AND); without any, every entry the auditor may see. */
export class AccessLogFilterQuery {
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Entries recorded at or after this instant (ISO 8601 with an offset)',
  })
  @IsOptional()
  @IsInstant()
  from?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description:
      'Entries recorded at or before this instant; not before `from` (422 ACCESS_LOG_RANGE_INVALID)',
  })
  @IsOptional()
  @IsInstant()
  to?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The user the entry is about' })
  @IsOptional()
  @IsUUID()
  userId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  organizationId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  contractId?: string;

  @ApiPropertyOptional({
    example: 'ledger.export',
    description: 'A handler name (`ledger.export`) or an account event (`login.failed`)',
  })
  @IsOptional()
  @MaxLength(100)
  @Matches(/^[A-Za-z0-9_.]+$/, { message: 'action must be a name such as ledger.export' })
  action?: string;
}

export class AccessLogPageQuery extends AccessLogFilterQuery {
  @ApiPropertyOptional({ default: 0, description: 'Entries after this seq' })
  @QueryInt(0, MAX_LOG_SEQ)
  afterSeq?: number;

  @ApiPropertyOptional({ default: 100 })
  @QueryInt(1, 1000)
  limit?: number;
}

export class AccessLogEntryResponse {
  @ApiProperty() seq: number;
  @ApiProperty({ format: 'date-time', description: 'When the request arrived' }) recordedAt: string;
  @ApiProperty({ nullable: true, type: String }) userId: string | null;
  @ApiProperty({ nullable: true, type: String }) organizationId: string | null;
  @ApiProperty({ nullable: true, type: String }) role: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The login id as typed, for account events (also of unknown ids)',
  })
  loginId: string | null;
  @ApiProperty({ example: 'ledger.export' }) action: string;
  @ApiProperty({ example: 'GET' }) method: string;
  @ApiProperty({ example: '/api/contracts/:id/ledger/export.csv' }) route: string;
  @ApiProperty({ nullable: true, type: String }) contractId: string | null;
  @ApiProperty({ nullable: true, type: String }) resourceId: string | null;
  @ApiProperty() statusCode: number;
  @ApiProperty() clientAddress: string;
  @ApiProperty({ nullable: true, type: String }) userAgent: string | null;
  @ApiProperty() requestId: string;
  @ApiProperty({ description: 'hash of entry seq-1' }) prevHash: string;
  @ApiProperty({
    description:
      'lowercase hex SHA-256 of the RFC 8785 canonical JSON of this object without `hash`',
  })
  hash: string;

  static from(e: AccessLogEntry): AccessLogEntryResponse {
    return {
      seq: e.seq,
      recordedAt: e.recordedAt,
      userId: e.userId,
      organizationId: e.organizationId,
      role: e.role,
      loginId: e.loginId,
      action: e.action,
      method: e.method,
      route: e.route,
      contractId: e.contractId,
      resourceId: e.resourceId,
      statusCode: e.statusCode,
      clientAddress: e.clientAddress,
      userAgent: e.userAgent,
      requestId: e.requestId,
      prevHash: e.prevHash,
      hash: e.hash,
    };
  }
}

export class AccessLogPageResponse {
  @ApiProperty({ type: [AccessLogEntryResponse] }) items: AccessLogEntryResponse[];
  @ApiProperty({ nullable: true, type: Number, description: 'afterSeq of the next page, or null' })
  nextAfterSeq: number | null;
}

export class AccessLogVerifyResponse {
  @ApiProperty() valid: boolean;
  @ApiPropertyOptional({ description: 'seq of the last entry (when valid)' }) length?: number;
  @ApiPropertyOptional({ description: 'hash of the last entry (when valid)' }) head?: string;
  @ApiPropertyOptional({
    description: 'the first entry kept (entries before it were pruned past retention)',
  })
  firstSeq?: number;
  @ApiPropertyOptional({ description: 'the first entry that is not as recorded (when invalid)' })
  firstInvalidSeq?: number;
  @ApiPropertyOptional() reason?: string;
}

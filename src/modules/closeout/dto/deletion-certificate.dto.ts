import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsString,
  IsUUID,
  Length,
} from 'class-validator';
import { IsInstant, IsText, NestedObject, OptionalField } from '../../../common/http/validators.js';
import {
  CERTIFICATE_STATUSES,
  type CertificateStatus,
  type DeletionCertificateEntity,
  ERASURE_METHODS,
  type ErasureMethod,
} from '../entities/deletion-certificate.entity.js';

export class ErasureScopeDto {
  @ApiProperty({ type: [String], example: ['氏名', '住所'], description: '消去した情報項目' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  dataItems: string[];

  @ApiProperty({
    type: [String],
    example: ['作業用PC PC-12', 'ファイルサーバ FS-01', 'バックアップ'],
  })
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Length(1, 300, { each: true })
  systems: string[];

  @ApiProperty({ type: [String], example: ['本社 3階 作業室'] })
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Length(1, 300, { each: true })
  places: string[];
}

export class SubmitCertificateRequest {
  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'The contract the certificate is for (the `:id` of the path). Required with `signature`, which covers it: a body naming another contract is refused (422 SIGNATURE_CONTRACT_MISMATCH)',
  })
  @OptionalField()
  @IsUUID()
  contractId?: string;

  @ApiProperty({
    example: 'DC-2027-0001',
    description:
      'Used once per organization and contract: a certificate replacing a rejected one has a new number (409 CERTIFICATE_NUMBER_REUSED)',
  })
  @IsText(1, 100)
  certificateNumber: string;

  @ApiProperty({ format: 'date-time', description: 'When the erasure was done' })
  @IsInstant()
  erasedAt: string;

  @ApiProperty({ type: () => ErasureScopeDto })
  @NestedObject(() => ErasureScopeDto)
  scope: ErasureScopeDto;

  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'Media the organization holds that this erasure covers (may be empty)',
  })
  @IsArray()
  @ArrayMaxSize(200)
  @ArrayUnique()
  @IsUUID(undefined, { each: true })
  mediaIds: string[];

  @ApiProperty({ enum: ERASURE_METHODS, description: 'NIST SP 800-88' })
  @IsIn(ERASURE_METHODS)
  method: ErasureMethod;

  @ApiProperty({ example: 'DiskWipe Pro 5.2' })
  @IsText(1, 300)
  tool: string;

  @ApiProperty({ example: '消去後に全セクタを読み出し、データが残っていないことを確認した' })
  @IsText(1, 2000)
  verification: string;

  @ApiProperty({ example: '作業 五郎' })
  @IsText(1, 200)
  performedBy: string;

  @ApiPropertyOptional({ example: '立会 六郎' })
  @OptionalField()
  @IsText(1, 200)
  witnessedBy?: string;

  @ApiPropertyOptional({
    description:
      'Detached PKCS#7 / CMS signature (PEM) over the UTF-8 bytes of the RFC 8785 canonical JSON of this body without `signature` (which must include `contractId`, and be in the form the ledger stores: `erasedAt` as UTC with milliseconds, e.g. 2026-11-25T00:00:00.000Z, text without surrounding spaces, no `witnessedBy: null`; else 400 CERTIFICATE_NOT_CANONICAL), by a registered certificate of the organization',
  })
  @OptionalField()
  @IsText(1, 50_000)
  signature?: string;
}

export class ConfirmCertificateRequest {
  @ApiPropertyOptional()
  @OptionalField()
  @IsText(1, 2000)
  remarks?: string;
}

export class RejectCertificateRequest {
  @ApiProperty({ example: 'バックアップからの消去が記載されていない' })
  @IsText(1, 2000)
  reason: string;
}

export class DeletionCertificateResponse {
  @ApiProperty() id: string;
  @ApiProperty() contractId: string;
  @ApiProperty() organizationId: string;
  @ApiProperty() certificateNumber: string;
  @ApiProperty({ enum: CERTIFICATE_STATUSES }) status: CertificateStatus;
  @ApiProperty({ format: 'date-time' }) erasedAt: string;
  @ApiProperty({ type: () => ErasureScopeDto }) scope: ErasureScopeDto;
  @ApiProperty({ type: [String] }) mediaIds: string[];
  @ApiProperty({ enum: ERASURE_METHODS }) method: ErasureMethod;
  @ApiProperty() tool: string;
  @ApiProperty() verification: string;
  @ApiProperty() performedBy: string;
  @ApiProperty({ nullable: true, type: String }) witnessedBy: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'SHA-256 fingerprint of the signing certificate, if signed',
  })
  signerFingerprint256: string | null;
  @ApiProperty() submittedByUserId: string;
  @ApiProperty({ format: 'date-time' }) submittedAt: string;
  @ApiProperty() submitSeq: number;
  @ApiProperty({ nullable: true, type: String }) decidedByUserId: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) decidedAt: string | null;
  @ApiProperty({ nullable: true, type: Number }) decisionSeq: number | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Remarks, or the reason of a rejection',
  })
  decisionNote: string | null;

  static from(c: DeletionCertificateEntity): DeletionCertificateResponse {
    return {
      id: c.id,
      contractId: c.contractId,
      organizationId: c.organizationId,
      certificateNumber: c.certificateNumber,
      status: c.status,
      erasedAt: c.erasedAt,
      scope: c.scope,
      mediaIds: c.mediaIds,
      method: c.method,
      tool: c.tool,
      verification: c.verification,
      performedBy: c.performedBy,
      witnessedBy: c.witnessedBy,
      signerFingerprint256: c.signerFingerprint256,
      submittedByUserId: c.submittedByUserId,
      submittedAt: c.submittedAt,
      submitSeq: c.submitSeq,
      decidedByUserId: c.decidedByUserId,
      decidedAt: c.decidedAt,
      decisionSeq: c.decisionSeq,
      decisionNote: c.decisionNote,
    };
  }
}

export class OutstandingResponse {
  @ApiProperty({ description: 'Nothing is outstanding: the contract can be closed' })
  closable: boolean;
  @ApiProperty({ enum: ['active', 'closed'] }) status: string;
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    description:
      'in_transit, not_returned (with holder and location), certificate_pending, certificate_missing',
  })
  items: Array<Record<string, unknown>>;
}

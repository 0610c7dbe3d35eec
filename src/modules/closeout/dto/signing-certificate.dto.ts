import { ApiProperty } from '@nestjs/swagger';
import { IsText } from '../../../common/http/validators.js';
import type { OrganizationCertificateEntity } from '../../identity/entities/organization-certificate.entity.js';

export class RegisterSigningCertificateRequest {
  @ApiProperty({ description: 'One X.509 certificate, PEM (-----BEGIN CERTIFICATE-----…)' })
  @IsText(1, 20_000)
  pem: string;
}

export class SigningCertificateResponse {
  @ApiProperty() id: string;
  @ApiProperty() organizationId: string;
  @ApiProperty({
    description: 'SHA-256 fingerprint, as openssl x509 -fingerprint -sha256 prints it',
  })
  fingerprint256: string;
  @ApiProperty() subject: string;
  @ApiProperty() issuer: string;
  @ApiProperty() serialNumber: string;
  @ApiProperty({ format: 'date-time' }) validFrom: string;
  @ApiProperty({ format: 'date-time' }) validTo: string;
  @ApiProperty({ format: 'date-time' }) registeredAt: string;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'When it was revoked: from then on it verifies no signature',
  })
  revokedAt: string | null;

  static from(c: OrganizationCertificateEntity): SigningCertificateResponse {
    return {
      id: c.id,
      organizationId: c.organizationId,
      fingerprint256: c.fingerprint256,
      subject: c.subject,
      issuer: c.issuer,
      serialNumber: c.serialNumber,
      validFrom: c.validFrom,
      validTo: c.validTo,
      registeredAt: c.registeredAt,
      revokedAt: c.revokedAt,
    };
  }
}

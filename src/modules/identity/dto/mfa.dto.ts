import { SessionChoice } from './auth.dto.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches, registerDecorator, ValidateIf } from 'class-validator';

const SIX_DIGITS = /^\d{6}$/;
const RECOVERY_CODE = /^[0-9A-Za-z -]{10,20}$/;
const CODE_MESSAGE = 'code must be the 6 digits the authenticator app shows';

/** The property may not be sent together with `other`. */
function NotTogetherWith(other: string): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'notTogetherWith',
      target: target.constructor,
      propertyName: propertyName.toString(),
      options: { message: `send either ${other} or ${propertyName.toString()}, not both` },
      validator: {
        validate: (_value: unknown, args) =>
          (args?.object as Record<string, unknown>)[other] === undefined,
      },
    });
  };
}

export class MfaEnrollmentResponse {
  @ApiProperty({
    description:
      'The new TOTP secret (base32), for typing into an authenticator app. Nothing takes effect until POST /api/auth/mfa/confirm',
    example: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
  })
  secret: string;

  @ApiProperty({
    description: 'The same secret as an otpauth:// URI (SHA-1, 6 digits, 30 s)',
    example:
      'otpauth://totp/kanribo:demo.officer?issuer=kanribo&secret=JBSW…&algorithm=SHA1&digits=6&period=30',
  })
  otpauthUri: string;

  @ApiProperty({ description: 'The URI as a QR code: a PNG data URL (`data:image/png;base64,…`)' })
  qrCode: string;
}

export class ConfirmMfaRequest {
  @ApiProperty({ example: '123456', pattern: SIX_DIGITS.source })
  @IsString({ message: CODE_MESSAGE })
  @Matches(SIX_DIGITS, { message: CODE_MESSAGE })
  code: string;
}

export class MfaRecoveryCodesResponse {
  @ApiProperty({
    type: [String],
    description:
      'Ten one-time recovery codes, shown this once (only their hashes are kept). Each replaces a TOTP code once at POST /api/auth/mfa/verify',
    example: ['7k2m9-q4x8d'],
  })
  recoveryCodes: string[];
}

/** Exactly one of `code` and `recoveryCode`. */
export class VerifyMfaRequest extends SessionChoice {
  @ApiPropertyOptional({ example: '123456', pattern: SIX_DIGITS.source })
  @ValidateIf((o: VerifyMfaRequest) => o.code !== undefined || o.recoveryCode === undefined)
  @IsString({ message: CODE_MESSAGE })
  @Matches(SIX_DIGITS, { message: CODE_MESSAGE })
  code?: string;

  @ApiPropertyOptional({
    example: '7k2m9-q4x8d',
    pattern: RECOVERY_CODE.source,
    description: 'A recovery code instead of a TOTP code; case, spaces and dashes do not matter',
  })
  @ValidateIf((o: VerifyMfaRequest) => o.recoveryCode !== undefined)
  @IsString()
  @Matches(RECOVERY_CODE, {
    message: 'recoveryCode must be a recovery code such as 7k2m9-q4x8d',
  })
  @NotTogetherWith('code')
  recoveryCode?: string;
}

export class MfaStatusResponse {
  @ApiProperty({ description: 'A confirmed second factor is in place' })
  enrolled: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  enrolledAt: string | null;

  @ApiProperty({ description: 'An enrollment was started and awaits its confirming code' })
  enrollmentPending: boolean;

  @ApiProperty({ description: 'MFA_REQUIRED_ROLES includes the role: enrollment comes first' })
  required: boolean;

  @ApiProperty({ description: 'Unused recovery codes' })
  recoveryCodesLeft: number;
}

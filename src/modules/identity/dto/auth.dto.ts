import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { IsText } from '../../../common/http/validators.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../password.rule.js';
import { UserResponse } from './user.dto.js';

export class LoginRequest {
  @ApiProperty({ example: 'ward.officer' })
  @IsText(1, 64)
  loginId: string;

  @ApiProperty({ format: 'password' })
  @IsText(1, MAX_PASSWORD_LENGTH)
  password: string;
}

export class LoginResponse {
  @ApiProperty({ description: 'Opaque bearer token; send as `Authorization: Bearer <token>`' })
  token: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt: string;

  @ApiProperty({ type: () => UserResponse })
  user: UserResponse;
}

/**
 * What a correct password gives on an account with a second factor, instead
 * of a {@link LoginResponse}: a short-lived token that only
 * `POST /api/auth/mfa/verify` accepts.
 */
export class MfaChallengeResponse {
  @ApiProperty({ enum: [true], description: 'Always true: the second factor comes next' })
  mfaRequired: true;

  @ApiProperty({
    description:
      'Send as `Authorization: Bearer <mfaToken>` to POST /api/auth/mfa/verify with a code; every other route refuses it (403 MFA_VERIFICATION_REQUIRED)',
  })
  mfaToken: string;

  @ApiProperty({ format: 'date-time', description: 'Five minutes after the login' })
  expiresAt: string;
}

export class ChangePasswordRequest {
  @ApiProperty({ format: 'password' })
  @IsText(1, MAX_PASSWORD_LENGTH)
  currentPassword: string;

  @ApiProperty({
    format: 'password',
    minLength: MIN_PASSWORD_LENGTH,
    maxLength: MAX_PASSWORD_LENGTH,
    description: 'Checked against the password rules (400 VALIDATION_FAILED naming newPassword)',
  })
  @IsString()
  @MaxLength(MAX_PASSWORD_LENGTH)
  newPassword: string;
}

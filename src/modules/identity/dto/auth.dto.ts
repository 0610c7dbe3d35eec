import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength } from 'class-validator';
import { IsText, OptionalField } from '../../../common/http/validators.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../password.rule.js';
import { UserResponse } from './user.dto.js';

export const SESSION_CARRIERS = ['bearer', 'cookie'] as const;
export type SessionCarrier = (typeof SESSION_CARRIERS)[number];

/** How the session travels: `cookie` for the web app (HttpOnly cookie and a CSRF token). */
export class SessionChoice {
  @ApiPropertyOptional({
    enum: SESSION_CARRIERS,
    // No `default` in the schema: generated clients would make the field required.
    description:
      'Absent: `bearer`. `cookie`: the session is set as an HttpOnly, SameSite=Strict cookie instead of being answered, with a CSRF token to echo in `X-CSRF-Token` on every state-changing request',
  })
  @OptionalField()
  @IsIn(SESSION_CARRIERS)
  session?: SessionCarrier;
}

export class LoginRequest extends SessionChoice {
  @ApiProperty({ example: 'ward.officer' })
  @IsText(1, 64)
  loginId: string;

  @ApiProperty({ format: 'password' })
  @IsText(1, MAX_PASSWORD_LENGTH)
  password: string;
}

/** A session set as cookies (session: "cookie"): the token itself is never in the body. */
export class BrowserSessionResponse {
  @ApiProperty({ enum: ['cookie'] })
  session: 'cookie';

  @ApiProperty({ description: 'Send as `X-CSRF-Token` on every POST, PUT, PATCH and DELETE' })
  csrfToken: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt: string;

  @ApiProperty({ type: () => UserResponse })
  user: UserResponse;
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

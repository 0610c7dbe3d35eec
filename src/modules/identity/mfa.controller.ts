import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import {
  AllowMfaEnrollment,
  CurrentActor,
  MfaVerification,
  OwnAccountRead,
  Roles,
  SecretAnswer,
} from '../../common/auth/auth.decorators.js';
import { Clock } from '../../common/time/clock.js';
import { answerSession } from './browser-session.js';
import { BrowserSessionResponse, LoginResponse } from './dto/auth.dto.js';
import {
  ConfirmMfaRequest,
  MfaEnrollmentResponse,
  MfaRecoveryCodesResponse,
  MfaStatusResponse,
  VerifyMfaRequest,
} from './dto/mfa.dto.js';
import { MfaService } from './mfa.service.js';
import type { Actor } from './roles.js';
import { ApiErrors } from '../../openapi/api-document.js';
import { ApiJsonBody } from '../../openapi/api-json-body.js';

/** The second factor: enrollment, the login step after the password, and an admin's reset. */
@ApiTags('auth')
@ApiBearerAuth()
@Controller()
export class MfaController {
  constructor(
    private readonly mfa: MfaService,
    private readonly clock: Clock,
  ) {}

  @AllowMfaEnrollment()
  @OwnAccountRead()
  @Get('auth/mfa')
  @ApiOperation({
    summary: 'Read the state of your own second factor',
    description:
      'Any logged-in user may call it, also before a required second factor is set up. Says whether a second factor is in place or an enrollment awaits its code, whether the role requires one, and how many recovery codes are left. Writes nothing.',
  })
  @ApiOkResponse({ type: MfaStatusResponse, description: "The caller's second factor" })
  async status(@CurrentActor() actor: Actor): Promise<MfaStatusResponse> {
    const status = await this.mfa.status(actor);
    return { ...status, enrolledAt: status.enrolledAt?.toISOString() ?? null };
  }

  @AllowMfaEnrollment()
  @SecretAnswer()
  @Post('auth/mfa/enroll')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Start setting up the second factor',
    description:
      'A new secret, as text, otpauth:// URI and QR code. Nothing changes for logins until POST /api/auth/mfa/confirm. Calling again replaces the pending secret. 409 MFA_ALREADY_ENROLLED once confirmed (an admin resets it).',
  })
  @ApiOkResponse({
    type: MfaEnrollmentResponse,
    description: 'The pending secret, shown this once',
  })
  @ApiErrors('MFA_ALREADY_ENROLLED', 'VALIDATION_FAILED')
  enroll(@CurrentActor() actor: Actor): Promise<MfaEnrollmentResponse> {
    return this.mfa.enroll(actor);
  }

  @AllowMfaEnrollment()
  @SecretAnswer()
  @Post('auth/mfa/confirm')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Confirm the second factor with a code from the app',
    description:
      'The second factor takes effect; the answer holds ten recovery codes, shown this once. 401 MFA_CODE_INVALID for a wrong code, 409 MFA_ENROLLMENT_NOT_STARTED without a pending enrollment.',
  })
  @ApiJsonBody(ConfirmMfaRequest, {
    name: 'code',
    summary: 'The code the authenticator app shows for the new secret',
    value: { code: '492817' },
  })
  @ApiOkResponse({
    type: MfaRecoveryCodesResponse,
    description: 'The second factor is in place; its recovery codes',
  })
  @ApiErrors('MFA_ALREADY_ENROLLED', 'MFA_CODE_INVALID', 'MFA_ENROLLMENT_NOT_STARTED')
  async confirm(
    @CurrentActor() actor: Actor,
    @Body() body: ConfirmMfaRequest,
  ): Promise<MfaRecoveryCodesResponse> {
    return { recoveryCodes: await this.mfa.confirm(actor, body.code) };
  }

  @MfaVerification()
  @SecretAnswer()
  @Post('auth/mfa/verify')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Give the second factor after the password',
    description:
      'Authorization: Bearer <mfaToken of POST /api/auth/login>. Send `code` (6 digits) or `recoveryCode`. Answers a session like a login; the mfaToken is revoked. A wrong or reused code is 401 MFA_CODE_INVALID and counts toward the lockout (429 TOO_MANY_ATTEMPTS).',
  })
  @ApiJsonBody(
    VerifyMfaRequest,
    {
      name: 'code',
      summary: 'The 6 digits of the authenticator app, the session as a bearer token',
      value: { code: '492817' },
    },
    {
      name: 'recoveryCode',
      summary: 'A recovery code instead (the phone is lost), in the web app',
      value: { recoveryCode: '7k2m9-q4x8d', session: 'cookie' },
    },
  )
  @ApiExtraModels(LoginResponse, BrowserSessionResponse)
  @ApiOkResponse({
    description: 'A session, as for POST /api/auth/login (`session: "cookie"` sets it as cookies)',
    schema: {
      oneOf: [
        { $ref: getSchemaPath(LoginResponse) },
        { $ref: getSchemaPath(BrowserSessionResponse) },
      ],
    },
  })
  @ApiErrors('MFA_CODE_INVALID', 'MFA_NOT_ENROLLED', 'TOO_MANY_ATTEMPTS')
  async verify(
    @CurrentActor() actor: Actor,
    @Body() body: VerifyMfaRequest,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<LoginResponse | BrowserSessionResponse> {
    const session = await this.mfa.verify(actor, body);
    return answerSession(request, reply, session, body.session, this.clock.now());
  }

  @Roles('admin')
  @Post('users/:id/mfa/reset')
  @HttpCode(204)
  @ApiOperation({
    summary: "Remove a user's second factor (a lost phone)",
    description:
      "The secret and recovery codes go and every session of the user is revoked; they enroll again at the next login. 404 USER_NOT_FOUND, 409 MFA_NOT_ENROLLED, 409 SELF_ACCOUNT_CHANGE for one's own account.",
  })
  @ApiNoContentResponse({ description: 'Reset; the user has no second factor and no session' })
  @ApiErrors('MFA_NOT_ENROLLED', 'SELF_ACCOUNT_CHANGE', 'USER_NOT_FOUND')
  async reset(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<void> {
    await this.mfa.reset(actor, id);
  }
}

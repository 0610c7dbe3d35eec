import { Body, Controller, Get, HttpCode, Patch, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import {
  AllowMfaEnrollment,
  AllowTemporaryPassword,
  CurrentActor,
  OwnAccountRead,
  Public,
} from '../../common/auth/auth.decorators.js';
import { Clock } from '../../common/time/clock.js';
import { AuthService } from './auth.service.js';
import { answerSession, clearSessionCookies } from './browser-session.js';
import {
  BrowserSessionResponse,
  ChangePasswordRequest,
  LoginRequest,
  LoginResponse,
  MfaChallengeResponse,
} from './dto/auth.dto.js';
import { MailSettingsRequest, UserResponse } from './dto/user.dto.js';
import { IdentityService } from './identity.service.js';
import type { Actor } from './roles.js';
import { ApiErrors } from '../../openapi/api-document.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly identity: IdentityService,
    private readonly clock: Clock,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiExtraModels(LoginResponse, BrowserSessionResponse, MfaChallengeResponse)
  @ApiOkResponse({
    description:
      'A session (with `session: "cookie"`, set as cookies and answered without its token); or, on an account with a second factor, `{mfaRequired: true, mfaToken, expiresAt}` to trade at POST /api/auth/mfa/verify',
    schema: {
      oneOf: [
        { $ref: getSchemaPath(LoginResponse) },
        { $ref: getSchemaPath(BrowserSessionResponse) },
        { $ref: getSchemaPath(MfaChallengeResponse) },
      ],
    },
  })
  @ApiErrors('INVALID_CREDENTIALS', 'TOO_MANY_ATTEMPTS')
  async login(
    @Body() body: LoginRequest,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<LoginResponse | BrowserSessionResponse | MfaChallengeResponse> {
    const result = await this.auth.login(body);
    if ('mfaRequired' in result) {
      return {
        mfaRequired: true,
        mfaToken: result.mfaToken,
        expiresAt: result.expiresAt.toISOString(),
      };
    }
    return answerSession(request, reply, result, body.session, this.clock.now());
  }

  @ApiBearerAuth()
  @AllowTemporaryPassword()
  @AllowMfaEnrollment()
  @Post('logout')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The token is revoked and the session cookies removed' })
  @ApiErrors('VALIDATION_FAILED')
  async logout(
    @CurrentActor() actor: Actor,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    await this.auth.logout(actor);
    clearSessionCookies(request, reply);
  }

  @ApiBearerAuth()
  @AllowTemporaryPassword()
  @AllowMfaEnrollment()
  @OwnAccountRead()
  @Get('me')
  @ApiOkResponse({ type: UserResponse })
  async me(@CurrentActor() actor: Actor): Promise<UserResponse> {
    return UserResponse.from(await this.auth.me(actor));
  }

  /**
   * The caller's own e-mail notifications: their address and whether mails
   * come one by one, as one daily digest, or not at all. Nobody sets another
   * user's here (admins set an address with PATCH /api/users/:id).
   */
  @ApiBearerAuth()
  @Patch('me/mail-settings')
  @ApiOkResponse({ type: UserResponse })
  async mailSettings(
    @CurrentActor() actor: Actor,
    @Body() body: MailSettingsRequest,
  ): Promise<UserResponse> {
    return UserResponse.from(await this.identity.setMailSettings(actor, body));
  }

  @ApiBearerAuth()
  @AllowTemporaryPassword()
  @AllowMfaEnrollment()
  @Post('password')
  @HttpCode(200)
  @ApiOkResponse({ type: UserResponse, description: 'Changed; other sessions are revoked' })
  @ApiErrors('CURRENT_PASSWORD_WRONG', 'PASSWORD_REUSED', 'TOO_MANY_ATTEMPTS')
  async changePassword(
    @CurrentActor() actor: Actor,
    @Body() body: ChangePasswordRequest,
  ): Promise<UserResponse> {
    return UserResponse.from(await this.auth.changePassword(actor, body));
  }
}

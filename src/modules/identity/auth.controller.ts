import { Body, Controller, Get, HttpCode, Patch, Post, Req, Res } from '@nestjs/common';
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
import { ApiJsonBody } from '../../openapi/api-json-body.js';

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
  @ApiOperation({
    summary: 'Log in with a login id and password',
    description:
      'Anyone may call it. A right password answers a session token (or, with `session: "cookie"`, sets the session as cookies and answers a CSRF token); on an account with a second factor it answers only an mfaToken for POST /api/auth/mfa/verify. An unknown login id, a deactivated account and a wrong password all answer 401 INVALID_CREDENTIALS; every failure counts toward the lock of the login id (429 TOO_MANY_ATTEMPTS with details.retryAfterSeconds), and the attempt is recorded in the access log.',
  })
  @ApiJsonBody(
    LoginRequest,
    {
      name: 'bearer',
      summary: 'A script or app that sends the token as Authorization: Bearer',
      value: { loginId: 'tanaka.ichiro', password: 'ashita-no-kanribo-7Q!' },
    },
    {
      name: 'cookie',
      summary: 'The web app: the session as an HttpOnly cookie with a CSRF token',
      value: { loginId: 'suzuki.hanako', password: 'sakura-namiki-kanri-42$', session: 'cookie' },
    },
  )
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
  @ApiOperation({
    summary: 'Log out: end the calling session',
    description:
      "Any logged-in user may call it, also while the password is temporary or a required second factor is not yet set up. The calling session's token is revoked, its cookies are removed and the logout is recorded in the access log; the user's other sessions stay.",
  })
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
  @ApiOperation({
    summary: 'Read the account of the caller',
    description:
      "Any logged-in user may call it, also while the password is temporary (`mustChangePassword`) or a required second factor is not yet set up, so that a client knows what to ask for next. Writes nothing; the answer includes the caller's own e-mail address and mail mode.",
  })
  @ApiOkResponse({ type: UserResponse, description: "The caller's account" })
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
  @ApiOperation({
    summary: 'Set your own e-mail address and mail mode',
    description:
      'Any logged-in user with a changed password (and a second factor where their role requires one) may call it, for their own account only. Only the fields sent change: `email: ""` removes the address, and `mailMode` chooses a mail per notification, a daily digest or none.',
  })
  @ApiJsonBody(
    MailSettingsRequest,
    {
      name: 'digest',
      summary: 'An address and one mail a day',
      value: { email: 'tanaka.ichiro@city.shinjuku.example.jp', mailMode: 'digest' },
    },
    {
      name: 'off',
      summary: 'Remove the address and stop the mails',
      value: { email: '', mailMode: 'off' },
    },
  )
  @ApiOkResponse({ type: UserResponse, description: 'The account with its new mail settings' })
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
  @ApiOperation({
    summary: 'Change your own password',
    description:
      'Any logged-in user may call it, also while the password is temporary. The current password must be right (422 CURRENT_PASSWORD_WRONG, which counts toward the lock of the login id: 429 TOO_MANY_ATTEMPTS); the new one must pass the password policy (400 VALIDATION_FAILED naming newPassword) and differ from the current and the last few (422 PASSWORD_REUSED). On success the temporary flag is cleared, every other session of the user is revoked, and the change is recorded in the access log.',
  })
  @ApiJsonBody(
    ChangePasswordRequest,
    {
      name: 'first',
      summary: 'Replacing the one-time password an admin handed over',
      value: { currentPassword: 'kT7vQmcXr4HwaYp9ELdu', newPassword: 'ashita-no-kanribo-7Q!' },
    },
    {
      name: 'routine',
      summary: 'A routine change of a chosen password',
      value: {
        currentPassword: 'ashita-no-kanribo-7Q!',
        newPassword: 'kawagoe-hikari-torii-58#',
      },
    },
  )
  @ApiOkResponse({ type: UserResponse, description: 'Changed; other sessions are revoked' })
  @ApiErrors('CURRENT_PASSWORD_WRONG', 'PASSWORD_REUSED', 'TOO_MANY_ATTEMPTS')
  async changePassword(
    @CurrentActor() actor: Actor,
    @Body() body: ChangePasswordRequest,
  ): Promise<UserResponse> {
    return UserResponse.from(await this.auth.changePassword(actor, body));
  }
}

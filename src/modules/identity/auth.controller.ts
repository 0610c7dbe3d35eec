import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AllowTemporaryPassword, CurrentActor, Public } from '../../common/auth/auth.decorators.js';
import { AuthService } from './auth.service.js';
import { ChangePasswordRequest, LoginRequest, LoginResponse } from './dto/auth.dto.js';
import { UserResponse } from './dto/user.dto.js';
import type { Actor } from './roles.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: LoginResponse })
  async login(@Body() body: LoginRequest): Promise<LoginResponse> {
    const result = await this.auth.login(body);
    return {
      token: result.token,
      expiresAt: result.expiresAt.toISOString(),
      user: UserResponse.from(result.user),
    };
  }

  @ApiBearerAuth()
  @AllowTemporaryPassword()
  @Post('logout')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The token is revoked' })
  async logout(@CurrentActor() actor: Actor): Promise<void> {
    await this.auth.logout(actor);
  }

  @ApiBearerAuth()
  @AllowTemporaryPassword()
  @Get('me')
  @ApiOkResponse({ type: UserResponse })
  async me(@CurrentActor() actor: Actor): Promise<UserResponse> {
    return UserResponse.from(await this.auth.me(actor));
  }

  @ApiBearerAuth()
  @AllowTemporaryPassword()
  @Post('password')
  @HttpCode(200)
  @ApiOkResponse({ type: UserResponse, description: 'Changed; other sessions are revoked' })
  async changePassword(
    @CurrentActor() actor: Actor,
    @Body() body: ChangePasswordRequest,
  ): Promise<UserResponse> {
    return UserResponse.from(await this.auth.changePassword(actor, body));
  }
}

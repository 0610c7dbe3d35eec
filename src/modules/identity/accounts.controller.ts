import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles, SecretAnswer } from '../../common/auth/auth.decorators.js';
import { ListOf } from '../../common/http/list.js';
import { AccountLifecycleService } from './account-lifecycle.service.js';
import {
  PasswordResetResponse,
  RevokedSessionsResponse,
  SetApproverRequest,
  UpdateUserRequest,
} from './dto/account.dto.js';
import { SessionResponse } from './dto/session.dto.js';
import { UserResponse } from './dto/user.dto.js';
import type { Actor } from './roles.js';
import { SessionsService } from './sessions.service.js';
import { ApiErrors } from '../../openapi/api-document.js';

/**
 * An admin's work on one account: its lifecycle and its sessions. An
 * unknown id is 404 USER_NOT_FOUND.
 */
@ApiTags('users')
@ApiBearerAuth()
@Roles('admin')
@Controller('users/:id')
export class AccountsController {
  constructor(
    private readonly lifecycle: AccountLifecycleService,
    private readonly sessions: SessionsService,
  ) {}

  @Patch()
  @ApiOkResponse({ type: UserResponse })
  @ApiErrors('USER_NOT_FOUND')
  async update(@Param('id') id: string, @Body() body: UpdateUserRequest): Promise<UserResponse> {
    return UserResponse.from(await this.lifecycle.update(id, body));
  }

  /** Marks a ward officer as an approver (所属長) of their ward's take-out requests, or not. */
  @Put('approver')
  @ApiOkResponse({ type: UserResponse })
  @ApiErrors('APPROVER_NOT_WARD_OFFICER')
  async setApprover(
    @Param('id') id: string,
    @Body() body: SetApproverRequest,
  ): Promise<UserResponse> {
    return UserResponse.from(await this.lifecycle.setApprover(id, body.approver));
  }

  /** The user can no longer log in, and every session of theirs ends at once. */
  @Post('deactivate')
  @HttpCode(200)
  @ApiOkResponse({ type: UserResponse, description: 'Deactivated (or already inactive)' })
  @ApiErrors('SELF_ACCOUNT_CHANGE', 'USER_NOT_FOUND')
  async deactivate(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<UserResponse> {
    return UserResponse.from(await this.lifecycle.deactivate(actor, id));
  }

  @Post('reactivate')
  @HttpCode(200)
  @ApiOkResponse({ type: UserResponse, description: 'Active (or already active)' })
  @ApiErrors('USER_NOT_FOUND')
  async reactivate(@Param('id') id: string): Promise<UserResponse> {
    return UserResponse.from(await this.lifecycle.reactivate(id));
  }

  /** A new one-time password, shown once; every session of the user ends. */
  @SecretAnswer()
  @Post('reset-password')
  @HttpCode(200)
  @ApiOkResponse({ type: PasswordResetResponse })
  @ApiErrors('SELF_ACCOUNT_CHANGE', 'USER_NOT_FOUND')
  async resetPassword(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
  ): Promise<PasswordResetResponse> {
    const reset = await this.lifecycle.resetPassword(actor, id);
    return { user: UserResponse.from(reset.user), oneTimePassword: reset.oneTimePassword };
  }

  @Get('sessions')
  @ApiOkResponse({ type: ListOf(SessionResponse) })
  @ApiErrors('USER_NOT_FOUND')
  async listSessions(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
  ): Promise<{ items: SessionResponse[] }> {
    const sessions = await this.sessions.listForUser(actor, id);
    return { items: sessions.map((s) => SessionResponse.from(s)) };
  }

  @Post('sessions/revoke')
  @HttpCode(200)
  @ApiOkResponse({ type: RevokedSessionsResponse })
  @ApiErrors('USER_NOT_FOUND')
  async revokeSessions(@Param('id') id: string): Promise<RevokedSessionsResponse> {
    return { revoked: await this.sessions.revokeAllForUser(id) };
  }
}

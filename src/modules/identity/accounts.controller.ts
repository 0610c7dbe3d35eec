import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
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
import { ApiJsonBody } from '../../openapi/api-json-body.js';

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
  @ApiOperation({
    summary: "Edit a user's display name or e-mail address",
    description:
      'Admins only. Sets the display name, the address notifications are e-mailed to (`""` removes it), or both: a field absent is left as it is, and a body with neither changes nothing. The change is recorded in the access log.',
  })
  @ApiJsonBody(
    UpdateUserRequest,
    {
      name: 'rename',
      summary: 'A new display name only; the address stays',
      value: { displayName: '佐藤 花子' },
    },
    {
      name: 'withEmail',
      summary: 'A display name and a new address',
      value: { displayName: '高橋 健太', email: 'takahashi.kenta@city.shinjuku.example.jp' },
    },
    {
      name: 'emailOnly',
      summary: 'A new address only; the display name stays',
      value: { email: 'takahashi.kenta@city.shinjuku.example.jp' },
    },
  )
  @ApiOkResponse({ type: UserResponse, description: 'The account as edited' })
  @ApiErrors('USER_NOT_FOUND')
  async update(@Param('id') id: string, @Body() body: UpdateUserRequest): Promise<UserResponse> {
    return UserResponse.from(await this.lifecycle.update(id, body));
  }

  /** Marks a ward officer as an approver (所属長) of their ward's take-out requests, or not. */
  @Put('approver')
  @ApiOperation({
    summary: 'Make a ward officer an approver of take-out requests, or not',
    description:
      'Admins only. Only a ward officer can approve the take-out requests (持出し申請) of their ward: any other role is 422 APPROVER_NOT_WARD_OFFICER. The change is recorded in the access log.',
  })
  @ApiJsonBody(
    SetApproverRequest,
    {
      name: 'grant',
      summary: 'Make the ward officer an approver (所属長)',
      value: { approver: true },
    },
    { name: 'revoke', summary: 'The ward officer no longer approves', value: { approver: false } },
  )
  @ApiOkResponse({ type: UserResponse, description: 'The account with its approver flag' })
  @ApiErrors('APPROVER_NOT_WARD_OFFICER', 'USER_NOT_FOUND')
  async setApprover(
    @Param('id') id: string,
    @Body() body: SetApproverRequest,
  ): Promise<UserResponse> {
    return UserResponse.from(await this.lifecycle.setApprover(id, body.approver));
  }

  /** The user can no longer log in, and every session of theirs ends at once. */
  @Post('deactivate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Deactivate a user',
    description:
      "Admins only, and not on one's own account (409 SELF_ACCOUNT_CHANGE), so that an admin always remains. The user can no longer log in (the login answers as for a wrong password) and every session of theirs is revoked at once; the deactivation is recorded in the access log. An inactive user is answered as is.",
  })
  @ApiOkResponse({ type: UserResponse, description: 'Deactivated (or already inactive)' })
  @ApiErrors('SELF_ACCOUNT_CHANGE', 'USER_NOT_FOUND')
  async deactivate(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<UserResponse> {
    return UserResponse.from(await this.lifecycle.deactivate(actor, id));
  }

  @Post('reactivate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Reactivate a deactivated user',
    description:
      'Admins only. The user may log in again with their password; sessions revoked at the deactivation stay revoked. The reactivation is recorded in the access log; an active user is answered as is.',
  })
  @ApiOkResponse({ type: UserResponse, description: 'Active (or already active)' })
  @ApiErrors('USER_NOT_FOUND')
  async reactivate(@Param('id') id: string): Promise<UserResponse> {
    return UserResponse.from(await this.lifecycle.reactivate(id));
  }

  /** A new one-time password, shown once; every session of the user ends. */
  @SecretAnswer()
  @Post('reset-password')
  @HttpCode(200)
  @ApiOperation({
    summary: "Reset a user's password to a one-time password",
    description:
      "Admins only, and not on one's own account (409 SELF_ACCOUNT_CHANGE: change it with POST /api/auth/password). A random one-time password replaces the password and is answered this once; the user must change it at the next login. Every session of the user is revoked, the second factor stays, and the reset is recorded in the access log.",
  })
  @ApiOkResponse({
    type: PasswordResetResponse,
    description: 'The account and its one-time password, shown this once',
  })
  @ApiErrors('SELF_ACCOUNT_CHANGE', 'USER_NOT_FOUND')
  async resetPassword(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
  ): Promise<PasswordResetResponse> {
    const reset = await this.lifecycle.resetPassword(actor, id);
    return { user: UserResponse.from(reset.user), oneTimePassword: reset.oneTimePassword };
  }

  @Get('sessions')
  @ApiOperation({
    summary: "List a user's live sessions",
    description:
      "Admins only. The user's sessions that are neither revoked, expired nor idle, newest first, with where they were opened from. Writes nothing.",
  })
  @ApiOkResponse({ type: ListOf(SessionResponse), description: "The user's live sessions" })
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
  @ApiOperation({
    summary: 'End every session of a user',
    description:
      'Admins only. Revokes every session of the user (their next request is refused with 401) and answers how many were live; the account itself stays active. Recorded in the access log.',
  })
  @ApiOkResponse({
    type: RevokedSessionsResponse,
    description: 'How many sessions were ended',
  })
  @ApiErrors('USER_NOT_FOUND')
  async revokeSessions(@Param('id') id: string): Promise<RevokedSessionsResponse> {
    return { revoked: await this.sessions.revokeAllForUser(id) };
  }
}

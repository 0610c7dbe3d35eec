import { Controller, Delete, Get, HttpCode, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor, OwnAccountRead } from '../../common/auth/auth.decorators.js';
import { ListOf } from '../../common/http/list.js';
import { SessionResponse } from './dto/session.dto.js';
import type { Actor } from './roles.js';
import { SessionsService } from './sessions.service.js';
import { ApiErrors } from '../../openapi/api-document.js';

/** Every user's own sessions: where they are logged in, and ending one. */
@ApiTags('auth')
@ApiBearerAuth()
@Controller('auth/sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @OwnAccountRead()
  @Get()
  @ApiOkResponse({ type: ListOf(SessionResponse) })
  async list(@CurrentActor() actor: Actor): Promise<{ items: SessionResponse[] }> {
    const sessions = await this.sessions.listMine(actor);
    return { items: sessions.map((s) => SessionResponse.from(s)) };
  }

  /** Ends one of the caller's sessions; ending the current one is a logout. */
  @Delete(':sessionId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The session is ended' })
  @ApiErrors('SESSION_NOT_FOUND')
  async revoke(@CurrentActor() actor: Actor, @Param('sessionId') sessionId: string): Promise<void> {
    await this.sessions.revokeMine(actor, sessionId);
  }
}

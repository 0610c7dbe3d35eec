import { Controller, Delete, Get, HttpCode, Param } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
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
  @ApiOperation({
    summary: 'List your own live sessions',
    description:
      'Any logged-in user. Their sessions that are neither revoked, expired nor idle, newest first, with where each was opened from; `current` marks the calling one. Writes nothing.',
  })
  @ApiOkResponse({ type: ListOf(SessionResponse), description: "The caller's live sessions" })
  async list(@CurrentActor() actor: Actor): Promise<{ items: SessionResponse[] }> {
    const sessions = await this.sessions.listMine(actor);
    return { items: sessions.map((s) => SessionResponse.from(s)) };
  }

  /** Ends one of the caller's sessions; ending the current one is a logout. */
  @Delete(':sessionId')
  @HttpCode(204)
  @ApiOperation({
    summary: 'End one of your own sessions',
    description:
      "Any logged-in user with a changed password (and a second factor where their role requires one). Revokes the session (ending the calling one is a logout) and records it in the access log. Another user's session, an ended one or an unknown id is 404 SESSION_NOT_FOUND, so that ids cannot be probed.",
  })
  @ApiNoContentResponse({ description: 'The session is ended' })
  @ApiErrors('SESSION_NOT_FOUND')
  async revoke(@CurrentActor() actor: Actor, @Param('sessionId') sessionId: string): Promise<void> {
    await this.sessions.revokeMine(actor, sessionId);
  }
}

import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../../common/auth/auth.decorators.js';
import { ListOf } from '../../common/http/list.js';
import { AppendedResponse } from '../custody/dto/medium.dto.js';
import type { Actor } from '../identity/roles.js';
import { AuditsService } from './audits.service.js';
import {
  AuditResponse,
  AuditStatusQuery,
  AuditStatusResponse,
  RecordAuditRequest,
} from './dto/audit.dto.js';

@ApiTags('audits')
@ApiBearerAuth()
@Controller()
export class AuditsController {
  constructor(private readonly audits: AuditsService) {}

  /** Records an on-site audit (立入調査); a ledger event, allowed on closed contracts too. */
  @Roles('ward_officer')
  @Post('contracts/:id/audits')
  @ApiCreatedResponse({ type: AppendedResponse })
  record(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: RecordAuditRequest,
  ): Promise<AppendedResponse> {
    return this.audits.record(actor, id, body);
  }

  @Get('contracts/:id/audits')
  @ApiOkResponse({ type: ListOf(AuditResponse) })
  async list(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
  ): Promise<{ items: AuditResponse[] }> {
    return { items: (await this.audits.list(actor, id)).map((a) => AuditResponse.from(a)) };
  }

  /** Per contract the caller sees: audit required, done, due date and the last audit. */
  @Roles('ward_officer', 'auditor')
  @Get('audits/status')
  @ApiOkResponse({ type: AuditStatusResponse })
  async status(
    @CurrentActor() actor: Actor,
    @Query() query: AuditStatusQuery,
  ): Promise<AuditStatusResponse> {
    const { fiscalYear, items } = await this.audits.status(actor, query.fiscalYear);
    return {
      fiscalYear,
      items: items.map((i) => ({
        ...i,
        lastAudit: i.lastAudit ? AuditResponse.from(i.lastAudit) : null,
      })),
    };
  }
}

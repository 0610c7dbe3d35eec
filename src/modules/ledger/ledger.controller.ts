import { Readable } from 'node:stream';
import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentActor } from '../../common/auth/auth.decorators.js';
import { AppConfig } from '../../config/app-config.js';
import { RosterService } from '../contracts/roster.service.js';
import type { Actor } from '../identity/roles.js';
import { LedgerPageQuery, LedgerPageResponse, LedgerVerifyResponse } from './dto/ledger.dto.js';
import { BOM, csvLine, KANRIBO_HEADER, kanriboLine } from './kanribo-csv.js';
import { LedgerService, toLedgerEntry } from './ledger.service.js';

@ApiTags('ledger')
@ApiBearerAuth()
@Controller('contracts/:id/ledger')
export class LedgerController {
  constructor(
    private readonly ledger: LedgerService,
    private readonly roster: RosterService,
    private readonly config: AppConfig,
  ) {}

  /** The chain in order, a page at a time. The ward's officers and auditors, handlers rostered today. */
  @Get()
  @ApiOkResponse({ type: LedgerPageResponse })
  async list(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() query: LedgerPageQuery,
  ): Promise<LedgerPageResponse> {
    await this.roster.findReadableNeedToKnow(actor, id);
    const limit = query.limit ?? 100;
    const items = await this.ledger.list(id, query.afterSeq ?? 0, limit);
    const length = await this.ledger.length(id);
    const last = items[items.length - 1];
    return {
      items,
      length,
      nextAfterSeq: last && last.seq < length ? last.seq : null,
    };
  }

  /** Recomputes every hash and link; names the first entry that is not as recorded. */
  @Get('verify')
  @ApiOkResponse({ type: LedgerVerifyResponse })
  async verify(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
  ): Promise<LedgerVerifyResponse> {
    await this.roster.findReadableNeedToKnow(actor, id);
    return this.ledger.verify(id);
  }

  /** The 管理簿 as CSV (UTF-8 with BOM, CRLF), streamed. */
  @Get('export.csv')
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'One row per dispatch and per receipt, in ledger order' })
  async export(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { contract } = await this.roster.findReadableNeedToKnow(actor, id);
    const timeZone = this.config.BUSINESS_TIMEZONE;
    const ledger = this.ledger;
    async function* lines(): AsyncGenerator<string> {
      yield BOM + csvLine(KANRIBO_HEADER);
      for await (const row of ledger.stream(id, ['handover_dispatched', 'handover_received'])) {
        const line = kanriboLine(toLedgerEntry(row), timeZone);
        if (line) yield line;
      }
    }
    const filename = `kanribo-${contract.id}.csv`;
    await reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${filename}"`)
      .header('cache-control', 'no-store')
      .send(Readable.from(lines()));
  }
}

import { Readable } from 'node:stream';
import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentActor, Roles } from '../../common/auth/auth.decorators.js';
import { AppConfig } from '../../config/app-config.js';
import type { Actor } from '../identity/roles.js';
import { ACCESS_LOG_HEADER, accessLogLine, BOM } from './access-log-csv.js';
import { csvLine } from '../ledger/kanribo-csv.js';
import { AccessLogService } from './access-log.service.js';
import {
  AccessLogEntryResponse,
  AccessLogFilterQuery,
  AccessLogPageQuery,
  AccessLogPageResponse,
  AccessLogVerifyResponse,
} from './dto/access-log.dto.js';
import { ApiErrors } from '../../openapi/api-document.js';

/**
 * The access log (アクセスログ), for auditors only: an admin reads no
 * access-log content (separation of duties). Each auditor sees the entries
 * of their own ward (see {@link AccessLogService}).
 */
@ApiTags('access-log')
@ApiBearerAuth()
@Roles('auditor')
@Controller('access-log')
export class AccessLogController {
  constructor(
    private readonly accessLog: AccessLogService,
    private readonly config: AppConfig,
  ) {}

  /** Entries in seq order, filtered, a page at a time (keyset: `afterSeq`). */
  @Get()
  @ApiOkResponse({ type: AccessLogPageResponse })
  @ApiErrors('ACCESS_LOG_RANGE_INVALID')
  async list(
    @CurrentActor() actor: Actor,
    @Query() query: AccessLogPageQuery,
  ): Promise<AccessLogPageResponse> {
    const { items, nextAfterSeq } = await this.accessLog.list(
      actor,
      query,
      query.afterSeq ?? 0,
      query.limit ?? 100,
    );
    return { items: items.map((e) => AccessLogEntryResponse.from(e)), nextAfterSeq };
  }

  /** Recomputes the installation's whole chain; says whether it holds and where it breaks, no content. */
  @Get('verify')
  @ApiOkResponse({ type: AccessLogVerifyResponse })
  async verify(): Promise<AccessLogVerifyResponse> {
    return this.accessLog.verify();
  }

  /** The entries of {@link list}'s filters as CSV (UTF-8 with BOM, CRLF), streamed. */
  @Get('export.csv')
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'One row per entry the auditor may see, in seq order' })
  @ApiErrors('ACCESS_LOG_RANGE_INVALID')
  async export(
    @CurrentActor() actor: Actor,
    @Query() query: AccessLogFilterQuery,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    this.accessLog.checkRange(query);
    const timeZone = this.config.BUSINESS_TIMEZONE;
    const batches = this.accessLog.export(actor, query);
    async function* lines(): AsyncGenerator<string> {
      yield BOM + csvLine(ACCESS_LOG_HEADER);
      for await (const batch of batches) {
        let chunk = '';
        for (const row of batch) chunk += accessLogLine(row, timeZone);
        if (chunk) yield chunk;
      }
    }
    await reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="access-log.csv"')
      .header('cache-control', 'no-store')
      .send(Readable.from(lines()));
  }
}

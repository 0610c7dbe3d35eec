import { Readable } from 'node:stream';
import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
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
  @ApiOperation({
    summary: 'Read the access log, a page at a time',
    description:
      "Auditors only (an admin reads no access-log content). The entries of the auditor's ward in seq order, narrowed by time range, user, organization, contract and action; pass `nextAfterSeq` as `afterSeq` for the next page. A `from` after `to` is 422 ACCESS_LOG_RANGE_INVALID. Changes nothing.",
  })
  @ApiOkResponse({
    type: AccessLogPageResponse,
    description: 'One page of entries; `nextAfterSeq` is null on the last',
  })
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
  @ApiOperation({
    summary: "Verify the access log's hash chain",
    description:
      "Auditors only. Recomputes every hash and link of the installation's whole chain from its retention anchor and answers whether it holds, its length and head, or the first entry where it breaks; never any entry's content. Changes nothing.",
  })
  @ApiOkResponse({
    type: AccessLogVerifyResponse,
    description: 'Whether the chain holds, and where it breaks if not',
  })
  async verify(): Promise<AccessLogVerifyResponse> {
    return this.accessLog.verify();
  }

  /** The entries of {@link list}'s filters as CSV (UTF-8 with BOM, CRLF), streamed. */
  @Get('export.csv')
  @ApiProduces('text/csv')
  @ApiOperation({
    summary: 'Export the access log as CSV',
    description:
      "Auditors only. The entries of GET /api/access-log's filters, every page, as a CSV file (UTF-8 with BOM, CRLF) streamed as an attachment, with each user's display name. A `from` after `to` is 422 ACCESS_LOG_RANGE_INVALID. Changes nothing.",
  })
  @ApiOkResponse({
    description: 'One row per entry the auditor may see, in seq order',
    content: { 'text/csv': { schema: { type: 'string' } } },
  })
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

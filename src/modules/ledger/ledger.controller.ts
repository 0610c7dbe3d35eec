import { PassThrough, Readable } from 'node:stream';
import { Controller, Get, Logger, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentActor } from '../../common/auth/auth.decorators.js';
import { Clock } from '../../common/time/clock.js';
import { AppConfig } from '../../config/app-config.js';
import { RosterService } from '../contracts/roster.service.js';
import type { Actor } from '../identity/roles.js';
import { LedgerPageQuery, LedgerPageResponse, LedgerVerifyResponse } from './dto/ledger.dto.js';
import { BOM, csvLine, KANRIBO_HEADER, kanriboCsvLine } from './kanribo-csv.js';
import { KANRIBO_ENTRY_TYPES, type KanriboRow, kanriboRow } from './kanribo-row.js';
import { WorkbookReaderGone, writeKanriboWorkbook } from './kanribo-xlsx.js';
import { LedgerService, toLedgerEntry } from './ledger.service.js';
import { ApiErrors } from '../../openapi/api-document.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

@ApiTags('ledger')
@ApiBearerAuth()
@Controller('contracts/:id/ledger')
export class LedgerController {
  private readonly logger = new Logger('LedgerExport');

  constructor(
    private readonly ledger: LedgerService,
    private readonly roster: RosterService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** The 管理簿 rows of a contract's ledger, read a batch at a time, up to `lastSeq`. */
  private async *rows(contractId: string, lastSeq = Infinity): AsyncGenerator<KanriboRow> {
    for await (const stored of this.ledger.stream(contractId, KANRIBO_ENTRY_TYPES)) {
      if (stored.seq > lastSeq) return;
      const row = kanriboRow(toLedgerEntry(stored));
      if (row) yield row;
    }
  }

  /** The chain in order, a page at a time. The ward's officers and auditors, handlers rostered today. */
  @Get()
  @ApiOperation({
    summary: 'Read a contract’s ledger, a page at a time',
    description:
      'The ward’s officers and auditors, and contractor staff named on the roster today (need to know); admins are refused (403 FORBIDDEN_ROLE), contractor staff without a valid roster entry get 403 NOT_ROSTERED. Entries after `afterSeq` in chain order, at most `limit` (100 by default, 1000 at most), with the chain’s length and the `afterSeq` of the next page. Nothing is written.',
  })
  @ApiOkResponse({
    type: LedgerPageResponse,
    description: 'A page of entries, each with its hash and the hash before it',
  })
  @ApiErrors('CONTRACT_NOT_FOUND', 'FORBIDDEN_ROLE', 'NOT_ROSTERED')
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
  @ApiOperation({
    summary: 'Verify the hash chain of a contract’s ledger',
    description:
      'The ward’s officers and auditors, and contractor staff named on the roster today (need to know); admins are refused (403 FORBIDDEN_ROLE), contractor staff without a valid roster entry get 403 NOT_ROSTERED. Recomputes every entry’s hash and link to the one before; a broken chain is still a 200, with `valid: false` and the first entry that is not as recorded. Nothing is written.',
  })
  @ApiOkResponse({
    type: LedgerVerifyResponse,
    description: 'The verdict: valid with the head hash, or the first invalid entry',
  })
  @ApiErrors('CONTRACT_NOT_FOUND', 'FORBIDDEN_ROLE', 'NOT_ROSTERED')
  async verify(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
  ): Promise<LedgerVerifyResponse> {
    await this.roster.findReadableNeedToKnow(actor, id);
    return this.ledger.verify(id);
  }

  /** The 管理簿 as CSV (UTF-8 with BOM, CRLF), streamed. */
  @Get('export.csv')
  @ApiOperation({
    summary: 'Export the 管理簿 as CSV',
    description:
      'The ward’s officers and auditors, and contractor staff named on the roster today (need to know); admins are refused (403 FORBIDDEN_ROLE), contractor staff without a valid roster entry get 403 NOT_ROSTERED. The 管理簿 (one row per dispatch and per receipt, in ledger order) as a CSV attachment, UTF-8 with a BOM and CRLF line ends, times in the business time zone. Nothing is written.',
  })
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description: 'One row per dispatch and per receipt, in ledger order',
    content: { 'text/csv': { schema: { type: 'string' } } },
  })
  @ApiErrors('CONTRACT_NOT_FOUND', 'FORBIDDEN_ROLE', 'NOT_ROSTERED')
  async export(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { contract } = await this.roster.findReadableNeedToKnow(actor, id);
    const timeZone = this.config.BUSINESS_TIMEZONE;
    const rows = this.rows(id);
    async function* lines(): AsyncGenerator<string> {
      yield BOM + csvLine(KANRIBO_HEADER);
      for await (const row of rows) yield kanriboCsvLine(row, timeZone);
    }
    const filename = `kanribo-${contract.id}.csv`;
    await reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${filename}"`)
      .header('cache-control', 'no-store')
      .send(Readable.from(lines()));
  }

  /**
   * The 管理簿 as an Excel workbook, streamed: sheet 1 「管理簿」 (typed cells:
   * identifiers as text, counts as numbers, times as dates in
   * BUSINESS_TIMEZONE), sheet 2 「検証」 (the chain verified at the export).
   * The chain is verified first; when it is intact, the rows stop at the
   * head it verified, so both sheets describe the same chain.
   */
  @Get('export.xlsx')
  @ApiOperation({
    summary: 'Export the 管理簿 as an Excel workbook',
    description:
      'The ward’s officers and auditors, and contractor staff named on the roster today (need to know); admins are refused (403 FORBIDDEN_ROLE), contractor staff without a valid roster entry get 403 NOT_ROSTERED. Sheet 管理簿 holds one typed row per dispatch and per receipt in ledger order; sheet 検証 holds the chain’s verification at the export, and an intact chain’s rows stop at the head it verified. Nothing is written.',
  })
  @ApiProduces(XLSX_TYPE)
  @ApiOkResponse({
    description: 'Sheet 管理簿: one row per dispatch and per receipt, in ledger order; sheet 検証',
    content: { [XLSX_TYPE]: { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiErrors('CONTRACT_NOT_FOUND', 'FORBIDDEN_ROLE', 'NOT_ROSTERED')
  async exportXlsx(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { contract } = await this.roster.findReadableNeedToKnow(actor, id);
    const verdict = await this.ledger.verify(id);
    const exportedAt = this.clock.now();
    const body = new PassThrough({ highWaterMark: 64 * 1024 });
    writeKanriboWorkbook(body, {
      contract: { id: contract.id, title: contract.title },
      timeZone: this.config.BUSINESS_TIMEZONE,
      exportedAt,
      verdict,
      // A broken chain is exported whole: sheet 検証 says where it breaks.
      rows: this.rows(id, verdict.valid ? verdict.length : Infinity),
    }).catch((error: unknown) => {
      if (error instanceof WorkbookReaderGone) return;
      this.logger.error(
        `the workbook of contract ${id} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      body.destroy(error instanceof Error ? error : new Error(String(error)));
    });
    const filename = `kanribo-${contract.id}.xlsx`;
    await reply
      .header('content-type', XLSX_TYPE)
      .header('content-disposition', `attachment; filename="${filename}"`)
      .header('cache-control', 'no-store')
      .send(body);
  }
}

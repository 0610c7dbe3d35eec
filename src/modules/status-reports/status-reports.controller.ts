import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentActor, Roles } from '../../common/auth/auth.decorators.js';
import { ListOf } from '../../common/http/list.js';
import type { Actor } from '../identity/roles.js';
import { sendPdf } from '../pdf/pdf-reply.js';
import {
  AnswerStatusReportRequest,
  RequestStatusReportRequest,
  StatusReportResponse,
} from './dto/status-report.dto.js';
import { StatusReportsService } from './status-reports.service.js';
import { ApiErrors } from '../../openapi/api-document.js';

/**
 * Status reports (業務に関する報告, 特記事項 14): the ward requests, the
 * contractor's responsible person answers with the current holdings and a
 * statement; both are ledger entries.
 */
@ApiTags('status-reports')
@ApiBearerAuth()
@Controller('contracts/:id/status-reports')
export class StatusReportsController {
  constructor(private readonly reports: StatusReportsService) {}

  @Roles('ward_officer')
  @Post()
  @ApiCreatedResponse({ type: StatusReportResponse })
  @ApiErrors('CONTRACT_NOT_FOUND')
  async request(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: RequestStatusReportRequest,
  ): Promise<StatusReportResponse> {
    return StatusReportResponse.from(await this.reports.request(actor, id, body));
  }

  @Get()
  @ApiOkResponse({ type: ListOf(StatusReportResponse) })
  @ApiErrors('CONTRACT_NOT_FOUND', 'FORBIDDEN_ROLE', 'NOT_ROSTERED')
  async list(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
  ): Promise<{ items: StatusReportResponse[] }> {
    return {
      items: (await this.reports.list(actor, id)).map((r) => StatusReportResponse.from(r)),
    };
  }

  @Get(':reportId')
  @ApiOkResponse({ type: StatusReportResponse })
  async get(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('reportId') reportId: string,
  ): Promise<StatusReportResponse> {
    return StatusReportResponse.from(await this.reports.get(actor, id, reportId));
  }

  /** By the contractor's responsible person (取扱責任者) on the roster; once. */
  @Roles('contractor_staff')
  @Post(':reportId/answer')
  @HttpCode(200)
  @ApiOkResponse({ type: StatusReportResponse })
  @ApiErrors(
    'CONTRACT_NOT_FOUND',
    'NOT_RESPONSIBLE',
    'STATUS_REPORT_ANSWERED',
    'STATUS_REPORT_NOT_FOUND',
  )
  async answer(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('reportId') reportId: string,
    @Body() body: AnswerStatusReportRequest,
  ): Promise<StatusReportResponse> {
    return StatusReportResponse.from(await this.reports.answer(actor, id, reportId, body));
  }

  @Get(':reportId/report.pdf')
  @ApiProduces('application/pdf')
  @ApiOkResponse({ description: 'The printable 取扱い状況報告書' })
  @ApiErrors('CONTRACT_NOT_FOUND')
  async pdf(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('reportId') reportId: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const pdf = await this.reports.pdf(actor, id, reportId);
    await sendPdf(reply, pdf, `status-report-${reportId}`, `取扱い状況報告書-${reportId}`);
  }
}

import { Body, Controller, Get, Param, Post, Put, Query, Res } from '@nestjs/common';
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
import { AuditChecklistService } from './audit-checklist.service.js';
import { AuditsService } from './audits.service.js';
import {
  AuditResponse,
  AuditStatusQuery,
  AuditStatusResponse,
  ChecklistResponse,
  PutChecklistRequest,
  RecordAuditRequest,
  RecordedAuditResponse,
} from './dto/audit.dto.js';
import { ApiErrors } from '../../openapi/api-document.js';

@ApiTags('audits')
@ApiBearerAuth()
@Controller()
export class AuditsController {
  constructor(
    private readonly audits: AuditsService,
    private readonly checklists: AuditChecklistService,
  ) {}

  /** The checklist audits of the contract answer: seed 000's (version 0) until the ward sets one. */
  @Get('contracts/:id/audit-checklist')
  @ApiOkResponse({ type: ChecklistResponse })
  @ApiErrors('CONTRACT_NOT_FOUND', 'FORBIDDEN_ROLE', 'NOT_ROSTERED')
  getChecklist(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ChecklistResponse> {
    return this.checklists.get(actor, id);
  }

  /** A ward officer sets the contract's checklist (a copy of the default, edited): a ledger event. */
  @Roles('ward_officer')
  @Put('contracts/:id/audit-checklist')
  @ApiOkResponse({ type: ChecklistResponse })
  @ApiErrors('CHECKLIST_INVALID', 'CONTRACT_NOT_FOUND')
  putChecklist(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: PutChecklistRequest,
  ): Promise<ChecklistResponse> {
    return this.checklists.put(actor, id, body);
  }

  /**
   * Records an on-site audit (立入調査): a ward officer's of the contractor, or
   * the contractor's of an approved subcontractor; a ledger event, allowed on
   * closed contracts too.
   */
  @Roles('ward_officer', 'contractor_staff')
  @Post('contracts/:id/audits')
  @ApiCreatedResponse({ type: RecordedAuditResponse })
  @ApiErrors(
    'AUDIT_RESULT_MISMATCH',
    'CHECKLIST_INCOMPLETE',
    'CONTRACT_NOT_FOUND',
    'FINDING_INCOMPLETE',
    'INVALID_AUDIT_DATE',
    'INVALID_REFERENCE',
    'NOT_CONTRACTOR',
    'SUBCONTRACTING_NOT_APPROVED',
    'UNKNOWN_CHECKLIST_ITEM',
  )
  record(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: RecordAuditRequest,
  ): Promise<RecordedAuditResponse> {
    return this.audits.record(actor, id, body);
  }

  @Get('contracts/:id/audits')
  @ApiOkResponse({ type: ListOf(AuditResponse) })
  @ApiErrors('CONTRACT_NOT_FOUND', 'FORBIDDEN_ROLE', 'NOT_ROSTERED')
  async list(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
  ): Promise<{ items: AuditResponse[] }> {
    return { items: (await this.audits.list(actor, id)).map((a) => AuditResponse.from(a)) };
  }

  /** The audit's report as a PDF (Japanese, A4): the checklist as answered and the findings. */
  @Get('contracts/:id/audits/:auditId/report.pdf')
  @ApiProduces('application/pdf')
  @ApiOkResponse({ description: 'The printable 立入調査報告書' })
  async reportPdf(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('auditId') auditId: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const pdf = await this.audits.reportPdf(actor, id, auditId);
    await sendPdf(reply, pdf, `audit-report-${auditId}`, `立入調査報告書-${auditId}`);
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

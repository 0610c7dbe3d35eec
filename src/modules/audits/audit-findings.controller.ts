import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../../common/auth/auth.decorators.js';
import { ListOf } from '../../common/http/list.js';
import type { Actor } from '../identity/roles.js';
import { AuditFindingsService } from './audit-findings.service.js';
import {
  FindingListQuery,
  FindingResponse,
  FindingStepRequest,
  ReopenFindingRequest,
} from './dto/audit.dto.js';
import { ApiErrors } from '../../openapi/api-document.js';

/**
 * Findings of the contract's audits (是正措置): open → reported fixed (by the
 * audited organization) → verified, or reopened, by the auditing side.
 */
@ApiTags('audits')
@ApiBearerAuth()
@Controller('contracts/:id/audit-findings')
export class AuditFindingsController {
  constructor(private readonly findings: AuditFindingsService) {}

  @Get()
  @ApiOkResponse({ type: ListOf(FindingResponse) })
  @ApiErrors('CONTRACT_NOT_FOUND', 'FORBIDDEN_ROLE', 'NOT_ROSTERED')
  async list(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() query: FindingListQuery,
  ): Promise<{ items: FindingResponse[] }> {
    const rows = await this.findings.list(actor, id, query.state);
    return { items: rows.map((f) => FindingResponse.from(f)) };
  }

  /** By the audited organization's rostered staff, while the finding is open. */
  @Roles('contractor_staff')
  @Post(':findingId/report-fixed')
  @HttpCode(200)
  @ApiOkResponse({ type: FindingResponse })
  @ApiErrors('CONTRACT_NOT_FOUND', 'FINDING_NOT_FOUND', 'FINDING_STATE', 'NOT_FINDING_OWNER')
  async reportFixed(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('findingId') findingId: string,
    @Body() body: FindingStepRequest,
  ): Promise<FindingResponse> {
    return FindingResponse.from(
      await this.findings.step(actor, id, findingId, 'report_fixed', body.note),
    );
  }

  /** By the auditing organization, once the finding is reported fixed. */
  @Roles('ward_officer', 'contractor_staff')
  @Post(':findingId/verify')
  @HttpCode(200)
  @ApiOkResponse({ type: FindingResponse })
  @ApiErrors('CONTRACT_NOT_FOUND', 'FINDING_STATE', 'NOT_FINDING_AUDITOR')
  async verify(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('findingId') findingId: string,
    @Body() body: FindingStepRequest,
  ): Promise<FindingResponse> {
    return FindingResponse.from(
      await this.findings.step(actor, id, findingId, 'verify', body.note),
    );
  }

  /** By the auditing organization: the reported fix does not do; the finding is open again. */
  @Roles('ward_officer', 'contractor_staff')
  @Post(':findingId/reopen')
  @HttpCode(200)
  @ApiOkResponse({ type: FindingResponse })
  @ApiErrors('FINDING_STATE')
  async reopen(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('findingId') findingId: string,
    @Body() body: ReopenFindingRequest,
  ): Promise<FindingResponse> {
    return FindingResponse.from(
      await this.findings.step(actor, id, findingId, 'reopen', body.reason),
    );
  }
}

import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
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
import { ApiJsonBody } from '../../openapi/api-json-body.js';

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
  @ApiOperation({
    summary: "List the findings of the contract's audits",
    description:
      "Ward officers and auditors of the contract's ward, and contractor or subcontractor staff named on its roster today; administrators are refused (403 FORBIDDEN_ROLE). The findings (是正措置) every × of an audit's checklist opened, whoever audited, oldest due first; `state` keeps those in one state. Writes nothing.",
  })
  @ApiOkResponse({
    type: ListOf(FindingResponse),
    description: 'The findings, oldest due first',
  })
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
  @ApiOperation({
    summary: 'Report a finding fixed',
    description:
      "Contractor staff of the audited organization, named on the contract's roster (403 NOT_ROSTERED, 403 NOT_FINDING_OWNER otherwise), while the finding is open (409 FINDING_STATE). The finding becomes reported_fixed, with an optional note on what was done, as an `audit_finding_reported_fixed` ledger entry; a closed contract takes it too. The auditing side then verifies or reopens it.",
  })
  @ApiJsonBody(
    FindingStepRequest,
    {
      name: 'note',
      summary: 'With what was done',
      value: { note: '施錠できるキャビネットを2月20日に設置し、鍵の管理簿を作成した。' },
    },
    { name: 'bare', summary: 'Without a note', value: {} },
  )
  @ApiOkResponse({ type: FindingResponse, description: 'The finding, now reported_fixed' })
  @ApiErrors(
    'CONTRACT_NOT_FOUND',
    'FINDING_NOT_FOUND',
    'FINDING_STATE',
    'NOT_FINDING_OWNER',
    'NOT_ROSTERED',
  )
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
  @ApiOperation({
    summary: 'Verify a finding reported fixed',
    description:
      "The auditing organization: a ward officer of the contract's ward, or, for an audit of a subcontractor, the contractor's staff named on the roster (403 NOT_FINDING_AUDITOR otherwise). Only a finding reported fixed (409 FINDING_STATE); it becomes verified, with an optional note on what was seen, as an `audit_finding_verified` ledger entry, on a closed contract too.",
  })
  @ApiJsonBody(
    FindingStepRequest,
    {
      name: 'note',
      summary: 'With what was seen',
      value: { note: '3月2日に現地で施錠状況と鍵の管理簿を確認した。' },
    },
    { name: 'bare', summary: 'Without a note', value: {} },
  )
  @ApiOkResponse({ type: FindingResponse, description: 'The finding, now verified' })
  @ApiErrors(
    'CONTRACT_NOT_FOUND',
    'FINDING_NOT_FOUND',
    'FINDING_STATE',
    'NOT_FINDING_AUDITOR',
    'NOT_ROSTERED',
  )
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
  @ApiOperation({
    summary: 'Reopen a finding whose reported fix does not do',
    description:
      'The auditing organization, as for verifying (403 NOT_FINDING_AUDITOR otherwise). Only a finding reported fixed (409 FINDING_STATE); it is open again, with the reason, as an `audit_finding_reopened` ledger entry, on a closed contract too, and the audited organization reports it fixed anew.',
  })
  @ApiJsonBody(ReopenFindingRequest, {
    name: 'reason',
    summary: 'Why the fix does not do',
    value: { reason: 'キャビネットは設置されたが、鍵が机の上に置かれたままだった。' },
  })
  @ApiOkResponse({ type: FindingResponse, description: 'The finding, open again' })
  @ApiErrors(
    'CONTRACT_NOT_FOUND',
    'FINDING_NOT_FOUND',
    'FINDING_STATE',
    'NOT_FINDING_AUDITOR',
    'NOT_ROSTERED',
  )
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

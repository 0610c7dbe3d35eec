import { Body, Controller, Get, Param, Post, Put, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentActor, Roles } from '../../common/auth/auth.decorators.js';
import { ListOf } from '../../common/http/list.js';
import type { Actor } from '../identity/roles.js';
import { sendPdf } from '../pdf/pdf-reply.js';
import { AuditChecklistService } from './audit-checklist.service.js';
import { AuditContinuityReader } from './audit-continuity.js';
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
import { ApiJsonBody } from '../../openapi/api-json-body.js';

/** A checklist a ward cut down from the default; the audit example with answers answers its items. */
const CHECKLIST_EXAMPLE = {
  title: '個人情報保護対策チェックリスト（令和8年度 住民税賦課業務委託）',
  sections: [
    {
      key: 'operational',
      title: '運用上の対策',
      items: [
        {
          id: 'op-1',
          number: 1,
          text: '契約にあたり、「特記事項」を付すとともに、個人情報保護法及び新宿区情報セキュリティポリシーを遵守させる。',
        },
        {
          id: 'op-2',
          number: 2,
          text: '契約履行の間、特記事項に基づき立入り調査等を受けさせるとともに、委託先に対し速やかに状況報告をさせる。',
        },
        {
          id: 'op-10',
          number: 10,
          text: '個人情報は、施錠できる金庫又はキャビネット等に保管させる。',
        },
      ],
    },
    {
      key: 'system',
      title: 'システム上の対策',
      items: [
        {
          id: 'sys-1',
          number: 1,
          text: '接続するネットワークについては、特定相手以外との通信を不可とさせる。',
        },
      ],
    },
  ],
};

@ApiTags('audits')
@ApiBearerAuth()
@Controller()
export class AuditsController {
  constructor(
    private readonly audits: AuditsService,
    private readonly checklists: AuditChecklistService,
    private readonly continuity: AuditContinuityReader,
  ) {}

  /** The checklist audits of the contract answer: seed 000's (version 0) until the ward sets one. */
  @Get('contracts/:id/audit-checklist')
  @ApiOperation({
    summary: "Get the contract's audit checklist",
    description:
      "Ward officers and auditors of the contract's ward, and contractor or subcontractor staff named on its roster today; administrators are refused (403 FORBIDDEN_ROLE). Answers the checklist the contract's audits answer: seed 000's default (version 0) until a ward officer sets one. Writes nothing.",
  })
  @ApiOkResponse({
    type: ChecklistResponse,
    description: 'The checklist in force, with its version',
  })
  @ApiErrors('CONTRACT_NOT_FOUND', 'FORBIDDEN_ROLE', 'NOT_ROSTERED')
  getChecklist(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ChecklistResponse> {
    return this.checklists.get(actor, id);
  }

  /** A ward officer sets the contract's checklist (a copy of the default, edited): a ledger event. */
  @Roles('ward_officer')
  @Put('contracts/:id/audit-checklist')
  @ApiOperation({
    summary: "Set the contract's audit checklist",
    description:
      "Ward officers of the contract's ward only. Replaces the whole checklist (usually a copy of the default, edited) and records it as an `audit_checklist_set` ledger entry with the next version; audits recorded afterwards answer this version. 422 CHECKLIST_INVALID without any item or with a repeated item id or section key; 409 CONTRACT_CLOSED once the contract is closed.",
  })
  @ApiJsonBody(PutChecklistRequest, {
    name: 'edited',
    summary: 'A shortened copy of the default checklist',
    value: CHECKLIST_EXAMPLE,
  })
  @ApiOkResponse({
    type: ChecklistResponse,
    description: 'The checklist now in force, with its new version and ledger seq',
  })
  @ApiErrors('CHECKLIST_INVALID', 'CONTRACT_NOT_FOUND', 'CONTRACT_CLOSED')
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
  @ApiOperation({
    summary: 'Record an on-site audit (立入調査)',
    description:
      "A ward officer of the contract's ward audits the contractor; contractor staff of the contractor, named on the roster today, audit an approved subcontractor named in `subcontractorOrganizationId` (a ward officer naming one: 422 INVALID_REFERENCE; a subcontractor's staff: 403 NOT_CONTRACTOR; an organization not approved: 403 SUBCONTRACTING_NOT_APPROVED). Appends an `audit_recorded` ledger entry, on a closed contract too; `performedOn` is today or earlier and not before the contract starts (422 INVALID_AUDIT_DATE), and `findings` are required unless the result is satisfactory or an answer is ×. With `answers`, every item of the checklist in force is answered exactly once (422 UNKNOWN_CHECKLIST_ITEM, CHECKLIST_INCOMPLETE), every × needs a corrective action due on or after the audit (422 FINDING_INCOMPLETE) and opens a finding owned by the audited organization, and a × rules out `satisfactory` (422 AUDIT_RESULT_MISMATCH).",
  })
  @ApiJsonBody(
    RecordAuditRequest,
    {
      name: 'satisfactory',
      summary: "The ward's yearly audit of the contractor, nothing found",
      value: {
        performedOn: '2026-02-10',
        result: 'satisfactory',
        auditors: ['監査 一郎', '保護 花子'],
      },
    },
    {
      name: 'checklist',
      summary:
        'An audit answering the checklist of the PUT example, with a × and its corrective action',
      value: {
        performedOn: '2026-02-10',
        result: 'findings',
        findings: '個人情報を記録した媒体が施錠できないキャビネットに保管されていた。',
        auditors: ['監査 一郎'],
        answers: [
          { itemId: 'op-1', answer: 'yes' },
          { itemId: 'op-2', answer: 'yes', note: '令和8年1月分の状況報告を確認した。' },
          {
            itemId: 'op-10',
            answer: 'no',
            note: '媒体を施錠できないキャビネットに保管していた。',
            correctiveAction: '施錠できるキャビネットを導入し、鍵は取扱責任者が管理する。',
            dueOn: '2026-03-13',
          },
          { itemId: 'sys-1', answer: 'na', note: 'ネットワークに接続する機器を使用していない。' },
        ],
      },
    },
    {
      name: 'subcontractor',
      summary: "The contractor's audit of its approved subcontractor",
      value: {
        performedOn: '2026-01-20',
        result: 'satisfactory',
        auditors: ['委託 次郎'],
        subcontractorOrganizationId: '5bb87655-0f4f-414f-85b4-83a91b9c0f2d',
      },
    },
  )
  @ApiCreatedResponse({
    type: RecordedAuditResponse,
    description: "The audit's id, its ledger entry, and one finding id per × answer",
  })
  @ApiErrors(
    'AUDIT_RESULT_MISMATCH',
    'CHECKLIST_INCOMPLETE',
    'CONTRACT_NOT_FOUND',
    'FINDING_INCOMPLETE',
    'INVALID_AUDIT_DATE',
    'INVALID_REFERENCE',
    'NOT_CONTRACTOR',
    'NOT_ROSTERED',
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
  @ApiOperation({
    summary: "List the contract's audits",
    description:
      "Ward officers and auditors of the contract's ward, and contractor or subcontractor staff named on its roster today; administrators are refused (403 FORBIDDEN_ROLE). Every audit of the contract, the contractor's audits of its subcontractors included, oldest first, each with its checklist as answered and, after the first, its continuity: the RFC 9162 consistency proof from the checkpoint signed at the previous audit to the one signed at this audit, checked against both signed roots (`intact` — 「前回調査以降、改ざんなし」 — or `broken`).",
  })
  @ApiOkResponse({
    type: ListOf(AuditResponse),
    description: "The contract's audits, oldest first",
  })
  @ApiErrors('CONTRACT_NOT_FOUND', 'FORBIDDEN_ROLE', 'NOT_ROSTERED')
  async list(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
  ): Promise<{ items: AuditResponse[] }> {
    const audits = await this.audits.list(actor, id);
    const continuity = await this.continuity.ofAudits(audits);
    return { items: audits.map((a) => AuditResponse.from(a, continuity.get(a.id) ?? null)) };
  }

  /** The audit's report as a PDF (Japanese, A4): the checklist as answered and the findings. */
  @Get('contracts/:id/audits/:auditId/report.pdf')
  @ApiOperation({
    summary: "Download an audit's report as a PDF",
    description:
      "The same readers as the contract's audits (administrators: 403 FORBIDDEN_ROLE; contractor staff not on the roster today: 403 NOT_ROSTERED). Renders the 立入調査報告書 (Japanese, A4): the audit, the checklist as answered, its findings with their state, and the hash of its ledger entry; never cached. 404 AUDIT_NOT_FOUND for an audit that is not this contract's.",
  })
  @ApiProduces('application/pdf')
  @ApiOkResponse({
    description: 'The printable 立入調査報告書',
    content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiErrors('AUDIT_NOT_FOUND', 'CONTRACT_NOT_FOUND', 'FORBIDDEN_ROLE', 'NOT_ROSTERED')
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
  @ApiOperation({
    summary: 'Show the yearly audit status of every contract',
    description:
      "Ward officers and auditors, for the contracts of their ward. For the fiscal year asked (April to March; the current one by default): whether each contract needs an audit, whether the ward has done one, the due date (the earlier of 31 March and the contract's end) with its business due date, whether it is overdue, the last audit with its continuity from the audit before it, and the findings not yet verified. Only the ward's own audits count, not the contractor's audits of its subcontractors; writes nothing.",
  })
  @ApiOkResponse({
    type: AuditStatusResponse,
    description: 'One row per contract the caller sees, for the fiscal year',
  })
  async status(
    @CurrentActor() actor: Actor,
    @Query() query: AuditStatusQuery,
  ): Promise<AuditStatusResponse> {
    const { fiscalYear, items } = await this.audits.status(actor, query.fiscalYear);
    const continuity = await this.continuity.ofAudits(
      items.flatMap((i) => (i.lastAudit ? [i.lastAudit] : [])),
    );
    return {
      fiscalYear,
      items: items.map((i) => ({
        ...i,
        lastAudit: i.lastAudit
          ? AuditResponse.from(i.lastAudit, continuity.get(i.lastAudit.id) ?? null)
          : null,
      })),
    };
  }
}

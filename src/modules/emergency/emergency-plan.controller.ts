import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentActor, Roles } from '../../common/auth/auth.decorators.js';
import type { Actor } from '../identity/roles.js';
import {
  ConfirmProcedureRequest,
  EmergencyPlanResponse,
  RecordContactsRequest,
  RecordProcedureRequest,
} from './dto/emergency-plan.dto.js';
import { EmergencyPlanService } from './emergency-plan.service.js';
import { ApiErrors } from '../../openapi/api-document.js';
import { ApiJsonBody } from '../../openapi/api-json-body.js';

/**
 * The emergency plan (事故等への対応体制) of a contract: without both sides'
 * contacts and both sides' confirmation of the incident procedure, its first
 * handover is refused (409 EMERGENCY_PLAN_MISSING).
 */
@ApiTags('emergency-plan')
@ApiBearerAuth()
@Controller('contracts/:id/emergency-plan')
export class EmergencyPlanController {
  constructor(private readonly plans: EmergencyPlanService) {}

  @Get()
  @ApiOperation({
    summary: 'Read the emergency plan of a contract',
    description:
      'The ward’s officers and auditors, and contractor staff named on the roster today (need to know); admins are refused. Both sides’ contacts and confirmations, the incident procedure, and what the plan still lacks; nothing is written.',
  })
  @ApiOkResponse({
    type: EmergencyPlanResponse,
    description: 'The plan, with what it still lacks',
  })
  @ApiErrors('CONTRACT_NOT_FOUND', 'FORBIDDEN_ROLE', 'NOT_ROSTERED')
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<EmergencyPlanResponse> {
    return this.plans.get(actor, id);
  }

  /** The caller's side's contacts (ward officer: the ward's; rostered staff: the contractor's). */
  @Roles('ward_officer', 'contractor_staff')
  @Put('contacts')
  @ApiOperation({
    summary: 'Record the emergency contacts of the caller’s side',
    description:
      'A ward officer of the contract’s ward, or the contractor’s own staff named on the roster today (403 NOT_ROSTERED otherwise; 403 NOT_CONTRACTOR for a subcontractor’s staff). Appends an emergency_contacts_recorded entry; the list replaces the side’s earlier one. A closed contract takes none (409 CONTRACT_CLOSED).',
  })
  @ApiJsonBody(
    RecordContactsRequest,
    {
      name: 'one',
      summary: 'One contact',
      value: {
        contacts: [
          { name: '山田 太郎', role: '課長', phone: '03-1234-5678', hours: '平日 8:30–17:15' },
        ],
      },
    },
    {
      name: 'around_the_clock',
      summary: 'A day contact and an out-of-hours contact',
      value: {
        contacts: [
          {
            name: '佐藤 花子',
            role: '情報セキュリティ責任者',
            phone: '03-5555-0101',
            hours: '平日 9:00–18:00',
          },
          { name: '夜間当番', role: '監視センター', phone: '+81 3 5555 0199', hours: '24時間' },
        ],
      },
    },
  )
  @ApiOkResponse({ type: EmergencyPlanResponse, description: 'The plan, with the new contacts' })
  @ApiErrors('CONTRACT_CLOSED', 'CONTRACT_NOT_FOUND', 'NOT_CONTRACTOR', 'NOT_ROSTERED')
  recordContacts(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: RecordContactsRequest,
  ): Promise<EmergencyPlanResponse> {
    return this.plans.recordContacts(actor, id, body);
  }

  @Roles('ward_officer', 'contractor_staff')
  @Put('procedure')
  @ApiOperation({
    summary: 'Record the incident procedure of a contract',
    description:
      'A ward officer of the contract’s ward, or the contractor’s own staff named on the roster today (403 NOT_ROSTERED otherwise; 403 NOT_CONTRACTOR for a subcontractor’s staff). Appends an incident_procedure_recorded entry with a text, a document reference or both (400 VALIDATION_FAILED with neither); both sides must confirm the new procedure again.',
  })
  @ApiJsonBody(
    RecordProcedureRequest,
    {
      name: 'text',
      summary: 'The procedure as text',
      value: {
        text: '漏えい等を発見した者は直ちに取扱責任者に報告し、取扱責任者は区の担当課へ電話で第一報を入れる。',
      },
    },
    {
      name: 'document',
      summary: 'A reference to the written procedure, with a summary',
      value: {
        text: '別添の事故対応手順書による。',
        documentRef: '文書番号 情セ-2026-015「個人情報漏えい時対応手順書」',
      },
    },
  )
  @ApiOkResponse({
    type: EmergencyPlanResponse,
    description: 'The plan, with the new procedure awaiting confirmation',
  })
  @ApiErrors('CONTRACT_CLOSED', 'CONTRACT_NOT_FOUND', 'NOT_CONTRACTOR', 'NOT_ROSTERED')
  recordProcedure(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: RecordProcedureRequest,
  ): Promise<EmergencyPlanResponse> {
    return this.plans.recordProcedure(actor, id, body);
  }

  @Roles('ward_officer', 'contractor_staff')
  @Post('procedure/confirm')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Confirm the incident procedure for the caller’s side',
    description:
      'A ward officer of the contract’s ward, or the contractor’s own staff named on the roster today (403 NOT_ROSTERED otherwise; 403 NOT_CONTRACTOR for a subcontractor’s staff). Appends an incident_procedure_confirmed entry for the side, dated `confirmedOn` (today by default; between the day the procedure was recorded and today, else 400 VALIDATION_FAILED). 409 EMERGENCY_PLAN_MISSING while no procedure is recorded.',
  })
  @ApiJsonBody(
    ConfirmProcedureRequest,
    { name: 'today', summary: 'Confirmed today', value: {} },
    { name: 'dated', summary: 'Confirmed on an earlier day', value: { confirmedOn: '2026-04-10' } },
  )
  @ApiCreatedResponse({
    type: EmergencyPlanResponse,
    description: 'The plan, with the side’s confirmation',
  })
  @ApiErrors(
    'CONTRACT_CLOSED',
    'CONTRACT_NOT_FOUND',
    'EMERGENCY_PLAN_MISSING',
    'NOT_CONTRACTOR',
    'NOT_ROSTERED',
  )
  confirmProcedure(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: ConfirmProcedureRequest,
  ): Promise<EmergencyPlanResponse> {
    return this.plans.confirmProcedure(actor, id, body);
  }
}

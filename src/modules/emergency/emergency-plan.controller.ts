import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
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
  @ApiOkResponse({ type: EmergencyPlanResponse })
  @ApiErrors('CONTRACT_NOT_FOUND', 'FORBIDDEN_ROLE', 'NOT_ROSTERED')
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<EmergencyPlanResponse> {
    return this.plans.get(actor, id);
  }

  /** The caller's side's contacts (ward officer: the ward's; rostered staff: the contractor's). */
  @Roles('ward_officer', 'contractor_staff')
  @Put('contacts')
  @ApiOkResponse({ type: EmergencyPlanResponse })
  @ApiErrors('CONTRACT_NOT_FOUND', 'NOT_CONTRACTOR', 'NOT_ROSTERED')
  recordContacts(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: RecordContactsRequest,
  ): Promise<EmergencyPlanResponse> {
    return this.plans.recordContacts(actor, id, body);
  }

  @Roles('ward_officer', 'contractor_staff')
  @Put('procedure')
  @ApiOkResponse({ type: EmergencyPlanResponse })
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
  @ApiCreatedResponse({ type: EmergencyPlanResponse })
  @ApiErrors('EMERGENCY_PLAN_MISSING')
  confirmProcedure(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: ConfirmProcedureRequest,
  ): Promise<EmergencyPlanResponse> {
    return this.plans.confirmProcedure(actor, id, body);
  }
}

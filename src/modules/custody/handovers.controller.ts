import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ActorScoped, CurrentActor, Roles } from '../../common/auth/auth.decorators.js';
import { ListOf } from '../../common/http/list.js';
import type { Actor } from '../identity/roles.js';
import { CustodyService } from './custody.service.js';
import {
  DispatchRequest,
  DispatchResponse,
  HandoverResponse,
  ReceiptResponse,
  ReceiveRequest,
} from './dto/handover.dto.js';
import { IncidentResponse, ReportIncidentRequest } from './dto/incident.dto.js';
import { AppendedResponse } from './dto/medium.dto.js';
import { ApiErrors } from '../../openapi/api-document.js';

@ApiTags('handovers')
@ApiBearerAuth()
@Controller('contracts/:id')
export class HandoversController {
  constructor(private readonly custody: CustodyService) {}

  /** Dispatch by the holder: the items are in transit until the addressee receives them. */
  @Roles('ward_officer', 'contractor_staff')
  @ActorScoped()
  @Post('handovers')
  @ApiCreatedResponse({ type: DispatchResponse })
  @ApiErrors(
    'CONTRACT_CLOSED',
    'CONTRACT_NOT_FOUND',
    'EMERGENCY_PLAN_MISSING',
    'HANDOVER_METHOD_NOT_ALLOWED',
    'INVALID_ADDRESSEE',
    'INVALID_OCCURRED_AT',
    'IN_TRANSIT',
    'MEDIUM_CLOSED',
    'NOT_APPLICANT',
    'NOT_CUSTODIAN',
    'NOT_ROSTERED',
    'PURPOSE_MISMATCH',
    'SPLIT_CHANNEL_VIOLATION',
    'SUBCONTRACTING_NOT_APPROVED',
    'TAKEOUT_EXPIRED',
    'TRAINING_REQUIRED',
    'UNKNOWN_MEDIUM',
  )
  async dispatch(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: DispatchRequest,
  ): Promise<DispatchResponse> {
    const appended = await this.custody.dispatch(actor, id, body);
    return { ...appended, status: 'dispatched' };
  }

  /** Receipt by the addressee; custody moves to them. */
  @Roles('ward_officer', 'contractor_staff')
  @ActorScoped()
  @Post('handovers/:handoverId/receive')
  @HttpCode(201)
  @ApiCreatedResponse({ type: ReceiptResponse })
  @ApiErrors(
    'CONTRACT_NOT_FOUND',
    'HANDOVER_ALREADY_RECEIVED',
    'HANDOVER_NOT_FOUND',
    'INVALID_OCCURRED_AT',
    'INVALID_REFERENCE',
    'MEDIUM_CLOSED',
    'NOT_ADDRESSEE',
    'NOT_ROSTERED',
    'PLACE_NOT_DESIGNATED',
    'TRAINING_REQUIRED',
    'UNKNOWN_MEDIUM',
  )
  async receive(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('handoverId') handoverId: string,
    @Body() body: ReceiveRequest,
  ): Promise<ReceiptResponse> {
    const result = await this.custody.receive(actor, id, handoverId, body);
    return { ...result, status: 'received' };
  }

  @Get('handovers')
  @ApiOkResponse({ type: ListOf(HandoverResponse) })
  @ApiErrors('CONTRACT_NOT_FOUND', 'FORBIDDEN_ROLE', 'NOT_ROSTERED')
  async list(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
  ): Promise<{ items: HandoverResponse[] }> {
    const handovers = await this.custody.listHandovers(actor, id);
    return { items: handovers.map((h) => HandoverResponse.from(h.handover, h.items, h)) };
  }

  /** Reports an incident at once (事故発生時の報告): a lost medium, or anything else. */
  @Roles('ward_officer', 'contractor_staff')
  @ActorScoped()
  @Post('incidents')
  @ApiCreatedResponse({ type: AppendedResponse })
  @ApiErrors('INVALID_OCCURRED_AT', 'MEDIUM_CLOSED', 'NOT_CUSTODIAN')
  report(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: ReportIncidentRequest,
  ): Promise<AppendedResponse> {
    return this.custody.reportIncident(actor, id, body);
  }

  @Get('incidents')
  @ApiOkResponse({ type: ListOf(IncidentResponse) })
  @ApiErrors('CONTRACT_NOT_FOUND', 'FORBIDDEN_ROLE', 'NOT_ROSTERED')
  async incidents(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
  ): Promise<{ items: IncidentResponse[] }> {
    const incidents = await this.custody.listIncidents(actor, id);
    return { items: incidents.map((i) => IncidentResponse.from(i)) };
  }
}

import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../../common/auth/auth.decorators.js';
import { ListOf } from '../../common/http/list.js';
import type { Actor } from '../identity/roles.js';
import {
  CreateTakeoutRequest,
  RejectTakeoutRequest,
  TakeoutListQuery,
  TakeoutRequestResponse,
} from './dto/takeout.dto.js';
import { TakeoutService } from './takeout.service.js';
import { ApiErrors } from '../../openapi/api-document.js';

/**
 * Take-out requests (持出し申請) of a contract: a ward officer applies, an
 * approver (所属長) of the ward other than the applicant decides, and only
 * the applicant registers and dispatches media under an approved request.
 */
@ApiTags('takeout')
@ApiBearerAuth()
@Controller('contracts/:id/takeout-requests')
export class TakeoutController {
  constructor(private readonly takeout: TakeoutService) {}

  @Roles('ward_officer')
  @Post()
  @ApiCreatedResponse({ type: TakeoutRequestResponse })
  @ApiErrors('UNKNOWN_DATA_ITEM')
  async create(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: CreateTakeoutRequest,
  ): Promise<TakeoutRequestResponse> {
    return TakeoutRequestResponse.from(await this.takeout.create(actor, id, body));
  }

  @Roles('ward_officer', 'auditor')
  @Get()
  @ApiOkResponse({ type: ListOf(TakeoutRequestResponse) })
  @ApiErrors('CONTRACT_NOT_FOUND')
  async list(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() query: TakeoutListQuery,
  ): Promise<{ items: TakeoutRequestResponse[] }> {
    const rows = await this.takeout.list(actor, id, query);
    return { items: rows.map((r) => TakeoutRequestResponse.from(r)) };
  }

  @Roles('ward_officer', 'auditor')
  @Get(':requestId')
  @ApiOkResponse({ type: TakeoutRequestResponse })
  @ApiErrors('TAKEOUT_REQUEST_NOT_FOUND')
  async get(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('requestId') requestId: string,
  ): Promise<TakeoutRequestResponse> {
    return TakeoutRequestResponse.from(await this.takeout.get(actor, id, requestId));
  }

  /** By an approver of the contract's ward who is not the applicant (403 SELF_APPROVAL). */
  @Roles('ward_officer')
  @Post(':requestId/approve')
  @HttpCode(200)
  @ApiOkResponse({ type: TakeoutRequestResponse })
  @ApiErrors('CONTRACT_NOT_FOUND', 'NOT_APPROVER', 'SELF_APPROVAL', 'TAKEOUT_NOT_PENDING')
  async approve(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('requestId') requestId: string,
  ): Promise<TakeoutRequestResponse> {
    return TakeoutRequestResponse.from(await this.takeout.approve(actor, id, requestId));
  }

  @Roles('ward_officer')
  @Post(':requestId/reject')
  @HttpCode(200)
  @ApiOkResponse({ type: TakeoutRequestResponse })
  async reject(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('requestId') requestId: string,
    @Body() body: RejectTakeoutRequest,
  ): Promise<TakeoutRequestResponse> {
    return TakeoutRequestResponse.from(await this.takeout.reject(actor, id, requestId, body));
  }

  /** By the applicant, while it waits or is approved. */
  @Roles('ward_officer')
  @Post(':requestId/withdraw')
  @HttpCode(200)
  @ApiOkResponse({ type: TakeoutRequestResponse })
  @ApiErrors('NOT_APPLICANT')
  async withdraw(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('requestId') requestId: string,
  ): Promise<TakeoutRequestResponse> {
    return TakeoutRequestResponse.from(await this.takeout.withdraw(actor, id, requestId));
  }
}

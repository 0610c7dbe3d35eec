import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
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
import { ApiJsonBody } from '../../openapi/api-json-body.js';

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
  @ApiOperation({
    summary: 'Apply for a take-out of personal data (持出し申請)',
    description:
      'A ward officer of the contract’s ward (403 NOT_CONTRACT_WARD otherwise). Appends a takeout_requested entry; the request waits for an approver of the ward. `dataItems` must be data items of the contract (422 UNKNOWN_DATA_ITEM); a closed contract takes none (409 CONTRACT_CLOSED).',
  })
  @ApiJsonBody(
    CreateTakeoutRequest,
    {
      name: 'provide',
      summary: 'One DVD-R for the contractor',
      value: {
        dataItems: ['氏名', '住所'],
        recordCount: 12000,
        mediaKinds: ['dvd_r'],
        mediaCount: 1,
        purpose: 'provide',
        plannedOn: '2026-12-07',
        terminalId: 'PC-ZEIMU-012',
        note: '委託先への提供用',
      },
    },
    {
      name: 'other',
      summary: 'An encrypted file and USB media, without a note',
      value: {
        dataItems: ['氏名', '生年月日', '課税額'],
        recordCount: 350,
        mediaKinds: ['encrypted_file', 'usb'],
        mediaCount: 2,
        purpose: 'other',
        plannedOn: '2026-10-15',
        terminalId: 'PC-ZEIMU-003',
      },
    },
  )
  @ApiCreatedResponse({ type: TakeoutRequestResponse, description: 'The request, requested' })
  @ApiErrors('CONTRACT_CLOSED', 'CONTRACT_NOT_FOUND', 'NOT_CONTRACT_WARD', 'UNKNOWN_DATA_ITEM')
  async create(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: CreateTakeoutRequest,
  ): Promise<TakeoutRequestResponse> {
    return TakeoutRequestResponse.from(await this.takeout.create(actor, id, body));
  }

  @Roles('ward_officer', 'auditor')
  @Get()
  @ApiOperation({
    summary: 'List the take-out requests of a contract',
    description:
      'Ward officers and auditors of the contract’s ward only (403 NOT_CONTRACT_WARD for those of another side who know of the contract). Newest first, optionally narrowed to one `status`; nothing is written.',
  })
  @ApiOkResponse({
    type: ListOf(TakeoutRequestResponse),
    description: 'The requests, newest first',
  })
  @ApiErrors('CONTRACT_NOT_FOUND', 'NOT_CONTRACT_WARD')
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
  @ApiOperation({
    summary: 'Read a take-out request',
    description:
      'Ward officers and auditors of the contract’s ward only (403 NOT_CONTRACT_WARD otherwise). The request with its decision, validity and how many media were registered under it; nothing is written.',
  })
  @ApiOkResponse({ type: TakeoutRequestResponse, description: 'The request' })
  @ApiErrors('CONTRACT_NOT_FOUND', 'NOT_CONTRACT_WARD', 'TAKEOUT_REQUEST_NOT_FOUND')
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
  @ApiOperation({
    summary: 'Approve a take-out request',
    description:
      'A ward officer of the contract’s ward marked as an approver (所属長), not the applicant (403 NOT_CONTRACT_WARD, NOT_APPROVER, SELF_APPROVAL). Appends a takeout_approved entry: the applicant may register and dispatch media under it until `validUntil` (TAKEOUT_VALID_DAYS). Only a request still waiting (409 TAKEOUT_NOT_PENDING).',
  })
  @ApiOkResponse({ type: TakeoutRequestResponse, description: 'The request, approved' })
  @ApiErrors(
    'CONTRACT_CLOSED',
    'CONTRACT_NOT_FOUND',
    'NOT_APPROVER',
    'NOT_CONTRACT_WARD',
    'SELF_APPROVAL',
    'TAKEOUT_NOT_PENDING',
    'TAKEOUT_REQUEST_NOT_FOUND',
  )
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
  @ApiOperation({
    summary: 'Reject a take-out request, with a reason',
    description:
      'A ward officer of the contract’s ward marked as an approver (所属長), not the applicant (403 NOT_CONTRACT_WARD, NOT_APPROVER, SELF_APPROVAL). Appends a takeout_rejected entry with the reason; no media may be taken out under it. Only a request still waiting (409 TAKEOUT_NOT_PENDING).',
  })
  @ApiJsonBody(
    RejectTakeoutRequest,
    {
      name: 'too_many',
      summary: 'Too many records',
      value: { reason: '件数が多すぎるため、対象を絞ってください' },
    },
    {
      name: 'medium',
      summary: 'Another medium asked for',
      value: { reason: 'USBメモリではなく暗号化したDVD-Rで申請し直してください' },
    },
  )
  @ApiOkResponse({ type: TakeoutRequestResponse, description: 'The request, rejected' })
  @ApiErrors(
    'CONTRACT_CLOSED',
    'CONTRACT_NOT_FOUND',
    'NOT_APPROVER',
    'NOT_CONTRACT_WARD',
    'SELF_APPROVAL',
    'TAKEOUT_NOT_PENDING',
    'TAKEOUT_REQUEST_NOT_FOUND',
  )
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
  @ApiOperation({
    summary: 'Withdraw a take-out request',
    description:
      'Its applicant only, a ward officer of the contract’s ward (403 NOT_APPLICANT, NOT_CONTRACT_WARD). Appends a takeout_withdrawn entry; no more media may be registered or dispatched under it. Only while it waits or is approved (409 TAKEOUT_NOT_PENDING).',
  })
  @ApiOkResponse({ type: TakeoutRequestResponse, description: 'The request, withdrawn' })
  @ApiErrors(
    'CONTRACT_CLOSED',
    'CONTRACT_NOT_FOUND',
    'NOT_APPLICANT',
    'NOT_CONTRACT_WARD',
    'TAKEOUT_NOT_PENDING',
    'TAKEOUT_REQUEST_NOT_FOUND',
  )
  async withdraw(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('requestId') requestId: string,
  ): Promise<TakeoutRequestResponse> {
    return TakeoutRequestResponse.from(await this.takeout.withdraw(actor, id, requestId));
  }
}

import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
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
import { ApiJsonBody } from '../../openapi/api-json-body.js';

@ApiTags('handovers')
@ApiBearerAuth()
@Controller('contracts/:id')
export class HandoversController {
  constructor(private readonly custody: CustodyService) {}

  /** Dispatch by the holder: the items are in transit until the addressee receives them. */
  @Roles('ward_officer', 'contractor_staff')
  @ActorScoped()
  @Post('handovers')
  @ApiOperation({
    summary: 'Dispatch media to an addressee',
    description:
      'Ward officers of the contract’s ward and contractor staff on its roster with a valid training, for media their organization holds (409 NOT_CUSTODIAN, IN_TRANSIT or MEDIUM_CLOSED otherwise). Appends handover_dispatched: the items are in transit until the addressee, another party of the contract, receives them; the purpose must match the sender and addressee, and media of the ward leave it only under the sender’s approved take-out request. Split-channel rule (422 SPLIT_CHANNEL_VIOLATION): a medium and its password notice never travel in the same handover, bag or occasion (at least the contract’s minSeparationMinutes apart), and a password notice never goes by LGWAN; LGWAN carries encrypted files only and a handover by hand needs a bagId (422 HANDOVER_METHOD_NOT_ALLOWED). The first handover of a contract waits for its emergency plan (409 EMERGENCY_PLAN_MISSING).',
  })
  @ApiJsonBody(
    DispatchRequest,
    {
      name: 'byHand',
      summary: 'A DVD-R by hand in a locked bag, ward to contractor',
      value: {
        items: ['DVD-R 住民税データ 2026-01'],
        toUserId: 'tanaka.k',
        method: 'hand',
        bagId: 'BAG-07',
        sealNumber: 'S-000123',
        purpose: 'provide',
        occurredAt: '2026-04-06T10:30:00+09:00',
        note: '区役所3階 税務課窓口にて手交',
      },
    },
    {
      name: 'lgwan',
      summary: 'An encrypted file over LGWAN, returned to the ward',
      value: {
        items: ['5d0b9e3a-7c21-4f6e-a8d4-1b2c3e4f5a69'],
        toUserId: 'e2a7c4d9-3b18-4f05-9c6e-8a1d2b3c4e5f',
        method: 'lgwan',
        purpose: 'return',
      },
    },
    {
      name: 'passwordNotice',
      summary: 'The password notice, by hand in another bag on a later occasion',
      value: {
        items: ['パスワード通知書 住民税データ 2026-01'],
        toUserId: 'tanaka.k',
        method: 'hand',
        bagId: 'BAG-12',
        sealNumber: 'S-000124',
        purpose: 'provide',
        occurredAt: '2026-04-06T14:00:00+09:00',
      },
    },
  )
  @ApiCreatedResponse({
    type: DispatchResponse,
    description: 'Dispatched: the items are in transit to the addressee',
  })
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
    'TAKEOUT_NOT_APPROVED',
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
  @ApiOperation({
    summary: 'Receive a handover as its addressee',
    description:
      'Only the handover’s addressee (403 NOT_ADDRESSEE), who must be a ward officer of the ward or a rostered, trained handler. Appends handover_received and custody of the items moves to the addressee’s organization; on the contractor’s side the place received at must be designated or consented to (409 PLACE_NOT_DESIGNATED). A broken seal, or a SHA-256 that differs from the registered one, still records the receipt but also appends an incident and marks the items compromised. 409 HANDOVER_ALREADY_RECEIVED for a second receipt, 409 MEDIUM_CLOSED when an item was reported lost on the way.',
  })
  @ApiJsonBody(
    ReceiveRequest,
    {
      name: 'intact',
      summary: 'Seal intact, received at a designated place',
      value: {
        sealIntact: true,
        placeId: '9a4f2c6e-1b3d-4e78-a5c0-6d2e8f1b3a47',
        occurredAt: '2026-04-06T11:15:00+09:00',
      },
    },
    {
      name: 'withFingerprint',
      summary: 'An encrypted file received with its SHA-256 computed on arrival',
      value: {
        sealIntact: true,
        sha256: {
          '5d0b9e3a-7c21-4f6e-a8d4-1b2c3e4f5a69':
            '3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b',
        },
      },
    },
    {
      name: 'sealBroken',
      summary: 'The seal arrived broken: receipt plus a seal_broken incident',
      value: { sealIntact: false, placeId: '9a4f2c6e-1b3d-4e78-a5c0-6d2e8f1b3a47' },
    },
  )
  @ApiCreatedResponse({
    type: ReceiptResponse,
    description: 'Received; lists any items marked compromised and the incidents recorded',
  })
  @ApiErrors(
    'CONTRACT_CLOSED',
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
  @ApiOperation({
    summary: 'List the contract’s handovers',
    description:
      'Ward officers and auditors of the contract’s ward, and contractor staff a roster entry names today (403 NOT_ROSTERED otherwise); admins read no contract content (403 FORBIDDEN_ROLE). Every handover in dispatch order, with its items and parties by name.',
  })
  @ApiOkResponse({
    type: ListOf(HandoverResponse),
    description: 'Every handover, in dispatch order',
  })
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
  @ApiOperation({
    summary: 'Report an incident about media',
    description:
      'Ward officers of the contract’s ward about any medium; rostered contractor staff (a lapsed training does not hold a report up) only about media their organization holds or awaits in transit (409 NOT_CUSTODIAN). Appends incident_reported (事故報告); media reported lost become `lost` and never move again (409 MEDIUM_CLOSED when one already is closed).',
  })
  @ApiJsonBody(
    ReportIncidentRequest,
    {
      name: 'lost',
      summary: 'A medium lost on the way',
      value: {
        kind: 'lost',
        mediumIds: ['DVD-R 住民税データ 2026-01'],
        description: '搬送中に鍵付きカバンを紛失。警察へ遺失届を提出済み。',
        occurredAt: '2026-04-06T12:40:00+09:00',
      },
    },
    {
      name: 'other',
      summary: 'Anything else, the media named by id',
      value: {
        kind: 'other',
        mediumIds: ['5d0b9e3a-7c21-4f6e-a8d4-1b2c3e4f5a69'],
        description: '保管庫の施錠が一時的に解除されていたことを巡回時に確認',
      },
    },
  )
  @ApiCreatedResponse({ type: AppendedResponse, description: 'The incident’s ledger entry' })
  @ApiErrors(
    'CONTRACT_CLOSED',
    'CONTRACT_NOT_FOUND',
    'INVALID_OCCURRED_AT',
    'MEDIUM_CLOSED',
    'NOT_CUSTODIAN',
    'NOT_ROSTERED',
    'UNKNOWN_MEDIUM',
  )
  report(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: ReportIncidentRequest,
  ): Promise<AppendedResponse> {
    return this.custody.reportIncident(actor, id, body);
  }

  @Get('incidents')
  @ApiOperation({
    summary: 'List the contract’s incidents',
    description:
      'Ward officers and auditors of the contract’s ward, and contractor staff a roster entry names today (403 NOT_ROSTERED otherwise); admins read no contract content (403 FORBIDDEN_ROLE). Every incident, reported or recorded on receipt, in ledger order.',
  })
  @ApiOkResponse({
    type: ListOf(IncidentResponse),
    description: 'Every incident, in ledger order',
  })
  @ApiErrors('CONTRACT_NOT_FOUND', 'FORBIDDEN_ROLE', 'NOT_ROSTERED')
  async incidents(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
  ): Promise<{ items: IncidentResponse[] }> {
    const incidents = await this.custody.listIncidents(actor, id);
    return { items: incidents.map((i) => IncidentResponse.from(i)) };
  }
}

import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
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
  ListMediaQuery,
  MediumAppendedResponse,
  MediumResponse,
  RegisterMediumRequest,
  StoreMediumRequest,
} from './dto/medium.dto.js';
import { ApiErrors } from '../../openapi/api-document.js';
import { ApiJsonBody } from '../../openapi/api-json-body.js';

@ApiTags('media')
@ApiBearerAuth()
@Controller('contracts/:id/media')
export class MediaController {
  constructor(private readonly custody: CustodyService) {}

  /** Registers a medium; the registering organization holds it. */
  @Roles('ward_officer', 'contractor_staff')
  @ActorScoped()
  @Post()
  @ApiOperation({
    summary: 'Register a medium',
    description:
      'Ward officers of the contract’s ward and contractor staff on its roster with a valid training. Appends medium_registered; the caller’s organization holds the medium, whose label must be unique on the contract (409 DUPLICATE_LABEL). A medium of the ward is written under the caller’s approved take-out request where the contract requires one (409 TAKEOUT_NOT_APPROVED); on the contractor’s side a copy of media needs the ward’s copy permission (409 COPY_NOT_PERMITTED) and the place kept at must be designated (409 PLACE_NOT_DESIGNATED). A password notice names the encrypted medium it unlocks, registered by the organization that holds that medium, one live notice per medium (409 NOTICE_EXISTS).',
  })
  @ApiJsonBody(
    RegisterMediumRequest,
    {
      name: 'dvd',
      summary: 'A DVD-R of the ward, under an approved take-out request',
      value: {
        kind: 'dvd_r',
        label: 'DVD-R 住民税データ 2026-01',
        description: '住民税課税資料 令和8年度分 入力用データ',
        recordCount: 12000,
        encrypted: true,
        takeoutRequestId: '1f8e3d2c-5b6a-4c79-8e01-a2b3c4d5e6f7',
        location: '税務課 金庫A',
        occurredAt: '2026-04-06T09:00:00+09:00',
      },
    },
    {
      name: 'file',
      summary: 'An encrypted file the contractor made from the data it collected',
      value: {
        kind: 'encrypted_file',
        label: '入力結果 住民税 2026-04 第1回',
        description: '入力済みデータ（暗号化ZIP）',
        recordCount: 4000,
        encrypted: true,
        sha256: '3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b',
        placeId: '9a4f2c6e-1b3d-4e78-a5c0-6d2e8f1b3a47',
        derivedFrom: { kind: 'collected' },
      },
    },
    {
      name: 'passwordNotice',
      summary: 'The password notice of an encrypted medium',
      value: {
        kind: 'password_notice',
        label: 'パスワード通知書 住民税データ 2026-01',
        description: 'DVD-R 住民税データ 2026-01 の復号パスワード',
        recordCount: 0,
        encrypted: false,
        unlocksMediumId: 'DVD-R 住民税データ 2026-01',
        location: '税務課 金庫B',
      },
    },
  )
  @ApiCreatedResponse({
    type: MediumAppendedResponse,
    description: 'Registered: the medium’s id and its ledger entry',
  })
  @ApiErrors(
    'CONTRACT_CLOSED',
    'CONTRACT_NOT_FOUND',
    'COPY_NOT_PERMITTED',
    'DUPLICATE_LABEL',
    'INVALID_OCCURRED_AT',
    'INVALID_REFERENCE',
    'IN_TRANSIT',
    'MEDIUM_CLOSED',
    'NOTICE_EXISTS',
    'NOTICE_TARGET_INVALID',
    'NOT_APPLICANT',
    'NOT_CUSTODIAN',
    'NOT_ROSTERED',
    'PLACE_NOT_DESIGNATED',
    'TAKEOUT_EXCEEDED',
    'TAKEOUT_EXPIRED',
    'TAKEOUT_NOT_APPROVED',
    'TAKEOUT_REQUEST_NOT_FOUND',
    'TRAINING_REQUIRED',
    'UNKNOWN_MEDIUM',
  )
  register(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: RegisterMediumRequest,
  ): Promise<MediumAppendedResponse> {
    return this.custody.registerMedium(actor, id, body);
  }

  /** Media with their current custody: the ward's officers and auditors, handlers rostered today. */
  @Get()
  @ApiOperation({
    summary: 'List the contract’s media with their custody',
    description:
      'Ward officers and auditors of the contract’s ward, and contractor staff a roster entry names today (403 NOT_ROSTERED otherwise); admins read no contract content (403 FORBIDDEN_ROLE). Every medium in registration order with its state and holder by name, optionally only those in one state.',
  })
  @ApiOkResponse({
    type: ListOf(MediumResponse),
    description: 'The media, in registration order',
  })
  @ApiErrors('CONTRACT_NOT_FOUND', 'FORBIDDEN_ROLE', 'NOT_ROSTERED')
  async list(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() query: ListMediaQuery,
  ): Promise<{ items: MediumResponse[] }> {
    const media = await this.custody.listMedia(actor, id, query);
    return { items: media.map((held) => MediumResponse.from(held)) };
  }

  /** One medium, named by id or by label (URL-encoded). */
  @Get(':mediumId')
  @ApiOperation({
    summary: 'Get one medium by id or label',
    description:
      'The same readers as the media list: ward officers and auditors of the ward, contractor staff a roster entry names today. The medium is named by id or by its label (URL-encoded); 404 MEDIUM_NOT_FOUND when it names none, or several.',
  })
  @ApiOkResponse({ type: MediumResponse, description: 'The medium with its custody' })
  @ApiErrors('CONTRACT_NOT_FOUND', 'FORBIDDEN_ROLE', 'MEDIUM_NOT_FOUND', 'NOT_ROSTERED')
  async get(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('mediumId') mediumId: string,
  ): Promise<MediumResponse> {
    return MediumResponse.from(await this.custody.getMedium(actor, id, mediumId));
  }

  /** Records where the holder keeps it (locked safe or cabinet). */
  @Roles('ward_officer', 'contractor_staff')
  @ActorScoped()
  @Post(':mediumId/store')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Record where a medium is kept',
    description:
      'The holder only: a ward officer of the ward, or a rostered, trained handler of the organization that holds the medium (409 NOT_CUSTODIAN, IN_TRANSIT or MEDIUM_CLOSED otherwise). Appends medium_stored with the locked safe or cabinet (施錠できる金庫又はキャビネット); on the contractor’s side the place must be designated for media storage or consented to (409 PLACE_NOT_DESIGNATED).',
  })
  @ApiJsonBody(
    StoreMediumRequest,
    {
      name: 'contractor',
      summary: 'Kept at a designated place of the contractor',
      value: {
        location: '第1作業室 耐火金庫',
        placeId: '9a4f2c6e-1b3d-4e78-a5c0-6d2e8f1b3a47',
        occurredAt: '2026-04-06T11:30:00+09:00',
      },
    },
    {
      name: 'ward',
      summary: 'Kept by the ward, which names no designated place',
      value: { location: '税務課 書庫 キャビネット3' },
    },
  )
  @ApiCreatedResponse({
    type: MediumAppendedResponse,
    description: 'Stored: the medium and its ledger entry',
  })
  @ApiErrors(
    'CONTRACT_CLOSED',
    'CONTRACT_NOT_FOUND',
    'INVALID_OCCURRED_AT',
    'INVALID_REFERENCE',
    'IN_TRANSIT',
    'MEDIUM_CLOSED',
    'MEDIUM_NOT_FOUND',
    'NOT_CUSTODIAN',
    'NOT_ROSTERED',
    'PLACE_NOT_DESIGNATED',
    'TRAINING_REQUIRED',
  )
  store(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('mediumId') mediumId: string,
    @Body() body: StoreMediumRequest,
  ): Promise<MediumAppendedResponse> {
    return this.custody.storeMedium(actor, id, mediumId, body);
  }
}

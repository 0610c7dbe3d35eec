import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
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

@ApiTags('media')
@ApiBearerAuth()
@Controller('contracts/:id/media')
export class MediaController {
  constructor(private readonly custody: CustodyService) {}

  /** Registers a medium; the registering organization holds it. */
  @Roles('ward_officer', 'contractor_staff')
  @ActorScoped()
  @Post()
  @ApiCreatedResponse({ type: MediumAppendedResponse })
  @ApiErrors(
    'CONTRACT_CLOSED',
    'CONTRACT_NOT_FOUND',
    'COPY_NOT_PERMITTED',
    'DUPLICATE_LABEL',
    'INVALID_OCCURRED_AT',
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
  @ApiOkResponse({ type: ListOf(MediumResponse) })
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
  @ApiOkResponse({ type: MediumResponse })
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
  @ApiCreatedResponse({ type: MediumAppendedResponse })
  @ApiErrors(
    'INVALID_OCCURRED_AT',
    'IN_TRANSIT',
    'MEDIUM_NOT_FOUND',
    'NOT_CUSTODIAN',
    'NOT_ROSTERED',
    'PLACE_NOT_DESIGNATED',
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

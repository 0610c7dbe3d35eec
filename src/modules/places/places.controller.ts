import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../../common/auth/auth.decorators.js';
import { ListOf } from '../../common/http/list.js';
import type { Actor } from '../identity/roles.js';
import {
  ConsentPlaceRequest,
  DesignatedPlaceResponse,
  DesignatePlaceRequest,
  PlaceConsentResponse,
  WithdrawPlaceRequest,
} from './dto/place.dto.js';
import { PlacesService } from './places.service.js';
import { ApiErrors } from '../../openapi/api-document.js';

/**
 * The designated places (作業場所・保管場所) of a contract and the ward's
 * consents to other places: changed by the ward's officers, read by the
 * contract's members.
 */
@ApiTags('places')
@ApiBearerAuth()
@Controller('contracts/:id')
export class PlacesController {
  constructor(private readonly places: PlacesService) {}

  @Roles('ward_officer')
  @Post('places')
  @ApiCreatedResponse({ type: DesignatedPlaceResponse })
  @ApiErrors('CONTRACT_NOT_FOUND')
  async designate(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: DesignatePlaceRequest,
  ): Promise<DesignatedPlaceResponse> {
    return DesignatedPlaceResponse.from(await this.places.designate(actor, id, body));
  }

  @Get('places')
  @ApiOkResponse({ type: ListOf(DesignatedPlaceResponse) })
  @ApiErrors('CONTRACT_NOT_FOUND')
  async list(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
  ): Promise<{ items: DesignatedPlaceResponse[] }> {
    const rows = await this.places.listPlaces(actor, id);
    return { items: rows.map((p) => DesignatedPlaceResponse.from(p)) };
  }

  @Roles('ward_officer')
  @Post('places/:placeId/withdraw')
  @HttpCode(200)
  @ApiOkResponse({ type: DesignatedPlaceResponse })
  @ApiErrors('PLACE_NOT_FOUND', 'PLACE_WITHDRAWN')
  async withdraw(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('placeId') placeId: string,
    @Body() body: WithdrawPlaceRequest,
  ): Promise<DesignatedPlaceResponse> {
    return DesignatedPlaceResponse.from(await this.places.withdraw(actor, id, placeId, body));
  }

  @Roles('ward_officer')
  @Post('place-consents')
  @ApiCreatedResponse({ type: PlaceConsentResponse })
  @ApiErrors('UNKNOWN_MEDIUM')
  async consent(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: ConsentPlaceRequest,
  ): Promise<PlaceConsentResponse> {
    return PlaceConsentResponse.from(await this.places.consent(actor, id, body));
  }

  @Get('place-consents')
  @ApiOkResponse({ type: ListOf(PlaceConsentResponse) })
  async consents(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
  ): Promise<{ items: PlaceConsentResponse[] }> {
    const rows = await this.places.listConsents(actor, id);
    return { items: rows.map((c) => PlaceConsentResponse.from(c)) };
  }
}

import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
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
  ConsentPlaceRequest,
  DesignatedPlaceResponse,
  DesignatePlaceRequest,
  PlaceConsentResponse,
  WithdrawPlaceRequest,
} from './dto/place.dto.js';
import { PlacesService } from './places.service.js';
import { ApiErrors } from '../../openapi/api-document.js';
import { ApiJsonBody } from '../../openapi/api-json-body.js';

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
  @ApiOperation({
    summary: 'Designate a work or storage place',
    description:
      'Ward officers of the contract’s ward only. Appends place_designated: a place where the contractor may work on the data (作業場所) and, with mediaStorage, keep media (保管場所). Once a contract has designated places, every custody step on the contractor’s side must name one (持出しの禁止). 409 CONTRACT_CLOSED on a closed contract.',
  })
  @ApiJsonBody(
    DesignatePlaceRequest,
    {
      name: 'storage',
      summary: 'A work room where media may also be kept',
      value: {
        name: '株式会社デモ情報処理 本社 第1作業室',
        address: '東京都新宿区西新宿2-8-1 5階',
        mediaStorage: true,
      },
    },
    {
      name: 'workOnly',
      summary: 'A place for work only, no media kept',
      value: {
        name: '株式会社デモ情報処理 第2入力センター',
        address: '埼玉県さいたま市浦和区高砂3-15-1',
        mediaStorage: false,
      },
    },
  )
  @ApiCreatedResponse({ type: DesignatedPlaceResponse, description: 'The designated place' })
  @ApiErrors('CONTRACT_CLOSED', 'CONTRACT_NOT_FOUND')
  async designate(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: DesignatePlaceRequest,
  ): Promise<DesignatedPlaceResponse> {
    return DesignatedPlaceResponse.from(await this.places.designate(actor, id, body));
  }

  @Get('places')
  @ApiOperation({
    summary: 'List the contract’s designated places',
    description:
      'Ward officers and auditors of the contract’s ward, and contractor staff a roster entry names today (403 NOT_ROSTERED otherwise); admins read no contract content (403 FORBIDDEN_ROLE). Every designated place, withdrawn ones included, in the order designated.',
  })
  @ApiOkResponse({
    type: ListOf(DesignatedPlaceResponse),
    description: 'Every designated place, in the order designated',
  })
  @ApiErrors('CONTRACT_NOT_FOUND', 'FORBIDDEN_ROLE', 'NOT_ROSTERED')
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
  @ApiOperation({
    summary: 'Withdraw a place’s designation',
    description:
      'Ward officers of the contract’s ward only. Appends place_withdrawn with the reason: from then on no custody step may name the place. 404 PLACE_NOT_FOUND for a place of another contract, 409 PLACE_WITHDRAWN when already withdrawn, 409 CONTRACT_CLOSED on a closed contract.',
  })
  @ApiJsonBody(WithdrawPlaceRequest, {
    name: 'moved',
    summary: 'The office moved',
    value: { reason: '事務所移転のため 2026年10月末で使用終了' },
  })
  @ApiOkResponse({ type: DesignatedPlaceResponse, description: 'The place, now withdrawn' })
  @ApiErrors('CONTRACT_CLOSED', 'CONTRACT_NOT_FOUND', 'PLACE_NOT_FOUND', 'PLACE_WITHDRAWN')
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
  @ApiOperation({
    summary: 'Consent to named media being at another place',
    description:
      'Ward officers of the contract’s ward only. Appends place_consented (甲の承諾): the named media may be at a designated place not meant for them (placeId) or at a place of its own (name and address, not both) until validUntil, which must be in the future. 422 UNKNOWN_MEDIUM for a medium reference that names none or several, 422 INVALID_REFERENCE for a placeId that names no designated place, 409 CONTRACT_CLOSED on a closed contract.',
  })
  @ApiJsonBody(
    ConsentPlaceRequest,
    {
      name: 'otherPlace',
      summary: 'A place not designated, given by name and address',
      value: {
        mediumIds: ['DVD-R 住民税データ 2026-01'],
        name: '株式会社デモ情報処理 大阪事業所',
        address: '大阪府大阪市北区梅田1-1-1',
        reason: '本社改装期間中の作業のため',
        validUntil: '2026-12-28T18:00:00+09:00',
      },
    },
    {
      name: 'designatedPlace',
      summary: 'Media kept at a designated work place',
      value: {
        mediumIds: ['5d0b9e3a-7c21-4f6e-a8d4-1b2c3e4f5a69'],
        placeId: '9a4f2c6e-1b3d-4e78-a5c0-6d2e8f1b3a47',
        reason: '保管場所の耐火金庫の点検中、作業室で一時保管するため',
        validUntil: '2026-12-18T18:00:00+09:00',
      },
    },
  )
  @ApiCreatedResponse({ type: PlaceConsentResponse, description: 'The consent as recorded' })
  @ApiErrors('CONTRACT_CLOSED', 'CONTRACT_NOT_FOUND', 'INVALID_REFERENCE', 'UNKNOWN_MEDIUM')
  async consent(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: ConsentPlaceRequest,
  ): Promise<PlaceConsentResponse> {
    return PlaceConsentResponse.from(await this.places.consent(actor, id, body));
  }

  @Get('place-consents')
  @ApiOperation({
    summary: 'List the ward’s consents to other places',
    description:
      'Ward officers and auditors of the contract’s ward, and contractor staff a roster entry names today (403 NOT_ROSTERED otherwise); admins read no contract content (403 FORBIDDEN_ROLE). Every consent, oldest first, with the media it covers and until when.',
  })
  @ApiOkResponse({
    type: ListOf(PlaceConsentResponse),
    description: 'Every consent, oldest first',
  })
  @ApiErrors('CONTRACT_NOT_FOUND', 'FORBIDDEN_ROLE', 'NOT_ROSTERED')
  async consents(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
  ): Promise<{ items: PlaceConsentResponse[] }> {
    const rows = await this.places.listConsents(actor, id);
    return { items: rows.map((c) => PlaceConsentResponse.from(c)) };
  }
}

import { Body, Controller, Get, Param, Post } from '@nestjs/common';
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
import { CopiesService } from './copies.service.js';
import { CopyPermissionResponse, PermitCopyRequest } from './dto/copy-permission.dto.js';
import { ApiErrors } from '../../openapi/api-document.js';
import { ApiJsonBody } from '../../openapi/api-json-body.js';

/** The ward's permissions to copy media of a contract (複写の許可), with their purpose. */
@ApiTags('copies')
@ApiBearerAuth()
@Controller('contracts/:id/copy-permissions')
export class CopiesController {
  constructor(private readonly copies: CopiesService) {}

  @Roles('ward_officer')
  @Post()
  @ApiOperation({
    summary: 'Permit copies of named media',
    description:
      'Ward officers of the contract’s ward only. Appends copy_permitted: the contractor may register copies of the named media (ids or labels, 422 UNKNOWN_MEDIUM for one that names none or several) for the stated purpose until validUntil, which must be in the future (the exception to 複写等の禁止). 409 CONTRACT_CLOSED on a closed contract.',
  })
  @ApiJsonBody(
    PermitCopyRequest,
    {
      name: 'byLabel',
      summary: 'One medium by label, for a stated purpose',
      value: {
        mediumIds: ['DVD-R 住民税データ 2026-01'],
        purpose: '入力作業の二重チェック用に作業端末へ複写する',
        validUntil: '2026-12-28T18:00:00+09:00',
      },
    },
    {
      name: 'byId',
      summary: 'Several media by id',
      value: {
        mediumIds: ['5d0b9e3a-7c21-4f6e-a8d4-1b2c3e4f5a69', 'c3e9a1b7-4d2f-4a60-9b85-7e1f0d2c3a94'],
        purpose: '再委託先での封入封かん作業のため印刷用データを複写する',
        validUntil: '2026-12-31T23:59:59+09:00',
      },
    },
  )
  @ApiCreatedResponse({ type: CopyPermissionResponse, description: 'The permission as recorded' })
  @ApiErrors('CONTRACT_CLOSED', 'CONTRACT_NOT_FOUND', 'UNKNOWN_MEDIUM')
  async permit(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: PermitCopyRequest,
  ): Promise<CopyPermissionResponse> {
    return CopyPermissionResponse.from(await this.copies.permit(actor, id, body));
  }

  @Get()
  @ApiOperation({
    summary: 'List the contract’s copy permissions',
    description:
      'Ward officers and auditors of the contract’s ward, and contractor staff a roster entry names today (403 NOT_ROSTERED otherwise); admins read no contract content (403 FORBIDDEN_ROLE). Every permission, oldest first, with the number of copies registered under it.',
  })
  @ApiOkResponse({
    type: ListOf(CopyPermissionResponse),
    description: 'Every copy permission, oldest first',
  })
  @ApiErrors('CONTRACT_NOT_FOUND', 'FORBIDDEN_ROLE', 'NOT_ROSTERED')
  async list(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
  ): Promise<{ items: CopyPermissionResponse[] }> {
    const rows = await this.copies.list(actor, id);
    return { items: rows.map((p) => CopyPermissionResponse.from(p)) };
  }
}

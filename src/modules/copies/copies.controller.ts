import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../../common/auth/auth.decorators.js';
import { ListOf } from '../../common/http/list.js';
import type { Actor } from '../identity/roles.js';
import { CopiesService } from './copies.service.js';
import { CopyPermissionResponse, PermitCopyRequest } from './dto/copy-permission.dto.js';
import { ApiErrors } from '../../openapi/api-document.js';

/** The ward's permissions to copy media of a contract (複写の許可), with their purpose. */
@ApiTags('copies')
@ApiBearerAuth()
@Controller('contracts/:id/copy-permissions')
export class CopiesController {
  constructor(private readonly copies: CopiesService) {}

  @Roles('ward_officer')
  @Post()
  @ApiCreatedResponse({ type: CopyPermissionResponse })
  @ApiErrors('CONTRACT_NOT_FOUND', 'UNKNOWN_MEDIUM')
  async permit(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: PermitCopyRequest,
  ): Promise<CopyPermissionResponse> {
    return CopyPermissionResponse.from(await this.copies.permit(actor, id, body));
  }

  @Get()
  @ApiOkResponse({ type: ListOf(CopyPermissionResponse) })
  async list(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
  ): Promise<{ items: CopyPermissionResponse[] }> {
    const rows = await this.copies.list(actor, id);
    return { items: rows.map((p) => CopyPermissionResponse.from(p)) };
  }
}

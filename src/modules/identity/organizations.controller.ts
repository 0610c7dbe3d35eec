import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../../common/auth/auth.decorators.js';
import { ListOf } from '../../common/http/list.js';
import {
  CreateOrganizationRequest,
  ListOrganizationsQuery,
  OrganizationResponse,
  UpdateOrganizationRequest,
} from './dto/organization.dto.js';
import { IdentityService } from './identity.service.js';
import type { Actor } from './roles.js';
import { ApiErrors } from '../../openapi/api-document.js';

@ApiTags('organizations')
@ApiBearerAuth()
@Controller('organizations')
export class OrganizationsController {
  constructor(private readonly identity: IdentityService) {}

  @Roles('admin')
  @Post()
  @ApiCreatedResponse({ type: OrganizationResponse })
  @ApiErrors('ORGANIZATION_EXISTS')
  async create(@Body() body: CreateOrganizationRequest): Promise<OrganizationResponse> {
    return OrganizationResponse.from(await this.identity.createOrganization(body));
  }

  /**
   * Names and kinds only. Admins: every organization. Ward officers and
   * auditors: their ward and the organizations on its contracts.
   */
  @Roles('admin', 'ward_officer', 'auditor')
  @Get()
  @ApiOkResponse({ type: ListOf(OrganizationResponse) })
  async list(
    @CurrentActor() actor: Actor,
    @Query() query: ListOrganizationsQuery,
  ): Promise<{ items: OrganizationResponse[] }> {
    const organizations = await this.identity.listOrganizations(actor, query);
    return { items: organizations.map((o) => OrganizationResponse.from(o)) };
  }

  /** Its settings: the addressee (宛名) of the documents issued to it. */
  @Roles('admin')
  @Patch(':id')
  @ApiOkResponse({ type: OrganizationResponse })
  @ApiErrors('ORGANIZATION_NOT_FOUND')
  async update(
    @Param('id') id: string,
    @Body() body: UpdateOrganizationRequest,
  ): Promise<OrganizationResponse> {
    return OrganizationResponse.from(await this.identity.updateOrganization(id, body));
  }

  /** 404 for an organization outside the caller's scope, as for one that does not exist. */
  @Roles('admin', 'ward_officer', 'auditor')
  @Get(':id')
  @ApiOkResponse({ type: OrganizationResponse })
  @ApiErrors('ORGANIZATION_NOT_FOUND')
  async get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<OrganizationResponse> {
    return OrganizationResponse.from(await this.identity.getOrganization(actor, id));
  }
}

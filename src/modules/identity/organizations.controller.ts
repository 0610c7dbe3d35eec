import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth.decorators.js';
import { ListOf } from '../../common/http/list.js';
import {
  CreateOrganizationRequest,
  ListOrganizationsQuery,
  OrganizationResponse,
} from './dto/organization.dto.js';
import { IdentityService } from './identity.service.js';

@ApiTags('organizations')
@ApiBearerAuth()
@Controller('organizations')
export class OrganizationsController {
  constructor(private readonly identity: IdentityService) {}

  @Roles('admin')
  @Post()
  @ApiCreatedResponse({ type: OrganizationResponse })
  async create(@Body() body: CreateOrganizationRequest): Promise<OrganizationResponse> {
    return OrganizationResponse.from(await this.identity.createOrganization(body));
  }

  /** Names and kinds only; ward officers need them to set up contracts. */
  @Roles('admin', 'ward_officer', 'auditor')
  @Get()
  @ApiOkResponse({ type: ListOf(OrganizationResponse) })
  async list(@Query() query: ListOrganizationsQuery): Promise<{ items: OrganizationResponse[] }> {
    const organizations = await this.identity.listOrganizations(query);
    return { items: organizations.map((o) => OrganizationResponse.from(o)) };
  }

  @Roles('admin', 'ward_officer', 'auditor')
  @Get(':id')
  @ApiOkResponse({ type: OrganizationResponse })
  async get(@Param('id') id: string): Promise<OrganizationResponse> {
    return OrganizationResponse.from(await this.identity.getOrganization(id));
  }
}

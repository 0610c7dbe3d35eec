import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
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
import { ApiJsonBody } from '../../openapi/api-json-body.js';

@ApiTags('organizations')
@ApiBearerAuth()
@Controller('organizations')
export class OrganizationsController {
  constructor(private readonly identity: IdentityService) {}

  @Roles('admin')
  @Post()
  @ApiOperation({
    summary: 'Create an organization (a ward or a contractor)',
    description:
      'Admins only. Creates a ward (区) or a contractor (委託先) organization, optionally with the addressee (宛名) of the documents issued to it. Names are unique: an existing name is 409 ORGANIZATION_EXISTS.',
  })
  @ApiJsonBody(
    CreateOrganizationRequest,
    {
      name: 'ward',
      summary: 'A ward, with the addressee of its deletion certificates',
      value: { name: '新宿区 区民課', kind: 'ward', documentAddressee: '新宿区長 殿' },
    },
    {
      name: 'contractor',
      summary: 'A contractor; its documents are addressed 「<name> 御中」',
      value: { name: '株式会社 東京データ処理センター', kind: 'contractor' },
    },
  )
  @ApiCreatedResponse({ type: OrganizationResponse, description: 'The new organization' })
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
  @ApiOperation({
    summary: 'List the organizations you may see',
    description:
      'Admins, ward officers and auditors. Admins see every organization; ward officers and auditors their own ward and the organizations on its contracts. Filter by `kind`; sorted by name. Writes nothing.',
  })
  @ApiOkResponse({
    type: ListOf(OrganizationResponse),
    description: "The organizations in the caller's scope, by name",
  })
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
  @ApiOperation({
    summary: "Change an organization's document addressee",
    description:
      "Admins only. Sets the addressee (宛名) of the documents issued to the organization, such as the opening of a ward's deletion certificates; an empty string clears it (documents then say 「<name> 御中」) and an absent field leaves it.",
  })
  @ApiJsonBody(
    UpdateOrganizationRequest,
    {
      name: 'set',
      summary: 'Address documents to the head of the ward',
      value: { documentAddressee: '新宿区長 吉住 健一 殿' },
    },
    { name: 'clear', summary: 'Back to 「<name> 御中」', value: { documentAddressee: '' } },
  )
  @ApiOkResponse({ type: OrganizationResponse, description: 'The organization as changed' })
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
  @ApiOperation({
    summary: 'Read one organization',
    description:
      'Admins, ward officers and auditors. Ward officers and auditors see only their own ward and the organizations on its contracts: any other is 404 ORGANIZATION_NOT_FOUND, as for one that does not exist. Writes nothing.',
  })
  @ApiOkResponse({ type: OrganizationResponse, description: 'The organization' })
  @ApiErrors('ORGANIZATION_NOT_FOUND')
  async get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<OrganizationResponse> {
    return OrganizationResponse.from(await this.identity.getOrganization(actor, id));
  }
}

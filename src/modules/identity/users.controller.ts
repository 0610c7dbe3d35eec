import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentActor, Roles } from '../../common/auth/auth.decorators.js';
import { ListOf } from '../../common/http/list.js';
import { CreateUserRequest, ListUsersQuery, UserResponse } from './dto/user.dto.js';
import { IdentityService } from './identity.service.js';
import type { Actor } from './roles.js';
import { ApiErrors } from '../../openapi/api-document.js';
import { ApiJsonBody } from '../../openapi/api-json-body.js';

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly identity: IdentityService) {}

  @Roles('admin')
  @Post()
  @ApiOperation({
    summary: 'Create a user account',
    description:
      "Admins only. The organization must exist (422 INVALID_REFERENCE) and be of the role's kind: admins, ward officers and auditors belong to a ward, contractor staff to a contractor (422 ROLE_ORGANIZATION_MISMATCH). The password must pass the password policy (400 VALIDATION_FAILED naming password) and is temporary: the user changes it at the first login. A login id in use is 409 LOGIN_ID_TAKEN; the creation is recorded in the access log.",
  })
  @ApiJsonBody(
    CreateUserRequest,
    {
      name: 'wardOfficer',
      summary: 'A ward officer, with an address for notifications',
      value: {
        organizationId: '3f6c2a8e-5b1d-4c7a-9e2f-8d4b6a1c0e57',
        loginId: 'sato.hanako',
        displayName: '佐藤 花子',
        role: 'ward_officer',
        password: 'ashita-no-kanribo-7Q!',
        email: 'sato.hanako@city.shinjuku.example.jp',
      },
    },
    {
      name: 'contractorStaff',
      summary: "A contractor's staff member, without an e-mail address",
      value: {
        organizationId: 'b2e9d4f1-7a3c-4e8b-a6d5-1c9f0e2b7a43',
        loginId: 'yamada.taro',
        displayName: '山田 太郎',
        role: 'contractor_staff',
        password: 'minato-soko-hakobu-93&',
      },
    },
  )
  @ApiCreatedResponse({
    type: UserResponse,
    description: 'The new account, its password temporary',
  })
  @ApiErrors('INVALID_REFERENCE', 'LOGIN_ID_TAKEN', 'ROLE_ORGANIZATION_MISMATCH')
  async create(@Body() body: CreateUserRequest): Promise<UserResponse> {
    return UserResponse.from(await this.identity.createUser(body));
  }

  /**
   * Admins: every account. Ward officers and auditors: their ward's and those of
   * the organizations on its contracts. Contractor staff: 403.
   */
  @Roles('admin', 'auditor', 'ward_officer')
  @Get()
  @ApiOperation({
    summary: 'List the user accounts you may see',
    description:
      'Admins, ward officers and auditors. Admins see every account; ward officers and auditors those of their ward and of the organizations on its contracts, without e-mail settings. Filter by organization, role, active and part of the login id or name. Writes nothing.',
  })
  @ApiOkResponse({ type: ListOf(UserResponse), description: 'The accounts, by login id' })
  async list(
    @CurrentActor() actor: Actor,
    @Query() query: ListUsersQuery,
  ): Promise<{ items: UserResponse[] }> {
    const users = await this.identity.listUsers(actor, query);
    // Addresses are for admins: a ward officer finds staff by name.
    const mail = actor.role === 'admin';
    return { items: users.map((u) => UserResponse.from(u, { mail })) };
  }
}

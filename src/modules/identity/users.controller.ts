import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../../common/auth/auth.decorators.js';
import { ListOf } from '../../common/http/list.js';
import { CreateUserRequest, ListUsersQuery, UserResponse } from './dto/user.dto.js';
import { IdentityService } from './identity.service.js';
import type { Actor } from './roles.js';
import { ApiErrors } from '../../openapi/api-document.js';

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly identity: IdentityService) {}

  @Roles('admin')
  @Post()
  @ApiCreatedResponse({ type: UserResponse })
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
  @ApiOkResponse({ type: ListOf(UserResponse) })
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

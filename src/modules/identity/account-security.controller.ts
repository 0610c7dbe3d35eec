import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth.decorators.js';
import { AccountSecurityService } from './account-security.service.js';
import { UserResponse } from './dto/user.dto.js';
import { ApiErrors } from '../../openapi/api-document.js';

/** An admin's unlock of a login id locked by failed attempts. */
@ApiTags('users')
@ApiBearerAuth()
@Roles('admin')
@Controller('users/:id')
export class AccountSecurityController {
  constructor(private readonly security: AccountSecurityService) {}

  /**
   * The user may log in again at once: the lock and the count of failed
   * attempts of their login id are gone. 404 USER_NOT_FOUND for an unknown id.
   */
  @Post('unlock')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Unlock a login id locked by failed attempts',
    description:
      'Admins only. Lifts the lock on the login id of the user and forgets its failed password and code attempts, so that they may log in again at once; the unlock is recorded in the access log. Calling it on a login id that is not locked changes nothing.',
  })
  @ApiOkResponse({ type: UserResponse, description: 'Unlocked (or was not locked)' })
  @ApiErrors('USER_NOT_FOUND')
  async unlock(@Param('id') id: string): Promise<UserResponse> {
    return UserResponse.from(await this.security.unlock(id));
  }
}

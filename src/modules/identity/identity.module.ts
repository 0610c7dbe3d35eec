import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountLifecycleService } from './account-lifecycle.service.js';
import { AccountSecurityController } from './account-security.controller.js';
import { AccountSecurityService } from './account-security.service.js';
import { AccountsController } from './accounts.controller.js';
import { AdminBootstrap } from './admin-bootstrap.js';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { AuthTokenEntity } from './entities/auth-token.entity.js';
import { OrganizationEntity } from './entities/organization.entity.js';
import { RecoveryCodeEntity } from './entities/recovery-code.entity.js';
import { UserEntity } from './entities/user.entity.js';
import { IdentityService } from './identity.service.js';
import { LoginThrottleService } from './login-throttle.service.js';
import { MfaController } from './mfa.controller.js';
import { MfaService } from './mfa.service.js';
import { OrganizationsController } from './organizations.controller.js';
import { PasswordHasher } from './password-hasher.js';
import { SessionsController } from './sessions.controller.js';
import { SessionsService } from './sessions.service.js';
import { UsersController } from './users.controller.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([OrganizationEntity, UserEntity, AuthTokenEntity, RecoveryCodeEntity]),
  ],
  controllers: [
    AuthController,
    OrganizationsController,
    UsersController,
    AccountsController,
    SessionsController,
    MfaController,
    AccountSecurityController,
  ],
  providers: [
    AuthService,
    IdentityService,
    LoginThrottleService,
    AccountSecurityService,
    PasswordHasher,
    AdminBootstrap,
    AccountLifecycleService,
    SessionsService,
    MfaService,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AuthService, IdentityService, LoginThrottleService, MfaService, PasswordHasher],
})
export class IdentityModule {}

import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminBootstrap } from './admin-bootstrap.js';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { AuthTokenEntity } from './entities/auth-token.entity.js';
import { OrganizationEntity } from './entities/organization.entity.js';
import { UserEntity } from './entities/user.entity.js';
import { IdentityService } from './identity.service.js';
import { OrganizationsController } from './organizations.controller.js';
import { PasswordHasher } from './password-hasher.js';
import { UsersController } from './users.controller.js';

@Module({
  imports: [TypeOrmModule.forFeature([OrganizationEntity, UserEntity, AuthTokenEntity])],
  controllers: [AuthController, OrganizationsController, UsersController],
  providers: [
    AuthService,
    IdentityService,
    PasswordHasher,
    AdminBootstrap,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AuthService, IdentityService, PasswordHasher],
})
export class IdentityModule {}

import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  ALLOW_TEMPORARY_PASSWORD_KEY,
  type AuthenticatedRequest,
  PUBLIC_KEY,
  ROLES_KEY,
} from '../../common/auth/auth.decorators.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { AuthService } from './auth.service.js';
import { parseAuthorizationHeader } from './bearer-token.js';
import type { Role } from './roles.js';

/**
 * Runs before every route: resolves the bearer token to the caller, refuses
 * anything but a password change while the password is temporary, and
 * applies the route's role list. Finer checks (which contract, which ward)
 * belong to the services.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = parseAuthorizationHeader(request.headers.authorization);
    const actor = token ? await this.auth.authenticate(token) : null;
    if (!actor) {
      throw new DomainError('UNAUTHENTICATED', 'A valid bearer token is required');
    }
    request.actor = actor;

    if (
      actor.mustChangePassword &&
      !this.reflector.getAllAndOverride<boolean>(ALLOW_TEMPORARY_PASSWORD_KEY, targets)
    ) {
      throw new DomainError(
        'PASSWORD_CHANGE_REQUIRED',
        'Change the temporary password first (POST /api/auth/password)',
      );
    }

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(actor.role)) {
      throw new DomainError('FORBIDDEN_ROLE', `This action is for ${roles.join(', ')}`, {
        role: actor.role,
      });
    }
    return true;
  }
}

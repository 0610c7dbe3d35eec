import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Actor, Role } from '../../modules/identity/roles.js';

export const PUBLIC_KEY = 'kanribo:public';
export const ROLES_KEY = 'kanribo:roles';
export const ALLOW_TEMPORARY_PASSWORD_KEY = 'kanribo:allow-temporary-password';

/** The route needs no bearer token (login, health). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);

/** Only these roles may call the route; others get 403 FORBIDDEN_ROLE. */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator =>
  SetMetadata(ROLES_KEY, roles);

/** The route stays open to a user who still has to change a temporary password. */
export const AllowTemporaryPassword = (): MethodDecorator =>
  SetMetadata(ALLOW_TEMPORARY_PASSWORD_KEY, true);

export interface AuthenticatedRequest extends FastifyRequest {
  actor?: Actor;
}

/** The authenticated caller, as set by the auth guard. */
export const CurrentActor = createParamDecorator((_data: unknown, ctx: ExecutionContext): Actor => {
  const request = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!request.actor) throw new Error('CurrentActor used on a route without authentication');
  return request.actor;
});

import {
  applyDecorators,
  createParamDecorator,
  type ExecutionContext,
  SetMetadata,
} from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Actor, Role } from '../../modules/identity/roles.js';

export const PUBLIC_KEY = 'kanribo:public';
export const ROLES_KEY = 'kanribo:roles';
export const ALLOW_TEMPORARY_PASSWORD_KEY = 'kanribo:allow-temporary-password';
export const ALLOW_MFA_ENROLLMENT_KEY = 'kanribo:allow-mfa-enrollment';
export const MFA_VERIFICATION_KEY = 'kanribo:mfa-verification';

/** The route needs no bearer token (login, health). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);

/** Only these roles may call the route; others get 403 FORBIDDEN_ROLE. */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator =>
  SetMetadata(ROLES_KEY, roles);

/** The route stays open to a user who still has to change a temporary password. */
export const AllowTemporaryPassword = (): MethodDecorator =>
  SetMetadata(ALLOW_TEMPORARY_PASSWORD_KEY, true);

/**
 * The route stays open to a user whose role must have a second factor
 * (MFA_REQUIRED_ROLES) and who has not enrolled one yet; every other route
 * answers 403 MFA_ENROLLMENT_REQUIRED until they have.
 */
export const AllowMfaEnrollment = (): MethodDecorator & ClassDecorator =>
  SetMetadata(ALLOW_MFA_ENROLLMENT_KEY, true);

/**
 * The route takes the limited token that a correct password gives on an
 * account with a second factor (kind 'mfa'), and only that: a session token
 * is UNAUTHENTICATED there, and an 'mfa' token anywhere else is
 * 403 MFA_VERIFICATION_REQUIRED.
 */
export const MfaVerification = (): MethodDecorator => SetMetadata(MFA_VERIFICATION_KEY, true);

export const OWN_ACCOUNT_READ_KEY = 'kanribo:own-account-read';

/**
 * The route only reads the caller's own account (me, second-factor status,
 * own sessions): no contract data and no account event, so the access log
 * does not record it (issue 8 lists what it records). Events on the account
 * (logout, a revoked session, a password change) are recorded all the same.
 */
export const OwnAccountRead = (): MethodDecorator => SetMetadata(OWN_ACCOUNT_READ_KEY, true);

export const ACTOR_SCOPED_KEY = 'kanribo:actor-scoped';

/**
 * The route's service records its write through the caller
 * (`inActorScope(actor, () => tx.run(…))`), so the request does not run in
 * the AsyncLocalStorage (see inActorScope for why). Only for routes whose
 * services note no account event.
 */
export const ActorScoped = (): MethodDecorator => SetMetadata(ACTOR_SCOPED_KEY, true);

export const SECRET_ANSWER_KEY = 'kanribo:secret-answer';

/**
 * The route answers with a secret shown once (a one-time password, a TOTP
 * secret, recovery codes, a session token). It takes no Idempotency-Key:
 * a replay would keep the secret in the database in clear for a day and hand
 * it out again without the checks; a retry simply runs again.
 */
export const SecretAnswer = (): MethodDecorator =>
  applyDecorators(SetMetadata(SECRET_ANSWER_KEY, true), ApiExtension('x-secret-answer', true));

export interface AuthenticatedRequest extends FastifyRequest {
  actor?: Actor;
}

/** The authenticated caller, as set by the auth guard. */
export const CurrentActor = createParamDecorator((_data: unknown, ctx: ExecutionContext): Actor => {
  const request = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!request.actor) throw new Error('CurrentActor used on a route without authentication');
  return request.actor;
});

import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  ALLOW_MFA_ENROLLMENT_KEY,
  ALLOW_TEMPORARY_PASSWORD_KEY,
  type AuthenticatedRequest,
  MFA_VERIFICATION_KEY,
  PUBLIC_KEY,
  ROLES_KEY,
} from '../../common/auth/auth.decorators.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { bindActorToRequest } from '../../common/http/request-scope.js';
import { AppConfig } from '../../config/app-config.js';
import { AuthService } from './auth.service.js';
import { CSRF_HEADER, csrfTokenMatches, isSafeMethod, presentedToken } from './browser-session.js';
import type { Role } from './roles.js';
import type { ErrorCode } from '../../common/errors/error-codes.js';

/** What a route declares that the guard reads (its metadata, resolved). */
export interface RouteAccess {
  public: boolean;
  roles?: Role[];
  allowTemporaryPassword: boolean;
  allowMfaEnrollment: boolean;
  mfaVerification: boolean;
  /** GET and HEAD need no CSRF token. */
  safeMethod: boolean;
}

/**
 * The codes `AuthGuard.canActivate` can refuse a route with, in its order:
 * what the OpenAPI document lists for each operation (and the e2e suites'
 * answers check against it).
 */
export function guardRefusals(route: RouteAccess): ErrorCode[] {
  if (route.public) return [];
  const codes: ErrorCode[] = ['UNAUTHENTICATED'];
  if (!route.safeMethod) codes.push('CSRF_TOKEN_INVALID');
  if (route.mfaVerification) return codes;
  codes.push('MFA_VERIFICATION_REQUIRED');
  if (!route.allowTemporaryPassword) codes.push('PASSWORD_CHANGE_REQUIRED');
  if (!route.allowMfaEnrollment) codes.push('MFA_ENROLLMENT_REQUIRED');
  if (route.roles) codes.push('FORBIDDEN_ROLE');
  return codes;
}

/**
 * Runs before every route: resolves the bearer token (or the web app's
 * session cookie, whose changes need the CSRF token) to the caller, and
 * then, in this order:
 * - a token of kind 'mfa' (password right, second factor not yet given) is
 *   accepted by POST /api/auth/mfa/verify only: 403 MFA_VERIFICATION_REQUIRED
 *   elsewhere; that route takes no session token (401 UNAUTHENTICATED);
 * - while the password is temporary, only its change (and me, logout):
 *   403 PASSWORD_CHANGE_REQUIRED;
 * - while a role of MFA_REQUIRED_ROLES has no second factor, only enrolling
 *   one (and me, logout, password change): 403 MFA_ENROLLMENT_REQUIRED;
 * - the route's role list: 403 FORBIDDEN_ROLE.
 * Finer checks (which contract, which ward) belong to the services.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const presented = presentedToken(request);
    // A session cookie travels with any request the browser makes, a page of
    // another site's included: a change needs the CSRF token beside it. Checked
    // before the session is looked up, so that a forged request does not even
    // keep the session alive; a session that merely expired still has its
    // matching token and gets the 401 below.
    if (
      presented?.via === 'cookie' &&
      !isSafeMethod(request.method) &&
      !csrfTokenMatches(presented.token, request.headers[CSRF_HEADER])
    ) {
      throw new DomainError(
        'CSRF_TOKEN_INVALID',
        'A change made with the session cookie needs its CSRF token in X-CSRF-Token',
      );
    }
    const actor = presented ? await this.auth.authenticate(presented.token) : null;
    if (!actor) {
      throw new DomainError('UNAUTHENTICATED', 'A valid bearer token is required');
    }
    request.actor = actor;
    bindActorToRequest(actor, request);

    const verification = this.reflector.getAllAndOverride<boolean>(MFA_VERIFICATION_KEY, targets);
    if (actor.tokenKind === 'mfa') {
      if (verification) return true;
      throw new DomainError(
        'MFA_VERIFICATION_REQUIRED',
        'Give the second factor first (POST /api/auth/mfa/verify with this token)',
      );
    }
    if (verification) {
      throw new DomainError(
        'UNAUTHENTICATED',
        'This route takes the mfaToken of POST /api/auth/login, not a session token',
      );
    }

    if (
      actor.mustChangePassword &&
      !this.reflector.getAllAndOverride<boolean>(ALLOW_TEMPORARY_PASSWORD_KEY, targets)
    ) {
      throw new DomainError(
        'PASSWORD_CHANGE_REQUIRED',
        'Change the temporary password first (POST /api/auth/password)',
      );
    }

    if (
      actor.mfaEnrolled !== true &&
      this.config.mfaRequiredRoles.has(actor.role) &&
      !this.reflector.getAllAndOverride<boolean>(ALLOW_MFA_ENROLLMENT_KEY, targets)
    ) {
      throw new DomainError(
        'MFA_ENROLLMENT_REQUIRED',
        'Set up the second factor first (POST /api/auth/mfa/enroll, then /api/auth/mfa/confirm)',
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

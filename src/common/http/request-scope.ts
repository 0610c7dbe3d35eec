import { AsyncLocalStorage } from 'node:async_hooks';
import type { Role } from '../../modules/identity/roles.js';

/**
 * What one HTTP request is, for the access log (アクセスログ): who called, on
 * which route, about which contract and resource, from where. Created when
 * the request arrives, filled in as the request goes on (the auth guard adds
 * the caller, a service may name an account event), and read when the
 * request's first write commits and when the response has gone.
 */
export interface RequestScope {
  requestId: string;
  method: string;
  /** The route pattern (`/api/contracts/:id/media`), once routing has chosen one. */
  route: string | null;
  clientAddress: string;
  userAgent: string | null;
  /** The authenticated caller, set by the auth guard. */
  actor: ScopeActor | null;
  /** What the request did: the handler's name (`ledger.exportCsv`) unless a service names an account event. */
  action: string | null;
  contractId: string | null;
  resourceId: string | null;
  /** The status the request answers when its write commits (from the route; a service may set it). */
  expectedStatus: number | null;
  /** The user an account event is about, when that is not the caller (a failed login, an admin's reset). */
  subject: AccountEventSubject | null;
  /** Set once the request's entry is written inside a transaction: it is not written again. */
  recorded: boolean;
}

export interface ScopeActor {
  userId: string;
  organizationId: string;
  role: Role;
}

export interface AccountEventSubject {
  userId: string | null;
  organizationId: string | null;
  role: Role | null;
  /** The login id as typed (a failed login of an unknown id has no user). */
  loginId: string | null;
}

/**
 * Account events the access log records with their own action names. A
 * service calls {@link noteAccountEvent} before the transaction that
 * carries the event, so that the entry commits with it.
 */
export const ACCOUNT_EVENTS = [
  'login.succeeded',
  'login.mfa_challenged',
  'login.failed',
  'login.locked',
  'login.refused_locked',
  'auth.rate_limited',
  'logout',
  'password.changed',
  'password.change_failed',
  'password.reset',
  'mfa.enrollment_started',
  'mfa.enrolled',
  'mfa.verified',
  'mfa.failed',
  'mfa.recovery_code_used',
  'mfa.reset',
  'user.created',
  'user.updated',
  'user.deactivated',
  'user.reactivated',
  'user.unlocked',
  'session.revoked',
  'session.expired_idle',
] as const;
export type AccountEvent = (typeof ACCOUNT_EVENTS)[number];

const storage = new AsyncLocalStorage<RequestScope>();

/** Runs `fn` (and everything it starts) inside `scope`. */
export function runInRequestScope<T>(scope: RequestScope, fn: () => T): T {
  return storage.run(scope, fn);
}

/**
 * Turns the storage off until the next {@link runInRequestScope}. On Node 20
 * an enabled AsyncLocalStorage installs promise hooks that cost every
 * request, inside a scope or not, about 5 % of a trivial GET; the access log
 * calls this when no request that runs in a scope is in flight.
 */
export function suspendRequestScopes(): void {
  storage.disable();
}

/** The scope of the request being served, or undefined (a job, a CLI, start-up). */
export function currentRequestScope(): RequestScope | undefined {
  return storage.getStore();
}

/**
 * Names the account event the current request is: its entry in the access
 * log carries this action (and subject and status) instead of the handler's
 * name. Call it before the transaction that records the event; outside a
 * request it does nothing.
 */
export function noteAccountEvent(
  action: AccountEvent,
  options: { subject?: Partial<AccountEventSubject>; status?: number } = {},
): void {
  const scope = storage.getStore();
  if (!scope) return;
  scope.action = action;
  if (options.subject) {
    scope.subject = {
      userId: options.subject.userId ?? null,
      organizationId: options.subject.organizationId ?? null,
      role: options.subject.role ?? null,
      loginId: options.subject.loginId ?? null,
    };
  }
  if (options.status !== undefined) scope.expectedStatus = options.status;
}

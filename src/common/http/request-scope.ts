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
  'user.approver_changed',
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

/**
 * The scope {@link inActorScope} lends for the synchronous length of one
 * call. JavaScript runs one call at a time, so nothing else can see it.
 */
let lentScope: RequestScope | undefined;

/** The scope of the request being served, or undefined (a job, a CLI, start-up). */
export function currentRequestScope(): RequestScope | undefined {
  return lentScope ?? storage.getStore();
}

/** Where a request keeps its scope (set when it arrives), so that its caller's object can find it. */
const SCOPE_OF_REQUEST = Symbol('requestScope');
const scopeOfActor = new WeakMap<object, RequestScope>();

/** Keeps `scope` on the request it describes (the access log, when the request arrives). */
export function attachRequestScope(request: object, scope: RequestScope): void {
  (request as { [SCOPE_OF_REQUEST]?: RequestScope })[SCOPE_OF_REQUEST] = scope;
}

/** The scope kept on a request by {@link attachRequestScope}, if the access log opened one. */
export function requestScopeOf(request: object): RequestScope | undefined {
  return (request as { [SCOPE_OF_REQUEST]?: RequestScope })[SCOPE_OF_REQUEST];
}

/**
 * Links the caller's object (one per request: the auth guard makes it) to
 * the request's scope, for {@link inActorScope}.
 */
export function bindActorToRequest(actor: object, request: object): void {
  const scope = requestScopeOf(request);
  if (scope) scopeOfActor.set(actor, scope);
}

/**
 * Runs `fn` with the scope of `actor`'s request as the current one for as
 * long as `fn` runs synchronously: long enough for
 * `TransactionRunner.run(work)`, which takes the scope on its first line, to
 * record the request's entry in the work's transaction.
 *
 * Why: the routes that carry most of the load (custody: media and
 * handovers) are marked `@ActorScoped()` and do not run in the
 * AsyncLocalStorage at all. On Node 20 an enabled storage costs every
 * promise of every request in flight a hook; under a load of writes it
 * never switches off, and it cost handovers about 10 % on its own. Their
 * services hand the caller over instead, which they hold anyway. Nothing
 * after the first `await` in `fn` sees the scope: such a route cannot name
 * an account event, and a second transaction it opens is not its recorded
 * write (its entry is then written after the response, as a read's is).
 */
export function inActorScope<T>(actor: object, fn: () => T): T {
  const scope = scopeOfActor.get(actor);
  if (!scope || lentScope) return fn();
  lentScope = scope;
  try {
    return fn();
  } finally {
    lentScope = undefined;
  }
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

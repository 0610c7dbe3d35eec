import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  Logger,
  type NestInterceptor,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { type AuthenticatedRequest, SECRET_ANSWER_KEY } from '../common/auth/auth.decorators.js';
import { DomainError } from '../common/errors/domain-error.js';
import {
  decideReplay,
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENT_METHODS,
  IDEMPOTENT_REPLAYED_HEADER,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  parseIdempotencyKey,
  requestFingerprint,
} from '../common/http/idempotency-key.rule.js';
import {
  currentRequestScope,
  type RequestScope,
  requestScopeOf,
  runInRequestScope,
} from '../common/http/request-scope.js';
import { Clock } from '../common/time/clock.js';
import type { Actor } from '../modules/identity/roles.js';
import {
  type IdempotencyClaim,
  type IdempotencyRecord,
  IdempotencyStore,
} from './idempotency.store.js';

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * `Idempotency-Key` (IETF httpapi draft "The Idempotency-Key HTTP Header
 * Field") on every authenticated write: POST, PUT, PATCH and DELETE.
 *
 * A request with a key the caller has not used (or whose record expired)
 * runs as usual, and its key is written inside its write's own transaction
 * (IdempotencyStore's commit hook), so that a process killed after the
 * commit still knows the key was used. When the handler returns, its answer
 * (status, and the body exactly as sent) is stored before the response
 * leaves. A later request of the same user with the same key:
 *   - same method, URL and body (fingerprint) → the stored answer, byte for
 *     byte, with `Idempotent-Replayed: true`; nothing is written;
 *   - another method, URL or body → 422 IDEMPOTENCY_KEY_REUSED;
 *   - while the first is still running → 409 IDEMPOTENCY_KEY_IN_PROGRESS;
 *   - after the first committed but its process stopped before the answer
 *     was stored → 409 IDEMPOTENCY_ANSWER_LOST, naming the created resource:
 *     the write is not repeated, and the client reads the resource instead.
 * A request refused with an error stores nothing (a refusal writes nothing
 * durable, so there is no completed operation to report): a retry runs again.
 * Routes without an authenticated caller (login) ignore the header: keys
 * are scoped to the user, and such a request has none.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');
  /** `user \n key` of the keyed requests this process is running. */
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly store: IdempotencyStore,
    private readonly clock: Clock,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (!IDEMPOTENT_METHODS.has(request.method)) return next.handle();
    const header = request.headers[IDEMPOTENCY_KEY_HEADER];
    if (header === undefined || !request.actor) return next.handle();
    // A secret shown once is never stored for a replay (see SecretAnswer).
    if (Reflect.getMetadata(SECRET_ANSWER_KEY, context.getHandler()) === true) return next.handle();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return from(this.handle(context, request, request.actor, header, reply, next));
  }

  private async handle(
    context: ExecutionContext,
    request: AuthenticatedRequest,
    actor: Actor,
    header: string | string[],
    reply: FastifyReply,
    next: CallHandler,
  ): Promise<unknown> {
    const key = parseIdempotencyKey(header);
    if (key === null) {
      throw new DomainError(
        'IDEMPOTENCY_KEY_INVALID',
        `Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters, bare or as a quoted string`,
        { maxLength: MAX_IDEMPOTENCY_KEY_LENGTH },
      );
    }
    const fingerprint = requestFingerprint(request.method, request.url, request.body);
    const inFlightId = `${actor.userId}\n${key}`;
    const known = await this.store.find(actor.userId, key, this.clock.now());
    if (known)
      return this.answerFromRecord(known, fingerprint, this.inFlight.has(inFlightId), reply);
    // Checked and set with no await in between: one request per key and process.
    if (this.inFlight.has(inFlightId)) throw inProgress();
    this.inFlight.add(inFlightId);
    try {
      const handler = context.getHandler();
      const statusCode =
        (Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined) ??
        (request.method === 'POST' ? 201 : 200);
      const claim: IdempotencyClaim = {
        userId: actor.userId,
        key,
        fingerprint,
        method: request.method,
        route: request.routeOptions.url ?? request.url.split('?', 1)[0] ?? '',
      };
      let value: unknown;
      try {
        value = await this.runClaimed(request, actor, claim, statusCode, next);
      } catch (error) {
        // Another instance (or a request this one did not see) recorded the
        // key first; this request's write was rolled back with the refusal:
        // either the key's own (IdempotencyKeyTaken), or a rule that met what
        // the winner wrote (a second medium with its label, say); both are
        // DomainErrors. The answer is the winner's.
        if (!(error instanceof DomainError)) throw error;
        const winner = await this.store.find(actor.userId, key, this.clock.now());
        if (!winner) throw error;
        return this.answerFromRecord(winner, fingerprint, false, reply);
      }
      if (typeof value === 'string' || Buffer.isBuffer(value)) return value;
      const body = value === undefined ? null : JSON.stringify(value);
      try {
        await this.store.storeAnswer(claim, statusCode, body);
      } catch (error) {
        // The write has committed and its key with it: a retry is told the
        // answer was lost rather than repeating the write.
        this.logger.error('an idempotent answer could not be stored', error);
      }
      return send(reply, body);
    } finally {
      this.inFlight.delete(inFlightId);
    }
  }

  /** Runs the handler with the claim on the request's scope (one of its own when the access log is off). */
  private async runClaimed(
    request: AuthenticatedRequest,
    actor: Actor,
    claim: IdempotencyClaim,
    statusCode: number,
    next: CallHandler,
  ): Promise<unknown> {
    const run = (): Promise<unknown> => lastValueFrom(next.handle(), { defaultValue: undefined });
    // The access log's scope: in the async context, or, on an @ActorScoped
    // route (which runs outside it), on the request, from where the service
    // lends it to its transaction through the caller.
    const current = currentRequestScope() ?? requestScopeOf(request);
    const scope = current ?? ownScope(request, actor, claim.route, statusCode);
    this.store.claim(scope, claim);
    try {
      return await (current ? run() : runInRequestScope(scope, run));
    } finally {
      this.store.release(scope);
    }
  }

  private answerFromRecord(
    record: IdempotencyRecord,
    fingerprint: string,
    inFlightHere: boolean,
    reply: FastifyReply,
  ): unknown {
    const decision = decideReplay(
      { ...record, answered: record.statusCode !== null },
      fingerprint,
      inFlightHere,
      this.clock.now(),
    );
    switch (decision.kind) {
      case 'replay':
        void reply.header(IDEMPOTENT_REPLAYED_HEADER, 'true');
        return send(reply, record.responseBody);
      case 'reused':
        throw new DomainError(
          'IDEMPOTENCY_KEY_REUSED',
          'This Idempotency-Key was used with another request (method, URL or body)',
        );
      case 'in_progress':
        throw inProgress();
      case 'answer_lost':
        throw new DomainError(
          'IDEMPOTENCY_ANSWER_LOST',
          'The request under this Idempotency-Key was carried out, but its answer was lost; read the resource instead of retrying',
          { resourceId: record.resourceId, committedAt: record.createdAt.toISOString() },
        );
    }
  }
}

function inProgress(): DomainError {
  return new DomainError(
    'IDEMPOTENCY_KEY_IN_PROGRESS',
    'A request with this Idempotency-Key is being processed; retry when it has answered',
  );
}

/** The body as stored: JSON text sent as is, so that a replay is the same bytes. */
function send(reply: FastifyReply, body: string | null): unknown {
  if (body === null) return undefined;
  void reply.header('content-type', JSON_CONTENT_TYPE);
  return body;
}

/** A request scope for the commit hook when the access log (which opens them) is off. */
function ownScope(
  request: AuthenticatedRequest,
  actor: Actor,
  route: string,
  statusCode: number,
): RequestScope {
  const userAgent = request.headers['user-agent'];
  return {
    requestId: String(request.id),
    method: request.method,
    route,
    clientAddress: request.ip,
    userAgent: typeof userAgent === 'string' ? userAgent : null,
    actor: { userId: actor.userId, organizationId: actor.organizationId, role: actor.role },
    action: null,
    contractId: null,
    resourceId: null,
    expectedStatus: statusCode,
    subject: null,
    // Nothing for the access log to record in this scope: it opened none.
    recorded: true,
  };
}

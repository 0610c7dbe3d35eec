import { HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import {
  type INestApplication,
  Injectable,
  type OnApplicationBootstrap,
  type OnModuleInit,
  RequestMethod,
} from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EntityManager } from 'typeorm';
import {
  ACTOR_SCOPED_KEY,
  type AuthenticatedRequest,
  OWN_ACCOUNT_READ_KEY,
} from '../../common/auth/auth.decorators.js';
import {
  ACCOUNT_EVENTS,
  attachRequestScope,
  type RequestScope,
  runInRequestScope,
  suspendRequestScopes,
} from '../../common/http/request-scope.js';
import { Clock } from '../../common/time/clock.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import { AppConfig } from '../../config/app-config.js';
import { actionName, type AccessLogRecord, storable } from './access-log-chain.rule.js';
import { AccessLogService } from './access-log.service.js';
import { settlesWithin } from '../../common/time/settles-within.js';
import { AccessLogWriter } from './access-log.writer.js';

/** The global prefix createApp sets (`app.setGlobalPrefix('api')`). */
const API_PREFIX = 'api';

const ACCOUNT_EVENT_NAMES: ReadonlySet<string> = new Set(ACCOUNT_EVENTS);

/** What a route is: its handler's name and the status it answers on success. */
interface RouteInfo {
  action: string;
  successStatus: number;
  /** A read of the caller's own account (`@OwnAccountRead`): not recorded unless it is an account event. */
  ownAccountRead: boolean;
  /** The route's write is recorded through its caller (`@ActorScoped`): no async context. */
  actorScoped: boolean;
}

/**
 * What the scope does not carry, kept on it under symbols (a property is
 * cheaper than a WeakMap entry, which the garbage collector must trace):
 * when the request arrived, and the request itself (its actor).
 */
const ARRIVED_AT = Symbol('accessLog.arrivedAt');
const REQUEST = Symbol('accessLog.request');
const SCOPE = Symbol('accessLog.scope');
const IN_CONTEXT = Symbol('accessLog.inContext');
const OWN_ACCOUNT_READ = Symbol('accessLog.ownAccountRead');
const FINISHED = Symbol('accessLog.finished');
const CLOSED_EARLY = Symbol('accessLog.closedEarly');

/**
 * How long a request whose client went away may keep the async context on
 * while its handler has not answered. Only a bound on a leak (the storage
 * costs every promise while on), not a limit on the handler.
 */
const ABANDONED_AFTER_MS = 60_000;

/**
 * PostgreSQL: longest a write's answer waits for its entry's place in the
 * chain (see the onSend hook); a session left idle holding the head would
 * otherwise hold every answer with it.
 */
const LINK_WAIT_MS = 10_000;

/**
 * The status recorded for a response the client stopped reading before its
 * end (nginx's convention): a CSV export dropped at 90 % is still a read.
 */
export const CLIENT_CLOSED_STATUS = 499;

interface CapturedScope extends RequestScope {
  [ARRIVED_AT]: string;
  [REQUEST]: AuthenticatedRequest;
  /** The request runs inside the async context (it may write), and has not finished. */
  [IN_CONTEXT]: boolean;
  /** The route reads only the caller's own account (see {@link OWN_ACCOUNT_READ_KEY}). */
  [OWN_ACCOUNT_READ]: boolean;
  /** The response has been recorded (finished, or closed by the client). */
  [FINISHED]: boolean;
  /** The client closed the connection while the handler may still run (see install). */
  [CLOSED_EARLY]?: boolean;
}

/** Methods that only read: their requests do not run in the async context (see {@link AccessLogCapture}). */
const READ_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

interface CapturedRequest extends FastifyRequest {
  [SCOPE]?: CapturedScope;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const joinPath = (...parts: string[]): string =>
  '/' +
  parts
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter((p) => p.length > 0)
    .join('/');

/**
 * Captures each HTTP request for the access log (アクセスログ).
 *
 * `onRequest` (Fastify has routed by then) opens a {@link RequestScope} with
 * the request id, method, client address (`request.ip`, which honours
 * TRUST_PROXY), user agent, route pattern, contract (`:id` under
 * `/api/contracts/:id`), resource (the route's other parameter) and action
 * (the handler's name, from a table of every route built at start-up, so
 * that a request the auth guard refuses still names what it asked for), and
 * runs the rest of the request inside it (the @fastify/request-context
 * pattern: the scope is entered again in `preValidation`, because the body
 * is parsed in another async context).
 *
 * Only requests that may write (POST, PUT, PATCH, DELETE) run in the async
 * context, and of those not the routes marked `@ActorScoped()`, whose
 * services lend the scope to their transaction through the caller
 * (`inActorScope`). On Node 20 an enabled AsyncLocalStorage installs promise hooks
 * that cost every request about 5 % (a trivial GET), so reads (GET, HEAD)
 * keep their scope on the request alone, and when no writing request is in
 * flight the storage is switched off ({@link suspendRequestScopes}) until the
 * next one. The price: a read's own write (a GET writes nothing today) is not
 * recorded inside its transaction but after the response like any read, and
 * a service cannot note an account event during a GET (none does today; one
 * that must, such as an idle session ended by the auth guard, would need the
 * scope to run in context for that route).
 *
 * A request's write records its entry in the same transaction, through the
 * TransactionRunner's commit hook. Any request with an authenticated caller,
 * or that noted an account event, whose entry did not commit with a write
 * (a read, a refusal) is recorded after the response with its real status,
 * through the writer's buffer.
 */
@Injectable()
export class AccessLogCapture implements OnModuleInit, OnApplicationBootstrap {
  private routes = new Map<string, RouteInfo>();
  /** Requests in flight that run in the async context. */
  private inContext = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly tx: TransactionRunner,
    private readonly writer: AccessLogWriter,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  get enabled(): boolean {
    return this.config.ACCESS_LOG === 'on';
  }

  onModuleInit(): void {
    if (!this.enabled) return;
    this.tx.setCommitHook((manager, scope, result) => this.recordWrite(manager, scope, result));
  }

  onApplicationBootstrap(): void {
    this.routes = this.routeTable();
  }

  /** Registers the Fastify hooks (once, from createApp). */
  install(fastify: FastifyInstance): void {
    if (!this.enabled) return;
    fastify.addHook('onRequest', (request, reply, done) => {
      const scope = this.open(request);
      if (!scope) return done();
      // Fastify's onResponse fires when a response finishes; a client that
      // drops the connection mid-response (a large export read almost to the
      // end) only closes the socket, and must leave an entry all the same.
      reply.raw.once('close', () => {
        if (scope[FINISHED]) return;
        if (!READ_METHODS.has(scope.method) && !reply.raw.writableFinished) {
          // The client went away, but the handler of a write may still be
          // running: leaving the async context now would take its scope away
          // mid-write (its entry, and its Idempotency-Key, would not commit
          // with the write), and a 499 recorded now would stand beside the
          // entry the write commits. It leaves, and is recorded as 499,
          // when its handler answers (onSend, which Fastify runs even for a
          // closed socket), or after ABANDONED_AFTER_MS at the latest.
          this.leaveWhenAnswered(request, scope);
          return;
        }
        this.leave(request);
        this.recordResponse(
          request,
          reply.raw.writableFinished ? reply.statusCode : CLIENT_CLOSED_STATUS,
        );
      });
      if (!scope[IN_CONTEXT]) return done();
      this.inContext++;
      runInRequestScope(scope, done);
    });
    // A body is read in the socket's async context, not the request's: the
    // hooks after it run in the scope again (the @fastify/request-context
    // pattern, with the scope itself instead of an AsyncResource).
    fastify.addHook('preValidation', (request, _reply, done) => {
      const scope = (request as CapturedRequest)[SCOPE];
      if (scope?.[IN_CONTEXT]) runInRequestScope(scope, done);
      else done();
    });
    fastify.addHook('onSend', (request, _reply, payload, done) => {
      const scope = (request as CapturedRequest)[SCOPE];
      if (scope?.[CLOSED_EARLY]) this.settleClosedEarly(request, scope);
      // PostgreSQL: the write's entry committed waiting for its place in the
      // chain; the answer goes once it has one (link never rejects), or after
      // LINK_WAIT_MS at most if the head is held that long (the entry is
      // durable where it waits and is linked on the next try).
      if (scope?.recorded && this.writer.linksAfterCommit) {
        void settlesWithin(this.writer.link(), LINK_WAIT_MS).then(() => done(null, payload));
      } else {
        done(null, payload);
      }
    });
    fastify.addHook('onResponse', (request, reply, done) => {
      this.leave(request);
      this.recordResponse(request, reply.statusCode);
      done();
    });
    fastify.addHook('onRequestAbort', (request, done) => {
      const scope = (request as CapturedRequest)[SCOPE];
      if (scope && !READ_METHODS.has(scope.method)) this.leaveWhenAnswered(request, scope);
      done();
    });
    // The server has stopped and its last requests have answered; the data
    // source closes only after this (in its module's shutdown hook).
    fastify.addHook('onClose', async () => {
      await this.writer.flush();
    });
  }

  /** See the 'close' listener in {@link install}. */
  private leaveWhenAnswered(request: FastifyRequest, scope: CapturedScope): void {
    if (scope[CLOSED_EARLY]) return;
    scope[CLOSED_EARLY] = true;
    setTimeout(() => this.settleClosedEarly(request, scope), ABANDONED_AFTER_MS).unref();
  }

  private settleClosedEarly(request: FastifyRequest, scope: CapturedScope): void {
    if (scope[FINISHED]) return;
    this.leave(request);
    this.recordResponse(request, CLIENT_CLOSED_STATUS);
  }

  /** A request that ran in the async context has finished; with none left, the context is switched off. */
  private leave(request: FastifyRequest): void {
    const scope = (request as CapturedRequest)[SCOPE];
    if (!scope?.[IN_CONTEXT]) return;
    scope[IN_CONTEXT] = false;
    if (--this.inContext === 0) suspendRequestScopes();
  }

  /** The scope of a request as it arrives; none for a read of the caller's own account, which is not recorded. */
  private open(request: FastifyRequest): CapturedScope | null {
    const method = request.method;
    const pattern = request.routeOptions.url;
    const route =
      pattern !== undefined && pattern.length > 1 && pattern.endsWith('/')
        ? pattern.replace(/(.)\/+$/, '$1')
        : (pattern ?? null);
    const info = route === null ? undefined : this.routeInfo(method, route);
    if (info?.ownAccountRead && READ_METHODS.has(method)) return null;
    const params = (request.params ?? {}) as Record<string, unknown>;
    let contractId: string | null = null;
    let resourceId: string | null = null;
    for (const name in params) {
      const value = params[name];
      if (typeof value !== 'string' || value.length === 0) continue;
      if (name === 'id' && route?.startsWith(`/${API_PREFIX}/contracts/:id`) && UUID.test(value)) {
        contractId = value.toLowerCase();
      } else {
        resourceId = value;
      }
    }
    const userAgent = request.headers['user-agent'];
    const scope: CapturedScope = {
      requestId: String(request.id),
      method,
      route,
      clientAddress: request.ip,
      userAgent: typeof userAgent === 'string' ? userAgent : null,
      actor: null,
      action: info?.action ?? null,
      contractId,
      resourceId,
      expectedStatus: info?.successStatus ?? null,
      subject: null,
      recorded: false,
      [ARRIVED_AT]: this.clock.now().toISOString(),
      [REQUEST]: request,
      [IN_CONTEXT]: !READ_METHODS.has(method) && info?.actorScoped !== true,
      [OWN_ACCOUNT_READ]: info?.ownAccountRead === true,
      [FINISHED]: false,
    };
    (request as CapturedRequest)[SCOPE] = scope;
    attachRequestScope(request, scope);
    return scope;
  }

  private async recordWrite(
    manager: EntityManager,
    scope: RequestScope,
    result: unknown,
  ): Promise<boolean> {
    const status = scope.expectedStatus ?? (scope.method === 'POST' ? 201 : 200);
    const record = this.recordOf(scope, status, createdId(scope, status, result));
    if (!record) return false;
    await this.writer.appendForWrite(manager, [record]);
    return true;
  }

  private recordResponse(request: FastifyRequest, statusCode: number): void {
    const scope = (request as CapturedRequest)[SCOPE];
    if (!scope || scope[FINISHED]) return;
    scope[FINISHED] = true;
    if (scope.recorded || scope[OWN_ACCOUNT_READ]) return;
    const record = this.recordOf(scope, statusCode, null);
    if (record) this.writer.buffer(record);
  }

  /**
   * The entry of a request, or null when the access log has nothing to say
   * about it: no authenticated caller and no account event (health, the
   * docs, a bad token).
   */
  recordOf(
    scope: RequestScope,
    statusCode: number,
    createdId: string | null,
  ): AccessLogRecord | null {
    const captured = scope as Partial<CapturedScope>;
    const actor = scope.actor ?? captured[REQUEST]?.actor ?? null;
    const accountEvent = scope.action !== null && ACCOUNT_EVENT_NAMES.has(scope.action);
    if (!actor && !accountEvent) return null;
    const subject = scope.subject;
    // The user is the caller; a login, which has none yet, is about its subject.
    const user = actor
      ? { userId: actor.userId, organizationId: actor.organizationId, role: actor.role }
      : {
          userId: subject?.userId ?? null,
          organizationId: subject?.organizationId ?? null,
          role: subject?.role ?? null,
        };
    const aboutSomeoneElse =
      actor && subject?.userId && subject.userId !== actor.userId ? subject.userId : null;
    const resourceId = scope.resourceId ?? aboutSomeoneElse ?? createdId;
    return {
      recordedAt: captured[ARRIVED_AT] ?? this.clock.now().toISOString(),
      userId: user.userId,
      organizationId: user.organizationId,
      role: user.role,
      loginId: storable(subject?.loginId, 200),
      action: storable(scope.action, 100) ?? `${scope.method} ${scope.route ?? ''}`.slice(0, 100),
      method: storable(scope.method, 10) ?? '',
      route: storable(scope.route, 300) ?? '',
      contractId: scope.contractId,
      resourceId: storable(resourceId, 200),
      statusCode,
      clientAddress: storable(scope.clientAddress, 64) ?? '',
      userAgent: storable(scope.userAgent, 500),
      requestId: storable(scope.requestId, 64) ?? '',
    };
  }

  private routeInfo(method: string, route: string): RouteInfo | undefined {
    return (
      this.routes.get(`${method} ${route}`) ??
      (method === 'HEAD' ? this.routes.get(`GET ${route}`) : undefined)
    );
  }

  /** `METHOD /api/path/:param` → handler name and success status, for every controller method. */
  private routeTable(): Map<string, RouteInfo> {
    const table = new Map<string, RouteInfo>();
    for (const wrapper of this.discovery.getControllers()) {
      const controller = wrapper.metatype as (abstract new (...args: never[]) => unknown) | null;
      if (!controller || typeof controller !== 'function') continue;
      const prototype = controller.prototype as Record<string, unknown>;
      const controllerPaths = asList(Reflect.getMetadata(PATH_METADATA, controller));
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name];
        if (typeof handler !== 'function') continue;
        const requestMethod = Reflect.getMetadata(METHOD_METADATA, handler) as
          RequestMethod | undefined;
        const methodPaths = Reflect.getMetadata(PATH_METADATA, handler) as unknown;
        if (requestMethod === undefined || methodPaths === undefined) continue;
        const verb = RequestMethod[requestMethod];
        const code = Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined;
        const info: RouteInfo = {
          action: actionName(controller.name, name),
          successStatus: code ?? (verb === 'POST' ? 201 : 200),
          ownAccountRead: Reflect.getMetadata(OWN_ACCOUNT_READ_KEY, handler) === true,
          actorScoped: Reflect.getMetadata(ACTOR_SCOPED_KEY, handler) === true,
        };
        for (const c of controllerPaths) {
          for (const m of asList(methodPaths)) {
            table.set(`${verb} ${joinPath(API_PREFIX, c, m)}`, info);
          }
        }
      }
    }
    return table;
  }
}

const asList = (value: unknown): string[] =>
  Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : [''];

/** The id a create answers with: the write's result carries it (`{id}`). */
function createdId(scope: RequestScope, status: number, result: unknown): string | null {
  if (scope.method !== 'POST' || status !== 201) return null;
  if (typeof result !== 'object' || result === null) return null;
  const id = (result as { id?: unknown }).id;
  return typeof id === 'string' ? id : null;
}

/**
 * Registers the access log's hooks on the app's Fastify instance and starts
 * the daily pruning (createApp calls it once, for the API process).
 */
export function installAccessLog(app: INestApplication): void {
  const fastify = (app as NestFastifyApplication).getHttpAdapter().getInstance();
  app.get(AccessLogCapture).install(fastify);
  app.get(AccessLogService).scheduleRetention();
}

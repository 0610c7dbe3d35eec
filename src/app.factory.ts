import { randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import { Logger, type LogLevel as NestLogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type FastifyError, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { AppModule, type AppModuleOptions } from './app.module.js';
import { installAccessLog } from './modules/access-log/access-log.capture.js';
import type { AppConfig } from './config/app-config.js';
import { readTlsOptions } from './config/tls-options.js';
import { sendError } from './common/errors/all-exceptions.filter.js';
import { MAX_BODY_BYTES, MAX_PARAM_LENGTH } from './common/errors/error-response.js';
import { registerAuthRateLimit } from './common/http/auth-rate-limit.js';
import { createLogger, PinoNestLogger } from './common/logging/logger.js';
import type { AuthenticatedRequest } from './common/auth/auth.decorators.js';
import { answerClientError } from './common/http/client-error.js';
import { buildApiDocument } from './openapi/api-document.js';
import { installJsonBodyParser } from './common/http/json-body-parser.js';
import {
  apiHelmetOptions,
  docsHelmetOptions,
  earlySecurityHeaders,
  framedPdfHelmetOptions,
  isDocsRoute,
  isFramedPdfRoute,
  NO_STORE_HEADERS,
} from './common/http/security-headers.js';
import { trustProxyOption } from './common/http/trust-proxy.rule.js';
import { Metrics } from './modules/metrics/metrics.js';
import {
  isImmutableAsset,
  isWebRoute,
  serveWebApp,
  webHelmetOptions,
} from './common/http/web-app.js';

export interface CreateAppOptions extends AppModuleOptions {
  /** Where the JSON log goes (standard output by default, pretty on a terminal). */
  logStream?: Writable;
  /** Levels of the framework's own log (start-up, errors); from LOG_LEVEL by default. */
  frameworkLogLevels?: NestLogLevel[];
}

const NEST_LEVELS: Record<AppConfig['LOG_LEVEL'], NestLogLevel[]> = {
  fatal: ['fatal'],
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  trace: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
  silent: [],
};

/**
 * One line per request, when its answer is sent (Fastify writes two, the
 * second without method or path): what was asked (the route's pattern,
 * never the path with its ids and labels, nor the query), by whom, the
 * answer and its time; the request id comes with the request's logger.
 */
class RequestLineController extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const line = {
      method: request.method,
      route: request.routeOptions.url ?? null,
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 10) / 10,
      userId: (request as AuthenticatedRequest).actor?.userId ?? null,
      remoteAddress: request.ip,
    };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}

/**
 * Builds the HTTP application (not yet listening): Fastify with a 256 kB body
 * limit and a JSON request log, the `/api` prefix, validation, the error
 * format and the OpenAPI document at `/api/docs`; HTTPS (TLS 1.2 or newer)
 * when TLS_CERT_FILE and TLS_KEY_FILE are set, the client address from the
 * proxies TRUST_PROXY names, security headers (helmet) and `no-store` on
 * every response, and Fastify's and Node's own refusals in the error shape.
 * Throws a ConfigError naming the variable when a TLS file is unusable.
 */
export async function createApp(options: CreateAppOptions): Promise<NestFastifyApplication> {
  const { config } = options;
  const tls = readTlsOptions(config);
  const earlyHeaders = earlySecurityHeaders(Boolean(tls));
  const logger = createLogger({
    level: config.LOG_LEVEL,
    format: config.LOG_FORMAT,
    ...(options.logStream ? { stream: options.logStream } : {}),
  });
  const errorLogger = new Logger('Errors');
  const adapter = new FastifyAdapter({
    ...(tls ? { https: tls } : {}),
    trustProxy: trustProxyOption(config.TRUST_PROXY),
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // The router refuses a malformed URL (400) or an over-long path segment
    // (414) before any hook runs, so neither helmet nor the onSend hook below
    // sees the answer: it gets their headers here.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      void reply.headers({ ...earlyHeaders, 'x-request-id': String(request.id) });
      sendError(reply, request, error, errorLogger);
    },
    // Node refuses what it cannot parse (431, 408, 400) before Fastify sees it.
    clientErrorHandler: (error, socket) => answerClientError(error, socket, earlyHeaders),
    bodyLimit: MAX_BODY_BYTES,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(given)
        ? given
        : randomUUID();
    },
    // One logger for the process, and one line per request (written below,
    // when the answer is sent) instead of Fastify's two.
    loggerInstance: logger,
    logController: new RequestLineController(),
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(options),
    adapter,
    {
      logger: new PinoNestLogger(
        logger,
        options.frameworkLogLevels ?? NEST_LEVELS[config.LOG_LEVEL],
      ),
      abortOnError: false,
      // Fastify's own JSON parser (with prototype-poisoning protection) is the
      // only one: the API speaks application/json and nothing else.
      bodyParser: false,
    },
  );
  app.setGlobalPrefix('api');
  app.enableShutdownHooks();

  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeContentTypeParser('text/plain');
  // JSON bodies nested deeper than any request needs are refused at parsing.
  installJsonBodyParser(fastify);
  // The Swagger UI's routes get its own Content-Security-Policy; added before
  // helmet so that helmet's own onRoute hook finds the route option.
  fastify.addHook('onRoute', (route) => {
    if (isDocsRoute(route.url)) route.helmet = docsHelmetOptions();
    else if (isWebRoute(route.url)) route.helmet = webHelmetOptions();
    else if (isFramedPdfRoute(route.url)) route.helmet = framedPdfHelmetOptions();
  });
  await app.register(fastifyHelmet, apiHelmetOptions(Boolean(tls)));
  // The web app's session cookie (HttpOnly, SameSite=Strict; see browser-session.ts).
  await app.register(fastifyCookie);
  // Who read or changed what, when and from where (アクセスログ): before the
  // rate limit, so that the requests it refuses are recorded too.
  installAccessLog(app);
  await registerAuthRateLimit(app, config);
  // Prometheus (METRICS=on): every answered request by its route pattern.
  const metrics = app.get(Metrics);
  if (metrics.enabled) {
    fastify.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      metrics.httpRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    });
  }
  fastify.addHook('onSend', async (request, reply, payload) => {
    void reply.header('x-request-id', String(request.id));
    // The Swagger UI's static files (no data) keep @fastify/static's caching.
    const route = request.routeOptions.url;
    if (route !== undefined && isImmutableAsset(route) && reply.statusCode === 200) {
      void reply.header('cache-control', 'public, max-age=31536000, immutable');
    } else if (!(route !== undefined && isDocsRoute(route) && route.endsWith('*'))) {
      void reply.headers(NO_STORE_HEADERS);
    }
    return payload;
  });

  const document = buildApiDocument(app);
  SwaggerModule.setup('api/docs', app, document, {
    jsonDocumentUrl: 'api/docs/openapi.json',
    // No badge from validator.swagger.io: the page loads nothing from elsewhere.
    swaggerOptions: { validatorUrl: null },
  });
  await serveWebApp(app, config.WEB_DIR);
  return app;
}

import { randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import { ConsoleLogger, type LogLevel as NestLogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule, type AppModuleOptions } from './app.module.js';
import type { AppConfig } from './config/app-config.js';
import { MAX_BODY_BYTES } from './common/errors/error-response.js';

export interface CreateAppOptions extends AppModuleOptions {
  /** Where the JSON request log goes (standard output by default). */
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

/** Paths whose values never reach the log, whatever a serializer adds later. */
const REDACTED = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.body',
  'req.body.password',
  'res.headers["set-cookie"]',
];

/**
 * Builds the HTTP application (not yet listening): Fastify with a 256 kB body
 * limit and a JSON request log, the `/api` prefix, validation, the error
 * format and the OpenAPI document at `/api/docs`.
 */
export async function createApp(options: CreateAppOptions): Promise<NestFastifyApplication> {
  const { config } = options;
  const adapter = new FastifyAdapter({
    bodyLimit: MAX_BODY_BYTES,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(given)
        ? given
        : randomUUID();
    },
    logger: {
      level: config.LOG_LEVEL,
      redact: { paths: REDACTED, censor: '[redacted]' },
      ...(options.logStream ? { stream: options.logStream } : {}),
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(options),
    adapter,
    {
      logger: new ConsoleLogger({
        json: true,
        logLevels: options.frameworkLogLevels ?? NEST_LEVELS[config.LOG_LEVEL],
      }),
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
  fastify.addHook('onSend', async (request, reply, payload) => {
    void reply.header('x-request-id', String(request.id));
    return payload;
  });

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('kanribo')
      .setDescription(
        'Chain of custody (管理簿) of personal-data media handed between a ward and its contractors.',
      )
      .setVersion('1')
      .addBearerAuth({
        type: 'http',
        scheme: 'bearer',
        description: 'Token from POST /api/auth/login',
      })
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/openapi.json' });
  return app;
}

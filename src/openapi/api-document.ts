import { STATUS_CODES } from 'node:http';
import type { INestApplication, Type } from '@nestjs/common';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { ApiExtension, DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ERROR_STATUS, type ErrorCode } from '../common/errors/error-codes.js';
import { documentIdempotencyKey } from '../common/http/idempotency-key.rule.js';
import {
  ALLOW_MFA_ENROLLMENT_KEY,
  ALLOW_TEMPORARY_PASSWORD_KEY,
  MFA_VERIFICATION_KEY,
  PUBLIC_KEY,
  ROLES_KEY,
} from '../common/auth/auth.decorators.js';
import { guardRefusals } from '../modules/identity/auth.guard.js';
import type { Role } from '../modules/identity/roles.js';

const ERROR_CODES_EXTENSION = 'x-error-codes';
const ERROR_SCHEMA = 'ErrorResponse';
const documents = new WeakMap<INestApplication, OpenAPIObject>();

/**
 * The error codes an operation answers with besides those every operation of
 * its kind shares (see `commonErrorCodes`): the refusals of its own rules.
 */
export const ApiErrors = (...codes: ErrorCode[]): MethodDecorator =>
  ApiExtension(ERROR_CODES_EXTENSION, codes);

/** A route's handler and controller, by the operationId Swagger gives it. */
type Handlers = Map<string, { handler: () => unknown; controller: Type<unknown> }>;

function routeHandlers(app: INestApplication): Handlers {
  const handlers: Handlers = new Map();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type<unknown> | null;
      if (!controller) continue;
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (name !== 'constructor' && typeof handler === 'function') {
          handlers.set(`${controller.name}_${name}`, {
            handler: handler as () => unknown,
            controller,
          });
        }
      }
    }
  }
  return handlers;
}

/** The refusals of the authentication guard for one operation, from its route's metadata. */
function guardCodes(
  reflector: Reflector,
  route: { handler: () => unknown; controller: Type<unknown> },
  method: string,
): ErrorCode[] {
  const targets = [route.handler, route.controller];
  const flag = (key: string): boolean =>
    reflector.getAllAndOverride<boolean>(key, targets) === true;
  const roles = reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
  return guardRefusals({
    public: flag(PUBLIC_KEY),
    ...(roles ? { roles } : {}),
    allowTemporaryPassword: flag(ALLOW_TEMPORARY_PASSWORD_KEY),
    allowMfaEnrollment: flag(ALLOW_MFA_ENROLLMENT_KEY),
    mfaVerification: flag(MFA_VERIFICATION_KEY),
    safeMethod: method === 'get',
  });
}

interface Operation {
  operationId?: string;
  security?: unknown[];
  parameters?: Array<{ in?: string; name?: string }>;
  requestBody?: unknown;
  responses: Record<string, ResponseObject>;
  [ERROR_CODES_EXTENSION]?: ErrorCode[];
}

interface ResponseObject {
  description?: string;
  content?: Record<string, { schema?: SchemaObject }>;
}

interface SchemaObject {
  $ref?: string;
  allOf?: SchemaObject[];
  properties?: Record<string, SchemaObject>;
  enum?: unknown[];
}

/**
 * The codes an operation can meet because of what it is, whatever it does:
 * a route behind a login refuses a missing or expired session; a body can be
 * malformed, too large or of another type; a key in the path may name nothing
 * the caller may see; an Idempotency-Key can be reused; anything can fail.
 */
function commonErrorCodes(operation: Operation, path: string): ErrorCode[] {
  const codes: ErrorCode[] = ['INTERNAL_ERROR'];
  const parameters = operation.parameters ?? [];
  if (operation.security?.length) codes.push('UNAUTHENTICATED');
  // The per-address limit of the login routes (AUTH_RATE_LIMIT_PER_MINUTE).
  if (path.startsWith('/api/auth/')) codes.push('TOO_MANY_REQUESTS');
  if (operation.requestBody) {
    codes.push(
      'VALIDATION_FAILED',
      'MALFORMED_JSON',
      'UNSUPPORTED_MEDIA_TYPE',
      'PAYLOAD_TOO_LARGE',
    );
  }
  if (parameters.some((parameter) => parameter.in === 'query')) codes.push('VALIDATION_FAILED');
  // A key in the path is validated (a malformed id is 400) and may name nothing.
  if (parameters.some((parameter) => parameter.in === 'path')) {
    codes.push('VALIDATION_FAILED', 'NOT_FOUND');
  }
  if (parameters.some((parameter) => parameter.name === 'Idempotency-Key')) {
    codes.push(
      'IDEMPOTENCY_KEY_INVALID',
      'IDEMPOTENCY_KEY_REUSED',
      'IDEMPOTENCY_KEY_IN_PROGRESS',
      'IDEMPOTENCY_ANSWER_LOST',
    );
  }
  return codes;
}

/**
 * Documents every error answer of every operation (in place): one response
 * per status, whose schema is the error shape with `code` narrowed to the
 * codes of that status, and whose description lists them.
 */
export function documentErrors(document: OpenAPIObject, app?: INestApplication): void {
  const handlers = app ? routeHandlers(app) : (new Map() as Handlers);
  const reflector = app?.get(Reflector);
  document.components ??= {};
  document.components.schemas ??= {};
  document.components.schemas[ERROR_SCHEMA] = {
    type: 'object',
    description: 'Every refusal and failure: branch on `code`; `details` says more for some codes.',
    required: ['statusCode', 'code', 'message', 'details'],
    properties: {
      statusCode: { type: 'integer', example: 404 },
      code: { type: 'string', enum: Object.keys(ERROR_STATUS), example: 'NOT_FOUND' },
      message: { type: 'string', example: 'contract not found' },
      details: { type: 'object', additionalProperties: true },
    },
  };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item) as Array<[string, Operation]>) {
      if (typeof operation !== 'object' || operation === null || !('responses' in operation)) {
        continue;
      }
      const route = operation.operationId ? handlers.get(operation.operationId) : undefined;
      const codes = new Set([
        ...commonErrorCodes(operation, path),
        ...(route && reflector ? guardCodes(reflector, route, method) : []),
        ...(operation[ERROR_CODES_EXTENSION] ?? []),
      ]);
      delete operation[ERROR_CODES_EXTENSION];
      const byStatus = new Map<number, ErrorCode[]>();
      for (const code of codes) {
        const status = ERROR_STATUS[code];
        byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
      }
      for (const [status, statusCodes] of [...byStatus].sort(([a], [b]) => a - b)) {
        // A route that answers this status with a body of its own (health's
        // 503 is its report, not an error) keeps what its controller declared.
        if (operation.responses[String(status)]?.content) continue;
        operation.responses[String(status)] = {
          description: `${STATUS_CODES[status] ?? 'Error'}: ${statusCodes.join(', ')}`,
          content: {
            'application/json': {
              schema: {
                allOf: [
                  { $ref: `#/components/schemas/${ERROR_SCHEMA}` },
                  { properties: { code: { enum: statusCodes } } },
                ],
              },
            },
          },
        };
      }
    }
  }
}

/** The error codes a documented response promises (empty for a success). */
export function documentedErrorCodes(_document: OpenAPIObject, response: unknown): string[] {
  const schema = (response as ResponseObject).content?.['application/json']?.schema;
  const narrowed = schema?.allOf?.find((part) => part.properties?.code?.enum);
  return (narrowed?.properties?.code?.enum ?? []) as string[];
}

/** Builds the service's OpenAPI document from its controllers, with what they cannot say. */
export function buildApiDocument(app: INestApplication): OpenAPIObject {
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
  documentIdempotencyKey(document);
  documentErrors(document, app);
  documents.set(app, document);
  return document;
}

/** The document `buildApiDocument` made for an application. */
export function apiDocumentOf(app: INestApplication): OpenAPIObject | undefined {
  return documents.get(app);
}

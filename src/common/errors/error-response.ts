import { maxHeaderSize, STATUS_CODES } from 'node:http';
import { HttpException } from '@nestjs/common';
import { DomainError } from './domain-error.js';
import { ERROR_STATUS, type ErrorCode } from './error-codes.js';

export interface ErrorBody {
  statusCode: number;
  code: ErrorCode;
  message: string;
  details: Record<string, unknown>;
}

/** What Fastify attaches to errors it raises itself (body parsing, limits). */
interface FrameworkError {
  statusCode?: number;
  code?: string;
  message?: string;
}

const STATUS_CODES_TO_ERROR: Partial<Record<number, ErrorCode>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN_ROLE',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  408: 'REQUEST_TIMEOUT',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'TOO_MANY_REQUESTS',
  431: 'HEADERS_TOO_LARGE',
  503: 'SERVICE_UNAVAILABLE',
};

/** The code of a 4xx status outside the table is BAD_REQUEST, keeping the status. */
function codeOfStatus(status: number): ErrorCode {
  return STATUS_CODES_TO_ERROR[status] ?? 'BAD_REQUEST';
}

function body(code: ErrorCode, message: string, details: Record<string, unknown> = {}): ErrorBody {
  return { statusCode: ERROR_STATUS[code], code, message, details };
}

/**
 * Maps anything thrown while serving a request to the API's error shape.
 * Returns `undefined` for an error that is not the caller's fault: the caller
 * of this function answers those with a generic 500 and logs the cause.
 */
export function toErrorBody(error: unknown): ErrorBody | undefined {
  if (error instanceof DomainError) return body(error.code, error.message, error.details);

  if (error instanceof HttpException) {
    // Nest wraps Fastify's own errors (body parsing, limits); read the original.
    if (error.cause !== undefined && !(error.cause instanceof HttpException)) {
      const inner = toErrorBody(error.cause);
      if (inner) return inner;
    }
    const status = error.getStatus();
    if (status === 404) return body('NOT_FOUND', 'No such resource');
    if ((status < 400 || status >= 500) && status !== 503) return undefined;
    return { ...body(codeOfStatus(status), httpExceptionMessage(error)), statusCode: status };
  }

  const framework = (typeof error === 'object' && error !== null ? error : {}) as FrameworkError;
  const fcode = typeof framework.code === 'string' ? framework.code : '';
  if (fcode === 'FST_ERR_CTP_BODY_TOO_LARGE' || framework.statusCode === 413) {
    return body('PAYLOAD_TOO_LARGE', 'The request body is larger than the service accepts', {
      limitBytes: MAX_BODY_BYTES,
    });
  }
  if (fcode === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || framework.statusCode === 415) {
    return body('UNSUPPORTED_MEDIA_TYPE', 'Request bodies must be application/json');
  }
  if (fcode === 'FST_ERR_CTP_EMPTY_JSON_BODY' || fcode === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return body('MALFORMED_JSON', 'The request body is not valid JSON');
  }
  // The router's own refusals; their messages would echo the whole URL back.
  if (fcode === 'FST_ERR_MAX_PARAM_LENGTH' || framework.statusCode === 414) {
    return body('URI_TOO_LONG', `A path segment is longer than ${MAX_PARAM_LENGTH} characters`, {
      maxParamLength: MAX_PARAM_LENGTH,
    });
  }
  if (fcode === 'FST_ERR_BAD_URL') {
    return body('BAD_REQUEST', 'The URL is not valid (malformed percent-encoding)');
  }
  if (
    typeof framework.statusCode === 'number' &&
    framework.statusCode >= 400 &&
    framework.statusCode < 500
  ) {
    return {
      ...body(codeOfStatus(framework.statusCode), framework.message ?? 'Bad request'),
      statusCode: framework.statusCode,
    };
  }
  return undefined;
}

/**
 * The message Nest's own exceptions carry (`new BadRequestException('…')`),
 * but only the status text when the exception wraps an Error, whose message
 * may hold internals.
 */
function httpExceptionMessage(error: HttpException): string {
  const response = error.getResponse();
  if (typeof response === 'string') return response;
  if (typeof response === 'object' && response !== null && !(response instanceof Error)) {
    const message = (response as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  }
  return STATUS_CODES[error.getStatus()] ?? 'Bad request';
}

/**
 * The body of a request Node's HTTP parser refused before Fastify saw it
 * (the `clientError` event: no request, no reply, only the socket).
 */
export function clientErrorBody(nodeErrorCode: string): ErrorBody {
  if (nodeErrorCode === 'HPE_HEADER_OVERFLOW') {
    // Node's limit covers the request line too: an over-long URL ends here.
    return body(
      'HEADERS_TOO_LARGE',
      'The request line and headers are larger than the service accepts',
      { limitBytes: maxHeaderSize },
    );
  }
  if (nodeErrorCode === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return body('REQUEST_TIMEOUT', 'The request did not arrive in time');
  }
  return body('BAD_REQUEST', 'The request is not valid HTTP');
}

/** Largest accepted request body: 256 kB. */
export const MAX_BODY_BYTES = 256 * 1024;

/** Longest path parameter the router accepts (ids are 36-character UUIDs). */
export const MAX_PARAM_LENGTH = 100;

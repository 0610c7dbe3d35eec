import {
  BadRequestException,
  ForbiddenException,
  HttpException,
  HttpStatus,
  NotFoundException,
  PayloadTooLargeException,
  UnauthorizedException,
} from '@nestjs/common';
import { DomainError } from './domain-error.js';
import { ERROR_STATUS } from './error-codes.js';
import {
  clientErrorBody,
  MAX_BODY_BYTES,
  MAX_PARAM_LENGTH,
  toErrorBody,
} from './error-response.js';

/** An error shaped like those @fastify/error creates. */
function fastifyError(code: string, statusCode: number, message = `${code} happened`): Error {
  return Object.assign(new Error(message), { name: 'FastifyError', code, statusCode });
}

/** What the Fastify adapter of Nest turns a 4xx FastifyError into. */
function wrapped(cause: Error & { statusCode?: number }): HttpException {
  return new HttpException(cause.message, cause.statusCode ?? 500, { cause });
}

describe('toErrorBody', () => {
  describe('DomainError', () => {
    it('answers its status, code, message and details', () => {
      const error = new DomainError('CONTRACT_CLOSED', 'The contract is closed', {
        contractId: 'c-1',
      });
      expect(toErrorBody(error)).toEqual({
        statusCode: 409,
        code: 'CONTRACT_CLOSED',
        message: 'The contract is closed',
        details: { contractId: 'c-1' },
      });
    });

    it('answers empty details when none were given', () => {
      expect(toErrorBody(new DomainError('INVALID_PERIOD', 'Ends before it starts'))).toEqual({
        statusCode: 422,
        code: 'INVALID_PERIOD',
        message: 'Ends before it starts',
        details: {},
      });
    });

    it.each(Object.entries(ERROR_STATUS))('maps %s to %i', (code, status) => {
      const body = toErrorBody(new DomainError(code as keyof typeof ERROR_STATUS, 'm'));
      expect(body?.statusCode).toBe(status);
      expect(body?.code).toBe(code);
    });

    it('is found inside an HttpException that wraps it', () => {
      const inner = new DomainError('NOT_CONTRACT_WARD', 'Not your ward', { wardId: 'w' });
      const body = toErrorBody(new HttpException('wrapped', 500, { cause: inner }));
      expect(body).toEqual({
        statusCode: 403,
        code: 'NOT_CONTRACT_WARD',
        message: 'Not your ward',
        details: { wardId: 'w' },
      });
    });
  });

  describe('Nest HttpException', () => {
    it('maps NotFoundException to 404 NOT_FOUND without echoing the path', () => {
      const body = toErrorBody(new NotFoundException('Cannot GET /api/secret-route'));
      expect(body).toEqual({
        statusCode: 404,
        code: 'NOT_FOUND',
        message: 'No such resource',
        details: {},
      });
    });

    it('maps a bare NotFoundException to 404 NOT_FOUND', () => {
      expect(toErrorBody(new NotFoundException())).toMatchObject({
        statusCode: 404,
        code: 'NOT_FOUND',
      });
    });

    it.each([
      [new BadRequestException('bad'), 400, 'BAD_REQUEST'],
      [new UnauthorizedException(), 401, 'UNAUTHENTICATED'],
      [new ForbiddenException(), 403, 'FORBIDDEN_ROLE'],
      [
        new HttpException('Method Not Allowed', HttpStatus.METHOD_NOT_ALLOWED),
        405,
        'METHOD_NOT_ALLOWED',
      ],
      [new PayloadTooLargeException(), 413, 'PAYLOAD_TOO_LARGE'],
      [
        new HttpException('Unsupported', HttpStatus.UNSUPPORTED_MEDIA_TYPE),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      [new HttpException('Down', HttpStatus.SERVICE_UNAVAILABLE), 503, 'SERVICE_UNAVAILABLE'],
    ])('maps %p to %i %s', (error, status, code) => {
      const body = toErrorBody(error);
      expect(body).toMatchObject({ statusCode: status, code, details: {} });
    });

    it('keeps the message of a mapped HttpException', () => {
      expect(toErrorBody(new BadRequestException('Validation failed (uuid is expected)'))).toEqual({
        statusCode: 400,
        code: 'BAD_REQUEST',
        message: 'Validation failed (uuid is expected)',
        details: {},
      });
    });

    it('leaves an internal-server-error HttpException to the caller (500)', () => {
      expect(
        toErrorBody(new HttpException('boom', HttpStatus.INTERNAL_SERVER_ERROR)),
      ).toBeUndefined();
    });

    it('falls back to the status when the cause is not a known error', () => {
      const body = toErrorBody(
        new BadRequestException('bad', { cause: new Error('internal detail') }),
      );
      expect(body).toMatchObject({ statusCode: 400, code: 'BAD_REQUEST', message: 'bad' });
    });

    it('does not recurse into a cause that is itself an HttpException', () => {
      const body = toErrorBody(new NotFoundException('outer', { cause: new ForbiddenException() }));
      expect(body).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
    });
  });

  describe('Fastify errors wrapped by Nest', () => {
    it('maps an invalid JSON body to 400 MALFORMED_JSON', () => {
      const cause = fastifyError(
        'FST_ERR_CTP_INVALID_JSON_BODY',
        400,
        "Body is not valid JSON but content-type is set to 'application/json'",
      );
      expect(toErrorBody(wrapped(cause))).toEqual({
        statusCode: 400,
        code: 'MALFORMED_JSON',
        message: 'The request body is not valid JSON',
        details: {},
      });
    });

    it('maps a plain-object Fastify-style cause too', () => {
      const cause = {
        name: 'FastifyError',
        code: 'FST_ERR_CTP_INVALID_JSON_BODY',
        statusCode: 400,
      };
      const error = new HttpException('Bad Request', 400, { cause });
      expect(toErrorBody(error)).toMatchObject({ statusCode: 400, code: 'MALFORMED_JSON' });
    });

    it('maps an empty JSON body to 400 MALFORMED_JSON', () => {
      const cause = fastifyError('FST_ERR_CTP_EMPTY_JSON_BODY', 400);
      expect(toErrorBody(wrapped(cause))).toMatchObject({
        statusCode: 400,
        code: 'MALFORMED_JSON',
      });
    });

    it('maps a body that is too large to 413 PAYLOAD_TOO_LARGE with the limit', () => {
      const cause = fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413, 'Request body is too large');
      expect(toErrorBody(wrapped(cause))).toEqual({
        statusCode: 413,
        code: 'PAYLOAD_TOO_LARGE',
        message: 'The request body is larger than the service accepts',
        details: { limitBytes: MAX_BODY_BYTES },
      });
      expect(MAX_BODY_BYTES).toBe(256 * 1024);
    });

    it('maps an unsupported media type to 415 UNSUPPORTED_MEDIA_TYPE', () => {
      const cause = fastifyError(
        'FST_ERR_CTP_INVALID_MEDIA_TYPE',
        415,
        'Unsupported Media Type: text/plain',
      );
      expect(toErrorBody(wrapped(cause))).toMatchObject({
        statusCode: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
      });
    });

    it('maps another 4xx Fastify error to its status', () => {
      const cause = fastifyError(
        'FST_ERR_CTP_INVALID_CONTENT_LENGTH',
        400,
        'Request body size did not match Content-Length',
      );
      expect(toErrorBody(wrapped(cause))).toEqual({
        statusCode: 400,
        code: 'BAD_REQUEST',
        message: 'Request body size did not match Content-Length',
        details: {},
      });
    });
  });

  describe('unwrapped framework errors', () => {
    it('maps a Fastify body-too-large error by its code', () => {
      expect(toErrorBody(fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413))).toMatchObject({
        statusCode: 413,
        code: 'PAYLOAD_TOO_LARGE',
      });
    });

    it('leaves a SyntaxError from service code to the 500 answer', () => {
      let syntaxError: unknown;
      try {
        JSON.parse('{"a":');
      } catch (error) {
        syntaxError = error;
      }
      expect(toErrorBody(syntaxError)).toBeUndefined();
    });

    it('maps a framework 4xx outside the table to BAD_REQUEST, keeping the status', () => {
      expect(toErrorBody({ statusCode: 406, message: 'Not Acceptable' })).toMatchObject({
        statusCode: 406,
        code: 'BAD_REQUEST',
      });
    });

    it("maps the router's over-long path segment to 414 URI_TOO_LONG without echoing it", () => {
      const path = `/api/contracts/${'a'.repeat(500)}`;
      const body = toErrorBody(
        fastifyError(
          'FST_ERR_MAX_PARAM_LENGTH',
          414,
          `'${path}' is exceeding the max param length`,
        ),
      );
      expect(body).toEqual({
        statusCode: 414,
        code: 'URI_TOO_LONG',
        message: `A path segment is longer than ${MAX_PARAM_LENGTH} characters`,
        details: { maxParamLength: MAX_PARAM_LENGTH },
      });
      expect(JSON.stringify(body)).not.toContain('aaaa');
    });

    it("maps the router's malformed URL to 400 BAD_REQUEST without echoing it", () => {
      const body = toErrorBody(
        fastifyError('FST_ERR_BAD_URL', 400, "'/api/%E0%A4%A' is not a valid url component"),
      );
      expect(body).toEqual({
        statusCode: 400,
        code: 'BAD_REQUEST',
        message: 'The URL is not valid (malformed percent-encoding)',
        details: {},
      });
    });

    it.each([
      [408, 'REQUEST_TIMEOUT'],
      [414, 'URI_TOO_LONG'],
      [431, 'HEADERS_TOO_LARGE'],
    ])('maps a framework %i to %s', (status, code) => {
      expect(toErrorBody({ statusCode: status, message: 'x' })).toMatchObject({
        statusCode: status,
        code,
      });
    });

    it('maps a 404 framework error to NOT_FOUND', () => {
      expect(toErrorBody({ statusCode: 404, message: 'Route not found' })).toMatchObject({
        statusCode: 404,
        code: 'NOT_FOUND',
      });
    });
  });

  describe("errors that are not the caller's fault", () => {
    it.each([
      ['a plain Error', new Error('database exploded')],
      ['a TypeError', new TypeError('x is undefined')],
      [
        'an error with a non-HTTP code',
        Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }),
      ],
      ['a 5xx Fastify error', fastifyError('FST_ERR_HANDLER_TIMEOUT', 503)],
      ['a string', 'something went wrong'],
      ['null', null],
      ['undefined', undefined],
      ['a number', 42],
      ['an empty object', {}],
    ])('answers undefined for %s', (_label, error) => {
      expect(toErrorBody(error)).toBeUndefined();
    });
  });
});

describe('toErrorBody keeps internals out of messages', () => {
  it('answers only the status text for an HttpException wrapping an Error', () => {
    const body = toErrorBody(new HttpException(new Error('internal db detail'), 400));
    expect(body).toMatchObject({ statusCode: 400, code: 'BAD_REQUEST', message: 'Bad Request' });
    expect(JSON.stringify(body)).not.toContain('internal db detail');
  });

  it.each([
    [409, 'CONFLICT'],
    [422, 'UNPROCESSABLE'],
    [429, 'TOO_MANY_REQUESTS'],
    [418, 'BAD_REQUEST'],
  ])('maps an HttpException with status %i to %s, not to a 500', (status, code) => {
    expect(toErrorBody(new HttpException('x', status))).toMatchObject({ statusCode: status, code });
  });
});

describe('clientErrorBody (what Node refused before Fastify saw it)', () => {
  it('maps a header overflow, over-long request line included, to 431 HEADERS_TOO_LARGE', () => {
    expect(clientErrorBody('HPE_HEADER_OVERFLOW')).toEqual({
      statusCode: 431,
      code: 'HEADERS_TOO_LARGE',
      message: 'The request line and headers are larger than the service accepts',
      details: { limitBytes: expect.any(Number) },
    });
  });

  it('maps a request that came too slowly to 408 REQUEST_TIMEOUT', () => {
    expect(clientErrorBody('ERR_HTTP_REQUEST_TIMEOUT')).toMatchObject({
      statusCode: 408,
      code: 'REQUEST_TIMEOUT',
    });
  });

  it.each(['HPE_INVALID_METHOD', 'HPE_INVALID_HEADER_TOKEN', ''])(
    'maps %p to 400 BAD_REQUEST',
    (code) => {
      expect(clientErrorBody(code)).toEqual({
        statusCode: 400,
        code: 'BAD_REQUEST',
        message: 'The request is not valid HTTP',
        details: {},
      });
    },
  );
});

import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toErrorBody } from './error-response.js';

/**
 * The last word on every error: a known one becomes
 * `{statusCode, code, message, details}`; anything else is logged with the
 * request id and answered with a generic 500 that carries that id and nothing
 * of the cause.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    void sendError(reply, request, exception, this.logger);
  }
}

export function sendError(
  reply: FastifyReply,
  request: FastifyRequest,
  exception: unknown,
  logger: Pick<Logger, 'error'>,
): FastifyReply {
  const known = toErrorBody(exception);
  if (known) {
    // A 429 says when to come back (a locked login id, the per-address limit).
    const retryAfter = known.details.retryAfterSeconds;
    if (known.statusCode === 429 && typeof retryAfter === 'number') {
      void reply.header('retry-after', String(retryAfter));
    }
    return reply.status(known.statusCode).send(known);
  }
  const correlationId = String(request.id);
  logger.error(
    `unhandled error on ${request.method} ${request.routeOptions?.url ?? request.url} [${correlationId}]`,
    exception instanceof Error ? exception.stack : String(exception),
  );
  return reply.status(500).send({
    statusCode: 500,
    code: 'INTERNAL_ERROR',
    message: 'An unexpected error occurred; quote the correlation id when reporting it',
    details: { correlationId },
  });
}

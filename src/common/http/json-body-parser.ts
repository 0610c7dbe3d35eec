import type { FastifyInstance } from 'fastify';
import { DomainError } from '../errors/domain-error.js';

/**
 * The deepest nesting of objects and arrays a request body may have. The
 * deepest body the API takes is three levels (a certificate's
 * `scope.dataItems`); the bound is far above that, and far below the depth
 * at which recursive code (the validation pipe's string check,
 * class-transformer, class-validator, canonical JSON) runs out of stack: a
 * body of 10,000 nested arrays used to answer 500 (`RangeError`).
 */
export const MAX_JSON_DEPTH = 32;

/**
 * Whether JSON text nests objects and arrays deeper than `limit`: one pass
 * over the text, skipping strings, without building anything. Malformed text
 * is left to the parser (unless it is too deep already).
 */
export function jsonNestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > limit) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    }
  }
  return false;
}

/**
 * Replaces Fastify's `application/json` parser by the same parser (prototype
 * and constructor poisoning refused) behind a nesting bound, so that no code
 * after the parser (hooks, guards, interceptors, pipes, services) ever sees a
 * body deeper than {@link MAX_JSON_DEPTH}: `400 VALIDATION_FAILED`.
 */
export function installJsonBodyParser(fastify: FastifyInstance): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (jsonNestsDeeperThan(text, MAX_JSON_DEPTH)) {
      done(
        new DomainError(
          'VALIDATION_FAILED',
          `The request body nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels`,
          { fields: [], maxDepth: MAX_JSON_DEPTH },
        ),
        undefined,
      );
      return;
    }
    void parse(request, text, done);
  });
}

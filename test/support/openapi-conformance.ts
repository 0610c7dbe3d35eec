import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { apiDocumentOf, documentedErrorCodes } from '../../src/openapi/api-document.js';

/** One kind of answer the application gave: an operation, a status, an error code. */
export interface ObservedAnswer {
  method: string;
  /** The route's pattern as Fastify knows it (`/api/contracts/:id`). */
  route: string;
  status: number;
  code?: string;
}

/** `/api/contracts/:id/media` as OpenAPI writes it: `/api/contracts/{id}/media`. */
export function openApiPath(route: string): string {
  return route.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/**
 * Watches every answer an application gives during a test file, so that the
 * file's end can check each against the OpenAPI document: the e2e suites,
 * which exercise refusals on purpose, double as the proof that the document
 * lists every status and error code a client can meet.
 */
export class ResponseRecorder {
  private readonly seen = new Map<string, ObservedAnswer>();

  constructor(private readonly app: NestFastifyApplication) {
    const fastify = app.getHttpAdapter().getInstance();
    fastify.addHook('onSend', async (request, reply, payload) => {
      const route = request.routeOptions.url;
      if (route === undefined || !route.startsWith('/api/')) return payload;
      const answer: ObservedAnswer = {
        method: request.method === 'HEAD' ? 'GET' : request.method,
        route,
        status: reply.statusCode,
      };
      if (reply.statusCode >= 400 && typeof payload === 'string') {
        try {
          const code = (JSON.parse(payload) as { code?: unknown }).code;
          if (typeof code === 'string') answer.code = code;
        } catch {
          // not JSON: the status alone is checked
        }
      }
      this.seen.set(`${answer.method} ${route} ${answer.status} ${answer.code ?? ''}`, answer);
      return payload;
    });
  }

  get answers(): ObservedAnswer[] {
    return [...this.seen.values()];
  }

  /**
   * The answers the document does not describe, one line each. With
   * OPENAPI_RECORD_DIR set, every answer is written there instead (one JSON
   * line each), to survey a whole run.
   */
  undocumented(): string[] {
    const recordDir = process.env.OPENAPI_RECORD_DIR;
    if (recordDir) {
      mkdirSync(recordDir, { recursive: true });
      const lines = this.answers.map((answer) => JSON.stringify(answer) + '\n').join('');
      appendFileSync(join(recordDir, `${process.pid}.jsonl`), lines);
      return [];
    }
    const document = apiDocumentOf(this.app);
    if (!document) return [];
    const problems: string[] = [];
    for (const answer of this.answers) {
      const item = document.paths[openApiPath(answer.route)] as
        Record<string, { responses?: Record<string, unknown> }> | undefined;
      const operation = item?.[answer.method.toLowerCase()];
      // Routes outside the document (the docs themselves, metrics) are not promised.
      if (!operation) continue;
      const response = operation.responses?.[String(answer.status)];
      const what = `${answer.method} ${answer.route} → ${answer.status}${answer.code ? ` ${answer.code}` : ''}`;
      if (!response) {
        problems.push(`${what}: status not documented`);
      } else if (answer.code && !documentedErrorCodes(document, response).includes(answer.code)) {
        problems.push(`${what}: code not documented`);
      }
    }
    return problems.sort();
  }
}

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { apiTypesOf } from '../../scripts/api-types.js';
import { StrictValidationPipe } from '../../src/common/http/validation.pipe.js';
import { ERROR_STATUS } from '../../src/common/errors/error-codes.js';
import { registeredBodyExamples } from '../../src/openapi/api-json-body.js';
import { documentedErrorCodes } from '../../src/openapi/api-document.js';
import { TestApp } from '../support/test-app.js';

/**
 * The OpenAPI document is what a client is generated from, so it must say,
 * for every operation: what it does, an example of its body, what it answers
 * on success (status and content type) and every error code it can refuse
 * with. This file checks the document's completeness and generates a client
 * from it; every other e2e file checks, as its app closes, that each answer it
 * received is one the document describes (test/support/openapi-conformance.ts).
 */

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: { type?: string; enum?: unknown[]; format?: string };
}
interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: Parameter[];
  requestBody?: {
    content?: Record<string, { examples?: Record<string, { value: unknown }>; example?: unknown }>;
  };
  responses: Record<string, { description?: string; content?: Record<string, unknown> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

function operations(document: Document): Array<{ method: string; path: string; op: Operation }> {
  const out: Array<{ method: string; path: string; op: Operation }> = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (op) out.push({ method, path, op });
    }
  }
  return out;
}

describe('the OpenAPI document', () => {
  let t: TestApp;
  let document: Document;

  beforeAll(async () => {
    t = await TestApp.start();
    document = (await t.get<Document>('/api/docs/openapi.json')).body;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('describes every operation: summary, description, tag, a success status', () => {
    const all = operations(document);
    expect(all.length).toBeGreaterThan(100);
    const missing: string[] = [];
    for (const { method, path, op } of all) {
      const name = `${method.toUpperCase()} ${path}`;
      if (!op.summary?.trim()) missing.push(`${name}: summary`);
      if (!op.description?.trim()) missing.push(`${name}: description`);
      if (!op.tags?.length) missing.push(`${name}: tag`);
      const successes = Object.keys(op.responses).filter((status) => /^2\d\d$/.test(status));
      if (successes.length !== 1) missing.push(`${name}: one success status (${successes.join()})`);
      for (const status of successes) {
        const response = op.responses[status]!;
        if (!response.description?.trim()) missing.push(`${name}: ${status} description`);
        if (status !== '204' && !response.content) missing.push(`${name}: ${status} content type`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('gives every request body an example, and every example passes validation', async () => {
    const missing: string[] = [];
    for (const { method, path, op } of operations(document)) {
      if (!op.requestBody) continue;
      const json = op.requestBody.content?.['application/json'];
      if (!json || (!json.example && Object.keys(json.examples ?? {}).length === 0)) {
        missing.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(missing).toEqual([]);

    const pipe = new StrictValidationPipe();
    const examples = registeredBodyExamples();
    expect(examples.length).toBeGreaterThan(40);
    const refused: string[] = [];
    for (const example of examples) {
      try {
        await pipe.transform(structuredClone(example.value), {
          type: 'body',
          metatype: example.dto,
        });
      } catch (error) {
        const details = (error as { details?: unknown }).details;
        refused.push(`${example.where} ${example.name}: ${JSON.stringify(details)}`);
      }
    }
    expect(refused).toEqual([]);
  });

  it('documents the errors of every operation with their codes, each at its own status', () => {
    const problems: string[] = [];
    const known = ERROR_STATUS as Record<string, number>;
    for (const { method, path, op } of operations(document)) {
      const name = `${method.toUpperCase()} ${path}`;
      const errors = Object.keys(op.responses).filter((status) => Number(status) >= 400);
      // Only a public route without input (the health probes) cannot be refused.
      const takesInput = Boolean(op.requestBody) || (op.parameters ?? []).length > 0;
      const refusable = takesInput || Boolean((op as { security?: unknown[] }).security?.length);
      if (refusable && !errors.some((status) => Number(status) < 500)) {
        problems.push(`${name}: no 4xx`);
      }
      if (errors.length === 0) problems.push(`${name}: no error response`);
      for (const status of errors) {
        const codes = documentedErrorCodes(document as never, op.responses[status]);
        // A status answered with the route's own body (health's 503) has no codes.
        const ownBody = !JSON.stringify(op.responses[status]).includes('ErrorResponse');
        if (ownBody && op.responses[status]!.content && op.responses[status]!.description) continue;
        if (codes.length === 0) problems.push(`${name} ${status}: no codes`);
        for (const code of codes) {
          if (known[code] !== Number(status)) problems.push(`${name} ${status}: ${code}`);
        }
        if (!codes.every((code) => op.responses[status]!.description?.includes(code))) {
          problems.push(`${name} ${status}: description does not list the codes`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('gives a generated TypeScript client that type-checks a call of each operation', async () => {
    // In node_modules/.cache so that `openapi-fetch` resolves from the repository.
    const cache = resolve('node_modules/.cache');
    mkdirSync(cache, { recursive: true });
    const dir = mkdtempSync(join(cache, 'kanribo-openapi-client-'));
    try {
      writeFileSync(join(dir, 'schema.d.ts'), await apiTypesOf(document));
      const calls = operations(document).map(({ method, path, op }) => {
        const params: string[] = [];
        const inPath = (op.parameters ?? []).filter((p) => p.in === 'path');
        if (inPath.length > 0) {
          params.push(`path: { ${inPath.map((p) => `${p.name}: ${sample(p)}`).join(', ')} }`);
        }
        const query = (op.parameters ?? []).filter((p) => p.in === 'query' && p.required);
        if (query.length > 0) {
          params.push(`query: { ${query.map((p) => `${p.name}: ${sample(p)}`).join(', ')} }`);
        }
        const init: string[] = [];
        if (params.length > 0) init.push(`params: { ${params.join(', ')} }`);
        const json = op.requestBody?.content?.['application/json'];
        if (json) {
          const value = json.example ?? Object.values(json.examples ?? {})[0]?.value;
          init.push(`body: ${JSON.stringify(value)}`);
        }
        const args = init.length > 0 ? `, { ${init.join(', ')} }` : '';
        return `  void client.${method.toUpperCase()}(${JSON.stringify(path)}${args});`;
      });
      writeFileSync(
        join(dir, 'calls.ts'),
        [
          `import createClient from 'openapi-fetch';`,
          `import type { paths } from './schema.js';`,
          `const client = createClient<paths>({ baseUrl: 'http://127.0.0.1:3000' });`,
          `export function callEach(): void {`,
          ...calls,
          `}`,
          '',
        ].join('\n'),
      );
      expect(calls.length).toBeGreaterThan(100);
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            noEmit: true,
            strict: true,
            exactOptionalPropertyTypes: true,
            skipLibCheck: true,
            target: 'es2022',
            module: 'nodenext',
            moduleResolution: 'nodenext',
          },
          files: ['calls.ts'],
        }),
      );
      const tsc = resolve('node_modules/typescript/bin/tsc');
      try {
        execFileSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { stdio: 'pipe' });
      } catch (error) {
        throw new Error(
          `the generated client does not type-check:\n${String((error as { stdout?: Buffer }).stdout)}`,
          { cause: error },
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A value of a parameter's type, as TypeScript source. */
function sample(parameter: Parameter): string {
  const schema = parameter.schema ?? {};
  if (schema.enum?.length) return JSON.stringify(schema.enum[0]);
  if (schema.type === 'integer' || schema.type === 'number') return '1';
  if (schema.type === 'boolean') return 'true';
  return JSON.stringify(schema.format === 'uuid' ? '00000000-0000-4000-8000-000000000000' : 'x');
}

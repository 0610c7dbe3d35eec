import { randomUUID } from 'node:crypto';
import { sql, snapshotProjections } from '../support/ledger-kit.js';
import { type SampleTable, writeSamples } from '../support/request-samples.js';
import { TestApp } from '../support/test-app.js';

/**
 * Bad input, endpoint by endpoint, from the OpenAPI document the app serves
 * (so a new endpoint is fuzzed without touching this file): each field of a
 * valid body replaced in turn by every JSON type its schema does not allow,
 * removed when required, emptied when the schema says empty is refused, and
 * nested deeply; every query parameter given out-of-range numbers or twice.
 * Each must answer 4xx (400 VALIDATION_FAILED naming the field, where
 * validation can name one), never 5xx or 2xx, and write nothing.
 */

type Schema = Record<string, any>;
interface Operation {
  method: string;
  path: string;
  key: string;
  op: Schema;
}

/** Tables every request writes to (the access log), left out of "nothing written". */
const WRITTEN_BY_EVERY_REQUEST = new Set(['access_log_entries', 'access_log_head']);

/** Text of `depth` nested arrays (or objects), built as text: JSON.stringify would recurse. */
const deepArray = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
const deepObject = (depth: number): string => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

const PLACEHOLDER = 'fuzz-placeholder-7f3a';

describe('input fuzz: wrong types, missing, empty and deep values, out-of-range queries', () => {
  let t: TestApp;
  let doc: Schema;
  let samples: SampleTable;
  let readers: string[];
  let tables: string[];
  let countQuery: string;

  beforeAll(async () => {
    t = await TestApp.start();
    ({ samples, readers } = await writeSamples(t));
    const response = await t.get('/api/docs/openapi.json');
    if (response.status !== 200) throw new Error(`OpenAPI document: ${response.status}`);
    doc = response.body;
    tables = t.dataSource.entityMetadatas
      .map((m) => m.tableName)
      .filter((name) => !WRITTEN_BY_EVERY_REQUEST.has(name))
      .sort();
    countQuery = `SELECT ${tables.map((n) => `(SELECT COUNT(*) FROM "${n}") AS "${n}"`).join(', ')}`;
  });
  afterAll(() => t.close());

  const operations = (): Operation[] =>
    Object.entries(doc.paths as Record<string, Record<string, Schema>>).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        key: `${method.toUpperCase()} ${path}`,
        op,
      })),
    );
  const writes = (): Operation[] => operations().filter((o) => o.method !== 'GET');

  /** A schema with its $ref / single allOf resolved, keeping the property's own keys (nullable). */
  function resolve(schema: Schema): Schema {
    const { $ref, allOf, ...own } = schema;
    if (typeof $ref === 'string') {
      return { ...resolve(doc.components.schemas[$ref.split('/').pop()!]), ...own };
    }
    if (Array.isArray(allOf) && allOf.length === 1) return { ...resolve(allOf[0]), ...own };
    return schema;
  }

  function kindOf(schema: Schema): string {
    if (schema.type) return schema.type as string;
    if (schema.properties || schema.additionalProperties) return 'object';
    if (schema.enum) return typeof schema.enum[0];
    return 'unknown';
  }

  const bodySchema = (op: Schema): Schema | undefined => {
    const schema = op.requestBody?.content?.['application/json']?.schema;
    return schema ? resolve(schema) : undefined;
  };

  async function counts(): Promise<Record<string, number>> {
    const [row] = await sql<Record<string, number | string>>(t, countQuery);
    return Object.fromEntries(tables.map((n) => [n, Number(row![n])]));
  }

  async function everyRow(): Promise<string> {
    const out: Record<string, unknown> = { projections: await snapshotProjections(t) };
    for (const table of ['users', 'webhooks', 'deletion_certificates', 'contracts']) {
      out[table] = await sql(t, `SELECT * FROM "${table}" ORDER BY 1`);
    }
    return JSON.stringify(out);
  }

  /** Sends a body given as text (the placeholder replaced), and what it wrote. */
  async function send(
    method: string,
    path: string,
    token: string,
    rawBody?: string,
  ): Promise<{ status: number; code?: string; fields: string[]; wrote: string[] }> {
    const before = await counts();
    const response = await t.request(method, path, { token: token || undefined, rawBody });
    const after = await counts();
    const wrote = tables.filter((n) => after[n] !== before[n]);
    const body = typeof response.body === 'object' && response.body !== null ? response.body : {};
    const fields = ((body.details?.fields ?? []) as Array<{ field: string }>).map((f) => f.field);
    return { status: response.status, code: body.code, fields, wrote };
  }

  /** The field named, or one inside it, or the array it is an element of. */
  const names = (fields: string[], path: string): boolean =>
    fields.some(
      (f) =>
        f === path ||
        f.startsWith(`${path}.`) ||
        f.startsWith(`${path}[`) ||
        path.startsWith(`${f}.`) ||
        path.startsWith(`${f}[`),
    );

  interface Mutation {
    label: string;
    path: string;
    /** The body as text, or a function of the value to put at `path`. */
    raw: string;
    /** Validation can name the field (a too-deep body is refused before it is read). */
    named: boolean;
    /** The schema allows the value (`null` where nullable): any answer but 5xx. */
    allowed?: boolean;
  }

  /** The body with the value at `path` (a list of keys) replaced, removed (`undefined`) or set to the placeholder. */
  function withValue(body: unknown, keys: Array<string | number>, value: unknown): unknown {
    if (keys.length === 0) return value;
    const [head, ...rest] = keys;
    const copy: any = Array.isArray(body) ? [...body] : { ...(body as object) };
    const next = withValue(copy[head!], rest, value);
    if (next === undefined) delete copy[head!];
    else copy[head!] = next;
    return copy;
  }

  const pathText = (keys: Array<string | number>): string =>
    keys.reduce<string>(
      (text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${key}` : key),
      '',
    );

  /** What may be sent where an instance of `schema` is expected, by JSON kind. */
  const WRONG: Array<[string, (sample: unknown) => unknown, (s: Schema) => boolean]> = [
    ['an array', () => ['x'], (s) => kindOf(s) === 'array'],
    ['an object', () => ({ x: 'x' }), (s) => kindOf(s) === 'object'],
    ['null', () => null, (s) => s.nullable === true],
    ['a number', () => 7, (s) => ['number', 'integer'].includes(kindOf(s))],
    ['a string', () => 'x', (s) => kindOf(s) === 'string'],
    ['a boolean', () => true, (s) => kindOf(s) === 'boolean'],
    ['an empty array', () => [], (s) => kindOf(s) === 'array'],
    [
      'an array of objects',
      (sample) => [typeof sample === 'object' && sample !== null ? sample : { x: 1 }],
      (s) =>
        kindOf(s) === 'array' && ['object', 'unknown'].includes(kindOf(resolve(s.items ?? {}))),
    ],
  ];

  const emptyIsRefused = (s: Schema): boolean =>
    kindOf(s) === 'string' &&
    ((s.minLength ?? 0) > 0 ||
      (Array.isArray(s.enum) && !s.enum.includes('')) ||
      ['uuid', 'date', 'date-time', 'uri'].includes(s.format) ||
      (typeof s.pattern === 'string' && !new RegExp(s.pattern).test('')));

  /** Every mutation of one body, field by field, nested fields and first array elements included. */
  function mutations(body: Record<string, unknown>, schema: Schema): Mutation[] {
    const out: Mutation[] = [];
    const put = (keys: Array<string | number>, value: unknown): string =>
      JSON.stringify(withValue(body, keys, value));
    const visit = (
      keys: Array<string | number>,
      raw: Schema,
      sample: unknown,
      required: boolean,
    ) => {
      const s = resolve(raw);
      const path = pathText(keys);
      for (const [label, make, allowed] of WRONG) {
        if (!allowed(s)) out.push({ label, path, raw: put(keys, make(sample)), named: true });
      }
      if (s.nullable === true) {
        out.push({
          label: 'null (allowed)',
          path,
          raw: put(keys, null),
          named: false,
          allowed: true,
        });
      }
      if (required && typeof keys[keys.length - 1] === 'string') {
        out.push({ label: 'missing', path, raw: put(keys, undefined), named: true });
      }
      if (emptyIsRefused(s)) out.push({ label: 'empty', path, raw: put(keys, ''), named: true });
      if (kindOf(s) === 'integer' || kindOf(s) === 'number') {
        out.push({ label: '1.5', path, raw: put(keys, 1.5), named: true });
        if (typeof s.maximum === 'number') {
          out.push({ label: 'above maximum', path, raw: put(keys, s.maximum + 1), named: true });
        }
        if (typeof s.minimum === 'number') {
          out.push({ label: 'below minimum', path, raw: put(keys, s.minimum - 1), named: true });
        }
      }
      // Nested 20 deep: within any parser bound, so validation must refuse it by name.
      out.push({
        label: 'nested 20 deep',
        path,
        raw: put(keys, JSON.parse(deepArray(20))),
        named: true,
      });
      for (const deep of [deepArray(10_000), deepObject(10_000)]) {
        const raw = put(keys, PLACEHOLDER).replace(`"${PLACEHOLDER}"`, deep);
        out.push({ label: 'nested 10,000 deep', path, raw, named: false });
      }
      if (kindOf(s) === 'object' && s.properties) {
        const inner = (sample ?? {}) as Record<string, unknown>;
        for (const [name, prop] of Object.entries(s.properties as Record<string, Schema>)) {
          visit([...keys, name], prop, inner[name], (s.required ?? []).includes(name));
        }
      }
      if (kindOf(s) === 'object' && s.additionalProperties && typeof sample === 'object') {
        for (const [name, value] of Object.entries(sample as object)) {
          visit([...keys, name], s.additionalProperties, value, false);
        }
      }
      if (kindOf(s) === 'array' && Array.isArray(sample) && sample.length > 0 && s.items) {
        visit([...keys, 0], s.items, sample[0], false);
      }
    };
    for (const [name, prop] of Object.entries(
      (schema.properties ?? {}) as Record<string, Schema>,
    )) {
      visit([name], prop, body[name], (schema.required ?? []).includes(name));
    }
    return out;
  }

  it('has a valid sample for every endpoint that takes a body', () => {
    const withBody = writes().filter((o) => bodySchema(o.op));
    expect(withBody.length).toBeGreaterThan(15);
    expect(withBody.map((o) => o.key).filter((key) => !samples[key]?.body)).toEqual([]);
  });

  it('says, for every text field of a request, whether it may be empty, and bounds every integer', () => {
    const undocumented: string[] = [];
    for (const { key, op } of writes()) {
      const schema = bodySchema(op);
      if (!schema) continue;
      const check = (path: string, raw: Schema) => {
        const s = resolve(raw);
        if (
          kindOf(s) === 'string' &&
          s.minLength === undefined &&
          !s.enum &&
          !s.pattern &&
          !['uuid', 'date', 'date-time', 'uri'].includes(s.format)
        ) {
          undocumented.push(`${key} ${path}: minLength`);
        }
        if (
          ['integer', 'number'].includes(kindOf(s)) &&
          (s.minimum === undefined || s.maximum === undefined)
        ) {
          undocumented.push(`${key} ${path}: minimum/maximum`);
        }
        for (const [name, prop] of Object.entries((s.properties ?? {}) as Record<string, Schema>)) {
          check(`${path}.${name}`, prop);
        }
      };
      check('(body)', schema);
    }
    expect(undocumented).toEqual([]);
  });

  it('refuses every wrong type, missing field, empty text and deep nesting in every body, writing nothing', async () => {
    const problems: string[] = [];
    let sent = 0;
    for (const { key, method, op } of writes()) {
      const schema = bodySchema(op);
      const sample = samples[key];
      if (!schema || !sample?.body) continue;
      const rows = await everyRow();
      let accepted = false;
      for (const m of mutations(sample.body, schema)) {
        const r = await send(method, sample.path, sample.token, m.raw);
        sent++;
        if (m.allowed) {
          accepted ||= r.status < 400;
          if (r.status >= 500 || (r.status >= 400 && r.wrote.length > 0)) {
            problems.push(`${key} ${m.path} = ${m.label}: ${r.status} ${r.code ?? ''}`);
          }
          continue;
        }
        const refused =
          r.status === 400 &&
          r.code === 'VALIDATION_FAILED' &&
          (!m.named || names(r.fields, m.path));
        if (!refused || r.wrote.length > 0) {
          problems.push(
            `${key} ${m.path} = ${m.label}: ${r.status} ${r.code ?? ''} [${r.fields.join(', ')}]` +
              (r.wrote.length ? ` wrote ${r.wrote.join(', ')}` : ''),
          );
        }
      }
      if (!accepted && (await everyRow()) !== rows) problems.push(`${key}: rows changed`);
    }
    expect(sent).toBeGreaterThan(500);
    expect(problems).toEqual([]);
  });

  it('refuses a deeply nested body on every write endpoint, body or not', async () => {
    const problems: string[] = [];
    for (const { key, method, path } of writes()) {
      const target =
        samples[key]?.path ??
        path.replace(/\{(\w+)\}/g, () =>
          path.startsWith('/api/contracts/') ? contractId() : randomUUID(),
        );
      const token = samples[key]?.token ?? '';
      for (const raw of [deepArray(10_000), `{"x":${deepObject(10_000)}}`]) {
        const r = await send(method, target, token, raw);
        if (r.status !== 400 || r.code !== 'VALIDATION_FAILED' || r.wrote.length > 0) {
          problems.push(`${key}: ${r.status} ${r.code ?? ''} ${r.wrote.join(', ')}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  const contractId = (): string => samples['POST /api/contracts/{id}/media']!.path.split('/')[3]!;

  it('refuses out-of-range numbers and repeated parameters in every query', async () => {
    const problems: string[] = [];
    let fuzzed = 0;
    for (const { key, method, path, op } of operations()) {
      const query = ((op.parameters ?? []) as Schema[]).filter((p) => p.in === 'query');
      if (method !== 'GET' || query.length === 0) continue;
      const target = path.replace(/\{(\w+)\}/g, (_m, name: string) =>
        name === 'seq'
          ? '1'
          : name === 'id' && path.startsWith('/api/contracts/')
            ? contractId()
            : orgOrUser(path),
      );
      // Required parameters (a proof's seq, say) take a valid value, 1, while another is fuzzed.
      const required = query.filter((p) => p.required).map((p) => `${p.name}=1`);
      const withRequired = (...more: string[]) =>
        [
          ...required.filter((r) => !more.some((m) => m.split('=')[0] === r.split('=')[0])),
          ...more,
        ].join('&');
      // Whoever may read it: the first caller the plain request answers 200.
      let token: string | undefined;
      for (const candidate of readers) {
        const plain = required.length ? `${target}?${withRequired()}` : target;
        if ((await t.get(plain, candidate)).status === 200) {
          token = candidate;
          break;
        }
      }
      if (!token) {
        problems.push(`${key}: no caller reads ${target}`);
        continue;
      }
      for (const p of query) {
        const s = resolve(p.schema ?? {});
        const values: string[] = [`${p.name}=a&${p.name}=b`];
        if (['integer', 'number'].includes(kindOf(s))) {
          for (const v of ['1e20', '-1', '1.5', 'abc', '', '0x10', '99999999999999999999']) {
            values.push(`${p.name}=${encodeURIComponent(v)}`);
          }
          if (typeof s.maximum === 'number') values.push(`${p.name}=${s.maximum + 1}`);
          else problems.push(`${key} ${p.name}: no documented maximum`);
          if (typeof s.minimum === 'number') values.push(`${p.name}=${s.minimum - 1}`);
        }
        for (const value of values) {
          const q = withRequired(value);
          const r = await send('GET', `${target}?${q}`, token);
          fuzzed++;
          if (r.status !== 400 || r.code !== 'VALIDATION_FAILED' || !names(r.fields, p.name)) {
            problems.push(`${key}?${q}: ${r.status} ${r.code ?? ''} [${r.fields.join(', ')}]`);
          }
        }
      }
    }
    expect(fuzzed).toBeGreaterThan(30);
    expect(problems).toEqual([]);
  });

  const orgOrUser = (path: string): string =>
    path.startsWith('/api/organizations/')
      ? samples['PUT /api/organizations/{id}/webhook']!.path.split('/')[3]!
      : randomUUID();

  it('takes every sample body past validation (so that each refusal above is about its field)', async () => {
    const problems: string[] = [];
    for (const [key, sample] of Object.entries(samples)) {
      const method = key.split(' ')[0]!;
      const r = await t.request(method, sample.path, {
        token: sample.token || undefined,
        body: sample.body,
      });
      if (r.status >= 500 || r.body?.code === 'VALIDATION_FAILED') {
        problems.push(`${key}: ${r.status} ${r.text.slice(0, 300)}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

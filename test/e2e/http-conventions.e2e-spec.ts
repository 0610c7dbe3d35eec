import { aWorld, type World } from '../factories/identity.factory.js';
import { TestApp } from '../support/test-app.js';

describe('HTTP conventions', () => {
  let t: TestApp;
  let w: World;

  beforeAll(async () => {
    t = await TestApp.start();
    w = await aWorld(t);
  });
  afterAll(() => t.close());

  const expectErrorShape = (body: Record<string, unknown>, statusCode: number, code: string) => {
    expect(body).toEqual({
      statusCode,
      code,
      message: expect.any(String),
      details: expect.any(Object),
    });
  };

  it('answers malformed JSON with 400 MALFORMED_JSON and writes nothing', async () => {
    const before = await t.count('contracts');
    const response = await t.request('POST', '/api/contracts', {
      token: w.officerA.token,
      rawBody: '{"title": "unterminated',
    });
    expect(response.status).toBe(400);
    expectErrorShape(response.body, 400, 'MALFORMED_JSON');
    expect(await t.count('contracts')).toBe(before);
  });

  it('answers an empty JSON body with 400, not 500', async () => {
    const response = await t.request('POST', '/api/auth/login', { rawBody: '' });
    expect(response.status).toBe(400);
    expect(['MALFORMED_JSON', 'VALIDATION_FAILED']).toContain(response.body.code);
  });

  it('answers a body over 256 kB with 413 PAYLOAD_TOO_LARGE', async () => {
    const big = JSON.stringify({ title: 'x'.repeat(256 * 1024), dataItems: [] });
    const response = await t.request('POST', '/api/contracts', {
      token: w.officerA.token,
      rawBody: big,
    });
    expect(response.status).toBe(413);
    expectErrorShape(response.body, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('accepts a body just under the limit (and validates it)', async () => {
    const body = JSON.stringify({ loginId: 'a', password: 'b', pad: 'x'.repeat(200 * 1024) });
    const response = await t.request('POST', '/api/auth/login', { rawBody: body });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
  });

  it('refuses a JSON array or a string where an object is expected', async () => {
    for (const rawBody of ['[]', '"text"', '42', 'null']) {
      const response = await t.request('POST', '/api/auth/login', { rawBody });
      expect(response.status).toBe(400);
      expect(response.body.code).toMatch(/^(VALIDATION_FAILED|MALFORMED_JSON)$/);
    }
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/xml'])(
    'refuses a %s body with 415 UNSUPPORTED_MEDIA_TYPE',
    async (contentType) => {
      const response = await t.request('POST', '/api/auth/login', {
        rawBody: 'loginId=a&password=b',
        headers: { 'content-type': contentType },
      });
      expect(response.status).toBe(415);
      expectErrorShape(response.body, 415, 'UNSUPPORTED_MEDIA_TYPE');
    },
  );

  it('refuses a prototype-poisoning body', async () => {
    const response = await t.request('POST', '/api/auth/login', {
      rawBody: '{"loginId":"a","password":"b","__proto__":{"isAdmin":true}}',
    });
    expect(response.status).toBe(400);
    expect(typeof response.body.code).toBe('string');
  });

  it('answers an unknown route with the error shape and 404', async () => {
    const response = await t.get('/api/no-such-thing', w.officerA.token);
    expect(response.status).toBe(404);
    expectErrorShape(response.body, 404, 'NOT_FOUND');
  });

  it('refuses unknown query parameters', async () => {
    const response = await t.get('/api/organizations?kind=ward&sort=name', w.admin.token);
    expect(response.status).toBe(400);
    expect(response.body.details.fields.map((f: { field: string }) => f.field)).toEqual(['sort']);
  });

  it('tags each response with a request id, and keeps a sane one given by the caller', async () => {
    const generated = await t.get('/api/health');
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const given = await t.request('GET', '/api/health', {
      headers: { 'x-request-id': 'trace-123' },
    });
    expect(given.headers.get('x-request-id')).toBe('trace-123');
  });

  it('reports health without a token', async () => {
    const response = await t.get('/api/health');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: 'ok',
      database: { status: 'up', kind: t.database.kind },
    });
  });

  it('reports the database down with 503', async () => {
    const other = await TestApp.start();
    try {
      await other.dataSource.destroy();
      const response = await other.get('/api/health');
      expect(response.status).toBe(503);
      expect(response.body).toMatchObject({ status: 'down', database: { status: 'down' } });
    } finally {
      await other.app.close().catch(() => undefined);
      await other.database.drop();
    }
  });

  describe('the OpenAPI document', () => {
    const endpoints = [
      ['get', '/api/health'],
      ['post', '/api/auth/login'],
      ['post', '/api/auth/logout'],
      ['get', '/api/auth/me'],
      ['post', '/api/auth/password'],
      ['post', '/api/organizations'],
      ['get', '/api/organizations'],
      ['get', '/api/organizations/{id}'],
      ['post', '/api/users'],
      ['get', '/api/users'],
      ['post', '/api/contracts'],
      ['get', '/api/contracts'],
      ['get', '/api/contracts/{id}'],
      ['post', '/api/contracts/{id}/roster'],
      ['get', '/api/contracts/{id}/roster'],
      ['delete', '/api/contracts/{id}/roster/{entryId}'],
      ['post', '/api/contracts/{id}/media'],
      ['get', '/api/contracts/{id}/media'],
      ['get', '/api/contracts/{id}/media/{mediumId}'],
      ['post', '/api/contracts/{id}/media/{mediumId}/store'],
      ['post', '/api/contracts/{id}/handovers'],
      ['get', '/api/contracts/{id}/handovers'],
      ['post', '/api/contracts/{id}/handovers/{handoverId}/receive'],
      ['post', '/api/contracts/{id}/incidents'],
      ['get', '/api/contracts/{id}/incidents'],
      ['get', '/api/contracts/{id}/ledger'],
      ['get', '/api/contracts/{id}/ledger/verify'],
      ['get', '/api/contracts/{id}/ledger/export.csv'],
      ['get', '/api/contracts/{id}/ledger/export.xlsx'],
      ['post', '/api/contracts/{id}/deletion-certificates'],
      ['get', '/api/contracts/{id}/deletion-certificates'],
      ['post', '/api/contracts/{id}/deletion-certificates/{certId}/confirm'],
      ['post', '/api/contracts/{id}/deletion-certificates/{certId}/reject'],
      ['get', '/api/contracts/{id}/outstanding'],
      ['post', '/api/contracts/{id}/close'],
      ['post', '/api/organizations/{id}/certificates'],
      ['get', '/api/organizations/{id}/certificates'],
      ['get', '/api/contracts/{id}/deletion-certificates/{certId}.pdf'],
      ['post', '/api/contracts/{id}/audits'],
      ['get', '/api/contracts/{id}/audits'],
      ['get', '/api/audits/status'],
      ['get', '/api/work'],
    ] as const;

    it('lists every endpoint with its request schema', async () => {
      const response = await t.get('/api/docs/openapi.json');
      expect(response.status).toBe(200);
      const doc = response.body;
      for (const [method, path] of endpoints) {
        expect({ path, method, present: Boolean(doc.paths[path]?.[method]) }).toEqual({
          path,
          method,
          present: true,
        });
      }
      const createContract = doc.components.schemas.CreateContractRequest;
      expect(Object.keys(createContract.properties)).toEqual(
        expect.arrayContaining([
          'title',
          'contractorOrganizationId',
          'subcontractorOrganizationIds',
          'startsOn',
          'endsOn',
          'dataItems',
          'subjectCount',
          'handoverPolicy',
          'auditPolicy',
        ]),
      );
      expect(doc.components.securitySchemes.bearer).toMatchObject({ scheme: 'bearer' });
    });

    it('serves the interactive UI', async () => {
      const response = await t.get('/api/docs');
      expect(response.status).toBe(200);
      expect(response.text).toContain('swagger');
    });
  });
});

import { readFileSync } from 'node:fs';
import { apiTypesOf, SCHEMA_FILE } from '../../scripts/api-types.js';
import { TestApp } from '../support/test-app.js';

/**
 * The web app's API client is typed from the service's own OpenAPI document;
 * a change to the API that is not regenerated (`npm run api:types`) fails here
 * rather than in a browser.
 */
describe('the web app’s API types', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('are generated from the current OpenAPI document', async () => {
    const document = (await t.get('/api/docs/openapi.json')).body;
    const committed = readFileSync(SCHEMA_FILE, 'utf8');
    const current = await apiTypesOf(document);
    expect(current).toContain('"/api/contracts/{id}/handovers"');
    // Not toEqual on 3,800 lines: say what to do instead of printing the diff.
    if (committed !== current) {
      throw new Error('web/src/api/schema.d.ts is stale: run `npm run api:types` and commit it');
    }
  });
});

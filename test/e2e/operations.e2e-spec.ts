import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { TestApp } from '../support/test-app.js';

// What an operator's tooling reads: the liveness and readiness probes, and
// Prometheus metrics at /api/metrics (METRICS=on, optionally behind
// METRICS_TOKEN).

/** The value of one sample of the text exposition, or undefined when absent. */
function sample(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(match[3]);
  }
  return undefined;
}

describe('probes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.close());

  it('answers liveness and readiness without a session, and metrics are off by default (404)', async () => {
    const live = await t.get('/api/health/live');
    expect({ status: live.status, body: live.body }).toEqual({
      status: 200,
      body: { status: 'ok' },
    });
    const ready = await t.get('/api/health/ready');
    expect({ status: ready.status, body: ready.body }).toEqual({
      status: 200,
      body: { status: 'ok' },
    });
    const metrics = await t.get('/api/metrics');
    expect(metrics.status).toBe(404);
    expect(metrics.body.code).toBe('NOT_FOUND');
  });

  it('keeps the probes and the scrapes out of the access log', async () => {
    const c = await aCustodyWorld(t);
    await t.get('/api/health/live');
    await t.get('/api/health/ready');
    await t.get('/api/metrics');
    // A user's request after them: once its entry is in, theirs would be too.
    await t.get(`${c.base}/media`, c.w.officerA.token);
    const routes = async () =>
      (
        await t.dataSource.query<Array<{ route: string }>>('SELECT route FROM access_log_entries')
      ).map((r) => r.route);
    await t.eventually(async () => (await routes()).includes('/api/contracts/:id/media'));
    expect((await routes()).filter((r) => /health|metrics/.test(r))).toEqual([]);
  });
});

describe('metrics (METRICS=on, METRICS_TOKEN set)', () => {
  const TOKEN = 'scraper-token-0123456789';
  let t: TestApp;
  let c: CustodyWorld;

  beforeAll(async () => {
    t = await TestApp.start({ env: { METRICS: 'on', METRICS_TOKEN: TOKEN } });
    c = await aCustodyWorld(t);
  });
  afterAll(() => t.close());

  const scrape = async () => {
    const r = await t.request('GET', '/api/metrics', {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return r.text;
  };

  it('wants the scraper’s token: none or another is 401, and a session token is not it', async () => {
    expect((await t.get('/api/metrics')).status).toBe(401);
    const wrong = await t.request('GET', '/api/metrics', {
      headers: { authorization: `Bearer ${TOKEN}x` },
    });
    expect({ status: wrong.status, code: wrong.body.code }).toEqual({
      status: 401,
      code: 'UNAUTHENTICATED',
    });
    expect((await t.get('/api/metrics', c.w.admin.token)).status).toBe(401);
  });

  it('times requests by route pattern, never by path', async () => {
    await t.get(`${c.base}/media`, c.w.officerA.token);
    const text = await scrape();
    const count = sample(text, 'kanribo_http_request_duration_seconds_count', {
      method: 'GET',
      route: '/api/contracts/:id/media',
      status: '200',
    });
    expect(count).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain(c.contractId);
    // Node's own figures too, under the same prefix.
    expect(sample(text, 'kanribo_process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('counts the 管理簿’s committed entries across contracts, and not a refused write', async () => {
    const before = sample(await scrape(), 'kanribo_ledger_entries')!;
    const entries = await t.count('ledger_entries');
    expect(before).toBe(entries);
    await c.dvd();
    expect(sample(await scrape(), 'kanribo_ledger_entries')).toBe(before + 1);
    // Refused (no label): nothing written, nothing counted.
    const refused = await c.register(c.w.officerA.token, { kind: 'dvd_r' });
    expect(refused.status).toBe(400);
    expect(sample(await scrape(), 'kanribo_ledger_entries')).toBe(before + 1);
  });

  it('times each transaction’s hold of its contract’s head lock and counts the statements sent under it', async () => {
    const dvd = await c.dvd();
    const holds = (text: string, outcome: string) => ({
      count: sample(text, 'kanribo_ledger_head_lock_seconds_count', { outcome }) ?? 0,
      seconds: sample(text, 'kanribo_ledger_head_lock_seconds_sum', { outcome }) ?? 0,
      statements: sample(text, 'kanribo_ledger_locked_statements_sum', { outcome }) ?? 0,
      statementCount: sample(text, 'kanribo_ledger_locked_statements_count', { outcome }) ?? 0,
    });
    const before = await scrape();
    const sent = await c.provide([dvd]);
    expect(sent.status).toBe(201);
    const got = await c.receive(c.w.staffX.token, sent.body.id);
    expect(got.status).toBe(201);
    const after = await scrape();
    // A dispatch and a receipt: two appends, two holds, each with its
    // statements (at least the entry's INSERT, the head's UPDATE and the
    // projections; on PostgreSQL the COMMIT too).
    const [was, is] = [holds(before, 'commit'), holds(after, 'commit')];
    expect(is.count - was.count).toBe(2);
    expect(is.statementCount - was.statementCount).toBe(2);
    expect(is.seconds - was.seconds).toBeGreaterThan(0);
    expect(is.statements - was.statements).toBeGreaterThanOrEqual(2 * 3);
    if (process.env.DATABASE_URL) {
      // PostgreSQL, where each is a round trip others wait on: the users
      // read before the lock, the writes and the request's access-log entry
      // in one statement, the COMMIT (11); 14 when the entry went on its
      // own and a receipt read its parties under the lock, 25 when every
      // read and write did (issue 15).
      expect(is.statements - was.statements).toBeLessThanOrEqual(11);
    }
    // A receipt refused under the lock (received already) holds it too, and rolls back.
    const ledger = await c.ledgerLength();
    const again = await c.receive(c.w.staffX.token, sent.body.id);
    expect({ status: again.status, code: again.body.code }).toEqual({
      status: 409,
      code: 'HANDOVER_ALREADY_RECEIVED',
    });
    expect(await c.ledgerLength()).toBe(ledger);
    const refused = await scrape();
    expect(holds(refused, 'commit').count).toBe(is.count);
    expect(holds(refused, 'rollback').count - holds(after, 'rollback').count).toBe(1);
    expect(holds(refused, 'rollback').statements).toBeGreaterThan(
      holds(after, 'rollback').statements,
    );
  });

  it('reports the queues’ depth per state while Redis answers', async () => {
    await t.eventually(async () => sample(await scrape(), 'kanribo_queue_up') === 1);
    const text = await scrape();
    for (const queue of ['reminders', 'webhooks']) {
      for (const state of ['waiting', 'active', 'delayed', 'failed']) {
        expect(sample(text, 'kanribo_queue_jobs', { queue, state })).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('times each reminder scan', async () => {
    const count = () =>
      scrape().then((text) => sample(text, 'kanribo_reminder_scan_duration_seconds_count') ?? 0);
    const before = await count();
    const scanned = await t.post('/api/admin/jobs/reminder-scan', {}, c.w.admin.token);
    expect(scanned.status).toBe(200);
    expect(await count()).toBe(before + 1);
  });
});

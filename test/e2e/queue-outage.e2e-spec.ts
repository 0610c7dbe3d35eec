import { Queue } from 'bullmq';
import { redisOptions } from '../../src/modules/notifications/queue.constants.js';
import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { TEST_PASSWORD } from '../factories/identity.factory.js';
import { OwnRedis } from '../support/redis.js';
import { TestApp } from '../support/test-app.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

/**
 * Redis of the test's own, stopped mid-run and started again: the service
 * keeps recording handovers, health says the queue is down, and once Redis
 * is back the days missed are scanned and waiting webhooks delivered, each
 * once.
 */
describe('the queue through a Redis outage', () => {
  let redis: OwnRedis;
  let t: TestApp;
  let c: CustodyWorld;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    redis = await OwnRedis.start();
    receiver = await WebhookReceiver.start();
    // 25 November, 10:00 in Tokyo: today's 09:00 scan is due.
    t = await TestApp.start({
      at: '2026-11-25T01:00:00.000Z',
      env: { REDIS_URL: redis.url, REMINDER_SCAN_TIME: '09:00', QUEUE_CHECK_INTERVAL_MS: '200' },
    });
    c = await aCustodyWorld(t);
  });
  afterAll(async () => {
    await t.close();
    await redis.stop();
    await receiver.close();
  });

  const scanned = async (): Promise<string[]> =>
    (
      await t.dataSource.query<Array<{ as_of: string }>>(
        'SELECT as_of FROM reminder_scans ORDER BY as_of',
      )
    ).map((r) => r.as_of);
  const health = async () => (await t.get('/api/health')).body;
  const login = async (loginId: string): Promise<string> => {
    const r = await t.post('/api/auth/login', { loginId, password: TEST_PASSWORD });
    expect(r.status).toBe(200);
    return r.body.token;
  };

  it('installs the daily 09:00 Tokyo job and scans today at start', async () => {
    await t.eventually(
      async () => (await scanned()).includes('2026-11-25'),
      15_000,
      'the first scan',
    );
    expect(await scanned()).toEqual(['2026-11-25']);
    const queue = new Queue('reminders', {
      connection: redisOptions(redis.url),
      prefix: t.config.QUEUE_PREFIX,
    });
    try {
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers).toEqual([
        expect.objectContaining({
          key: 'daily-reminder-scan',
          pattern: '0 9 * * *',
          tz: 'Asia/Tokyo',
        }),
      ]);
    } finally {
      await queue.close();
    }
    expect(await health()).toMatchObject({ status: 'ok', queue: { status: 'up' } });
  });

  it('keeps recording handovers while Redis is down, and says so in health', async () => {
    const hook = await t.request('PUT', `/api/organizations/${c.w.wardA.id}/webhook`, {
      token: c.w.officerA.token,
      body: {
        url: receiver.url,
        secret: `whsec_${Buffer.from('outage-test-secret-0123456789').toString('base64')}`,
      },
    });
    expect(hook.status).toBe(200);

    await redis.stop();
    const down = await t.eventually(
      async () => {
        const h = await health();
        return h.queue.status === 'down' ? h : null;
      },
      15_000,
      'health to see the queue down',
    );
    expect(down).toMatchObject({ status: 'degraded', database: { status: 'up' } });
    expect((await t.get('/api/health')).status).toBe(200);

    const dvd = await c.dvd('DVD-R outage');
    const sent = await c.provide([dvd]);
    expect(sent.status).toBe(201);
    const other = await c.dvd('DVD-R broken seal');
    const second = await c.provide([other], { bagId: 'BAG-OUTAGE-2' });
    expect(second.status).toBe(201);
    const received = await c.receive(c.w.staffX.token, second.body.id, { sealIntact: false });
    expect(received.status).toBe(201);

    // The incident is in the inbox at once; its webhook waits for Redis.
    const inbox = await t.get('/api/notifications', c.w.officerA.token);
    expect(inbox.body.items.map((n: { kind: string }) => n.kind)).toContain('incident');
    const waiting = await t.dataSource.query<Array<{ status: string; enqueued_at: string | null }>>(
      'SELECT status, enqueued_at FROM webhook_deliveries',
    );
    expect(waiting).toEqual([{ status: 'pending', enqueued_at: null }]);
    expect(receiver.received).toHaveLength(0);
  });

  it('catches up the missed days and the waiting webhook once Redis is back, once each', async () => {
    // Three days later, 10:00 in Tokyo; the scans of 26, 27 and 28 November were missed.
    t.clock.set('2026-11-28T01:00:00.000Z');
    await redis.start();
    await t.eventually(
      async () => (await scanned()).includes('2026-11-28'),
      30_000,
      'the catch-up scans',
    );
    expect(await scanned()).toEqual(['2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28']);
    expect((await health()).queue.status).toBe('up');

    // Dispatched 25 Nov 10:00: not yet 48 h at the 27th's 09:00 scan, past it at the 28th's.
    const token = await login(c.w.officerA.user.loginId);
    const inbox = await t.get('/api/notifications?limit=200', token);
    const reminders = inbox.body.items.filter(
      (n: { kind: string }) => n.kind === 'handover_not_received',
    );
    expect(reminders).toHaveLength(1);
    for (const r of reminders) expect(r.asOf).toBe('2026-11-28');

    const delivered = await t.eventually(
      async () => {
        const rows = await t.dataSource.query<Array<{ id: string; status: string }>>(
          "SELECT id, status FROM webhook_deliveries WHERE status = 'delivered'",
        );
        return rows.length === 2 ? rows : null;
      },
      20_000,
      'the webhook deliveries',
    );
    for (const d of delivered) expect(receiver.deliveriesOf(d.id)).toHaveLength(1);

    // Scanning the same day again, or another catch-up, adds nothing.
    const again = await t.post(
      '/api/admin/jobs/reminder-scan',
      { asOf: '2026-11-28' },
      await login(c.w.admin.user.loginId),
    );
    expect(again.body.raised).toBe(0);
    expect(await t.count('webhook_deliveries')).toBe(2);
  });
});

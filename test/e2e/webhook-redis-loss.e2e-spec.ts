import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { redisOptions } from '../../src/modules/notifications/queue.constants.js';
import { WebhookSender } from '../../src/modules/notifications/webhook-sender.js';
import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { collectGarbage } from '../support/collect-garbage.js';
import { OwnRedis } from '../support/redis.js';
import { TestApp } from '../support/test-app.js';
import { attemptOf, deliveryIdOf, WebhookReceiver } from '../support/webhook-receiver.js';

const SECRET = `whsec_${Buffer.from('redis-loss-webhook-secret-0123456789').toString('base64')}`;
const BURST = 24;
const ROUNDS = 5;
/** The slow receiver's answer time, and the time allowed to one POST. */
const SLOW_MS = 1500;
// Wide margins: on a loaded CI machine a 1.5 s answer can take well over 2 s to arrive.
const TIMEOUT_MS = 5000;
const TOO_SLOW_MS = 6500;

interface DeliveryRow {
  id: string;
  status: string;
  attempts: number;
  enqueued_at: string | null;
  attempt_deadline: string | null;
}

/**
 * Redis of the test's own loses the jobs it had accepted (killed without
 * persistence and started again, or flushed) while webhook deliveries wait
 * in it: the database, which still says `pending`, hands every lost delivery
 * to the queue again, and a receiver sees each delivery id once per attempt.
 */
describe('webhook deliveries when Redis loses their jobs', () => {
  let redis: OwnRedis;
  let receiver: WebhookReceiver;
  let t: TestApp;
  let c: CustodyWorld;
  /** Per round: ms from Redis answering again to the last lost delivery's arrival. */
  const catchUpMs: number[] = [];

  beforeAll(async () => {
    redis = await OwnRedis.start();
    receiver = await WebhookReceiver.start();
    t = await TestApp.start({
      env: {
        REDIS_URL: redis.url,
        QUEUE_CHECK_INTERVAL_MS: '200',
        QUEUE_RECONCILE_INTERVAL_MS: '1000',
        WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS),
        WEBHOOK_BACKOFF_MS: '300',
        WEBHOOK_ATTEMPTS: '5',
      },
    });
    c = await aCustodyWorld(t);
    const hook = await t.request('PUT', `/api/organizations/${c.w.wardA.id}/webhook`, {
      token: c.w.officerA.token,
      body: { url: receiver.url, secret: SECRET },
    });
    expect(hook.status).toBe(200);
    await t.eventually(async () => (await health()).queue.status === 'up', 15_000, 'queue up');
  });
  // A test that failed while holding the receiver leaves the next ones answered.
  afterEach(() => receiver?.release());
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
    await receiver?.close();
    if (catchUpMs.length > 0) {
      process.stdout.write(
        `webhook-redis-loss: last lost delivery arrived ${catchUpMs.join(', ')} ms after Redis returned\n`,
      );
    }
  });

  const health = async () => (await t.get('/api/health')).body;
  const rows = (ids?: string[]) =>
    t.dataSource.query<DeliveryRow[]>(
      `SELECT id, status, attempts, enqueued_at, attempt_deadline FROM webhook_deliveries${
        ids ? ` WHERE id IN (${ids.map((id) => `'${id}'`).join(', ')})` : ''
      } ORDER BY id`,
    );
  const deliveryIds = async () => new Set((await rows()).map((r) => r.id));
  /** `n` handovers out to X's handler, not yet received. */
  const handovers = async (n: number): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const sent = await c.provide([await c.dvd()]);
      expect(sent.status).toBe(201);
      ids.push(sent.body.id);
    }
    return ids;
  };
  /** Receives every handover with a broken seal at once: one incident, one delivery each. */
  const burstOfIncidents = async (handoverIds: string[]): Promise<string[]> => {
    const before = await deliveryIds();
    const received = await Promise.all(
      handoverIds.map((id) => c.receive(c.w.staffX.token, id, { sealIntact: false })),
    );
    for (const r of received) expect(r.status).toBe(201);
    return [...(await deliveryIds())].filter((id) => !before.has(id));
  };
  const allDelivered = (ids: string[], timeoutMs: number) =>
    t.eventually(
      async () => {
        const now = await rows(ids);
        return now.every((r) => r.status === 'delivered') ? now : null;
      },
      timeoutMs,
      `${ids.length} deliveries to be delivered`,
    );
  /** Each (delivery id, attempt) the receiver saw, and how often. */
  const requestsPerAttempt = (ids: string[]) => {
    const wanted = new Set(ids);
    const counts = new Map<string, number>();
    for (const hook of receiver.received) {
      if (!wanted.has(deliveryIdOf(hook))) continue;
      const key = `${deliveryIdOf(hook)}#${attemptOf(hook)}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  };

  it(`delivers a burst of ${BURST} once each when Redis is killed while their jobs wait, ${ROUNDS} times over`, async () => {
    for (let round = 1; round <= ROUNDS; round++) {
      const pending = await handovers(BURST);
      // Every request waits 1.5 s for its answer; the first delivery to
      // arrive gets no answer within the timeout at its first attempt.
      let tooSlow: string | null = null;
      receiver.delayFor = (id, attempt) => {
        tooSlow ??= id;
        return id === tooSlow && attempt === 1 ? TOO_SLOW_MS : SLOW_MS;
      };
      // No answer before the kill, however long (within WEBHOOK_TIMEOUT_MS)
      // the burst takes to be queued: the worker's 16 slots stay busy, and
      // jobs are left waiting.
      receiver.hold();
      const ids = await burstOfIncidents(pending);
      expect(ids).toHaveLength(BURST);

      // Kill Redis once it has taken every job, while the worker's 16 slots are
      // busy with the slow receiver and the rest of the jobs wait.
      await t.eventually(
        async () => (await rows(ids)).every((r) => r.enqueued_at !== null),
        15_000,
        'the burst in the queue',
      );
      await redis.stop();
      const sentBeforeKill = new Set(
        receiver.received.map(deliveryIdOf).filter((id) => ids.includes(id)),
      );
      expect(sentBeforeKill.size).toBeLessThan(BURST);
      receiver.release();

      // Odd rounds: Redis is back before the supervisor's next check could see it down.
      if (round % 2 === 0) await new Promise((r) => setTimeout(r, 1000));
      await redis.start();
      const backAt = Date.now();

      const done = await allDelivered(ids, 60_000);
      const counts = requestsPerAttempt(ids);
      for (const row of done) {
        const expected = row.id === tooSlow ? 2 : 1;
        expect({ id: row.id, attempts: Number(row.attempts) }).toEqual({
          id: row.id,
          attempts: expected,
        });
        for (let attempt = 1; attempt <= expected; attempt++) {
          expect({ key: `${row.id}#${attempt}`, n: counts.get(`${row.id}#${attempt}`) }).toEqual({
            key: `${row.id}#${attempt}`,
            n: 1,
          });
        }
        expect(receiver.deliveriesOf(row.id)).toHaveLength(expected);
      }
      const lost = receiver.received.filter(
        (h) => ids.includes(deliveryIdOf(h)) && !sentBeforeKill.has(deliveryIdOf(h)),
      );
      expect(lost.length).toBeGreaterThan(0);
      catchUpMs.push(Math.max(...lost.map((h) => h.arrivedAt)) - backAt);
    }
    // Nothing more arrives later: no job was left behind to send a duplicate.
    const total = receiver.received.length;
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.received.length).toBe(total);
    expect((await health()).queue).toMatchObject({
      status: 'up',
      reconciledAt: expect.any(String),
      requeued: expect.any(Number),
    });
    expect((await health()).queue.requeued).toBeGreaterThanOrEqual(ROUNDS);
  }, 240_000);

  it('sends the retry of a receiver slower than the timeout with the same id, and ends delivered once', async () => {
    receiver.delayFor = (_id, attempt) => (attempt === 1 ? TOO_SLOW_MS : 0);
    const [id] = await burstOfIncidents(await handovers(1));
    await t.eventually(
      () => Promise.resolve(receiver.deliveriesOf(id!).length === 1),
      15_000,
      'the first request',
    );
    // A collection while the request waits must not lose its timeout (on Node 20,
    // AbortSignal.any over AbortSignal.timeout did: the attempt then ended delivered
    // at the receiver's late answer, once in CI).
    collectGarbage();
    const [row] = await allDelivered([id!], 30_000);
    expect(row).toMatchObject({ status: 'delivered', attempts: 2, attempt_deadline: null });
    const requests = receiver.deliveriesOf(id!);
    expect(requests.map(attemptOf)).toEqual([1, 2]);
    const bodies = requests.map((r) => JSON.parse(r.body) as { deliveryId: string });
    expect(bodies.map((b) => b.deliveryId)).toEqual([id, id]);
    const listed = await t.get(
      `/api/organizations/${c.w.wardA.id}/webhook/deliveries?limit=500`,
      c.w.officerA.token,
    );
    expect(listed.body.items.find((d: { id: string }) => d.id === id)).toMatchObject({
      status: 'delivered',
      attempts: 2,
      lastStatusCode: 204,
      lastError: null,
      nextAttemptAt: null,
    });
    await new Promise((r) => setTimeout(r, 1000));
    expect(receiver.deliveriesOf(id!)).toHaveLength(2);
  });

  it('starts no second request while an attempt is in flight, even when Redis is flushed under it', async () => {
    receiver.delayFor = () => SLOW_MS;
    // In flight until released (within WEBHOOK_TIMEOUT_MS), however slow
    // the checks below are.
    receiver.hold();
    const [id] = await burstOfIncidents(await handovers(1));
    await t.eventually(
      () => Promise.resolve(receiver.deliveriesOf(id!).length === 1),
      15_000,
      'the first request',
    );
    const [inFlight] = await rows([id!]);
    expect(inFlight).toMatchObject({ status: 'pending', attempts: 1 });
    expect(inFlight!.attempt_deadline).toBe(
      new Date(t.clock.now().getTime() + TIMEOUT_MS + 15_000).toISOString(),
    );

    // A second job of the same delivery (a stalled job run again) waits for the deadline.
    const second = await t.app.get(WebhookSender).attempt(id!);
    expect(second).toEqual({
      outcome: 'in-flight',
      deadline: new Date(inFlight!.attempt_deadline!),
    });

    // Redis loses everything while the request is out: the supervisor
    // recovers at once, and leaves the delivery in flight alone.
    await redis.flushAll();
    // Answered only once the supervisor has seen the flush and recovered
    // (its marker is back in Redis), with the request still out.
    const marker = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    try {
      await t.eventually(
        async () => (await marker.exists(`${t.config.QUEUE_PREFIX}:supervisor:marker`)) === 1,
        15_000,
        'the supervisor to recover from the flush',
      );
    } finally {
      marker.disconnect();
    }
    receiver.release();
    const [done] = await allDelivered([id!], 15_000);
    expect(done).toMatchObject({ attempts: 1, attempt_deadline: null });
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.deliveriesOf(id!).map(attemptOf)).toEqual([1]);
  });

  it('retries a delivery whose attempt never recorded its outcome once the deadline has passed', async () => {
    receiver.delayFor = () => 0;
    // What a process stopped mid-request leaves: attempt 1 claimed, its
    // deadline ahead, no outcome, and no job left in Redis.
    const ids = await burstOfIncidents(await handovers(1));
    const [id] = ids;
    await allDelivered(ids, 15_000);
    const deadline = new Date(t.clock.now().getTime() + 25_000).toISOString();
    await t.dataSource.query(
      `UPDATE webhook_deliveries SET status = 'pending', completed_at = NULL, attempts = 1,
              attempt_deadline = '${deadline}' WHERE id = '${id}'`,
    );
    const queue = new Queue('webhooks', {
      connection: redisOptions(redis.url),
      prefix: t.config.QUEUE_PREFIX,
    });
    try {
      await queue.remove(id!);
      expect(await queue.getJobState(id!)).toBe('unknown');
      // Several reconciles pass before the deadline: none sends it again.
      await new Promise((r) => setTimeout(r, 2500));
      expect(receiver.deliveriesOf(id!).map(attemptOf)).toEqual([1]);
      expect((await rows([id!]))[0]).toMatchObject({
        status: 'pending',
        attempt_deadline: deadline,
      });

      t.clock.set(new Date(Date.parse(deadline) + 1));
      const [done] = await allDelivered([id!], 15_000);
      expect(done).toMatchObject({ attempts: 2, attempt_deadline: null });
      expect(receiver.deliveriesOf(id!).map(attemptOf)).toEqual([1, 2]);
    } finally {
      await queue.close();
    }
  });
});

/**
 * The daily scan under the same fault: a day whose scheduled job Redis lost
 * (restarted at once, or its last second lost) is still scanned.
 */
describe('the daily scan when Redis loses its jobs', () => {
  let redis: OwnRedis;
  let t: TestApp;

  beforeAll(async () => {
    redis = await OwnRedis.start();
    // 25 November, 10:00 in Tokyo: today's 09:00 scan is due.
    t = await TestApp.start({
      at: '2026-11-25T01:00:00.000Z',
      env: {
        REDIS_URL: redis.url,
        REMINDER_SCAN_TIME: '09:00',
        QUEUE_CHECK_INTERVAL_MS: '200',
        QUEUE_RECONCILE_INTERVAL_MS: '500',
      },
    });
    await aCustodyWorld(t);
  });
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
  });

  const scanned = async (): Promise<string[]> =>
    (
      await t.dataSource.query<Array<{ as_of: string }>>(
        'SELECT as_of FROM reminder_scans ORDER BY as_of',
      )
    ).map((r) => r.as_of);
  const schedulers = async () => {
    const queue = new Queue('reminders', {
      connection: redisOptions(redis.url),
      prefix: t.config.QUEUE_PREFIX,
    });
    try {
      return (await queue.getJobSchedulers()).map((s) => s.key);
    } finally {
      await queue.close();
    }
  };

  it('scans the day Redis lost, after a restart too quick to be seen as an outage', async () => {
    await t.eventually(async () => (await scanned()).includes('2026-11-25'), 15_000, 'first scan');
    // The next day, 10:00: the scheduler's 09:00 job would have run; Redis lost it.
    t.clock.set('2026-11-26T01:00:00.000Z');
    await redis.stop();
    await redis.start();
    await t.eventually(async () => (await scanned()).includes('2026-11-26'), 15_000, 'the 26th');
    expect(await scanned()).toEqual(['2026-11-25', '2026-11-26']);
    await t.eventually(
      async () => (await schedulers()).includes('daily-reminder-scan'),
      15_000,
      'the scheduler installed again',
    );
  });

  it('scans a day whose job was lost while Redis kept the rest', async () => {
    // 27 November, 10:00: no scheduled job ran (the clock is the test's), as
    // if Redis had lost the 09:00 job alone: the periodic check catches up.
    t.clock.set('2026-11-27T01:00:00.000Z');
    await t.eventually(async () => (await scanned()).includes('2026-11-27'), 15_000, 'the 27th');
    expect(await scanned()).toEqual(['2026-11-25', '2026-11-26', '2026-11-27']);
    expect((await t.get('/api/health')).body.queue).toMatchObject({
      status: 'up',
      reconciledAt: expect.any(String),
      requeued: 0,
    });
  });
});

import { aCustodyWorld } from '../factories/custody.factory.js';
import { TestApp } from '../support/test-app.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const SECRET = `whsec_${Buffer.from('queue-shutdown-webhook-secret-012345').toString('base64')}`;

/**
 * Stopping does not wait on Redis or on a job without end: a worker whose
 * webhook POST hangs (a receiver that never answers, with a long timeout) is
 * disconnected once QUEUE_SHUTDOWN_GRACE_MS has passed, and the process stops.
 */
describe('stopping within QUEUE_SHUTDOWN_GRACE_MS', () => {
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterAll(() => receiver.close());

  it('closes while a webhook POST is still waiting for its answer (its delivery pending), instead of waiting out the POST’s 120 s timeout', async () => {
    const t = await TestApp.start({
      env: {
        QUEUE_SHUTDOWN_GRACE_MS: '300',
        QUEUE_CHECK_INTERVAL_MS: '100',
        WEBHOOK_TIMEOUT_MS: '120000',
      },
    });
    let closed = false;
    try {
      const c = await aCustodyWorld(t);
      const hook = await t.request('PUT', `/api/organizations/${c.w.wardA.id}/webhook`, {
        token: c.w.officerA.token,
        body: { url: receiver.url, secret: SECRET },
      });
      expect(hook.status).toBe(200);
      // The receiver takes the POST and never answers while the test runs.
      receiver.delayFor = () => 600_000;
      await t.eventually(
        async () => (await t.get('/api/health')).body.queue.status === 'up',
        15_000,
        'queue up',
      );
      const sent = await c.provide([await c.dvd()]);
      expect(sent.status).toBe(201);
      expect((await c.receive(c.w.staffX.token, sent.body.id, { sealIntact: false })).status).toBe(
        201,
      );
      await t.eventually(
        () => Promise.resolve(receiver.received.length > 0),
        15_000,
        'the POST to arrive',
      );
      const [delivery] = await t.dataSource.query<Array<{ id: string; status: string }>>(
        'SELECT id, status FROM webhook_deliveries',
      );
      expect(delivery?.status).toBe('pending');

      // Without the grace period, closing would wait out the 120 s POST.
      await t.close();
      closed = true;
    } finally {
      if (!closed) await t.close();
    }
  });
});

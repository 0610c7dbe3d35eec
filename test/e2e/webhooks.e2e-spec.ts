import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { aContract } from '../factories/contract.factory.js';
import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { TestApp } from '../support/test-app.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const SECRET = `whsec_${Buffer.from('ward-a-webhook-secret-0123456789').toString('base64')}`;

/**
 * What a receiver does with the Standard Webhooks library, its clock reading
 * the time the request was signed (the service's clock is the test's, days
 * from today's, and the library refuses a signature over five minutes old).
 */
function verified(secret: string, hook: { body: string; headers: Record<string, unknown> }) {
  const headers = Object.fromEntries(
    Object.entries(hook.headers).map(([name, value]) => [name, String(value)]),
  );
  const realNow = Date.now;
  Date.now = () => Number(headers['webhook-timestamp']) * 1000;
  try {
    return new Webhook(secret).verify(hook.body, headers);
  } finally {
    Date.now = realNow;
  }
}

/**
 * Webhooks through the real queue (BullMQ on the test Redis): signed POSTs
 * to a local receiver, retries with backoff, failures visible, and two
 * workers that never deliver one notification twice.
 */
describe('webhooks', () => {
  let t: TestApp;
  let c: CustodyWorld;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    t = await TestApp.start({
      env: { WEBHOOK_ATTEMPTS: '3', WEBHOOK_BACKOFF_MS: '100' },
    });
    c = await aCustodyWorld(t);
    receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  const hook = (orgId: string) => `/api/organizations/${orgId}/webhook`;
  const configure = (orgId: string, body: unknown, token: string) =>
    t.request('PUT', hook(orgId), { token, body });
  const brokenSeal = async () => {
    const dvd = await c.dvd();
    const sent = await c.provide([dvd]);
    const r = await c.receive(c.w.staffX.token, sent.body.id, { sealIntact: false });
    expect(r.status).toBe(201);
    return r.body.incidentIds[0] as string;
  };
  const deliveries = async (status?: string) => {
    const r = await t.get(
      `${hook(c.w.wardA.id)}/deliveries${status ? `?status=${status}` : ''}`,
      c.w.officerA.token,
    );
    expect(r.status).toBe(200);
    return r.body.items as any[];
  };

  describe('configuration', () => {
    it.each([
      ['a URL without a scheme', { url: 'hooks.example.jp/x', secret: SECRET }],
      ['an ftp URL', { url: 'ftp://hooks.example.jp/x', secret: SECRET }],
      [
        'a secret of 16 bytes',
        {
          url: 'https://hooks.example.jp/x',
          secret: `whsec_${Buffer.alloc(16, 1).toString('base64')}`,
        },
      ],
      [
        'a secret that is not whsec_ and base64',
        { url: 'https://hooks.example.jp/x', secret: 'ward-a-webhook-secret-0123456789' },
      ],
      ['a secret that is not a string', { url: 'https://hooks.example.jp/x', secret: 42 }],
      ['an unknown field', { url: 'https://hooks.example.jp/x', secret: SECRET, events: ['*'] }],
    ])('refuses %s with 400 and stores nothing', async (_what, body) => {
      const r = await configure(c.w.wardA.id, body, c.w.officerA.token);
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('VALIDATION_FAILED');
      expect(await t.count('webhooks')).toBe(0);
    });

    it("answers 404 to another ward's officer and 403 to contractor staff", async () => {
      const body = { url: receiver.url, secret: SECRET };
      const other = await configure(c.w.wardA.id, body, c.w.officerB.token);
      expect(other.status).toBe(404);
      expect(other.body.code).toBe('ORGANIZATION_NOT_FOUND');
      expect((await configure(c.w.contractorX.id, body, c.w.staffX.token)).status).toBe(403);
      expect((await t.get(hook(c.w.wardA.id), c.w.officerA.token)).body.code).toBe(
        'WEBHOOK_NOT_FOUND',
      );
      expect(await t.count('webhooks')).toBe(0);
    });

    it('without a secret, makes one, shows it once, and signs with it', async () => {
      const r = await configure(c.w.wardA.id, { url: receiver.url }, c.w.officerA.token);
      expect(r.status).toBe(200);
      expect(r.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      const got = await t.get(hook(c.w.wardA.id), c.w.officerA.token);
      expect(got.body.secret).toBeUndefined();
      expect(got.text).not.toContain(r.body.secret.slice(6));
      const made = await t.dataSource.query('SELECT secret FROM webhooks');
      expect(made).toEqual([{ secret: r.body.secret }]);
      // A second PUT without one makes another.
      const again = await configure(c.w.wardA.id, { url: receiver.url }, c.w.officerA.token);
      expect(again.body.secret).not.toBe(r.body.secret);
    });

    it('is set by the ward officer and never shows its secret', async () => {
      const r = await configure(
        c.w.wardA.id,
        { url: receiver.url, secret: SECRET },
        c.w.officerA.token,
      );
      expect(r.status).toBe(200);
      const got = await t.get(hook(c.w.wardA.id), c.w.officerA.token);
      expect(got.body).toEqual({
        organizationId: c.w.wardA.id,
        url: receiver.url,
        updatedAt: '2026-11-25T01:00:00.000Z',
        updatedByUserId: c.w.officerA.user.id,
      });
      expect(got.text).not.toContain(SECRET);
      expect((await t.get(hook(c.w.wardA.id), c.w.admin.token)).status).toBe(200);
    });
  });

  describe('delivery', () => {
    it('posts an incident at once, signed as Standard Webhooks and carrying its delivery id', async () => {
      const incidentId = await brokenSeal();
      const [delivery] = await t.eventually(
        async () => {
          const items = (await deliveries('delivered')).filter((d) => d.kind === 'incident');
          return items.length > 0 ? items : null;
        },
        15_000,
        'the delivery',
      );
      const requests = receiver.deliveriesOf(delivery.id);
      expect(requests).toHaveLength(1);
      const request = requests[0]!;
      expect(request.headers['webhook-id']).toBe(delivery.id);
      expect(request.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
      expect(verified(SECRET, request)).toEqual(JSON.parse(request.body));
      const another = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
      expect(() => verified(another, request)).toThrow(WebhookVerificationError);
      expect(() => verified(SECRET, { ...request, body: `${request.body} ` })).toThrow(
        WebhookVerificationError,
      );
      expect(request.headers['x-kanribo-event']).toBe('incident');
      expect(request.headers['x-kanribo-attempt']).toBe('1');
      expect(request.headers['content-type']).toBe('application/json');
      const body = JSON.parse(request.body);
      expect(body).toMatchObject({
        type: 'incident',
        timestamp: body.notification.createdAt,
        deliveryId: delivery.id,
        organizationId: c.w.wardA.id,
        notification: { kind: 'incident', contractId: c.contractId, subjectId: incidentId },
      });
      expect(delivery).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 204 });

      const inbox = await t.get('/api/notifications', c.w.officerA.token);
      const notified = inbox.body.items.find((n: any) => n.subjectId === incidentId);
      expect(notified.webhook).toEqual({
        status: 'delivered',
        attempts: 1,
        lastStatusCode: 204,
        lastError: null,
      });
    });

    it('retries a failing endpoint with backoff, then marks the delivery failed', async () => {
      receiver.status = 500;
      try {
        const incidentId = await brokenSeal();
        const [failed] = await t.eventually(
          async () => {
            const items = await deliveries('failed');
            return items.length > 0 ? items : null;
          },
          20_000,
          'the failed delivery',
        );
        expect(failed).toMatchObject({
          status: 'failed',
          attempts: 3,
          lastStatusCode: 500,
          lastError: 'HTTP 500',
        });
        const attempts = receiver.deliveriesOf(failed.id);
        expect(attempts).toHaveLength(3);
        // Every attempt is signed afresh and carries the same delivery id.
        for (const a of attempts) {
          expect(a.headers['webhook-id']).toBe(failed.id);
          expect(verified(SECRET, a)).toEqual(JSON.parse(a.body));
        }
        const inbox = await t.get('/api/notifications', c.w.officerA.token);
        const notified = inbox.body.items.find((n: any) => n.subjectId === incidentId);
        expect(notified.webhook).toMatchObject({ status: 'failed', attempts: 3 });
        // No fourth attempt comes later.
        await new Promise((r) => setTimeout(r, 800));
        expect(receiver.deliveriesOf(failed.id)).toHaveLength(3);
      } finally {
        receiver.status = 204;
      }
    });

    it('never delivers one notification twice with two workers scanning at once', async () => {
      const second = await TestApp.start({
        sharing: t,
        env: { WEBHOOK_ATTEMPTS: '3', WEBHOOK_BACKOFF_MS: '100' },
      });
      try {
        const ids: string[] = [];
        for (let i = 0; i < 8; i++) ids.push((await aContract(t, c.w, { title: `契約 ${i}` })).id);
        const before = await t.count('notifications');
        const [a, b] = await Promise.all([
          t.post('/api/admin/jobs/reminder-scan', { asOf: '2027-01-30' }, c.w.admin.token),
          second.post('/api/admin/jobs/reminder-scan', { asOf: '2027-01-30' }, c.w.admin.token),
        ]);
        expect(a.status).toBe(200);
        expect(b.status).toBe(200);
        // The first contract and the eight new ones: one 60-day reminder each, stored once.
        expect(a.body.raised + b.body.raised).toBe(9);
        expect(await t.count('notifications')).toBe(before + 9);

        const due = await t.eventually(
          async () => {
            const items = (await deliveries('delivered')).filter((d) => d.kind === 'audit_due');
            return items.length === 9 ? items : null;
          },
          20_000,
          'nine deliveries',
        );
        for (const delivery of due) expect(receiver.deliveriesOf(delivery.id)).toHaveLength(1);
        await new Promise((r) => setTimeout(r, 600));
        for (const delivery of due) expect(receiver.deliveriesOf(delivery.id)).toHaveLength(1);
      } finally {
        await second.close();
      }
    });

    it('posts nothing more once the webhook is removed', async () => {
      const removed = await t.delete(hook(c.w.wardA.id), c.w.officerA.token);
      expect(removed.status).toBe(204);
      expect((await t.get(hook(c.w.wardA.id), c.w.officerA.token)).status).toBe(404);
      const before = receiver.received.length;
      await brokenSeal();
      await new Promise((r) => setTimeout(r, 500));
      expect(receiver.received.length).toBe(before);
    });
  });
});

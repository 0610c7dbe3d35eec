import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { aWorld, type World } from '../factories/identity.factory.js';
import { sql } from '../support/ledger-kit.js';
import { TestApp } from '../support/test-app.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { WebhookResolver } from '../../src/modules/notifications/webhook-address.policy.js';

const SECRET = `whsec_${Buffer.from('ssrf-test-webhook-secret-0123456789').toString('base64')}`;

/**
 * A ward officer chooses the webhook URL and sees how each delivery ended,
 * so an unchecked URL lets them probe whatever the server reaches (issue 9,
 * item 1). Refused addresses are tested by their refusal, never by a
 * connection: the only traffic goes to the local receiver on 127.0.0.1, and
 * where the receiver listens at a refused address the test proves it got
 * nothing. No outside DNS: `localhost`, literal addresses, and names the
 * test answers for through the injectable WebhookResolver.
 */
describe('webhook address policy (SSRF)', () => {
  describe('registration, with the production settings', () => {
    let t: TestApp;
    let w: World;

    beforeAll(async () => {
      // TestApp allows 127.0.0.1 over http by default; here the production values.
      t = await TestApp.start({
        env: { WEBHOOK_ALLOWED_NETWORKS: '', WEBHOOK_ALLOW_HTTP: 'false' },
      });
      w = await aWorld(t);
    });
    afterAll(async () => {
      await t.close();
    });

    const configure = (url: string) =>
      t.request('PUT', `/api/organizations/${w.wardA.id}/webhook`, {
        token: w.officerA.token,
        body: { url, secret: SECRET },
      });

    it.each([
      // What the outside review registered, and the other spellings of the same places.
      ['http://127.0.0.1:6391/', 'plain_http'],
      ['https://127.0.0.1:6391/', 'loopback_address'],
      ['https://localhost:6379/', 'loopback_address'],
      ['https://[::1]/', 'loopback_address'],
      ['https://0x7f000001/', 'loopback_address'],
      ['https://[::ffff:127.0.0.1]:6379/', 'loopback_address'],
      ['https://169.254.169.254/latest/meta-data/', 'metadata_address'],
      ['https://metadata.google.internal/computeMetadata/v1/', 'metadata_address'],
      ['https://10.0.0.5/hooks', 'private_address'],
      ['https://192.168.1.10/hooks', 'private_address'],
      ['https://[fd12:3456::1]/hooks', 'private_address'],
      ['https://[fe80::1]/hooks', 'link_local_address'],
      ['https://100.64.0.1/hooks', 'shared_address'],
      ['https://224.0.0.1/hooks', 'multicast_address'],
      ['https://0.0.0.0/hooks', 'unspecified_address'],
      ['https://officer:pw@93.184.215.14/hooks', 'credentials'],
      ['http://93.184.215.14/hooks', 'plain_http'],
    ])('refuses %s with 400 WEBHOOK_URL_REFUSED (%s) and stores nothing', async (url, reason) => {
      const r = await configure(url);
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('WEBHOOK_URL_REFUSED');
      expect(r.body.details).toEqual({ field: 'url', reason });
      expect(await t.count('webhooks')).toBe(0);
    });

    it.each(['localhost:6379', 'https://2130706433/', 'https://127.1/'])(
      'refuses the unusual spelling %s as invalid, storing nothing',
      async (url) => {
        const r = await configure(url);
        expect(r.status).toBe(400);
        expect(r.body.code).toBe('VALIDATION_FAILED');
        expect(await t.count('webhooks')).toBe(0);
      },
    );

    it('accepts a public https address, and keeps it when a refused replacement comes', async () => {
      // A literal public address: accepted without any DNS, and never posted
      // to, because nothing in this app raises a notification.
      const ok = await configure('https://93.184.215.14/hooks/kanribo');
      expect(ok.status).toBe(200);
      const refused = await configure('https://[::1]/hooks/kanribo');
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('WEBHOOK_URL_REFUSED');
      const rows = await sql(t, 'SELECT url FROM webhooks');
      expect(rows).toEqual([{ url: 'https://93.184.215.14/hooks/kanribo' }]);
    });
  });

  describe('delivery, checked on the address actually connected to', () => {
    let t: TestApp;
    let c: CustodyWorld;
    let receiver: WebhookReceiver;
    /** What the test's resolver answers, by name; other names do not resolve. */
    const dns = new Map<string, string[]>();
    const asked: string[] = [];

    beforeAll(async () => {
      t = await TestApp.start({
        env: {
          // Only named LGWAN receivers; 127.0.0.1 itself is not allowed here.
          WEBHOOK_ALLOWED_NETWORKS: 'hooks.lgwan.test,other.lgwan.test',
          WEBHOOK_ALLOW_HTTP: 'true',
          WEBHOOK_ATTEMPTS: '3',
          WEBHOOK_BACKOFF_MS: '100',
        },
      });
      const resolver = t.app.get(WebhookResolver);
      resolver.addresses = (host: string) => {
        asked.push(host);
        const answer = dns.get(host);
        return answer
          ? Promise.resolve(answer)
          : Promise.reject(
              Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }),
            );
      };
      c = await aCustodyWorld(t);
      receiver = await WebhookReceiver.start();
    });
    afterAll(async () => {
      await t.close();
      await receiver.close();
    });

    const hook = `/api/organizations/${'{ward}'}/webhook`;
    const configure = (url: string) =>
      t.request('PUT', hook.replace('{ward}', c.w.wardA.id), {
        token: c.w.officerA.token,
        body: { url, secret: SECRET },
      });
    const seen = new Set<string>();
    /** Raises an incident for Ward A and waits until its delivery is no longer pending. */
    const deliverIncident = async () => {
      const dvd = await c.dvd();
      const sent = await c.provide([dvd]);
      const r = await c.receive(c.w.staffX.token, sent.body.id, { sealIntact: false });
      expect(r.status).toBe(201);
      const delivery = await t.eventually(
        async () => {
          const list = await t.get(
            `${hook.replace('{ward}', c.w.wardA.id)}/deliveries`,
            c.w.officerA.token,
          );
          const fresh = (list.body.items as any[]).find(
            (d) => !seen.has(d.id) && d.status !== 'pending',
          );
          return fresh ?? null;
        },
        15_000,
        'the delivery to end',
      );
      seen.add(delivery.id);
      return delivery;
    };

    it('connects a listed name to the address it was judged by, keeping the name for the receiver', async () => {
      dns.set('hooks.lgwan.test', ['127.0.0.1']);
      expect((await configure(receiver.urlAt('hooks.lgwan.test'))).status).toBe(200);
      const delivery = await deliverIncident();
      expect(delivery).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 204 });
      const [request] = receiver.deliveriesOf(delivery.id);
      expect(request?.headers.host).toBe(`hooks.lgwan.test:${receiver.port}`);
    });

    it('refuses a name rebound to loopback after registration: failed at once, nothing sent', async () => {
      dns.set('hooks.rebind.test', ['93.184.215.14']);
      expect((await configure(receiver.urlAt('hooks.rebind.test'))).status).toBe(200);
      // The name now points at the receiver's own address.
      dns.set('hooks.rebind.test', ['127.0.0.1']);
      asked.length = 0;
      const before = receiver.received.length;
      const delivery = await deliverIncident();
      expect(asked).toContain('hooks.rebind.test');
      expect(delivery).toMatchObject({ status: 'failed', attempts: 1, lastStatusCode: null });
      expect(delivery.lastError).toBe(
        'refused by the webhook address policy (loopback_address); no connection was attempted',
      );
      // Not retried later either, and the receiver listening there got nothing.
      await new Promise((r) => setTimeout(r, 600));
      const again = await t.get(
        `${hook.replace('{ward}', c.w.wardA.id)}/deliveries?status=failed`,
        c.w.officerA.token,
      );
      expect(again.body.items.find((d: any) => d.id === delivery.id)).toMatchObject({
        attempts: 1,
      });
      expect(receiver.received.length).toBe(before);
    });

    it('refuses a URL stored before the policy existed (a loopback literal), without connecting', async () => {
      await sql(t, 'UPDATE webhooks SET url = ? WHERE organization_id = ?', [
        receiver.url,
        c.w.wardA.id,
      ]);
      const before = receiver.received.length;
      const delivery = await deliverIncident();
      expect(delivery).toMatchObject({ status: 'failed', attempts: 1, lastStatusCode: null });
      expect(delivery.lastError).toContain('(loopback_address)');
      await new Promise((r) => setTimeout(r, 300));
      expect(receiver.received.length).toBe(before);
    });

    it('refuses a listed name resolving to a metadata address, and stored credentials', async () => {
      // A name not connected to before (an open connection stays with the
      // address it was judged by when it was opened).
      dns.set('other.lgwan.test', ['169.254.169.254']);
      await sql(t, 'UPDATE webhooks SET url = ? WHERE organization_id = ?', [
        receiver.urlAt('other.lgwan.test'),
        c.w.wardA.id,
      ]);
      const delivery = await deliverIncident();
      expect(delivery).toMatchObject({ status: 'failed', attempts: 1 });
      expect(delivery.lastError).toContain('(metadata_address)');

      await sql(t, 'UPDATE webhooks SET url = ? WHERE organization_id = ?', [
        `http://u:p@hooks.lgwan.test:${receiver.port}/hooks/kanribo`,
        c.w.wardA.id,
      ]);
      const before = receiver.received.length;
      const withCredentials = await deliverIncident();
      expect(withCredentials).toMatchObject({ status: 'failed', attempts: 1 });
      expect(withCredentials.lastError).toContain('(credentials)');
      expect(receiver.received.length).toBe(before);
    });

    it('refuses at registration a name that resolves to a refused address, or to nothing', async () => {
      const stored = await sql(t, 'SELECT url FROM webhooks');
      dns.set('hooks.private.test', ['93.184.215.14', '10.1.2.3']);
      for (const [url, reason] of [
        [receiver.urlAt('hooks.private.test'), 'private_address'],
        [receiver.urlAt('hooks.nowhere.test'), 'unresolved_host'],
        [receiver.url, 'loopback_address'],
      ] as const) {
        const r = await configure(url);
        expect(r.status).toBe(400);
        expect(r.body).toMatchObject({ code: 'WEBHOOK_URL_REFUSED', details: { reason } });
      }
      expect(await sql(t, 'SELECT url FROM webhooks')).toEqual(stored);
    });
  });
});

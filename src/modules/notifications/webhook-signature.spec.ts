import { createHmac } from 'node:crypto';
import { signWebhook, verifyWebhook } from './webhook-signature.js';

describe('webhook signature', () => {
  const secret = 'a-webhook-secret-of-32-characters!';
  const body = '{"deliveryId":"d1","notification":{"kind":"incident"}}';

  it('is the hex HMAC-SHA256 of "timestamp.body" under the secret', () => {
    const expected = createHmac('sha256', secret).update(`1796083200.${body}`).digest('hex');
    expect(signWebhook(secret, 1796083200, body)).toBe(`sha256=${expected}`);
  });

  it('verifies its own signature', () => {
    expect(verifyWebhook(secret, 1796083200, body, signWebhook(secret, 1796083200, body))).toBe(
      true,
    );
  });

  it.each([
    ['another secret', 'another-secret', 1796083200, body],
    ['another timestamp', secret, 1796083201, body],
    ['another body', secret, 1796083200, body.replace('d1', 'd2')],
  ])('refuses a signature made with %s', (_what, key, timestamp, signedBody) => {
    const signature = signWebhook(key, timestamp, signedBody);
    expect(verifyWebhook(secret, 1796083200, body, signature)).toBe(false);
  });

  it('refuses a truncated or empty signature without throwing', () => {
    const signature = signWebhook(secret, 1796083200, body);
    expect(verifyWebhook(secret, 1796083200, body, signature.slice(0, -1))).toBe(false);
    expect(verifyWebhook(secret, 1796083200, body, '')).toBe(false);
  });
});

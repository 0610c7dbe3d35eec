import { createHmac } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import {
  isStandardSecret,
  newWebhookSecret,
  signWebhook,
  WEBHOOK_HEADERS,
} from './webhook-signature.js';

describe('webhook signature (Standard Webhooks)', () => {
  const secret = `whsec_${Buffer.from('k'.repeat(32)).toString('base64')}`;
  const body = '{"deliveryId":"d1","notification":{"kind":"incident"}}';
  const id = 'd1';

  /** What a receiver does with the specification's own library. */
  function received(verifier: string, at: Date, signature: string) {
    return new Webhook(verifier).verify(body, {
      [WEBHOOK_HEADERS.id]: id,
      [WEBHOOK_HEADERS.timestamp]: String(Math.floor(at.getTime() / 1000)),
      [WEBHOOK_HEADERS.signature]: signature,
    });
  }

  it('is v1, and the base64 HMAC-SHA256 of "id.timestamp.body" under the key', () => {
    const at = new Date('2026-12-04T00:00:00Z');
    const expected = createHmac('sha256', Buffer.from('k'.repeat(32)))
      .update(`${id}.${at.getTime() / 1000}.${body}`)
      .digest('base64');
    expect(signWebhook(secret, id, at, body)).toBe(`v1,${expected}`);
  });

  it("verifies with the specification's library, and is refused under another secret, time or body", () => {
    const now = new Date();
    const signature = signWebhook(secret, id, now, body);
    expect(received(secret, now, signature)).toEqual(JSON.parse(body));
    expect(() => received(newWebhookSecret(), now, signature)).toThrow(WebhookVerificationError);
    const other = signWebhook(secret, id, now, body.replace('d1', 'd2'));
    expect(() => received(secret, now, other)).toThrow(WebhookVerificationError);
    // Signed an hour ago: the library refuses it as a replay.
    const old = new Date(now.getTime() - 3_600_000);
    expect(() => received(secret, old, signWebhook(secret, id, old, body))).toThrow(
      WebhookVerificationError,
    );
  });

  it('signs with a secret set before Standard Webhooks under its UTF-8 bytes', () => {
    const legacy = 'ward-a-webhook-secret-0123456789';
    const now = new Date();
    const signature = signWebhook(legacy, id, now, body);
    const verifier = `whsec_${Buffer.from(legacy, 'utf8').toString('base64')}`;
    expect(received(verifier, now, signature)).toEqual(JSON.parse(body));
  });

  it('makes new secrets of 32 random bytes, and knows a standard secret when it sees one', () => {
    const a = newWebhookSecret();
    expect(isStandardSecret(a)).toBe(true);
    expect(Buffer.from(a.slice(6), 'base64')).toHaveLength(32);
    expect(a).not.toBe(newWebhookSecret());
    for (const refused of [
      'whsec_',
      `whsec_${Buffer.alloc(16).toString('base64')}`, // 16 bytes: too short a key
      `whsec_${Buffer.alloc(65).toString('base64')}`, // 65 bytes: too long
      `whsec_${Buffer.alloc(32).toString('base64')}!`,
      Buffer.alloc(32).toString('base64'),
      'ward-a-webhook-secret-0123456789',
    ]) {
      expect(isStandardSecret(refused)).toBe(false);
    }
  });
});

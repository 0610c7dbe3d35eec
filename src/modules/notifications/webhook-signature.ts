import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header names of a webhook POST. */
export const WEBHOOK_HEADERS = {
  signature: 'x-kanribo-signature',
  timestamp: 'x-kanribo-timestamp',
  delivery: 'x-kanribo-delivery',
  attempt: 'x-kanribo-attempt',
  event: 'x-kanribo-event',
} as const;

/**
 * `sha256=` and the hex HMAC-SHA256, under the webhook's secret, of the
 * timestamp (Unix seconds), a full stop, and the raw body: binding the time
 * into the signature lets a receiver refuse a replayed request.
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

/** What a receiver does: recompute and compare in constant time. */
export function verifyWebhook(
  secret: string,
  timestamp: number,
  body: string,
  signature: string,
): boolean {
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

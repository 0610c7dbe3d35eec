import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/**
 * Header names of a webhook POST: the three of the Standard Webhooks
 * specification (https://www.standardwebhooks.com), which receivers verify
 * with its libraries in their language, and two of kanribo's own that the
 * signature does not cover and a receiver need not read.
 */
export const WEBHOOK_HEADERS = {
  /** The delivery id: the same on every retry, so a receiver can drop duplicates. */
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
  attempt: 'x-kanribo-attempt',
  event: 'x-kanribo-event',
} as const;

/** `whsec_` and the base64 of 24 to 64 random bytes: the form Standard Webhooks libraries take. */
export const STANDARD_SECRET = /^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/;
export const SECRET_BYTES = { min: 24, max: 64 } as const;

/** A new secret, shown once to whoever sets the webhook. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** Whether `secret` is a Standard Webhooks secret whose key has 24 to 64 bytes. */
export function isStandardSecret(secret: string): boolean {
  if (!STANDARD_SECRET.test(secret)) return false;
  const bytes = Buffer.from(secret.slice('whsec_'.length), 'base64').length;
  return bytes >= SECRET_BYTES.min && bytes <= SECRET_BYTES.max;
}

/**
 * The signer of a stored secret. A webhook set before kanribo signed with
 * Standard Webhooks holds a secret of printable characters: its key is that
 * text's UTF-8 bytes, which a receiver gives its library as
 * `whsec_` + base64(secret), so it keeps working without a new secret.
 */
function signerOf(secret: string): Webhook {
  return STANDARD_SECRET.test(secret)
    ? new Webhook(secret)
    : new Webhook(secret, { format: 'raw' });
}

/**
 * `webhook-signature`: `v1,` and the base64 HMAC-SHA256, under the secret's
 * key, of `<id>.<timestamp>.<body>`.
 */
export function signWebhook(secret: string, id: string, at: Date, body: string): string {
  return signerOf(secret).sign(id, at, body);
}

import type { RedisOptions } from 'bullmq';

/** The daily scan, catch-up scans. */
export const REMINDER_QUEUE = 'reminders';
/** One job per webhook delivery; its job id is the delivery id. */
export const WEBHOOK_QUEUE = 'webhooks';
/** One job per e-mail; its job id is the mail delivery's id. */
export const MAIL_QUEUE = 'mails';
/** The repeatable job of the daily scan. */
export const DAILY_SCAN_SCHEDULER = 'daily-reminder-scan';

/** ioredis options from a `redis://` or `rediss://` URL. */
export function redisOptions(url: string): RedisOptions {
  const parsed = new URL(url);
  const db = parsed.pathname.replace(/^\//, '');
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(db && /^\d+$/.test(db) ? { db: Number(db) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    // Reconnect quickly while the API keeps working without Redis.
    retryStrategy: (times: number) => Math.min(200 * times, 5000),
  };
}

/** The cron pattern of `HH:MM` every day. */
export function dailyPattern(time: string): string {
  return `${Number(time.slice(3, 5))} ${Number(time.slice(0, 2))} * * *`;
}

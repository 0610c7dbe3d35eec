import type { RedisOptions } from 'bullmq';

/** The daily scan, catch-up scans. */
export const REMINDER_QUEUE = 'reminders';
/** One job per webhook delivery; its job id is the delivery id. */
export const WEBHOOK_QUEUE = 'webhooks';
/** One job per e-mail; its job id is the mail delivery's id. */
export const MAIL_QUEUE = 'mails';
/** The job options of the daily scan's runs, catch-up runs and the jobs of a day scanned in parts. */
export const SCAN_JOB_OPTIONS = { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } };
/** One part of a day's scan (REMINDER_SCAN_PARTS): the wards of that part. */
export const SCAN_PART_JOB = 'scan-part';
/** A day scanned in parts: runs once its parts have, for the digest and the day's record. */
export const SCAN_DAY_JOB = 'scan-day';
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

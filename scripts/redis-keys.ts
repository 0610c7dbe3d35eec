import { Redis } from 'ioredis';

/**
 * Deletes every key under `prefix:` in the Redis at `url`: what a bench run
 * or a test app left behind in a shared Redis. A Redis that is down has
 * nothing to clean.
 */
export async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } catch {
    // nothing to clean
  } finally {
    redis.disconnect();
  }
}

import { noteAccountEvent } from './request-scope.js';
import { createRequire } from 'node:module';
import fastifyRateLimit, {
  type FastifyRateLimitStore,
  type FastifyRateLimitStoreCtor,
} from '@fastify/rate-limit';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { Redis } from 'ioredis';
import type { AppConfig } from '../../config/app-config.js';
import { DomainError } from '../errors/domain-error.js';

/** The routes the limit covers: logins, second-factor codes, password changes. */
const AUTH_PATH = '/api/auth/';

type StoreCallback = Parameters<FastifyRateLimitStore['incr']>[1];

/** The plugin's own stores (CommonJS files of @fastify/rate-limit without type declarations). */
interface PluginStore {
  incr(key: string, callback: StoreCallback, timeWindow: number, max: number): void;
}
const load = createRequire(import.meta.url);
const LocalStore = load('@fastify/rate-limit/store/LocalStore.js') as new (
  continueExceeding: boolean,
  exponentialBackoff: boolean,
  cache?: number,
) => PluginStore;
const RedisStore = load('@fastify/rate-limit/store/RedisStore.js') as new (
  continueExceeding: boolean,
  exponentialBackoff: boolean,
  redis: Redis,
  key?: string,
) => PluginStore;

/**
 * Counts in Redis while Redis answers, so that every instance of the service
 * shares one count per address; in this process's memory while it does not,
 * so that an outage neither stops logins nor lifts the limit. A Redis that
 * is down fails at once (no offline queue) and a slow one within
 * AUTH_RATE_LIMIT_TIMEOUT_MS.
 */
function redisOrMemoryStore(redis: Redis, keyPrefix: string): FastifyRateLimitStoreCtor {
  const shared = new RedisStore(false, false, redis, keyPrefix);
  const local = new LocalStore(false, false, 10_000);
  return class RedisOrMemoryStore implements FastifyRateLimitStore {
    incr(key: string, callback: StoreCallback, timeWindow: number, max: number): void {
      if (redis.status !== 'ready') return local.incr(key, callback, timeWindow, max);
      shared.incr(
        key,
        (error, result) =>
          error ? local.incr(key, callback, timeWindow, max) : callback(null, result),
        timeWindow,
        max,
      );
    }

    child(): FastifyRateLimitStore {
      return this;
    }
  };
}

/**
 * A per-address limit on `/api/auth/*`: AUTH_RATE_LIMIT_PER_MINUTE requests
 * per client address (as TRUST_PROXY resolves it) per minute, 0 for none.
 * It slows password guessing across many login ids from one address; the
 * per-id lockout (LoginThrottleService) is the other half. Past the limit the
 * answer is 429 TOO_MANY_REQUESTS in the service's error shape, with
 * Retry-After. Other routes are not limited. Its Redis connection closes
 * with the app.
 */
export async function registerAuthRateLimit(
  app: NestFastifyApplication,
  config: AppConfig,
): Promise<void> {
  const perMinute = config.AUTH_RATE_LIMIT_PER_MINUTE;
  if (perMinute === 0) return;
  const logger = new Logger('AuthRateLimit');
  const redis = new Redis(config.REDIS_URL, {
    connectionName: authRateLimitConnectionName(config),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: config.AUTH_RATE_LIMIT_TIMEOUT_MS,
    connectTimeout: 2_000,
    retryStrategy: (times: number) => Math.min(200 * times, 5_000),
  });
  let warned = false;
  redis.on('error', (error: Error) => {
    if (!warned) logger.warn(`Redis unavailable, counting in memory: ${error.message}`);
    warned = true;
  });
  redis.on('ready', () => {
    warned = false;
  });

  // Start counting in the shared store from the first request when Redis is
  // up; when it is not, start at once and count in memory meanwhile.
  await readyWithin(redis, 1_000);

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onClose', async () => {
    if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
    else redis.disconnect();
  });
  await app.register(fastifyRateLimit, {
    global: false,
    max: perMinute,
    timeWindow: 60_000,
    store: redisOrMemoryStore(redis, `${authRateLimitConnectionName(config)}:`),
    errorResponseBuilder: (_request, context) => {
      const retryAfterSeconds = Math.max(1, Math.ceil(context.ttl / 1000));
      // A refused burst is evidence too (password spraying from one address).
      noteAccountEvent('auth.rate_limited', { status: 429 });
      return new DomainError(
        'TOO_MANY_REQUESTS',
        `Too many requests to /api/auth from this address: try again in ${retryAfterSeconds} seconds`,
        { limitPerMinute: context.max, retryAfterSeconds },
      );
    },
  });
  const limit = fastify.rateLimit();
  fastify.addHook('onRequest', async (request, reply) => {
    if (isAuthRoute(request)) await limit.call(fastify, request, reply);
  });
}

/** The name of the limit's Redis connection (in `CLIENT LIST`). */
export function authRateLimitConnectionName(config: AppConfig): string {
  return `${config.QUEUE_PREFIX}:auth-rate-limit`;
}

/** By the route the router chose (so encoded variants count too), or the path of an unknown one. */
function isAuthRoute(request: FastifyRequest): boolean {
  const path = request.routeOptions.url ?? request.url.split('?', 1)[0] ?? '';
  return path.startsWith(AUTH_PATH);
}

/** Resolves when the connection is ready or after `ms`, whichever comes first. */
async function readyWithin(redis: Redis, ms: number): Promise<void> {
  if (redis.status === 'ready') return;
  let timer: NodeJS.Timeout | undefined;
  let onReady: (() => void) | undefined;
  await new Promise<void>((resolve) => {
    onReady = resolve;
    timer = setTimeout(resolve, ms);
    redis.once('ready', onReady);
  });
  clearTimeout(timer);
  if (onReady) redis.off('ready', onReady);
}

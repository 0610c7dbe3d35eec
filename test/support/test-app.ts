import 'reflect-metadata';
import { Writable } from 'node:stream';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app.factory.js';
import { type AppConfig, loadConfig } from '../../src/config/app-config.js';
import { FixedClock } from '../../src/common/time/clock.js';
import { deleteKeys, TEST_REDIS_URL, uniquePrefix } from './redis.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { ResponseRecorder } from './openapi-conformance.js';
import { CloseTrace } from './close-trace.js';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
  text: string;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  /** Sent as is, with `content-type: application/json` unless headers say otherwise. */
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
}

/** The running application of one test file, spoken to over real HTTP. */
export class TestApp {
  private shared = false;
  private recorder?: ResponseRecorder;

  private constructor(
    /** Every line of the JSON request log, as written. */
    readonly logLines: string[],
    readonly app: NestFastifyApplication,
    readonly baseUrl: string,
    readonly clock: FixedClock,
    readonly config: AppConfig,
    readonly database: TestDatabase,
  ) {}

  static async start(
    options: {
      env?: Record<string, string>;
      at?: string;
      /** Run a second instance on this app's database and queue (it drops neither). */
      sharing?: TestApp;
    } = {},
  ): Promise<TestApp> {
    const shared = options.sharing;
    const database: TestDatabase = shared
      ? { ...shared.database, drop: () => Promise.resolve() }
      : await createTestDatabase();
    // Every app talks to a real Redis under a key prefix of its own, with the
    // daily schedule off unless a test turns it on. Factory users log in with
    // a password alone, sessions outlive the clock jumps of date tests, and
    // the per-address limit on /api/auth is off: the trust-control tests set
    // the production values (a second factor for every role, 30 idle
    // minutes, the rate limit) explicitly. Webhooks may go to the local
    // http receivers on 127.0.0.1 (webhook-ssrf sets the production values).
    const config = loadConfig({
      LOG_LEVEL: 'info',
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: uniquePrefix(),
      REMINDER_SCAN_TIME: 'off',
      QUEUE_CHECK_INTERVAL_MS: '250',
      // A stop that BullMQ holds is let go within 3 × this (QueueShutdown),
      // well inside a hook's 60 s.
      QUEUE_SHUTDOWN_GRACE_MS: '3000',
      MFA_REQUIRED_ROLES: 'none',
      SESSION_IDLE_MINUTES: '43200',
      AUTH_RATE_LIMIT_PER_MINUTE: '0',
      // Where a test turns the limit on, a stalled event loop (two test files
      // at once) must not count a request in memory instead of in Redis.
      AUTH_RATE_LIMIT_TIMEOUT_MS: '2000',
      WEBHOOK_ALLOWED_NETWORKS: '127.0.0.1/32',
      WEBHOOK_ALLOW_HTTP: 'true',
      ...database.env,
      ...options.env,
      ...(shared
        ? { QUEUE_PREFIX: shared.config.QUEUE_PREFIX, REDIS_URL: shared.config.REDIS_URL }
        : {}),
    });
    const clock = new FixedClock(options.at ?? '2026-11-25T01:00:00.000Z');
    const lines: string[] = [];
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    const app = await createApp({
      config,
      clock,
      logStream,
      frameworkLogLevels: ['fatal', 'error'],
    });
    const recorder = new ResponseRecorder(app);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.getHttpServer().address() as { port: number };
    // With TLS_CERT_FILE/TLS_KEY_FILE in `env` the app speaks HTTPS only. The
    // helpers below use fetch, which trusts only the system's CAs: a test of a
    // private certificate talks to `baseUrl` with node:https and its `ca`.
    const scheme = config.TLS_CERT_FILE ? 'https' : 'http';
    const started = new TestApp(
      lines,
      app,
      `${scheme}://127.0.0.1:${address.port}`,
      clock,
      config,
      database,
    );
    started.shared = Boolean(shared);
    started.recorder = recorder;
    return started;
  }

  get dataSource(): DataSource {
    return this.app.get(DataSource);
  }

  async request<T = any>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | Buffer | undefined;
    if (options.rawBody !== undefined) {
      body = options.rawBody;
      headers['content-type'] ??= 'application/json';
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    if (response.headers.get('content-type')?.includes('application/json') && text.length > 0) {
      parsed = JSON.parse(text);
    }
    return { status: response.status, body: parsed as T, headers: response.headers, text };
  }

  get<T = any>(path: string, token?: string): Promise<ApiResponse<T>> {
    return this.request<T>('GET', path, { token });
  }

  post<T = any>(path: string, body: unknown, token?: string): Promise<ApiResponse<T>> {
    return this.request<T>('POST', path, { token, body });
  }

  put<T = any>(path: string, body: unknown, token?: string): Promise<ApiResponse<T>> {
    return this.request<T>('PUT', path, { token, body });
  }

  delete<T = any>(path: string, token?: string): Promise<ApiResponse<T>> {
    return this.request<T>('DELETE', path, { token });
  }

  /** Number of rows in a table, to prove that a refused request wrote nothing. */
  async count(table: string): Promise<number> {
    const rows: Array<{ n: number | string }> = await this.dataSource.query(
      `SELECT COUNT(*) AS n FROM "${table}"`,
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** Waits until `check` returns something truthy (polling), or fails after `ms`. */
  async eventually<T>(
    check: () => Promise<T | null | undefined | false>,
    ms = 15_000,
    what = 'condition',
  ): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = await check();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async close(): Promise<void> {
    // Every answer this file's tests received must be one the OpenAPI
    // document promises for its operation (status, and the error's code).
    const undocumented = this.recorder?.undocumented();
    // A close that takes long says what it waits on (jest's hook timeout would not).
    const trace = new CloseTrace(this.app);
    let phase = 'app.close()';
    const started = Date.now();
    const watchdog = setInterval(() => {
      console.warn(
        `TestApp.close: ${Date.now() - started} ms in ${phase}\n${phase === 'app.close()' ? trace.report() : ''}`,
      );
    }, 20_000);
    watchdog.unref();
    try {
      await this.app.close();
      phase = 'deleting the Redis keys';
      if (!this.shared) await deleteKeys(this.config.REDIS_URL, this.config.QUEUE_PREFIX);
      phase = 'dropping the database';
      await this.database.drop();
    } finally {
      clearInterval(watchdog);
    }
    if (undocumented && undocumented.length > 0) {
      throw new Error(
        `answers the OpenAPI document does not describe:\n${undocumented.join('\n')}`,
      );
    }
  }
}

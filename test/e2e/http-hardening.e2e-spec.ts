import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls, { type ConnectionOptions, type TLSSocket } from 'node:tls';
import { createApp } from '../../src/app.factory.js';
import { ConfigError, loadConfig } from '../../src/config/app-config.js';
import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { built, childEnv, runNode } from '../support/run-node.js';
import { type ApiResponse, TestApp } from '../support/test-app.js';

/**
 * Item 7 of issue 8: security headers (helmet), no-store, Fastify's and Node's
 * own refusals in the error shape, HTTPS with TLS 1.2 as the minimum, and the
 * client address behind a trusted proxy.
 */

const API_CSP = "default-src 'none';frame-ancestors 'none'";
const HSTS = 'max-age=31536000; includeSubDomains';

/** What helmet adds to every response besides the policy (its defaults, X-Frame-Options DENY). */
const HELMET_HEADERS = [
  'content-security-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'origin-agent-cluster',
  'referrer-policy',
  'x-content-type-options',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-frame-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
] as const;

type HeaderBag = Headers | IncomingHttpHeaders | Record<string, string>;

function header(headers: HeaderBag, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function securityHeaders(headers: HeaderBag): Record<string, string | undefined> {
  return Object.fromEntries(HELMET_HEADERS.map((name) => [name, header(headers, name)]));
}

/** The headers every API answer must carry, whatever produced it. */
function expectHardened(
  headers: HeaderBag,
  options: { tls?: boolean; csp?: string; frame?: string } = {},
): void {
  expect({
    nosniff: header(headers, 'x-content-type-options'),
    frame: header(headers, 'x-frame-options'),
    referrer: header(headers, 'referrer-policy'),
    csp: header(headers, 'content-security-policy'),
    hsts: header(headers, 'strict-transport-security'),
    cache: header(headers, 'cache-control'),
    pragma: header(headers, 'pragma'),
  }).toEqual({
    nosniff: 'nosniff',
    frame: options.frame ?? 'DENY',
    referrer: 'no-referrer',
    csp: options.csp ?? API_CSP,
    hsts: options.tls ? HSTS : undefined,
    cache: 'no-store',
    pragma: 'no-cache',
  });
}

function expectErrorShape(response: ApiResponse, statusCode: number, code: string): void {
  expect(response.status).toBe(statusCode);
  expect(response.body).toEqual({
    statusCode,
    code,
    message: expect.any(String),
    details: expect.any(Object),
  });
}

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** Parses one HTTP/1.1 response as written on the wire. */
function parseRaw(text: string): RawAnswer {
  const [head = '', ...rest] = text.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const body = rest.join('\r\n\r\n');
  return {
    status: Number(statusLine.split(' ')[1]),
    headers,
    body: body.length > 0 ? JSON.parse(body) : undefined,
  };
}

/** Writes bytes no HTTP client would send and reads the answer until the server closes. */
function rawExchange(port: number, bytes: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = netConnect(port, '127.0.0.1', () => socket.write(bytes));
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
    socket.on('close', () => {
      try {
        resolve(parseRaw(received));
      } catch (error) {
        reject(new Error(`unparseable answer ${JSON.stringify(received)}: ${String(error)}`));
      }
    });
    socket.on('error', () => undefined); // the server closes first; 'close' follows
  });
}

describe('HTTP hardening', () => {
  let t: TestApp;
  let c: CustodyWorld;
  let certId: string;

  beforeAll(async () => {
    t = await TestApp.start();
    c = await aCustodyWorld(t);
    const file = await c.register(c.w.staffX.token, {
      kind: 'encrypted_file',
      label: '作業用複製-01',
      description: '住民税課税資料の作業用複製',
      recordCount: 120,
      encrypted: true,
    });
    const cert = await t.post(
      `${c.base}/deletion-certificates`,
      {
        certificateNumber: 'DC-2026-0007',
        erasedAt: '2026-11-25T09:30:00+09:00',
        scope: { dataItems: ['氏名'], systems: ['作業用PC'], places: ['作業室'] },
        mediaIds: [file.body.id],
        method: 'purge',
        tool: 'CryptoErase 2.1',
        verification: '復号不能を確認した',
        performedBy: '作業 五郎',
      },
      c.w.staffX2.token,
    );
    if (cert.status !== 201) throw new Error(`certificate: ${cert.text}`);
    certId = cert.body.id;
  });
  afterAll(() => t.close());

  describe('security headers and no-store', () => {
    it('are on a JSON answer, without HSTS over plain HTTP', async () => {
      const response = await t.get(`${c.base}`, c.w.officerA.token);
      expect(response.status).toBe(200);
      expectHardened(response.headers);
      expect(securityHeaders(response.headers)).toMatchObject({
        'cross-origin-resource-policy': 'same-origin',
        'x-permitted-cross-domain-policies': 'none',
      });
    });

    it('are on an error answer and on an unauthenticated one', async () => {
      const refused = await t.get(`${c.base}`);
      expect(refused.status).toBe(401);
      expectHardened(refused.headers);
      const health = await t.get('/api/health');
      expectHardened(health.headers);
    });

    it('are on the 管理簿 CSV and the certificate PDF', async () => {
      const csv = await t.get(`${c.base}/ledger/export.csv`, c.w.officerA.token);
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      expectHardened(csv.headers);
      const pdf = await t.get(`${c.base}/deletion-certificates/${certId}.pdf`, c.w.officerA.token);
      expect(pdf.status).toBe(200);
      expect(pdf.headers.get('content-type')).toBe('application/pdf');
      // The web app shows it in a frame beside the officer's decision: its
      // own origin may frame it, no other.
      expectHardened(pdf.headers, {
        csp: "default-src 'none';frame-ancestors 'self'",
        frame: 'SAMEORIGIN',
      });
    });

    it('give the docs page a policy that lets the Swagger UI work, and nothing more', async () => {
      const page = await t.get('/api/docs');
      expect(page.status).toBe(200);
      const policy = page.headers.get('content-security-policy') ?? '';
      const directives = Object.fromEntries(
        policy.split(';').map((d) => {
          const [name = '', ...values] = d.trim().split(/\s+/);
          return [name, values];
        }),
      );
      expect(directives).toEqual({
        'default-src': ["'none'"],
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        'connect-src': ["'self'"],
        'base-uri': ["'none'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
      });
      expectHardened(page.headers, { csp: policy });

      // Every script the page loads is a file under /api/docs (script-src 'self'
      // allows no inline script), and each is served.
      const scripts = [...page.text.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts.length).toBeGreaterThanOrEqual(3);
      for (const [, attributes = '', inline = ''] of scripts) {
        expect(inline.trim()).toBe('');
        const src = /src="([^"]+)"/.exec(attributes)?.[1] ?? '';
        expect(src).toMatch(/^\.\/docs\/[\w.-]+\.js$/);
        const script = await t.get(`/api/${src.slice(2)}`);
        expect([src, script.status]).toEqual([src, 200]);
        expect(script.headers.get('x-content-type-options')).toBe('nosniff');
      }
      const stylesheet = /<link rel="stylesheet"[^>]*href="([^"]+)"/.exec(page.text)?.[1] ?? '';
      expect(stylesheet).toMatch(/^\.\/docs\//);
      const css = await t.get(`/api/${stylesheet.slice(2)}`);
      expect(css.status).toBe(200);
      // A static file of the UI, no data in it: revalidated, not forbidden to cache.
      expect(css.headers.get('cache-control')).not.toBe('no-store');
      expect(css.headers.get('etag')).toBeTruthy();

      // The document the page shows is data like any other.
      const init = await t.get('/api/docs/swagger-ui-init.js');
      expect(init.status).toBe(200);
      expect(init.text).toContain('"validatorUrl": null');
      expect(init.headers.get('cache-control')).toBe('no-store');
      const json = await t.get('/api/docs/openapi.json');
      expect(json.status).toBe(200);
      expect(json.headers.get('cache-control')).toBe('no-store');
    });
  });

  describe("Fastify's and Node's own refusals in the error shape", () => {
    it('answers a path segment over 100 characters with 414 URI_TOO_LONG, not echoing it', async () => {
      const long = 'a'.repeat(101);
      const response = await t.get(`/api/contracts/${long}`, c.w.officerA.token);
      expectErrorShape(response, 414, 'URI_TOO_LONG');
      expect(response.body.details).toEqual({ maxParamLength: 100 });
      expect(response.text).not.toContain(long);
      // The router answers before any hook: the same headers all the same.
      const ordinary = await t.get('/api/health');
      expect(securityHeaders(response.headers)).toEqual(securityHeaders(ordinary.headers));
      expectHardened(response.headers);
      expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      // …and a UUID-sized one is routed as usual.
      const unknown = await t.get(
        '/api/contracts/00000000-0000-4000-8000-000000000000',
        c.w.officerA.token,
      );
      expect([unknown.status, unknown.body.code]).toEqual([404, 'CONTRACT_NOT_FOUND']);
    });

    it('answers a malformed URL with 400 BAD_REQUEST', async () => {
      const response = await t.get('/api/contracts/%E0%A4%A', c.w.officerA.token);
      expectErrorShape(response, 400, 'BAD_REQUEST');
      expectHardened(response.headers);
    });

    it('answers a request line over the header limit with 431 HEADERS_TOO_LARGE', async () => {
      const port = Number(new URL(t.baseUrl).port);
      const answer = await rawExchange(
        port,
        `GET /api/contracts?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
      );
      expect(answer.status).toBe(431);
      expect(answer.body).toEqual({
        statusCode: 431,
        code: 'HEADERS_TOO_LARGE',
        message: expect.any(String),
        details: { limitBytes: 16_384 },
      });
      expectHardened(answer.headers);
      expect(securityHeaders(answer.headers)).toEqual(
        securityHeaders((await t.get('/api/health')).headers),
      );
    });

    it('answers headers over the limit with 431 HEADERS_TOO_LARGE', async () => {
      const port = Number(new URL(t.baseUrl).port);
      const answer = await rawExchange(
        port,
        `GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${'b'.repeat(20_000)}\r\n\r\n`,
      );
      expect([answer.status, (answer.body as { code: string }).code]).toEqual([
        431,
        'HEADERS_TOO_LARGE',
      ]);
    });

    it('answers what is not HTTP with 400 BAD_REQUEST', async () => {
      const port = Number(new URL(t.baseUrl).port);
      const answer = await rawExchange(port, 'FOO /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        statusCode: 400,
        code: 'BAD_REQUEST',
        message: 'The request is not valid HTTP',
        details: {},
      });
      expectHardened(answer.headers);
    });

    it('answers a method a route does not have with 404 NOT_FOUND (Fastify never says 405)', async () => {
      for (const method of ['DELETE', 'PUT', 'PATCH', 'PROPFIND']) {
        const response = await t.request(method, '/api/health');
        expectErrorShape(response, 404, 'NOT_FOUND');
        expectHardened(response.headers);
      }
    });

    it('keeps the shape and the headers for 413, 415 and malformed JSON', async () => {
      const tooLarge = await t.request('POST', '/api/contracts', {
        token: c.w.officerA.token,
        rawBody: JSON.stringify({ title: 'x'.repeat(300 * 1024) }),
      });
      expectErrorShape(tooLarge, 413, 'PAYLOAD_TOO_LARGE');
      expectHardened(tooLarge.headers);
      const wrongType = await t.request('POST', '/api/auth/login', {
        rawBody: 'a=b',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expectErrorShape(wrongType, 415, 'UNSUPPORTED_MEDIA_TYPE');
      expectHardened(wrongType.headers);
      const malformed = await t.request('POST', '/api/auth/login', { rawBody: '{"loginId":' });
      expectErrorShape(malformed, 400, 'MALFORMED_JSON');
      expectHardened(malformed.headers);
    });
  });

  describe('TRUST_PROXY', () => {
    const clientAddressOf = (app: TestApp, requestId: string): string | undefined => {
      for (const line of app.logLines) {
        const entry = JSON.parse(line) as { reqId?: string; remoteAddress?: string };
        if (entry.reqId === requestId && entry.remoteAddress) return entry.remoteAddress;
      }
      return undefined;
    };

    it('ignores X-Forwarded-For by default', async () => {
      await t.request('GET', '/api/health', {
        headers: { 'x-request-id': 'no-proxy-1', 'x-forwarded-for': '203.0.113.7' },
      });
      expect(clientAddressOf(t, 'no-proxy-1')).toBe('127.0.0.1');
    });

    it('takes the client from X-Forwarded-For when the peer is a trusted proxy', async () => {
      const behind = await TestApp.start({ sharing: t, env: { TRUST_PROXY: '127.0.0.1' } });
      try {
        await behind.request('GET', '/api/health', {
          headers: { 'x-request-id': 'proxied-1', 'x-forwarded-for': '203.0.113.7' },
        });
        expect(clientAddressOf(behind, 'proxied-1')).toBe('203.0.113.7');
        // A proxy that is not on the list is not believed.
        const other = await TestApp.start({ sharing: t, env: { TRUST_PROXY: '10.0.0.0/8' } });
        try {
          await other.request('GET', '/api/health', {
            headers: { 'x-request-id': 'proxied-2', 'x-forwarded-for': '203.0.113.7' },
          });
          expect(clientAddressOf(other, 'proxied-2')).toBe('127.0.0.1');
        } finally {
          await other.close();
        }
      } finally {
        await behind.close();
      }
    });
  });

  describe('HTTPS', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kanribo-tls-'));
    const certFile = join(dir, 'cert.pem');
    const keyFile = join(dir, 'key.pem');
    let secure: TestApp;
    let ca: Buffer;
    let port: number;

    const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });

    beforeAll(async () => {
      openssl([
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-days',
        '2',
        '-keyout',
        keyFile,
        '-out',
        certFile,
      ]);
      ca = readFileSync(certFile);
      // As if Node ran with --tls-min-v1.0: the service must hold TLS 1.2 itself.
      const nodeDefault = tls.DEFAULT_MIN_VERSION;
      tls.DEFAULT_MIN_VERSION = 'TLSv1';
      try {
        secure = await TestApp.start({
          sharing: t,
          env: { TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile },
        });
      } finally {
        tls.DEFAULT_MIN_VERSION = nodeDefault;
      }
      port = Number(new URL(secure.baseUrl).port);
    });
    afterAll(async () => {
      await secure.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const get = (
      path: string,
    ): Promise<{ status: number; headers: IncomingHttpHeaders; body: any; protocol: string }> =>
      new Promise((resolve, reject) => {
        const req = httpsRequest(
          { host: '127.0.0.1', port, path, method: 'GET', ca, agent: false },
          (res) => {
            const protocol = (res.socket as TLSSocket).getProtocol() ?? '';
            let text = '';
            res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                headers: res.headers,
                body: JSON.parse(text),
                protocol,
              }),
            );
          },
        );
        req.on('error', reject);
        req.end();
      });

    /** Completes a handshake (resolving the protocol) or fails (resolving the error code). */
    const handshake = (target: number, options: ConnectionOptions): Promise<string> =>
      new Promise((resolve) => {
        const socket = tls.connect({ host: '127.0.0.1', port: target, ca, ...options }, () => {
          resolve(`connected ${socket.getProtocol() ?? '?'}`);
          socket.destroy();
        });
        socket.on('error', (error: NodeJS.ErrnoException) => resolve(`refused ${error.code}`));
      });

    /** A client that speaks TLS 1.1 and nothing newer (OpenSSL 3 needs security level 0 for it). */
    const TLS_1_1_ONLY: ConnectionOptions = {
      minVersion: 'TLSv1.1',
      maxVersion: 'TLSv1.1',
      ciphers: 'DEFAULT@SECLEVEL=0',
    };

    it('serves the API over HTTPS with HSTS and the other headers', async () => {
      expect(secure.baseUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const health = await get('/api/health');
      expect(health.status).toBe(200);
      expect(health.body).toMatchObject({ database: { status: 'up' } });
      expect(health.protocol).toMatch(/^TLSv1\.[23]$/);
      expectHardened(health.headers, { tls: true });
    });

    it('sends HSTS on the router’s own refusals too', async () => {
      const refused = await get(`/api/contracts/${'a'.repeat(200)}`);
      expect([refused.status, refused.body.code]).toEqual([414, 'URI_TOO_LONG']);
      expectHardened(refused.headers, { tls: true });
    });

    it('refuses a client that speaks only TLS 1.1, and accepts TLS 1.2', async () => {
      // The same client completes a handshake with a server that still allows
      // TLS 1.1: the refusal below is the service's, not the client's.
      const lenient = tls.createServer({
        cert: ca,
        key: readFileSync(keyFile),
        minVersion: 'TLSv1',
        ciphers: 'DEFAULT@SECLEVEL=0',
      });
      await new Promise<void>((r) => lenient.listen(0, '127.0.0.1', r));
      try {
        const lenientPort = (lenient.address() as { port: number }).port;
        expect(await handshake(lenientPort, TLS_1_1_ONLY)).toBe('connected TLSv1.1');
      } finally {
        lenient.close();
      }
      expect(await handshake(port, TLS_1_1_ONLY)).toBe(
        'refused ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION',
      );
      expect(await handshake(port, { maxVersion: 'TLSv1.2' })).toBe('connected TLSv1.2');
    });

    it('stops start-up naming the variable when a file is missing, not PEM, or the wrong key', async () => {
      const otherKey = join(dir, 'other-key.pem');
      openssl([
        'genpkey',
        '-algorithm',
        'EC',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-out',
        otherKey,
      ]);
      const notPem = join(dir, 'not.pem');
      writeFileSync(notPem, 'not a certificate\n');
      const cases: Array<[Record<string, string>, RegExp]> = [
        [
          { TLS_CERT_FILE: join(dir, 'missing.pem'), TLS_KEY_FILE: keyFile },
          /^TLS_CERT_FILE cannot be read \(ENOENT\)/,
        ],
        [
          { TLS_CERT_FILE: certFile, TLS_KEY_FILE: join(dir, 'missing.pem') },
          /^TLS_KEY_FILE cannot be read \(ENOENT\)/,
        ],
        [
          { TLS_CERT_FILE: notPem, TLS_KEY_FILE: keyFile },
          /^TLS_CERT_FILE holds no PEM certificate/,
        ],
        [
          { TLS_CERT_FILE: certFile, TLS_KEY_FILE: notPem },
          /^TLS_KEY_FILE holds no PEM private key/,
        ],
        [
          { TLS_CERT_FILE: certFile, TLS_KEY_FILE: otherKey },
          /^TLS_KEY_FILE is not the key of TLS_CERT_FILE/,
        ],
      ];
      for (const [env, pattern] of cases) {
        const config = loadConfig({ ...t.database.env, ...env });
        const failure = await createApp({ config }).then(
          async (app) => {
            await app.close();
            return undefined;
          },
          (error: unknown) => error,
        );
        expect(failure).toBeInstanceOf(ConfigError);
        expect((failure as ConfigError).problems).toEqual([expect.stringMatching(pattern)]);
      }

      // The server entry point says it in one line and exits.
      const result = await runNode(
        built('src/main.js'),
        childEnv({
          ...t.database.env,
          TLS_CERT_FILE: join(dir, 'missing.pem'),
          TLS_KEY_FILE: keyFile,
        }),
      );
      expect(result.code).toBe(1);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^kanribo: invalid configuration: TLS_CERT_FILE cannot be read/);
    });
  });
});

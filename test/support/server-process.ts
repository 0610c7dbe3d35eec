import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { built, childEnv, startNode } from './run-node.js';

/** A port nobody listens on right now. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });

export interface HttpAnswer {
  status: number;
  body: any;
  text: string;
}

/** A built server (`dist/src/main.js`) running as its own process, spoken to over HTTP. */
export class ServerProcess {
  private constructor(
    readonly child: ChildProcess & { output: () => string },
    readonly port: number,
  ) {}

  /**
   * Starts the server on a free port and waits until /api/health answers 200.
   * Like TestApp, users log in with a password alone (MFA_REQUIRED_ROLES=none)
   * and webhooks may go to http receivers on 127.0.0.1, unless `env` says otherwise.
   */
  static async start(env: Record<string, string | undefined>): Promise<ServerProcess> {
    const port = await freePort();
    const child = startNode(
      built('src/main.js'),
      childEnv({
        MFA_REQUIRED_ROLES: 'none',
        WEBHOOK_ALLOWED_NETWORKS: '127.0.0.1/32',
        WEBHOOK_ALLOW_HTTP: 'true',
        ...env,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
      }),
    );
    const server = new ServerProcess(child, port);
    for (let i = 0; i < 300; i++) {
      if (child.exitCode !== null) break;
      const health = await fetch(`${server.baseUrl}/api/health`).catch(() => undefined);
      if (health?.status === 200) return server;
      await new Promise((r) => setTimeout(r, 100));
    }
    await server.stop();
    throw new Error(`the server did not become healthy:\n${child.output()}`);
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async request(method: string, path: string, body?: unknown, token?: string): Promise<HttpAnswer> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const json = response.headers.get('content-type')?.includes('application/json');
    return { status: response.status, body: json && text ? JSON.parse(text) : text, text };
  }

  get(path: string, token?: string): Promise<HttpAnswer> {
    return this.request('GET', path, undefined, token);
  }

  post(path: string, body: unknown, token?: string): Promise<HttpAnswer> {
    return this.request('POST', path, body, token);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const closed = new Promise((r) => this.child.once('close', r));
    this.child.kill('SIGTERM');
    await closed;
  }
}

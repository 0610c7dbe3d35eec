import { createServer, type Server } from 'node:http';

export interface ReceivedHook {
  headers: Record<string, string | string[] | undefined>;
  body: string;
  status: number;
  /** Date.now() when the request arrived. */
  arrivedAt: number;
}

/**
 * A local HTTP server that takes webhook POSTs and answers with the status
 * the test sets, after the delay the test sets (a slow receiver).
 */
export class WebhookReceiver {
  readonly received: ReceivedHook[] = [];
  /** The status the next requests get. */
  status = 204;
  /** How long to wait before answering a request, by its delivery id and attempt header. */
  delayFor: (deliveryId: string, attempt: number) => number = () => 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    readonly url: string,
  ) {}

  static async start(): Promise<WebhookReceiver> {
    const self: { receiver?: WebhookReceiver } = {};
    const server = createServer((req, res) => {
      const arrivedAt = Date.now();
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const receiver = self.receiver;
        const status = receiver?.status ?? 204;
        const hook = {
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          status,
          arrivedAt,
        };
        receiver?.received.push(hook);
        const delay =
          receiver?.delayFor(deliveryIdOf(hook), Number(req.headers['x-kanribo-attempt'])) ?? 0;
        const answer = () => {
          if (res.destroyed) return;
          res.statusCode = status;
          res.end();
        };
        if (delay > 0) setTimeout(answer, delay).unref();
        else answer();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    self.receiver = new WebhookReceiver(server, port, `http://127.0.0.1:${port}/hooks/kanribo`);
    return self.receiver;
  }

  /** The receiver's URL with another host written in it (the receiver still listens on 127.0.0.1). */
  urlAt(host: string): string {
    return `http://${host}:${this.port}/hooks/kanribo`;
  }

  /** Requests carrying this delivery id. */
  deliveriesOf(id: string): ReceivedHook[] {
    return this.received.filter((r) => deliveryIdOf(r) === id);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** The delivery id a request carried in its header. */
export function deliveryIdOf(hook: Pick<ReceivedHook, 'headers'>): string {
  return String(hook.headers['webhook-id']);
}

/** The attempt number a request carried in its header. */
export function attemptOf(hook: Pick<ReceivedHook, 'headers'>): number {
  return Number(hook.headers['x-kanribo-attempt']);
}

import { createServer, type Server } from 'node:http';

export interface ReceivedHook {
  headers: Record<string, string | string[] | undefined>;
  body: string;
  status: number;
}

/** A local HTTP server that takes webhook POSTs and answers with the status the test sets. */
export class WebhookReceiver {
  readonly received: ReceivedHook[] = [];
  /** The status the next requests get. */
  status = 204;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    readonly url: string,
  ) {}

  static async start(): Promise<WebhookReceiver> {
    const self: { receiver?: WebhookReceiver } = {};
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const status = self.receiver?.status ?? 204;
        self.receiver?.received.push({
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          status,
        });
        res.statusCode = status;
        res.end();
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
    return this.received.filter((r) => r.headers['x-kanribo-delivery'] === id);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

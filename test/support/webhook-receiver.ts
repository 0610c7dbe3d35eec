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
  /** While set, no request is answered before it settles (and its delay has passed). */
  private held: { released: Promise<void>; release: () => void } | undefined;

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
        // The delay counts from the request's arrival, held or not.
        const due = arrivedAt + delay;
        const answerWhenDue = () => {
          const left = due - Date.now();
          if (left > 0) setTimeout(answer, left).unref();
          else answer();
        };
        const held = receiver?.held?.released;
        if (held) void held.then(answerWhenDue);
        else answerWhenDue();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    self.receiver = new WebhookReceiver(server, port, `http://127.0.0.1:${port}/hooks/kanribo`);
    return self.receiver;
  }

  /**
   * Answers no request until {@link release}: what a test must see while
   * requests are still out does not depend on how fast the machine is.
   */
  hold(): void {
    if (this.held) return;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    this.held = { released, release };
  }

  /** Lets the held requests be answered, each once its delay has passed. */
  release(): void {
    this.held?.release();
    this.held = undefined;
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
    this.release();
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

import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The message as it came over the wire (headers as encoded). */
  raw: string;
  parsed: ParsedMail;
}

/**
 * A local SMTP server (smtp-server on 127.0.0.1, a random port) that keeps
 * every message it accepts. `refuse` answers the next so many deliveries
 * with a reply the test chooses (451: try again later; 550: never), at the
 * RCPT command, as a mail server that greylists or rejects does.
 */
export class SmtpSink {
  readonly received: ReceivedMail[] = [];
  /** Deliveries refused so far, with the reply code each got. */
  readonly refused: number[] = [];
  /** How many of the next deliveries to refuse, and with which code. */
  refuse = { count: 0, code: 451 };

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<SmtpSink> {
    const self: { sink?: SmtpSink } = {};
    const server = new SMTPServer({
      // Plain SMTP on the loopback: no STARTTLS with the library's test certificate.
      disabledCommands: ['STARTTLS', 'AUTH'],
      authOptional: true,
      logger: false,
      onRcptTo(_address, _session, callback) {
        const sink = self.sink;
        if (sink && sink.refuse.count > 0) {
          sink.refuse.count--;
          sink.refused.push(sink.refuse.code);
          const error = Object.assign(new Error('Mailbox busy, try again later'), {
            responseCode: sink.refuse.code,
          });
          callback(error);
          return;
        }
        callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          void simpleParser(raw).then(
            (parsed) => {
              self.sink?.received.push({
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to: session.envelope.rcptTo.map((r) => r.address),
                raw,
                parsed,
              });
              callback();
            },
            (error: Error) => callback(error),
          );
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.server.address() as AddressInfo;
    self.sink = new SmtpSink(server, port);
    return self.sink;
  }

  /** The messages sent to `address`. */
  to(address: string): ReceivedMail[] {
    return this.received.filter((m) => m.to.includes(address));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

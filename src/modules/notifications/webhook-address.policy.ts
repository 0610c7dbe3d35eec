import { lookup } from 'node:dns/promises';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Agent, buildConnector, type Dispatcher } from 'undici';
import { DomainError } from '../../common/errors/domain-error.js';
import { AppConfig, ConfigError } from '../../config/app-config.js';
import {
  type AllowedNetworks,
  judgeHost,
  judgeResolved,
  judgeWebhookUrl,
  parseAllowedNetworks,
  type WebhookAddressSettings,
  type WebhookRefusal,
} from './webhook-address.rule.js';

/** A delivery the address policy stopped before any connection was attempted. */
export class WebhookAddressRefused extends Error {
  constructor(readonly reason: WebhookRefusal) {
    super(`refused by the webhook address policy: ${reason}`);
    this.name = 'WebhookAddressRefused';
  }
}

/** WEBHOOK_ALLOWED_NETWORKS, parsed; a bad entry stops start-up naming the variable. */
function allowedNetworks(config: AppConfig): AllowedNetworks {
  try {
    return parseAllowedNetworks(config.WEBHOOK_ALLOWED_NETWORKS);
  } catch (error) {
    throw new ConfigError([`WEBHOOK_ALLOWED_NETWORKS ${(error as Error).message}`]);
  }
}

/**
 * Host names to addresses, as the system resolver answers (hosts file, then
 * DNS). Its own provider so that a test can answer for a name without any
 * outside DNS, and change the answer between registration and delivery.
 */
@Injectable()
export class WebhookResolver {
  /** Every address of `host`; an empty list or a rejection means it does not resolve. */
  async addresses(host: string): Promise<string[]> {
    const answers = await lookup(host, { all: true, verbatim: true });
    return answers.map((a) => a.address);
  }
}

/**
 * Applies webhook-address.rule.ts at the two moments that matter.
 *
 * At registration, {@link checkRegistration} refuses the URL (resolving a
 * host name) so that an officer learns at once. That alone would not do:
 * a name can resolve to a public address now and to 127.0.0.1 at delivery
 * (DNS rebinding), and the settings may have narrowed since. So deliveries
 * go through {@link dispatcher}, an undici Agent whose `connect` resolves the
 * name itself, judges every address, and hands the connector the address it
 * judged: the socket is opened to exactly that address or not at all. A
 * refusal is a {@link WebhookAddressRefused} before any packet is sent, so
 * the delivery's error cannot tell whether something listens there.
 */
@Injectable()
export class WebhookAddressPolicy implements OnApplicationShutdown {
  readonly settings: WebhookAddressSettings;
  readonly dispatcher: Dispatcher;

  constructor(
    config: AppConfig,
    private readonly resolver: WebhookResolver,
  ) {
    this.settings = {
      allowHttp: config.WEBHOOK_ALLOW_HTTP === 'true',
      allowed: allowedNetworks(config),
    };
    const connect = buildConnector({ timeout: config.WEBHOOK_TIMEOUT_MS });
    this.dispatcher = new Agent({
      connect: (options, callback) => {
        this.admit(options.hostname).then(
          // `host` keeps the name, so TLS still sends and verifies it (SNI).
          (address) => connect({ ...options, hostname: address }, callback),
          (error: Error) => callback(error, null),
        );
      },
    });
  }

  // Not at onModuleDestroy, which comes first: a POST in flight would hold
  // the stop until it ends. By now QueueShutdown has let it finish within the
  // grace period or aborted it.
  async onApplicationShutdown(): Promise<void> {
    await this.dispatcher.close();
  }

  /** Throws 400 WEBHOOK_URL_REFUSED, with the reason, for a URL kanribo must not send to. */
  async checkRegistration(url: string): Promise<void> {
    const refused = await this.judge(url);
    if (refused) {
      throw new DomainError('WEBHOOK_URL_REFUSED', `The webhook URL is refused: ${refused}`, {
        field: 'url',
        reason: refused,
      });
    }
  }

  /** The URL rules that need no network; a delivery checks them again in case settings changed. */
  judgeUrl(url: string): WebhookRefusal | null {
    return judgeWebhookUrl(url, this.settings).refused;
  }

  private async judge(url: string): Promise<WebhookRefusal | null> {
    const verdict = judgeWebhookUrl(url, this.settings);
    if (verdict.refused !== null || verdict.address !== null) return verdict.refused;
    const addresses = await this.resolver.addresses(verdict.host).catch(() => []);
    return judgeResolved(verdict.host, addresses, this.settings.allowed);
  }

  /**
   * The address to open a delivery's socket to: `hostname` itself when it is
   * an address, else the first of its resolved addresses once all of them
   * passed. Rejects with WebhookAddressRefused.
   */
  private async admit(hostname: string): Promise<string> {
    const verdict = judgeHost(hostname, this.settings.allowed);
    if (verdict.refused !== null) throw new WebhookAddressRefused(verdict.refused);
    if (verdict.address !== null) return verdict.address;
    const addresses = await this.resolver.addresses(verdict.host);
    const refused = judgeResolved(verdict.host, addresses, this.settings.allowed);
    if (refused) throw new WebhookAddressRefused(refused);
    return addresses[0]!;
  }
}

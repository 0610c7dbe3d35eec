import ipaddr from 'ipaddr.js';

/**
 * Which webhook URLs and addresses kanribo may send to. A webhook URL is
 * chosen by a ward officer, and the deliveries list tells them how each
 * attempt ended, so without this rule the server would probe, on their
 * behalf, anything it can reach: its own Redis on loopback, the cloud
 * metadata service, the office network. The rule is applied twice: to the
 * URL when it is registered, and to the address actually connected to at
 * each delivery (after DNS resolution, so a name that later resolves
 * elsewhere cannot slip through).
 *
 * Addresses are classified by ipaddr.js, never by hand-written ranges: only
 * what it calls `unicast` (globally routable) passes, unless an entry of
 * WEBHOOK_ALLOWED_NETWORKS covers it. Cloud metadata endpoints never pass.
 */

export const WEBHOOK_REFUSALS = [
  'invalid_url',
  'scheme',
  'credentials',
  'plain_http',
  'unresolved_host',
  'metadata_address',
  'loopback_address',
  'private_address',
  'link_local_address',
  'shared_address',
  'multicast_address',
  'unspecified_address',
  'reserved_address',
] as const;
export type WebhookRefusal = (typeof WEBHOOK_REFUSALS)[number];

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** The parsed WEBHOOK_ALLOWED_NETWORKS: networks, and host names allowed whatever they resolve to. */
export interface AllowedNetworks {
  readonly networks: ReadonlyArray<readonly [Address, number]>;
  readonly hosts: ReadonlySet<string>;
}

export interface WebhookAddressSettings {
  /** WEBHOOK_ALLOW_HTTP: plain `http://` is accepted. */
  readonly allowHttp: boolean;
  readonly allowed: AllowedNetworks;
}

/** What a URL says before any name is resolved. */
export type UrlJudgement =
  | { refused: WebhookRefusal }
  /** `address`: the host is an address literal (already judged); otherwise a name to resolve. */
  | { refused: null; host: string; address: string | null };

/**
 * Cloud metadata services by name (GCP, AWS) and by address (AWS, ECS,
 * Alibaba, Azure's wire server, Oracle's legacy one). Most addresses are also
 * link-local or otherwise non-public, but these stay refused even inside an
 * allowed network: no receiver of ours lives there.
 */
const METADATA_HOSTS: ReadonlySet<string> = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
]);
const METADATA_ADDRESSES: readonly Address[] = [
  '169.254.169.254',
  '169.254.170.2',
  '100.100.100.200',
  '168.63.129.16',
  '192.0.0.192',
  'fd00:ec2::254',
].map((a) => ipaddr.parse(a));

const HOST_NAME =
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** A host name as compared: lower case, without the root's trailing dot, IPv6 without brackets. */
export function normalizeHost(host: string): string {
  let h = host.toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.endsWith('.')) h = h.slice(0, -1);
  return h;
}

/**
 * Parses WEBHOOK_ALLOWED_NETWORKS: comma-separated CIDRs (`10.20.0.0/16`),
 * single addresses, or host names (`hooks.lgwan.example`, matched exactly).
 * Throws on an entry that is none of these.
 */
export function parseAllowedNetworks(list: string): AllowedNetworks {
  const networks: Array<readonly [Address, number]> = [];
  const hosts = new Set<string>();
  for (const raw of list.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    if (ipaddr.isValidCIDR(entry)) {
      networks.push(ipaddr.parseCIDR(entry));
    } else if (ipaddr.IPv6.isValid(entry) || ipaddr.IPv4.isValidFourPartDecimal(entry)) {
      const address = ipaddr.parse(entry);
      networks.push([address, address.kind() === 'ipv4' ? 32 : 128]);
    } else if (HOST_NAME.test(normalizeHost(entry)) && !/^[\d.]+$/.test(entry)) {
      hosts.add(normalizeHost(entry));
    } else {
      throw new Error(`not a CIDR, an address or a host name: ${JSON.stringify(entry)}`);
    }
  }
  return { networks, hosts };
}

/** Whether `host` (a URL's host name) is named in the allowed list. */
export function isAllowedHost(host: string, allowed: AllowedNetworks): boolean {
  return allowed.hosts.has(normalizeHost(host));
}

/** ::/96, the deprecated IPv4-compatible IPv6 block. */
const IPV4_COMPATIBLE = ipaddr.parse('::');

/**
 * Judges one address, as resolved or as written in a URL (any form
 * ipaddr.js reads; IPv4-mapped IPv6 is judged as the IPv4 it carries).
 * Returns why it is refused, or null when kanribo may connect to it.
 */
export function judgeAddress(address: string, allowed: AllowedNetworks): WebhookRefusal | null {
  let parsed: Address;
  try {
    parsed = ipaddr.process(normalizeHost(address));
  } catch {
    return 'invalid_url';
  }
  const same = (a: Address, b: Address): boolean =>
    a.kind() === b.kind() && a.toNormalizedString() === b.toNormalizedString();
  if (METADATA_ADDRESSES.some((m) => same(m, parsed))) return 'metadata_address';
  if (
    allowed.networks.some(([net, bits]) => net.kind() === parsed.kind() && parsed.match(net, bits))
  ) {
    return null;
  }
  const range: string = parsed.range();
  switch (range) {
    case 'unicast':
      // ipaddr.js calls the deprecated IPv4-compatible block (::a.b.c.d,
      // RFC 4291 §2.5.5.1) unicast; nothing public lives there.
      if (parsed.kind() === 'ipv6' && parsed.match(IPV4_COMPATIBLE, 96)) return 'reserved_address';
      return null;
    case 'loopback':
      return 'loopback_address';
    case 'private':
    case 'uniqueLocal':
      return 'private_address';
    case 'linkLocal':
      return 'link_local_address';
    case 'carrierGradeNat':
      return 'shared_address';
    case 'multicast':
      return 'multicast_address';
    case 'unspecified':
      return 'unspecified_address';
    default:
      // Broadcast, documentation, benchmarking, 6to4, Teredo, NAT64 and the
      // other special-purpose blocks: none is a receiver's public address,
      // and the tunnelling ones could carry a refused IPv4 address inside.
      return 'reserved_address';
  }
}

/**
 * Judges a URL without touching the network: scheme, credentials, plain
 * http, metadata names, and the address when the host is a literal (the
 * WHATWG parser, the one the sender uses, has already turned `0x7f000001`,
 * `2130706433` or `127.1` into `127.0.0.1`).
 */
export function judgeWebhookUrl(url: string, settings: WebhookAddressSettings): UrlJudgement {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { refused: 'invalid_url' };
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return { refused: 'scheme' };
  if (parsed.username !== '' || parsed.password !== '') return { refused: 'credentials' };
  if (parsed.protocol === 'http:' && !settings.allowHttp) return { refused: 'plain_http' };
  return judgeHost(parsed.hostname, settings.allowed);
}

/**
 * Judges a host as a URL or a connection names it: an address literal is
 * judged at once, a metadata name is refused, any other name is left to be
 * resolved ({@link judgeResolved}).
 */
export function judgeHost(hostname: string, allowed: AllowedNetworks): UrlJudgement {
  const host = normalizeHost(hostname);
  if (host === '') return { refused: 'invalid_url' };
  if (ipaddr.isValid(host)) {
    const refused = judgeAddress(host, allowed);
    return refused ? { refused } : { refused: null, host, address: host };
  }
  if (METADATA_HOSTS.has(host)) return { refused: 'metadata_address' };
  return { refused: null, host, address: null };
}

/**
 * Judges every address a host name resolved to: one refused address refuses
 * the name (a resolver answering both a public and a private address must
 * not decide which one is used). A name listed in the allowed networks
 * passes whatever it resolves to, except a metadata address.
 */
export function judgeResolved(
  host: string,
  addresses: readonly string[],
  allowed: AllowedNetworks,
): WebhookRefusal | null {
  if (addresses.length === 0) return 'unresolved_host';
  const named = isAllowedHost(host, allowed);
  for (const address of addresses) {
    const refused = judgeAddress(address, allowed);
    if (refused === 'metadata_address' || (refused !== null && !named)) return refused;
  }
  return null;
}

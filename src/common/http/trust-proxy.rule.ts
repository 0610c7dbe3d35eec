/**
 * What Fastify's `trustProxy` option gets from TRUST_PROXY: which proxies'
 * `X-Forwarded-For` (and `-Proto`, `-Host`) to believe, so that `request.ip`,
 * the client address of the request log and the access log, is the real
 * client's and not the proxy's.
 *
 * - `false` (the default): none; the address is the TCP peer's.
 * - `true`: any; only when every path to the service goes through a proxy
 *   that overwrites the header.
 * - a hop count `n`: the n nearest proxies, whatever their addresses.
 * - a comma-separated list of addresses and CIDRs: those proxies only.
 */
export type TrustProxy = boolean | string[] | ((address: string, hop: number) => boolean);

export function trustProxyOption(value: string): TrustProxy {
  const trimmed = value.trim();
  if (trimmed === 'false') return false;
  if (trimmed === 'true') return true;
  if (/^\d+$/.test(trimmed)) {
    // As Fastify does for a number (its types accept none): trust n hops.
    const hops = Number(trimmed);
    return (_address, hop) => hop < hops;
  }
  return trimmed
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
}

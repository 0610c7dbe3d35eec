// The load generator of `npm run bench`, run as its own process: it receives
// a LoadSpec over IPC, drives autocannon, and answers with a LoadResult.
import autocannon from 'autocannon';

interface Party {
  token: string;
  userId: string;
}

export type LoadSpec =
  | {
      kind: 'handovers';
      base: string;
      connections: number;
      duration: number;
      contractId: string;
      /** One DVD-R per connection, held by the ward. */
      media: string[];
      officer: Party;
      handler: Party;
      /**
       * The contract of each medium, when they belong to several (the scale
       * bench); a medium not named here is `contractId`'s.
       */
      contractOf?: Record<string, string>;
      /**
       * Servers to split the load across (the scale bench: one or two
       * instances), each with its share of the connections and the media;
       * latencies are then timed per response here, over all of them.
       * Unset: `base` alone, timed by autocannon.
       */
      bases?: string[];
    }
  | {
      kind: 'get';
      base: string;
      connections: number;
      duration: number;
      token: string;
      /** The one GET repeated: `/api/auth/me`, or a contract read (access-logged). */
      path: string;
    };

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  total: number;
  non2xx: number;
  errors: number;
}

interface Context {
  medium?: string;
  contract?: string;
  handover?: string;
}

const json = (token: string) => ({
  'content-type': 'application/json',
  authorization: `Bearer ${token}`,
});

function handoverRequests(spec: Extract<LoadSpec, { kind: 'handovers' }>): autocannon.Request[] {
  // Media free to start a round; autocannon resets a connection's context when
  // its sequence starts over, so a medium goes back to the pool at the end.
  const pool = [...spec.media];
  const base = (context: Context) =>
    `/api/contracts/${context.contract ?? spec.contractId}/handovers`;
  const remember = (_status: number, body: string, context: Context) => {
    try {
      context.handover = (JSON.parse(body) as { id?: string }).id;
    } catch {
      context.handover = undefined;
    }
  };
  const dispatch = (from: Party, to: Party, purpose: string) =>
    ((req: autocannon.Request, context: Context) => {
      if (purpose === 'provide') {
        context.medium = pool.shift();
        context.contract = context.medium ? spec.contractOf?.[context.medium] : undefined;
      }
      return {
        ...req,
        method: 'POST',
        path: base(context),
        headers: json(from.token),
        body: JSON.stringify({
          items: [context.medium],
          toUserId: to.userId,
          method: 'hand',
          bagId: `BAG-${context.medium}`,
          purpose,
        }),
      };
    }) as unknown as autocannon.Request['setupRequest'];
  const receive = (by: Party) =>
    ((req: autocannon.Request, context: Context) => ({
      ...req,
      method: 'POST',
      path: `${base(context)}/${context.handover}/receive`,
      headers: json(by.token),
      body: JSON.stringify({ sealIntact: true }),
    })) as unknown as autocannon.Request['setupRequest'];
  return [
    { setupRequest: dispatch(spec.officer, spec.handler, 'provide'), onResponse: remember },
    { setupRequest: receive(spec.handler) },
    { setupRequest: dispatch(spec.handler, spec.officer, 'return'), onResponse: remember },
    {
      setupRequest: receive(spec.officer),
      onResponse: (_status: number, _body: string, context: Context) => {
        if (context.medium) pool.push(context.medium);
      },
    },
  ] as autocannon.Request[];
}

/**
 * The handover load split across several servers at once: each gets an equal
 * share of the connections and a contiguous share of the media (so each
 * share covers every contract when media alternate between contracts).
 * Every response's latency is kept, so that the percentiles are those of all
 * the servers' responses together.
 */
async function runSplit(
  spec: Extract<LoadSpec, { kind: 'handovers' }>,
  bases: string[],
): Promise<LoadResult> {
  const latencies: number[] = [];
  const started = performance.now();
  const results = await Promise.all(
    bases.map((url, i) => {
      const share = (n: number) => [
        Math.floor((n * i) / bases.length),
        Math.floor((n * (i + 1)) / bases.length),
      ];
      const [from, to] = share(spec.media.length);
      const [c0, c1] = share(spec.connections);
      return new Promise<autocannon.Result>((resolve, reject) => {
        const instance = autocannon(
          {
            url,
            connections: c1! - c0!,
            duration: spec.duration,
            requests: handoverRequests({ ...spec, media: spec.media.slice(from, to) }),
          },
          (error, result) => (error ? reject(error as Error) : resolve(result)),
        );
        instance.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
      });
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  const total = results.reduce((sum, r) => sum + r.requests.total, 0);
  return {
    requestsPerSecond: total / seconds,
    p50: at(0.5),
    p99: at(0.99),
    total,
    non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
  };
}

async function run(spec: LoadSpec): Promise<LoadResult> {
  if (spec.kind === 'handovers' && spec.bases) return runSplit(spec, spec.bases);
  const options: autocannon.Options = {
    url: spec.base,
    connections: spec.connections,
    duration: spec.duration,
  };
  if (spec.kind === 'handovers') {
    // Each connection walks its own medium around: provide, receive, return, receive.
    options.requests = handoverRequests(spec);
  } else {
    options.requests = [
      { method: 'GET', path: spec.path, headers: { authorization: `Bearer ${spec.token}` } },
    ];
  }
  const result = await autocannon(options);
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

process.once('message', (spec: LoadSpec) => {
  run(spec)
    .then((result) => process.send?.(result))
    .catch((error: unknown) => {
      process.stderr.write(`load failed: ${String(error)}\n`);
      process.exit(1);
    });
});

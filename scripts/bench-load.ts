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
  const base = `/api/contracts/${spec.contractId}/handovers`;
  const remember = (_status: number, body: string, context: Context) => {
    try {
      context.handover = (JSON.parse(body) as { id?: string }).id;
    } catch {
      context.handover = undefined;
    }
  };
  const dispatch = (from: Party, to: Party, purpose: string) =>
    ((req: autocannon.Request, context: Context) => {
      if (purpose === 'provide') context.medium = pool.shift();
      return {
        ...req,
        method: 'POST',
        path: base,
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
      path: `${base}/${context.handover}/receive`,
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

async function run(spec: LoadSpec): Promise<LoadResult> {
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

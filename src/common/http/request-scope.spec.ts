import {
  attachRequestScope,
  bindActorToRequest,
  currentRequestScope,
  inActorScope,
  type RequestScope,
  runInRequestScope,
} from './request-scope.js';

const scopeNamed = (requestId: string): RequestScope => ({
  requestId,
  method: 'POST',
  route: '/api/contracts/:id/handovers',
  clientAddress: '127.0.0.1',
  userAgent: null,
  actor: null,
  action: null,
  contractId: null,
  resourceId: null,
  expectedStatus: null,
  subject: null,
  recorded: false,
});

describe('inActorScope', () => {
  it("lends the actor's request scope for the synchronous length of the call only", async () => {
    const request = {};
    const actor = { userId: 'u1' };
    const scope = scopeNamed('r1');
    attachRequestScope(request, scope);
    bindActorToRequest(actor, request);

    let seenInside: RequestScope | undefined;
    let seenAfterAwait: RequestScope | undefined = scope;
    await inActorScope(actor, () => {
      seenInside = currentRequestScope();
      return (async () => {
        await Promise.resolve();
        seenAfterAwait = currentRequestScope();
      })();
    });
    expect(seenInside).toBe(scope);
    expect(seenAfterAwait).toBeUndefined();
    expect(currentRequestScope()).toBeUndefined();
  });

  it('lends nothing for an actor bound to no request, and restores after a throw', () => {
    expect(inActorScope({}, () => currentRequestScope())).toBeUndefined();

    const request = {};
    const actor = {};
    attachRequestScope(request, scopeNamed('r2'));
    bindActorToRequest(actor, request);
    expect(() =>
      inActorScope(actor, () => {
        throw new Error('refused');
      }),
    ).toThrow('refused');
    expect(currentRequestScope()).toBeUndefined();
  });

  it('keeps each actor to its own request', () => {
    const [a, b] = [{}, {}];
    const [ra, rb] = [{}, {}];
    attachRequestScope(ra, scopeNamed('ra'));
    attachRequestScope(rb, scopeNamed('rb'));
    bindActorToRequest(a, ra);
    bindActorToRequest(b, rb);
    expect(inActorScope(b, () => currentRequestScope()?.requestId)).toBe('rb');
    expect(inActorScope(a, () => currentRequestScope()?.requestId)).toBe('ra');
  });

  it('inside the async context, the lent scope wins only while lent', () => {
    const request = {};
    const actor = {};
    attachRequestScope(request, scopeNamed('lent'));
    bindActorToRequest(actor, request);
    runInRequestScope(scopeNamed('context'), () => {
      expect(inActorScope(actor, () => currentRequestScope()?.requestId)).toBe('lent');
      expect(currentRequestScope()?.requestId).toBe('context');
    });
  });
});

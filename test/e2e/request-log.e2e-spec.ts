import { aContract } from '../factories/contract.factory.js';
import { aUser, aWorld, TEST_PASSWORD, type World } from '../factories/identity.factory.js';
import { TestApp } from '../support/test-app.js';

interface LogLine {
  level: string;
  time: string;
  msg?: string;
  reqId?: string;
  method?: string;
  route?: string | null;
  status?: number;
  durationMs?: number;
  userId?: string | null;
  context?: string;
}

/**
 * The service's one log: every line a JSON object of one shape (level by
 * name, ISO time), one line per request naming its route pattern, status,
 * duration, user and request id, and no secret of any kind.
 */
describe('the request log', () => {
  let t: TestApp;
  let w: World;
  let contractId: string;

  beforeAll(async () => {
    t = await TestApp.start();
    w = await aWorld(t);
    contractId = (await aContract(t, w)).id;
  });
  afterAll(() => t.close());

  const lines = (): LogLine[] => t.logLines.map((line) => JSON.parse(line) as LogLine);
  const linesOf = (requestId: string) => lines().filter((l) => l.reqId === requestId);

  it('writes one line per request: method, route pattern, status, duration, user and request id', async () => {
    const asked = await t.request('GET', `/api/contracts/${contractId}`, {
      token: w.officerA.token,
      headers: { 'x-request-id': 'log-one-line-1' },
    });
    expect(asked.status).toBe(200);
    expect(asked.headers.get('x-request-id')).toBe('log-one-line-1');
    const [line, ...more] = linesOf('log-one-line-1');
    expect(more).toEqual([]);
    expect(line).toMatchObject({
      level: 'info',
      msg: 'request completed',
      method: 'GET',
      route: '/api/contracts/:id',
      status: 200,
      userId: w.officerA.user.id,
    });
    expect(line!.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(typeof line!.durationMs).toBe('number');
    expect(line!.durationMs).toBeGreaterThanOrEqual(0);
    // The path's id is not in the line: the pattern is.
    expect(JSON.stringify(line)).not.toContain(contractId);
  });

  it('names no user for an anonymous request, and no route for an unknown path', async () => {
    const refused = await t.request('GET', '/api/contracts', {
      headers: { 'x-request-id': 'log-anonymous-1' },
    });
    expect(refused.status).toBe(401);
    expect(linesOf('log-anonymous-1')).toEqual([
      expect.objectContaining({ route: '/api/contracts', status: 401, userId: null }),
    ]);
    const unknown = await t.request('GET', '/api/no-such-thing?name=山田', {
      headers: { 'x-request-id': 'log-unknown-1' },
    });
    expect(unknown.status).toBe(404);
    const [line] = linesOf('log-unknown-1');
    expect(line).toMatchObject({ method: 'GET', status: 404 });
    expect(JSON.stringify(line)).not.toContain('山田');
  });

  it('makes up a request id when the caller gives none or an unusable one, and answers it', async () => {
    const given = await t.request('GET', '/api/health', {
      headers: { 'x-request-id': 'not a usable id; <script>' },
    });
    const id = given.headers.get('x-request-id')!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(linesOf(id)).toHaveLength(1);
  });

  it('never writes a password, token, cookie, CSRF token or secret, wherever it travels', async () => {
    const officer = await aUser(t, w.wardA, 'ward_officer');
    // Passwords in bodies: a login (right and wrong) and a change.
    const cookieLogin = await t.post('/api/auth/login', {
      loginId: officer.user.loginId,
      password: TEST_PASSWORD,
      session: 'cookie',
    });
    expect(cookieLogin.status).toBe(200);
    await t.post('/api/auth/login', {
      loginId: officer.user.loginId,
      password: 'a-wrong-password-9876',
    });
    const cookie = cookieLogin.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const csrf = cookieLogin.body.csrfToken as string;
    // The cookie and the CSRF header on a write.
    const changed = await t.request('POST', '/api/auth/password', {
      headers: { cookie, 'x-csrf-token': csrf },
      body: { currentPassword: TEST_PASSWORD, newPassword: 'a-new-password-for-the-log-1' },
    });
    expect(changed.status).toBe(200);
    // A bearer token, and a webhook secret in a body.
    const secret = `whsec_${Buffer.from('request-log-webhook-secret-01234').toString('base64')}`;
    const hook = await t.request('PUT', `/api/organizations/${w.wardA.id}/webhook`, {
      token: w.officerA.token,
      body: { url: 'https://127.0.0.1:9/kanribo', secret },
    });
    expect(hook.status).toBe(200);
    // A one-time password in an answer.
    const reset = await t.post(`/api/users/${officer.user.id}/reset-password`, {}, w.admin.token);
    expect(reset.status).toBe(200);

    const log = t.logLines.join('\n');
    expect(log).toContain('/api/auth/password');
    for (const secretValue of [
      TEST_PASSWORD,
      'a-wrong-password-9876',
      'a-new-password-for-the-log-1',
      cookie.split('=')[1]!,
      csrf,
      w.officerA.token,
      w.admin.token,
      secret.slice('whsec_'.length),
      reset.body.oneTimePassword as string,
    ]) {
      expect(log).not.toContain(secretValue);
    }
  });

  it('is one JSON style: every line, the framework’s included, has a level by name and an ISO time', () => {
    expect(t.logLines.length).toBeGreaterThan(10);
    for (const line of lines()) {
      expect(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).toContain(line.level);
      expect(line.time).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    }
  });
});

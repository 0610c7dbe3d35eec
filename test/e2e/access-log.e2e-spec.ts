import { randomUUID } from 'node:crypto';
import { get as httpGet } from 'node:http';
import { AccessLogService } from '../../src/modules/access-log/access-log.service.js';
import { AccessLogWriter } from '../../src/modules/access-log/access-log.writer.js';
import { TransactionRunner } from '../../src/database/transaction-runner.js';
import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { aUser, TEST_PASSWORD, type TestUser } from '../factories/identity.factory.js';
import { parseCsv, sql } from '../support/ledger-kit.js';
import { type ApiResponse, TestApp } from '../support/test-app.js';

/** An access-log row as stored (snake_case columns). */
interface Row {
  seq: number;
  recorded_at: string;
  user_id: string | null;
  organization_id: string | null;
  role: string | null;
  login_id: string | null;
  action: string;
  method: string;
  route: string;
  contract_id: string | null;
  resource_id: string | null;
  status_code: number;
  client_address: string;
  user_agent: string | null;
  request_id: string;
  prev_hash: string;
  hash: string;
}

const UA = 'kanribo-e2e/1.0 (access log)';

/** The stored entry of one request (by the request id the test sent), or undefined. */
async function entryOf(t: TestApp, requestId: string): Promise<Row | undefined> {
  const rows = await sql<Row>(t, 'SELECT * FROM access_log_entries WHERE request_id = ?', [
    requestId,
  ]);
  expect(rows.length).toBeLessThanOrEqual(1);
  const row = rows[0];
  return row && { ...row, seq: Number(row.seq), status_code: Number(row.status_code) };
}

/**
 * Waits for a request's entry: reads are flushed every ACCESS_LOG_FLUSH_MS,
 * but a flush queues behind other writers, and a loaded machine (two test
 * files at once) can take well over a second. How soon is the bench's
 * business, not this test's.
 */
function flushedEntry(t: TestApp, requestId: string): Promise<Row> {
  return t.eventually(() => entryOf(t, requestId), 10_000, `the entry of ${requestId}`);
}

/** A request with its own request id and user agent. */
function call(
  t: TestApp,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<ApiResponse & { requestId: string }> {
  const requestId = `req-${randomUUID()}`;
  return t
    .request(method, path, {
      ...options,
      headers: { 'x-request-id': requestId, 'user-agent': UA },
    })
    .then((r) => ({ ...r, requestId }));
}

async function login(t: TestApp, who: TestUser): Promise<string> {
  const r = await t.post('/api/auth/login', { loginId: who.user.loginId, password: TEST_PASSWORD });
  expect(r.status).toBe(200);
  return r.body.token as string;
}

/** Every page of GET /api/access-log for `token`, following nextAfterSeq. */
async function readAll(t: TestApp, token: string, query = ''): Promise<any[]> {
  const items: any[] = [];
  let after = 0;
  for (;;) {
    const r = await t.get(`/api/access-log?limit=1000&afterSeq=${after}${query}`, token);
    expect(r.status).toBe(200);
    items.push(...r.body.items);
    if (r.body.nextAfterSeq === null) return items;
    after = r.body.nextAfterSeq;
  }
}

describe('access log (アクセスログ)', () => {
  let t: TestApp;
  let c: CustodyWorld;
  let auditorB: TestUser;

  beforeAll(async () => {
    t = await TestApp.start();
    c = await aCustodyWorld(t);
    auditorB = await aUser(t, c.w.wardB, 'auditor');
  });
  afterAll(() => t.close());

  describe('an entry for each kind of event', () => {
    it('a login: the user it is about, the route, 200, the address, agent and request id', async () => {
      const r = await call(t, 'POST', '/api/auth/login', {
        body: { loginId: c.w.officerA.user.loginId, password: TEST_PASSWORD },
      });
      expect(r.status).toBe(200);
      // Written with the session, in the same transaction: there right after the answer.
      const e = await entryOf(t, r.requestId);
      expect(e).toMatchObject({
        action: 'login.succeeded',
        user_id: c.w.officerA.user.id,
        organization_id: c.w.wardA.id,
        role: 'ward_officer',
        login_id: c.w.officerA.user.loginId,
        method: 'POST',
        route: '/api/auth/login',
        contract_id: null,
        status_code: 200,
        client_address: '127.0.0.1',
        user_agent: UA,
        request_id: r.requestId,
      });
      expect(r.headers.get('x-request-id')).toBe(r.requestId);
    });

    it('a failed login of a known id names the user; of an unknown id, only the id typed', async () => {
      const known = await call(t, 'POST', '/api/auth/login', {
        body: { loginId: c.w.staffY.user.loginId, password: 'wrong-password-0000' },
      });
      expect(known.status).toBe(401);
      expect(await flushedEntry(t, known.requestId)).toMatchObject({
        action: 'login.failed',
        user_id: c.w.staffY.user.id,
        organization_id: c.w.contractorY.id,
        role: 'contractor_staff',
        login_id: c.w.staffY.user.loginId,
        route: '/api/auth/login',
        status_code: 401,
        client_address: '127.0.0.1',
        user_agent: UA,
      });

      const unknown = await call(t, 'POST', '/api/auth/login', {
        body: { loginId: 'nobody.at.all', password: 'wrong-password-0000' },
      });
      expect(unknown.status).toBe(401);
      expect(await flushedEntry(t, unknown.requestId)).toMatchObject({
        action: 'login.failed',
        user_id: null,
        organization_id: null,
        role: null,
        login_id: 'nobody.at.all',
        status_code: 401,
      });
    });

    it('a logout', async () => {
      const token = await login(t, c.w.staffX2);
      const r = await call(t, 'POST', '/api/auth/logout', { token });
      expect(r.status).toBe(204);
      expect(await flushedEntry(t, r.requestId)).toMatchObject({
        action: 'logout',
        user_id: c.w.staffX2.user.id,
        organization_id: c.w.contractorX.id,
        route: '/api/auth/logout',
        status_code: 204,
      });
    });

    it('a contract read, flushed within a second, with its contract', async () => {
      const r = await call(t, 'GET', `/api/contracts/${c.contractId}`, { token: c.w.staffX.token });
      expect(r.status).toBe(200);
      expect(await flushedEntry(t, r.requestId)).toMatchObject({
        action: 'contracts.get',
        user_id: c.w.staffX.user.id,
        organization_id: c.w.contractorX.id,
        role: 'contractor_staff',
        login_id: null,
        method: 'GET',
        route: '/api/contracts/:id',
        contract_id: c.contractId,
        resource_id: null,
        status_code: 200,
        client_address: '127.0.0.1',
        user_agent: UA,
        request_id: r.requestId,
      });
    });

    it('a ledger CSV export', async () => {
      const r = await call(t, 'GET', `/api/contracts/${c.contractId}/ledger/export.csv`, {
        token: c.w.officerA.token,
      });
      expect(r.status).toBe(200);
      expect(await flushedEntry(t, r.requestId)).toMatchObject({
        action: 'ledger.export',
        user_id: c.w.officerA.user.id,
        route: '/api/contracts/:id/ledger/export.csv',
        contract_id: c.contractId,
        status_code: 200,
      });
    });

    it('a medium registration: its entry commits with it, naming the new medium', async () => {
      const r = await call(t, 'POST', `${c.base}/media`, {
        token: c.w.officerA.token,
        body: {
          kind: 'dvd_r',
          label: 'DVD-AL-1',
          description: '住民税課税資料',
          recordCount: 10,
          encrypted: true,
        },
      });
      expect(r.status).toBe(201);
      // No waiting: the entry was written in the registration's transaction.
      expect(await entryOf(t, r.requestId)).toMatchObject({
        action: 'media.register',
        user_id: c.w.officerA.user.id,
        method: 'POST',
        route: '/api/contracts/:id/media',
        contract_id: c.contractId,
        resource_id: r.body.id,
        status_code: 201,
      });
    });

    it('a handover and its receipt (routes recorded through the caller): each entry commits with its write', async () => {
      const dvd = await c.dvd();
      const sent = await call(t, 'POST', `${c.base}/handovers`, {
        token: c.w.officerA.token,
        body: {
          items: [dvd],
          toUserId: c.w.staffX.user.id,
          method: 'hand',
          bagId: 'BAG-AL-2',
          sealNumber: 'S-2',
          purpose: 'provide',
        },
      });
      expect(sent.status).toBe(201);
      // No waiting: read at once, the entry must already be there.
      expect(await entryOf(t, sent.requestId)).toMatchObject({
        action: 'handovers.dispatch',
        user_id: c.w.officerA.user.id,
        contract_id: c.contractId,
        resource_id: sent.body.id,
        status_code: 201,
      });
      const received = await call(t, 'POST', `${c.base}/handovers/${sent.body.id}/receive`, {
        token: c.w.staffX.token,
        body: { sealIntact: true },
      });
      expect(received.status).toBe(201);
      expect(await entryOf(t, received.requestId)).toMatchObject({
        action: 'handovers.receive',
        user_id: c.w.staffX.user.id,
        contract_id: c.contractId,
        resource_id: sent.body.id,
        status_code: 201,
      });
    });

    it('a write on a resource names it (the roster entry removed)', async () => {
      const roster = await t.get(`${c.base}/roster`, c.w.officerA.token);
      const entry = (roster.body.items as Array<{ id: string; userId: string }>).find(
        (e) => e.userId === c.w.staffZ.user.id,
      )!;
      const r = await call(t, 'DELETE', `${c.base}/roster/${entry.id}`, {
        token: c.w.officerA.token,
      });
      expect(r.status).toBeLessThan(300);
      expect(await entryOf(t, r.requestId)).toMatchObject({
        action: 'contracts.removeRosterEntry',
        route: '/api/contracts/:id/roster/:entryId',
        contract_id: c.contractId,
        resource_id: entry.id,
        status_code: r.status,
      });
    });

    it('a refused write with its status: 422 SPLIT_CHANNEL_VIOLATION', async () => {
      const dvd = await c.dvd();
      const pw = await c.notice(dvd);
      const before = await t.count('access_log_entries');
      const r = await call(t, 'POST', `${c.base}/handovers`, {
        token: c.w.officerA.token,
        body: {
          items: [dvd, pw],
          toUserId: c.w.staffX.user.id,
          method: 'hand',
          bagId: 'BAG-AL',
          sealNumber: 'S-1',
          purpose: 'provide',
        },
      });
      expect([r.status, r.body.code]).toEqual([422, 'SPLIT_CHANNEL_VIOLATION']);
      expect(await flushedEntry(t, r.requestId)).toMatchObject({
        action: 'handovers.dispatch',
        user_id: c.w.officerA.user.id,
        route: '/api/contracts/:id/handovers',
        contract_id: c.contractId,
        status_code: 422,
      });
      expect(await t.count('access_log_entries')).toBeGreaterThan(before);
    });

    it("a refusal: another ward's officer gets 404, a role the route is not for gets 403", async () => {
      const foreign = await call(t, 'GET', `/api/contracts/${c.contractId}/ledger`, {
        token: c.w.officerB.token,
      });
      expect(foreign.status).toBe(404);
      expect(await flushedEntry(t, foreign.requestId)).toMatchObject({
        action: 'ledger.list',
        user_id: c.w.officerB.user.id,
        organization_id: c.w.wardB.id,
        contract_id: c.contractId,
        status_code: 404,
      });

      // Refused by the auth guard itself: the entry still names the handler.
      const role = await call(t, 'GET', '/api/access-log', { token: c.w.admin.token });
      expect([role.status, role.body.code]).toEqual([403, 'FORBIDDEN_ROLE']);
      expect(await flushedEntry(t, role.requestId)).toMatchObject({
        action: 'accessLog.list',
        user_id: c.w.admin.user.id,
        route: '/api/access-log',
        status_code: 403,
      });
    });

    it('nothing for requests without a caller or an account event, nor for reads of one’s own account', async () => {
      const health = await call(t, 'GET', '/api/health');
      const badToken = await call(t, 'GET', '/api/auth/me', { token: 'not-a-token' });
      expect(badToken.status).toBe(401);
      const docs = await call(t, 'GET', '/api/docs/openapi.json');
      expect(docs.status).toBe(200);
      const me = await call(t, 'GET', '/api/auth/me', { token: c.w.officerA.token });
      expect(me.status).toBe(200);
      const mfa = await call(t, 'GET', '/api/auth/mfa', { token: c.w.officerA.token });
      expect(mfa.status).toBe(200);
      const sessions = await call(t, 'GET', '/api/auth/sessions', { token: c.w.officerA.token });
      expect(sessions.status).toBe(200);
      // A later read is flushed: the earlier requests would have been by then.
      const later = await call(t, 'GET', '/api/contracts', { token: c.w.officerA.token });
      await flushedEntry(t, later.requestId);
      for (const r of [health, badToken, docs, me, mfa, sessions])
        expect(await entryOf(t, r.requestId)).toBeUndefined();
    });
  });

  describe('reading it: auditors of their own ward only', () => {
    it('admins, ward officers and contractor staff get 403 on the three endpoints', async () => {
      for (const path of [
        '/api/access-log',
        '/api/access-log/verify',
        '/api/access-log/export.csv',
      ]) {
        for (const who of [c.w.admin, c.w.officerA, c.w.staffX]) {
          const r = await t.get(path, who.token);
          expect([path, r.status, r.body.code]).toEqual([path, 403, 'FORBIDDEN_ROLE']);
        }
      }
    });

    it("ward A's auditor sees the contract's entries and the logins of its contractors' staff", async () => {
      const items = await readAll(t, c.w.auditor.token);
      const contractEntries = items.filter((e) => e.contractId === c.contractId);
      expect(contractEntries.length).toBeGreaterThan(3);
      // Even the probe of another ward's officer on this contract.
      expect(contractEntries.some((e) => e.userId === c.w.officerB.user.id)).toBe(true);
      expect(
        items.some((e) => e.action === 'login.succeeded' && e.userId === c.w.staffX.user.id),
      ).toBe(true);
      // Contractor Y has no contract with ward A: its staff's failed login is not A's.
      expect(items.some((e) => e.userId === c.w.staffY.user.id)).toBe(false);
      // The failed login of an unknown id belongs to no ward: every auditor sees it.
      expect(items.some((e) => e.loginId === 'nobody.at.all')).toBe(true);
      expect(items[0]).toEqual({
        seq: expect.any(Number),
        recordedAt: expect.any(String),
        userId: expect.anything(),
        organizationId: expect.anything(),
        role: expect.anything(),
        loginId: expect.anything(),
        action: expect.any(String),
        method: expect.any(String),
        route: expect.any(String),
        contractId: null,
        resourceId: null,
        statusCode: expect.any(Number),
        clientAddress: '127.0.0.1',
        userAgent: expect.anything(),
        requestId: expect.any(String),
        prevHash: expect.stringMatching(/^[0-9a-f]{64}$/),
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
    });

    it("an auditor of another ward sees none of ward A's entries", async () => {
      const items = await readAll(t, auditorB.token);
      const wardAside = new Set([
        c.w.wardA.id,
        c.w.contractorX.id,
        c.w.subcontractorZ.id,
        c.w.contractorY.id,
      ]);
      expect(items.length).toBeGreaterThan(0); // its own reads, at least
      for (const e of items) {
        expect(wardAside.has(e.organizationId)).toBe(false);
        // What B's auditor sees of contract A is only B's own officer probing it.
        if (e.contractId === c.contractId) expect(e.userId).toBe(c.w.officerB.user.id);
      }
      const byContract = await t.get(`/api/access-log?contractId=${c.contractId}`, auditorB.token);
      expect((byContract.body.items as any[]).every((e) => e.userId === c.w.officerB.user.id)).toBe(
        true,
      );
      const csv = await t.get('/api/access-log/export.csv', auditorB.token);
      expect(csv.text).not.toContain(c.w.officerA.user.id);
      expect(csv.text).not.toContain(c.w.staffX.user.id);
    });

    it('filters by contract, user, organization, action and time, and pages by seq', async () => {
      const token = c.w.auditor.token;
      const all = await readAll(t, token, `&contractId=${c.contractId}`);
      expect(all.every((e) => e.contractId === c.contractId)).toBe(true);
      const pages: any[] = [];
      let after = 0;
      for (;;) {
        const r = await t.get(
          `/api/access-log?contractId=${c.contractId}&limit=2&afterSeq=${after}`,
          token,
        );
        expect(r.body.items.length).toBeLessThanOrEqual(2);
        pages.push(...r.body.items);
        if (r.body.nextAfterSeq === null) break;
        after = r.body.nextAfterSeq;
      }
      // Entries appended meanwhile (these reads) are not about the contract.
      expect(pages.map((e) => e.seq)).toEqual(all.map((e) => e.seq));
      expect(new Set(pages.map((e) => e.seq)).size).toBe(pages.length);

      const exports = await readAll(t, token, '&action=ledger.export');
      expect(exports.length).toBeGreaterThan(0);
      expect(exports.every((e) => e.action === 'ledger.export')).toBe(true);
      const mine = await readAll(t, token, `&userId=${c.w.staffX.user.id}`);
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.every((e) => e.userId === c.w.staffX.user.id)).toBe(true);
      const org = await readAll(t, token, `&organizationId=${c.w.contractorX.id}`);
      expect(org.every((e) => e.organizationId === c.w.contractorX.id)).toBe(true);

      // Everything so far happened at the test clock's instant.
      const at = t.clock.now().toISOString();
      const same = await readAll(t, token, `&from=${at}&to=${at}`);
      expect(same.length).toBeGreaterThan(0);
      const later = await readAll(
        t,
        token,
        `&from=${encodeURIComponent('2026-11-25T10:00:01+09:00')}`,
      );
      expect(later).toEqual([]);
    });

    it('exports CSV with a BOM, CRLF, Japanese headers and business-time seconds', async () => {
      const response = await fetch(
        `${t.baseUrl}/api/access-log/export.csv?contractId=${c.contractId}&action=ledger.export`,
        { headers: { authorization: `Bearer ${c.w.auditor.token}` } },
      );
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
      const bytes = new Uint8Array(await response.arrayBuffer());
      expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
      expect(text.startsWith('\uFEFF連番,日時,')).toBe(true);
      expect(text.endsWith('\r\n')).toBe(true);
      expect(text.replace(/\r\n/g, '').includes('\n')).toBe(false);
      const rows = parseCsv(text.slice(1));
      expect(rows[0]).toContain('操作');
      const body = rows.slice(1).filter((row) => row.length > 1);
      expect(body.length).toBeGreaterThan(0);
      expect(body[0]![1]).toBe('2026/11/25 10:00:00');
      expect(body[0]).toContain('ledger.export');
      expect(body[0]).toContain('/api/contracts/:id/ledger/export.csv');
      expect(body[0]).toContain(c.w.officerA.user.id);
      expect(body.every((row) => row.includes(c.contractId))).toBe(true);
    });

    it('refuses bad filters with 400 VALIDATION_FAILED, and a range that ends before it starts with 422', async () => {
      const token = c.w.auditor.token;
      for (const query of [
        'limit=0',
        'limit=1001',
        'afterSeq=-1',
        'afterSeq=9007199254740992',
        'afterSeq=12345678901234567',
        'afterSeq=1e21',
        'from=2026-11-25',
        'to=yesterday',
        'userId=not-a-uuid',
        'contractId=123',
        'action=drop%20table',
        'color=blue',
      ]) {
        for (const path of ['/api/access-log', '/api/access-log/export.csv']) {
          if (path.endsWith('.csv') && /limit|afterSeq/.test(query)) continue;
          const r = await t.get(`${path}?${query}`, token);
          expect([query, r.status, r.body.code]).toEqual([query, 400, 'VALIDATION_FAILED']);
        }
      }
      for (const path of ['/api/access-log', '/api/access-log/export.csv']) {
        const r = await t.get(`${path}?from=2026-11-26T00:00:00Z&to=2026-11-25T00:00:00Z`, token);
        expect([r.status, r.body.code]).toEqual([422, 'ACCESS_LOG_RANGE_INVALID']);
      }
    });
  });
});

describe('access log: what an admin does to an account, a dropped download', () => {
  let t: TestApp;
  let c: CustodyWorld;

  beforeAll(async () => {
    t = await TestApp.start();
    c = await aCustodyWorld(t);
  });
  afterAll(() => t.close());

  it("files an admin's reset and deactivation of ward B's officer where ward B's auditor sees them", async () => {
    const auditorB = await aUser(t, c.w.wardB, 'auditor');
    const target = c.w.officerB.user.id;
    const reset = await call(t, 'POST', `/api/users/${target}/reset-password`, {
      token: c.w.admin.token,
    });
    expect(reset.status).toBe(200);
    const off = await call(t, 'POST', `/api/users/${target}/deactivate`, {
      token: c.w.admin.token,
    });
    expect(off.status).toBe(200);
    const seen = await readAll(t, auditorB.token);
    for (const [r, action] of [
      [reset, 'password.reset'],
      [off, 'user.deactivated'],
    ] as const) {
      expect(seen.find((e) => e.requestId === r.requestId)).toMatchObject({
        action,
        userId: c.w.admin.user.id,
        resourceId: target,
      });
    }
  });

  it('records a download the client dropped half-way, as 499', async () => {
    // Enough entries that the CSV cannot fit in the socket's buffers.
    const writer = t.app.get(AccessLogWriter);
    const records = Array.from({ length: 30_000 }, (_, i) => ({
      recordedAt: t.clock.now().toISOString(),
      userId: c.w.officerA.user.id,
      organizationId: c.w.wardA.id,
      role: 'ward_officer' as const,
      loginId: null,
      action: 'contracts.get',
      method: 'GET',
      route: '/api/contracts/:id',
      contractId: c.contractId,
      resourceId: null,
      statusCode: 200,
      clientAddress: '127.0.0.1',
      userAgent: `filler ${i} `.padEnd(200, 'x'),
      requestId: `filler-${i}`,
    }));
    await t.app.get(TransactionRunner).runUnrecorded((m) => writer.append(m, records));
    const requestId = `req-${randomUUID()}`;
    const received = await new Promise<number>((resolve, reject) => {
      const request = httpGet(
        `${t.baseUrl}/api/access-log/export.csv`,
        {
          headers: { authorization: `Bearer ${c.w.auditor.token}`, 'x-request-id': requestId },
        },
        (response) => {
          response.once('data', (chunk: Buffer) => {
            // Stop reading at the first chunk and hang up.
            response.destroy();
            request.destroy();
            resolve(chunk.length);
          });
        },
      );
      request.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ECONNRESET') reject(error);
      });
    });
    expect(received).toBeGreaterThan(0);
    const entry = await flushedEntry(t, requestId);
    expect(entry).toMatchObject({
      action: 'accessLog.export',
      user_id: c.w.auditor.user.id,
      status_code: 499,
    });
  });
});

describe('access log: a refused burst', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.start({ env: { AUTH_RATE_LIMIT_PER_MINUTE: '3' } });
  });
  afterAll(() => t.close());

  it('records what the per-address limit refuses on /api/auth', async () => {
    const answers = [];
    for (let i = 0; i < 5; i++) {
      answers.push(
        await call(t, 'POST', '/api/auth/login', {
          body: { loginId: 'somebody.spraying', password: 'not-the-password-2026' },
        }),
      );
    }
    const refused = answers.filter((r) => r.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) {
      expect(r.body.code).toBe('TOO_MANY_REQUESTS');
      expect(await flushedEntry(t, r.requestId)).toMatchObject({
        action: 'auth.rate_limited',
        route: '/api/auth/login',
        status_code: 429,
        client_address: '127.0.0.1',
      });
    }
  });
});

describe('access log: verification and retention', () => {
  let t: TestApp;
  let c: CustodyWorld;
  let auditor: string;

  const verify = async () => {
    const r = await t.get('/api/access-log/verify', auditor);
    expect(r.status).toBe(200);
    return r.body;
  };

  beforeAll(async () => {
    t = await TestApp.start({
      env: { ACCESS_LOG_RETENTION_DAYS: '1' },
      at: '2026-11-25T01:00:00.000Z',
    });
    c = await aCustodyWorld(t);
    auditor = c.w.auditor.token;
  });
  afterAll(() => t.close());

  it('prunes whole business days past retention and still verifies from the anchor', async () => {
    for (let i = 0; i < 3; i++) await c.dvd();
    await t.get(`${c.base}/media`, c.w.officerA.token);
    const first = await verify();
    expect(first).toMatchObject({ valid: true, firstSeq: 1 });
    expect(first.length).toBeGreaterThan(5);
    expect(Object.keys(first).sort()).toEqual(['firstSeq', 'head', 'length', 'valid']);
    // Every read so far is written before the clock moves on.
    await flushedRead(t, c.w.officerA.token);

    // 27 November 01:00 in Tokyo: with one day of retention, the 26th and the
    // 27th are kept and the 25th (everything so far) is past it.
    t.clock.set('2026-11-26T16:00:00.000Z');
    const token = await login(t, c.w.officerA);
    await t.get(`${c.base}/media`, token);
    const kept = await flushedRead(t, token);
    const pruned = await t.app.get(AccessLogService).prune();
    expect(pruned.cutoff).toBe('2026-11-25T15:00:00.000Z');
    expect(pruned.pruned).toBeGreaterThanOrEqual(first.length);
    const oldest = await sql<{ recorded_at: string }>(
      t,
      'SELECT MIN(recorded_at) AS recorded_at FROM access_log_entries',
    );
    expect(oldest[0]!.recorded_at).toBe('2026-11-26T16:00:00.000Z');
    expect(await entryOf(t, kept)).toBeDefined();

    // The audit reading it logs in now; the old token expired with the clock.
    auditor = await login(t, c.w.auditor);
    const after = await verify();
    expect(after.valid).toBe(true);
    expect(after.firstSeq).toBeGreaterThan(first.length);
    expect(after.length).toBeGreaterThanOrEqual(after.firstSeq);

    // Nothing more to prune on the same day.
    expect((await t.app.get(AccessLogService).prune()).pruned).toBe(0);
  });

  it('keeps one unforked chain under parallel writes and reads', async () => {
    const token = await login(t, c.w.officerA);
    const before = await verify();
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        i % 2 === 0
          ? call(t, 'POST', `${c.base}/media`, {
              token,
              body: {
                kind: 'dvd_r',
                label: `PAR-${i}`,
                description: 'x',
                recordCount: 1,
                encrypted: true,
              },
            })
          : call(t, 'GET', `${c.base}/media`, { token }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([
      ...Array<number>(12).fill(200),
      ...Array<number>(12).fill(201),
    ]);
    for (const r of results) await flushedEntry(t, r.requestId);
    const after = await verify();
    expect(after.valid).toBe(true);
    expect(after.length).toBeGreaterThanOrEqual(before.length + 24);
  });

  it('writes the buffered reads when the app shuts down', async () => {
    // A second instance on the same database, whose reads wait a whole second.
    const other = await TestApp.start({ sharing: t, env: { ACCESS_LOG_FLUSH_MS: '1000' } });
    const token = await login(other, c.w.officerA);
    const r = await call(other, 'GET', `${c.base}/media`, { token });
    expect(r.status).toBe(200);
    await other.close();
    expect(await entryOf(t, r.requestId)).toMatchObject({ action: 'media.list', status_code: 200 });
    expect((await verify()).valid).toBe(true);
  });

  it('detects an edited row', async () => {
    const rows = await sql<Row>(t, 'SELECT * FROM access_log_entries ORDER BY seq');
    const target = rows[Math.floor(rows.length / 2)]!;
    const seq = Number(target.seq);
    await sql(t, 'UPDATE access_log_entries SET status_code = ? WHERE seq = ?', [299, seq]);
    expect(await verify()).toEqual({
      valid: false,
      firstInvalidSeq: seq,
      reason: 'hash does not match the entry',
    });
    await sql(t, 'UPDATE access_log_entries SET status_code = ? WHERE seq = ?', [
      Number(target.status_code),
      seq,
    ]);
    expect((await verify()).valid).toBe(true);
  });

  it('detects a deleted row (not by pruning): the first kept one, or one in the middle', async () => {
    const rows = await sql<Row>(t, 'SELECT * FROM access_log_entries ORDER BY seq');
    const firstKept = rows[0]!;
    const { firstSeq } = await verify();
    expect(Number(firstKept.seq)).toBe(firstSeq);
    await sql(t, 'DELETE FROM access_log_entries WHERE seq = ?', [firstKept.seq]);
    expect(await verify()).toMatchObject({ valid: false, firstInvalidSeq: firstSeq });
    const columns = Object.keys(firstKept);
    await sql(
      t,
      `INSERT INTO access_log_entries (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
      columns.map((k) => firstKept[k as keyof Row]),
    );
    expect((await verify()).valid).toBe(true);

    const seq = Number(rows[Math.floor(rows.length / 2)]!.seq);
    await sql(t, 'DELETE FROM access_log_entries WHERE seq = ?', [seq]);
    expect(await verify()).toEqual({
      valid: false,
      firstInvalidSeq: seq,
      reason: `entry ${seq} is missing or out of place`,
    });
  });
});

describe('access log: ACCESS_LOG=off', () => {
  it('writes nothing', async () => {
    const t = await TestApp.start({ env: { ACCESS_LOG: 'off' } });
    try {
      const c = await aCustodyWorld(t);
      await c.dvd();
      await t.get(`${c.base}/media`, c.w.officerA.token);
      await new Promise((r) => setTimeout(r, 400));
      expect(await t.count('access_log_entries')).toBe(0);
    } finally {
      await t.close();
    }
  });
});

/** A read whose entry has been flushed; returns its request id. */
async function flushedRead(t: TestApp, token: string): Promise<string> {
  const r = await call(t, 'GET', '/api/contracts', { token });
  expect(r.status).toBe(200);
  await flushedEntry(t, r.requestId);
  return r.requestId;
}

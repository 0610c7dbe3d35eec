import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { EntityManager } from 'typeorm';
import type { RequestScope } from '../../src/common/http/request-scope.js';
import { IdempotencyStore } from '../../src/database/idempotency.store.js';
import { Sql } from '../../src/database/sql.js';
import { AccessLogWriter } from '../../src/modules/access-log/access-log.writer.js';
import { type CommitHook, TransactionRunner } from '../../src/database/transaction-runner.js';
import { contractBody } from '../factories/contract.factory.js';
import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { aUser, TEST_PASSWORD } from '../factories/identity.factory.js';
import { sql } from '../support/ledger-kit.js';
import { type ApiResponse, TestApp } from '../support/test-app.js';

const dvdBody = (label = `DVD-${randomUUID().slice(0, 6)}`) => ({
  kind: 'dvd_r',
  label,
  description: '住民税課税資料',
  recordCount: 1200,
  encrypted: true,
});

const certificate = () => ({
  certificateNumber: `DC-${randomUUID().slice(0, 8)}`,
  erasedAt: '2026-11-25T09:00:00+09:00',
  scope: { dataItems: ['氏名'], systems: ['作業用PC PC-12'], places: ['本社 3階 作業室'] },
  mediaIds: [],
  method: 'clear',
  tool: 'DiskWipe Pro 5.2',
  verification: '消去後に全領域を読み出し、残存データがないことを確認',
  performedBy: '作業 五郎',
  witnessedBy: '立会 六郎',
});

describe('Idempotency-Key', () => {
  let t: TestApp;
  let c: CustodyWorld;

  beforeAll(async () => {
    t = await TestApp.start({ at: '2026-11-25T01:00:00.000Z' });
    c = await aCustodyWorld(t);
  });
  afterAll(() => t.close());

  const keyed = (
    method: string,
    path: string,
    token: string,
    key: string,
    body?: unknown,
  ): Promise<ApiResponse> =>
    t.request(method, path, { token, body, headers: { 'idempotency-key': key } });

  const records = async (key: string): Promise<number> => {
    const rows = await sql(
      t,
      `SELECT COUNT(*) AS n FROM idempotency_records WHERE idempotency_key = '${key}'`,
    );
    return Number(rows[0]!.n);
  };

  const counts = async () => ({
    ledger: await t.count('ledger_entries'),
    media: await t.count('media'),
  });

  it('a retried registration replays the first answer and writes one medium and one ledger entry', async () => {
    const key = randomUUID();
    const before = await counts();
    const body = dvdBody();
    const first = await keyed('POST', `${c.base}/media`, c.w.officerA.token, key, body);
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const again = await keyed('POST', `${c.base}/media`, c.w.officerA.token, key, body);
    expect(again.status).toBe(201);
    expect(again.text).toBe(first.text);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('content-type')).toBe(first.headers.get('content-type'));
    // Members in another order and a number spelt otherwise are the same body.
    const reordered = await t.request('POST', `${c.base}/media`, {
      token: c.w.officerA.token,
      headers: { 'idempotency-key': `"${key}"` },
      rawBody: JSON.stringify({ ...body, recordCount: undefined }).replace(
        '{',
        '{"recordCount":1.2e3,',
      ),
    });
    expect({ status: reordered.status, text: reordered.text }).toEqual({
      status: 201,
      text: first.text,
    });
    expect(await counts()).toEqual({ ledger: before.ledger + 1, media: before.media + 1 });
    const [row] = await sql(
      t,
      `SELECT resource_id, status_code, response_body FROM idempotency_records WHERE idempotency_key = '${key}'`,
    );
    expect(row).toMatchObject({ resource_id: first.body.id, response_body: first.text });
    expect(Number(row.status_code)).toBe(201);
  });

  it('the same key with another body or URL answers 422 IDEMPOTENCY_KEY_REUSED and writes nothing', async () => {
    const key = randomUUID();
    const first = await keyed('POST', `${c.base}/media`, c.w.officerA.token, key, dvdBody('A-1'));
    expect(first.status).toBe(201);
    const before = await counts();
    const otherBody = await keyed(
      'POST',
      `${c.base}/media`,
      c.w.officerA.token,
      key,
      dvdBody('A-2'),
    );
    expect({ status: otherBody.status, code: otherBody.body.code }).toEqual({
      status: 422,
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    const otherUrl = await keyed('POST', `${c.base}/incidents`, c.w.officerA.token, key, {
      kind: 'other',
      mediumIds: [first.body.id],
      description: '確認',
    });
    expect({ status: otherUrl.status, code: otherUrl.body.code }).toEqual({
      status: 422,
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    expect(await counts()).toEqual(before);
  });

  it('keys are the caller’s own: another user’s identical key is independent', async () => {
    const key = `shared-${randomUUID()}`;
    const before = await counts();
    // Labels are unique within a contract, so the two bodies differ in the label only.
    const ward = await keyed(
      'POST',
      `${c.base}/media`,
      c.w.officerA.token,
      key,
      dvdBody('SHARED-W'),
    );
    const contractor = await keyed(
      'POST',
      `${c.base}/media`,
      c.w.staffX.token,
      key,
      dvdBody('SHARED-C'),
    );
    expect([ward.status, contractor.status]).toEqual([201, 201]);
    expect(contractor.headers.get('idempotent-replayed')).toBeNull();
    expect(contractor.body.id).not.toBe(ward.body.id);
    expect(await counts()).toEqual({ ledger: before.ledger + 2, media: before.media + 2 });
    expect(await records(key)).toBe(2);
  });

  it('two requests with one key at once: one write; the other is refused as in progress or replays', async () => {
    const key = randomUUID();
    const body = dvdBody();
    const before = await counts();
    const both = await Promise.all(
      [0, 1].map(() => keyed('POST', `${c.base}/media`, c.w.officerA.token, key, body)),
    );
    expect(await counts()).toEqual({ ledger: before.ledger + 1, media: before.media + 1 });
    const winner = both.find((r) => r.status === 201 && !r.headers.get('idempotent-replayed'));
    expect(winner).toBeDefined();
    const other = both.find((r) => r !== winner)!;
    if (other.status === 409) expect(other.body.code).toBe('IDEMPOTENCY_KEY_IN_PROGRESS');
    else
      expect({ status: other.status, text: other.text }).toEqual({
        status: 201,
        text: winner!.text,
      });
    // Once the first has answered, the retry replays it.
    const later = await keyed('POST', `${c.base}/media`, c.w.officerA.token, key, body);
    expect({ status: later.status, text: later.text }).toEqual({ status: 201, text: winner!.text });
  });

  it.each([
    ['empty', ''],
    ['256 characters', 'k'.repeat(256)],
    ['a control character', 'abc\tdef'],
    ['a broken quoted string', '"abc'],
    ['trailing text after a quoted string', '"abc"def'],
  ])('a key that is %s answers 400 IDEMPOTENCY_KEY_INVALID and writes nothing', async (_, key) => {
    const before = await counts();
    const r = await keyed('POST', `${c.base}/media`, c.w.officerA.token, key, dvdBody());
    expect({ status: r.status, code: r.body.code }).toEqual({
      status: 400,
      code: 'IDEMPOTENCY_KEY_INVALID',
    });
    expect(await counts()).toEqual(before);
  });

  it('accepts 255 printable ASCII characters', async () => {
    const key = `${randomUUID()}${'~'.repeat(219)}`;
    expect(key).toHaveLength(255);
    const r = await keyed('POST', `${c.base}/media`, c.w.officerA.token, key, dvdBody());
    expect(r.status).toBe(201);
    expect(await records(key)).toBe(1);
  });

  it('a refused write stores no answer: the retry with the same key runs again', async () => {
    const dvd = await c.dvd();
    const notice = await c.notice(dvd);
    expect((await c.provide([dvd])).status).toBe(201);
    const key = randomUUID();
    const body = {
      items: [notice],
      toUserId: c.w.staffX.user.id,
      method: 'hand',
      bagId: `BAG-${randomUUID().slice(0, 6)}`,
      purpose: 'provide',
    };
    const before = await counts();
    // Less than minSeparationMinutes after the medium: the same occasion.
    const refused = await keyed('POST', `${c.base}/handovers`, c.w.officerA.token, key, body);
    expect({ status: refused.status, code: refused.body.code }).toEqual({
      status: 422,
      code: 'SPLIT_CHANNEL_VIOLATION',
    });
    expect(await records(key)).toBe(0);
    expect(await counts()).toEqual(before);
    c.minutes(61);
    const retried = await keyed('POST', `${c.base}/handovers`, c.w.officerA.token, key, body);
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    expect(await t.count('ledger_entries')).toBe(before.ledger + 1);
  });

  it('the key commits in the write’s transaction: a write rolled back after it leaves no key', async () => {
    const tx = t.app.get(TransactionRunner);
    const key = randomUUID();
    // A later step of the same unit fails (after the access log's and the
    // idempotency store's hooks have written): everything is rolled back.
    const failing: CommitHook = (_m: EntityManager, scope: RequestScope) =>
      scope.route === '/api/contracts/:id/media'
        ? Promise.reject(new Error('a step after the key fails'))
        : Promise.resolve(false);
    tx.addCommitHook(failing);
    const before = await counts();
    let r: ApiResponse;
    try {
      r = await keyed('POST', `${c.base}/media`, c.w.officerA.token, key, dvdBody());
    } finally {
      tx.removeCommitHook(failing);
    }
    expect(r.status).toBe(500);
    expect(await records(key)).toBe(0);
    expect(await counts()).toEqual(before);
    // Nothing was kept, so the retry runs: one write and its key.
    const retried = await keyed('POST', `${c.base}/media`, c.w.officerA.token, key, dvdBody());
    expect(retried.status).toBe(201);
    expect(await records(key)).toBe(1);
    expect(await counts()).toEqual({ ledger: before.ledger + 1, media: before.media + 1 });
  });

  it('a key whose write committed but whose answer was lost is not executed again', async () => {
    const key = randomUUID();
    const body = dvdBody();
    const first = await keyed('POST', `${c.base}/media`, c.w.officerA.token, key, body);
    expect(first.status).toBe(201);
    // As if the process had stopped between the commit and the answer.
    await sql(
      t,
      `UPDATE idempotency_records SET status_code = NULL, response_body = NULL WHERE idempotency_key = '${key}'`,
    );
    const before = await counts();
    const soon = await keyed('POST', `${c.base}/media`, c.w.officerA.token, key, body);
    expect({ status: soon.status, code: soon.body.code }).toEqual({
      status: 409,
      code: 'IDEMPOTENCY_KEY_IN_PROGRESS',
    });
    c.minutes(2);
    const lost = await keyed('POST', `${c.base}/media`, c.w.officerA.token, key, body);
    expect({ status: lost.status, code: lost.body.code }).toEqual({
      status: 409,
      code: 'IDEMPOTENCY_ANSWER_LOST',
    });
    expect(lost.body.details.resourceId).toBe(first.body.id);
    expect(await counts()).toEqual(before);
  });

  it('replays every kind of write byte for byte, with one write each', async () => {
    const w = c.w;
    const dvd = await c.dvd();
    const sent = await c.provide([dvd]);
    await t.post(
      `${c.base}/roster`,
      { userId: w.staffZ.user.id, role: 'responsible' },
      w.officerA.token,
    );
    const rosterEntry = await t.post(
      `${c.base}/roster`,
      { userId: w.staffX2.user.id, role: 'handler', validFrom: '2026-12-01' },
      w.officerA.token,
    );
    const certToConfirm = await t.post(
      `${c.base}/deletion-certificates`,
      certificate(),
      w.staffZ.token,
    );
    const certToReject = await t.post(
      `${c.base}/deletion-certificates`,
      certificate(),
      w.staffZ.token,
    );
    expect([sent.status, rosterEntry.status, certToConfirm.status, certToReject.status]).toEqual([
      201, 201, 201, 201,
    ]);
    const newcomer = await aUser(t, w.contractorX, 'contractor_staff', { login: false });
    const cases: Array<[string, string, string, string, unknown]> = [
      [
        'POST',
        '/api/organizations',
        w.admin.token,
        'organizations',
        { name: `Org ${randomUUID()}`, kind: 'contractor' },
      ],
      ['POST', '/api/contracts', w.officerA.token, 'contracts', contractBody(w)],
      [
        'POST',
        `${c.base}/roster`,
        w.officerA.token,
        'roster_entries',
        { userId: newcomer.user.id, role: 'handler' },
      ],
      [
        'DELETE',
        `${c.base}/roster/${rosterEntry.body.id}`,
        w.officerA.token,
        'ledger_entries',
        undefined,
      ],
      ['POST', `${c.base}/media`, w.officerA.token, 'ledger_entries', dvdBody()],
      [
        'POST',
        '/api/users',
        w.admin.token,
        'users',
        {
          organizationId: w.contractorX.id,
          loginId: `new.${randomUUID().slice(0, 8)}`,
          displayName: '新規 太郎',
          role: 'contractor_staff',
          password: 'Kanribo-idempotency-7431-retry',
        },
      ],
      [
        'POST',
        `${c.base}/handovers/${sent.body.id}/receive`,
        w.staffX.token,
        'ledger_entries',
        { sealIntact: true },
      ],
      [
        'POST',
        `${c.base}/media/${dvd}/store`,
        w.staffX.token,
        'ledger_entries',
        { location: '金庫B' },
      ],
      [
        'POST',
        `${c.base}/incidents`,
        w.officerA.token,
        'ledger_entries',
        { kind: 'other', mediumIds: [dvd], description: '確認' },
      ],
      [
        'POST',
        `${c.base}/audits`,
        w.officerA.token,
        'ledger_entries',
        { performedOn: '2026-11-20', result: 'satisfactory', auditors: ['監査 一郎'] },
      ],
      ['POST', `${c.base}/deletion-certificates`, w.staffZ.token, 'ledger_entries', certificate()],
      [
        'POST',
        `${c.base}/deletion-certificates/${certToConfirm.body.id}/confirm`,
        w.officerA.token,
        'ledger_entries',
        {},
      ],
      [
        'POST',
        `${c.base}/deletion-certificates/${certToReject.body.id}/reject`,
        w.officerA.token,
        'ledger_entries',
        { reason: '記載不備' },
      ],
      [
        'POST',
        `${c.base}/handovers`,
        w.officerA.token,
        'ledger_entries',
        {
          items: [await c.dvd()],
          toUserId: w.staffX.user.id,
          method: 'hand',
          bagId: `BAG-${randomUUID().slice(0, 6)}`,
          purpose: 'provide',
        },
      ],
    ];
    for (const [method, path, token, table, body] of cases) {
      const key = randomUUID();
      const rows = await t.count(table);
      const first = await keyed(method, path, token, key, body);
      expect(first.status < 300 ? 'ok' : `${path}: ${first.text}`).toBe('ok');
      const written = await t.count(table);
      expect({ path, wrote: written > rows }).toEqual({ path, wrote: true });
      const replay = await keyed(method, path, token, key, body);
      expect({ path, status: replay.status, text: replay.text }).toEqual({
        path,
        status: first.status,
        text: first.text,
      });
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect({ path, rows: await t.count(table) }).toEqual({ path, rows: written });
    }
  });

  it('two instances on one database: one key, one write', async () => {
    const second = await TestApp.start({ sharing: t });
    // One time for both, as for two real instances (earlier tests moved t's clock).
    second.clock.set(t.clock.now());
    try {
      const key = randomUUID();
      const body = dvdBody();
      const before = await counts();
      const both = await Promise.all(
        [t, second].map((app) =>
          app.request('POST', `${c.base}/media`, {
            token: c.w.officerA.token,
            body,
            headers: { 'idempotency-key': key },
          }),
        ),
      );
      expect(await counts()).toEqual({ ledger: before.ledger + 1, media: before.media + 1 });
      for (const r of both) {
        if (r.status === 409) expect(r.body.code).toBe('IDEMPOTENCY_KEY_IN_PROGRESS');
        else expect(r.status).toBe(201);
      }
      expect(both.some((r) => r.status === 201)).toBe(true);
    } finally {
      await second.close();
    }
  });

  it('a client that hangs up while its write waits: the key and the access-log entry still commit with the write', async () => {
    // The write is held at the contract's chain until the client has gone:
    // SQLite's runner serializes units, PostgreSQL waits on the head's row lock.
    const newcomer = await aUser(t, c.w.contractorX, 'contractor_staff');
    // No read entry left to flush behind the blocker (see the SQLite wait below).
    await t.app.get(AccessLogWriter).flush();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let held!: () => void;
    const holding = new Promise<void>((resolve) => (held = resolve));
    const blocker = t.app.get(TransactionRunner).runUnrecorded(async (m: EntityManager) => {
      await new Sql(m).one(
        `SELECT seq FROM ledger_heads WHERE contract_id = ?${new Sql(m).forUpdate}`,
        [c.contractId],
      );
      held();
      await gate;
    });
    await holding;
    const key = randomUUID();
    const requestId = `req-${randomUUID()}`;
    const body = JSON.stringify({ userId: newcomer.user.id, role: 'handler' });
    const client = httpRequest(`${t.baseUrl}${c.base}/roster`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${c.w.officerA.token}`,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'idempotency-key': key,
        'x-request-id': requestId,
      },
    });
    client.on('error', () => undefined);
    // On SQLite, units queue behind the blocker, which holds the drain: one
    // more than now is the request's.
    const runner = t.app.get(TransactionRunner);
    const queued = () => (runner as unknown as { queue: unknown[] }).queue.length;
    const before = queued();
    client.end(body);
    // Hang up once the server is inside the handler, waiting for the chain.
    await t.eventually(
      async () => (runner.isSqlite ? queued() > before || null : (await waitingOnLock(t)) || null),
      15_000,
      'the write waiting on the chain',
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    client.destroy();
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    await blocker;

    const entry = await t.eventually(
      async () =>
        (
          await sql(
            t,
            `SELECT id FROM roster_entries WHERE contract_id = '${c.contractId}' AND user_id = '${newcomer.user.id}'`,
          )
        )[0] as { id: string } | undefined,
      5000,
      'the roster entry',
    );
    // resource_id is set only by the commit hook, inside the write's transaction.
    const [record] = await sql(
      t,
      `SELECT resource_id FROM idempotency_records WHERE idempotency_key = '${key}'`,
    );
    expect(record).toMatchObject({ resource_id: entry.id });
    // One entry for the request, the committed write's, not a 499 beside it.
    await t.app.get(AccessLogWriter).flush();
    const entries = await sql(
      t,
      `SELECT status_code FROM access_log_entries WHERE request_id = '${requestId}'`,
    );
    expect(entries.map((e) => Number(e.status_code))).toEqual([201]);
  });

  it('a route answering with a secret shown once (a reset password) stores no answer: a retry runs again', async () => {
    const user = await aUser(t, c.w.wardA, 'ward_officer');
    const key = randomUUID();
    const path = `/api/users/${user.user.id}/reset-password`;
    const first = await keyed('POST', path, c.w.admin.token, key, {});
    const again = await keyed('POST', path, c.w.admin.token, key, {});
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    expect(again.body.oneTimePassword).not.toBe(first.body.oneTimePassword);
    expect(await records(key)).toBe(0);
  });

  it('the OpenAPI document names the header on every authenticated write, not on login', async () => {
    const doc = (await t.get('/api/docs/openapi.json')).body;
    const writes: Array<[string, string, any]> = [];
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      for (const method of ['post', 'put', 'patch', 'delete']) {
        if (item[method]) writes.push([method, path, item[method]]);
      }
    }
    const named = (op: any) =>
      (op.parameters ?? []).some((p: any) => p.name === 'Idempotency-Key' && p.in === 'header');
    const missing = writes
      .filter(([, , op]) => op.security?.length && !op['x-secret-answer'] && !named(op))
      .map(([m, p]) => `${m} ${p}`);
    expect(missing).toEqual([]);
    // Routes answering with a secret shown once take no key.
    const secret = writes.filter(([, , op]) => op['x-secret-answer']).map(([m, p]) => `${m} ${p}`);
    expect(secret.sort()).toEqual([
      'post /api/auth/mfa/confirm',
      'post /api/auth/mfa/enroll',
      'post /api/auth/mfa/verify',
      'post /api/users/{id}/reset-password',
      'put /api/organizations/{id}/webhook',
    ]);
    expect(writes.filter(([, , op]) => op['x-secret-answer'] && named(op))).toEqual([]);
    expect(writes.filter(([, , op]) => named(op)).length).toBeGreaterThan(15);
    expect(named(doc.paths['/api/auth/login'].post)).toBe(false);
  });

  it('with the access log off, the key still commits with the write', async () => {
    const quiet = await TestApp.start({
      env: { ACCESS_LOG: 'off' },
      at: '2026-11-25T01:00:00.000Z',
    });
    try {
      const q = await aCustodyWorld(quiet);
      const key = randomUUID();
      const body = dvdBody();
      const ledger = await quiet.count('ledger_entries');
      const first = await quiet.request('POST', `${q.base}/media`, {
        token: q.w.officerA.token,
        body,
        headers: { 'idempotency-key': key },
      });
      const again = await quiet.request('POST', `${q.base}/media`, {
        token: q.w.officerA.token,
        body,
        headers: { 'idempotency-key': key },
      });
      expect([first.status, again.status, again.text]).toEqual([201, 201, first.text]);
      expect(await quiet.count('ledger_entries')).toBe(ledger + 1);
      expect(await quiet.count('idempotency_records')).toBe(1);
    } finally {
      await quiet.close();
    }
  });

  it('after IDEMPOTENCY_TTL_HOURS the key is forgotten: pruned, and a retry writes again', async () => {
    const key = randomUUID();
    // An incident report: the one write that legitimately happens twice with
    // the same body (a registration would meet its own label the second time).
    const body = { kind: 'other', mediumIds: [await c.dvd()], description: '封筒の破れ' };
    const first = await keyed('POST', `${c.base}/incidents`, c.w.officerA.token, key, body);
    expect(first.status).toBe(201);
    c.minutes(24 * 60 - 1);
    // Tokens last hours: log in again on the moved clock.
    const login = async () =>
      (
        await t.post('/api/auth/login', {
          loginId: c.w.officerA.user.loginId,
          password: TEST_PASSWORD,
        })
      ).body.token as string;
    const within = await keyed('POST', `${c.base}/incidents`, await login(), key, body);
    expect(within.status).toBe(201);
    expect(within.headers.get('idempotent-replayed')).toBe('true');
    c.minutes(1);
    const token = await login();
    const before = await counts();
    const after = await keyed('POST', `${c.base}/incidents`, token, key, body);
    expect(after.status).toBe(201);
    expect(after.headers.get('idempotent-replayed')).toBeNull();
    expect(after.body.id).not.toBe(first.body.id);
    expect(await counts()).toEqual({ ledger: before.ledger + 1, media: before.media });
    // The scheduled prune removes whatever has expired.
    const store = t.app.get(IdempotencyStore);
    expect(await store.prune()).toBeGreaterThan(0);
    expect(await records(key)).toBe(1);
    c.minutes(24 * 60);
    await store.prune();
    expect(await records(key)).toBe(0);
  });
});

/** PostgreSQL: some session of the test's database waits on a lock. */
async function waitingOnLock(t: TestApp): Promise<boolean> {
  const rows = await sql(
    t,
    "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
  );
  return Number(rows[0]!.n) > 0;
}

import { LedgerService } from '../../src/modules/ledger/ledger.service.js';
import { aContract } from '../factories/contract.factory.js';
import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { aUser } from '../factories/identity.factory.js';
import { TestApp } from '../support/test-app.js';

type Login = Awaited<ReturnType<typeof aUser>>;

/**
 * Take-out approval (持出し承認, seed 003) through the API, on a contract
 * that requires it: a ward officer applies, an approver of the ward other
 * than the applicant approves, and only the applicant registers and
 * dispatches media under the request, within what it covers and while the
 * approval is valid. Every step is a ledger entry; every refusal writes
 * nothing.
 */
describe('take-out approval', () => {
  let t: TestApp;
  let c: CustodyWorld;
  let approver: Login;
  let colleague: Login;

  beforeAll(async () => {
    // Tokens outlive the clock's jump past an approval's 14 days.
    t = await TestApp.start({ env: { TAKEOUT_VALID_DAYS: '14', TOKEN_TTL_MINUTES: '43200' } });
    c = await aCustodyWorld(t, { handoverPolicy: { requireTakeoutApproval: true } });
    approver = await aUser(t, c.w.wardA, 'ward_officer');
    colleague = await aUser(t, c.w.wardA, 'ward_officer');
    const marked = await t.request('PUT', `/api/users/${approver.user.id}/approver`, {
      token: c.w.admin.token,
      body: { approver: true },
    });
    expect(marked.status).toBe(200);
    expect(marked.body).toMatchObject({ id: approver.user.id, approver: true });
  });
  afterAll(async () => {
    await t?.close();
  });

  const base = () => `/api/contracts/${c.contractId}/takeout-requests`;
  const apply = (token = c.w.officerA.token, extra: Record<string, unknown> = {}) =>
    t.post(
      base(),
      {
        dataItems: ['氏名', '住所'],
        recordCount: 1200,
        mediaKinds: ['dvd_r'],
        mediaCount: 1,
        purpose: 'provide',
        plannedOn: '2026-11-27',
        terminalId: 'PC-ZEIMU-012',
        note: '委託先への提供用',
        ...extra,
      },
      token,
    );
  const approve = (id: string, token = approver.token) =>
    t.post(`${base()}/${id}/approve`, {}, token);
  const register = (token: string, extra: Record<string, unknown> = {}) =>
    c.register(token, {
      kind: 'dvd_r',
      label: `DVD-${Math.random().toString(36).slice(2, 8)}`,
      description: '住民税課税資料',
      recordCount: 1200,
      encrypted: true,
      ...extra,
    });
  const approvedRequest = async (extra: Record<string, unknown> = {}) => {
    const applied = await apply(c.w.officerA.token, extra);
    expect(applied.status).toBe(201);
    const approved = await approve(applied.body.id);
    expect(approved.status).toBe(200);
    return approved.body as { id: string; validUntil: string; decidedAt: string };
  };
  /** A refusal writes nothing: the ledger and the projections stay as they were. */
  const nothingWritten = async (attempt: () => Promise<{ status: number; body: any }>) => {
    const before = {
      ledger: await t.count('ledger_entries'),
      media: await t.count('media'),
      requests: await t.count('takeout_requests'),
      handovers: await t.count('handovers'),
    };
    const response = await attempt();
    expect({
      ledger: await t.count('ledger_entries'),
      media: await t.count('media'),
      requests: await t.count('takeout_requests'),
      handovers: await t.count('handovers'),
    }).toEqual(before);
    return response;
  };

  it('goes request → approve → register → dispatch, each step in the ledger with the approver', async () => {
    const applied = await apply();
    expect(applied.status).toBe(201);
    expect(applied.body).toMatchObject({
      status: 'requested',
      applicantUserId: c.w.officerA.user.id,
      dataItems: ['氏名', '住所'],
      mediaKinds: ['dvd_r'],
      mediaCount: 1,
      mediaRegistered: 0,
      purpose: 'provide',
      terminalId: 'PC-ZEIMU-012',
      validUntil: null,
    });
    const approved = await approve(applied.body.id);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      status: 'approved',
      decidedByUserId: approver.user.id,
      decidedAt: t.clock.now().toISOString(),
      validUntil: new Date(t.clock.now().getTime() + 14 * 86_400_000).toISOString(),
    });

    const medium = await register(c.w.officerA.token, { takeoutRequestId: applied.body.id });
    expect(medium.status).toBe(201);
    const shown = await t.get(`${c.base}/media/${medium.body.id}`, c.w.officerA.token);
    expect(shown.body.takeoutRequestId).toBe(applied.body.id);
    const sent = await c.provide([medium.body.id]);
    expect(sent.status).toBe(201);

    const after = await t.get(`${base()}/${applied.body.id}`, c.w.auditor.token);
    expect(after.body).toMatchObject({ status: 'approved', mediaRegistered: 1 });

    const ledger = await t.get(`${c.base}/ledger?limit=200`, c.w.officerA.token);
    expect(ledger.status).toBe(200);
    const entries = ledger.body.items as Array<{ type: string; payload: any }>;
    const types = entries.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['takeout_requested', 'takeout_approved']));
    const approval = {
      requestId: applied.body.id,
      approvedByUserId: approver.user.id,
      approvedByName: approver.user.displayName,
      approvedAt: approved.body.decidedAt,
    };
    const registered = entries.find(
      (e) => e.type === 'medium_registered' && e.payload.mediumId === medium.body.id,
    );
    expect(registered?.payload).toMatchObject({ origin: 'ward', takeout: approval });
    const dispatched = entries.find(
      (e) => e.type === 'handover_dispatched' && e.payload.handoverId === sent.body.id,
    );
    expect(dispatched?.payload.items[0].takeout).toEqual(approval);
  });

  it('lists the requests with their state, to the ward only', async () => {
    const list = await t.get(`${base()}?status=approved`, c.w.officerA.token);
    expect(list.status).toBe(200);
    expect(list.body.items.length).toBeGreaterThan(0);
    for (const r of list.body.items) expect(r.status).toBe('approved');
    expect((await t.get(base(), c.w.staffX.token)).status).toBe(403);
    const other = await t.get(base(), c.w.officerB.token);
    expect(other.status).toBe(404);
    expect(other.body.code).toBe('CONTRACT_NOT_FOUND');
  });

  it('refuses a medium of the ward without a request, or under one that is not approved', async () => {
    const missing = await nothingWritten(() => register(c.w.officerA.token));
    expect(missing.status).toBe(409);
    expect(missing.body).toMatchObject({
      code: 'TAKEOUT_NOT_APPROVED',
      details: { reason: 'missing' },
    });

    const waiting = await apply();
    const pending = await nothingWritten(() =>
      register(c.w.officerA.token, { takeoutRequestId: waiting.body.id }),
    );
    expect(pending.status).toBe(409);
    expect(pending.body).toMatchObject({
      code: 'TAKEOUT_NOT_APPROVED',
      details: { status: 'requested' },
    });

    const rejected = await t.post(
      `${base()}/${waiting.body.id}/reject`,
      { reason: '件数が多すぎます' },
      approver.token,
    );
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', reason: '件数が多すぎます' });
    const afterReject = await nothingWritten(() =>
      register(c.w.officerA.token, { takeoutRequestId: waiting.body.id }),
    );
    expect(afterReject.body).toMatchObject({
      code: 'TAKEOUT_NOT_APPROVED',
      details: { status: 'rejected' },
    });

    const withdrawnReq = await approvedRequest();
    const withdrawn = await t.post(`${base()}/${withdrawnReq.id}/withdraw`, {}, c.w.officerA.token);
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.status).toBe('withdrawn');
    const afterWithdraw = await nothingWritten(() =>
      register(c.w.officerA.token, { takeoutRequestId: withdrawnReq.id }),
    );
    expect(afterWithdraw.body).toMatchObject({
      code: 'TAKEOUT_NOT_APPROVED',
      details: { status: 'withdrawn' },
    });
  });

  it('refuses a medium dated before its approval (the data is written after it)', async () => {
    const request = await approvedRequest();
    const early = new Date(Date.parse(request.decidedAt) - 60_000).toISOString();
    const backdated = await nothingWritten(() =>
      register(c.w.officerA.token, { takeoutRequestId: request.id, occurredAt: early }),
    );
    expect(backdated.status).toBe(409);
    expect(backdated.body).toMatchObject({
      code: 'TAKEOUT_NOT_APPROVED',
      details: { reason: 'before_approval', approvedAt: request.decidedAt },
    });
  });

  it('refuses self-approval, a non-approver, and a decision taken twice', async () => {
    const applied = await apply(approver.token);
    expect(applied.status).toBe(201);
    const self = await nothingWritten(() => approve(applied.body.id, approver.token));
    expect(self.status).toBe(403);
    expect(self.body.code).toBe('SELF_APPROVAL');
    const notApprover = await nothingWritten(() => approve(applied.body.id, colleague.token));
    expect(notApprover.status).toBe(403);
    expect(notApprover.body.code).toBe('NOT_APPROVER');
    const otherWard = await nothingWritten(() => approve(applied.body.id, c.w.officerB.token));
    expect(otherWard.status).toBe(404);
    const contractor = await approve(applied.body.id, c.w.staffX.token);
    expect(contractor.status).toBe(403);

    // An approver of the ward who is not the applicant: the applicant's colleague marked too.
    await t.request('PUT', `/api/users/${colleague.user.id}/approver`, {
      token: c.w.admin.token,
      body: { approver: true },
    });
    expect((await approve(applied.body.id, colleague.token)).status).toBe(200);
    const twice = await nothingWritten(() => approve(applied.body.id, colleague.token));
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({
      code: 'TAKEOUT_NOT_PENDING',
      details: { status: 'approved' },
    });
    await t.request('PUT', `/api/users/${colleague.user.id}/approver`, {
      token: c.w.admin.token,
      body: { approver: false },
    });
  });

  it('lets only the applicant register and dispatch under the request, and withdraw it', async () => {
    const request = await approvedRequest({ mediaCount: 2 });
    const stranger = await nothingWritten(() =>
      register(colleague.token, { takeoutRequestId: request.id }),
    );
    expect(stranger.status).toBe(403);
    expect(stranger.body.code).toBe('NOT_APPLICANT');
    const withdraw = await nothingWritten(() =>
      t.post(`${base()}/${request.id}/withdraw`, {}, colleague.token),
    );
    expect(withdraw.status).toBe(403);
    expect(withdraw.body.code).toBe('NOT_APPLICANT');

    // The applicant registers; a colleague who holds it now cannot take it out.
    const medium = await register(c.w.officerA.token, { takeoutRequestId: request.id });
    expect(medium.status).toBe(201);
    const internal = await c.dispatch(c.w.officerA.token, {
      items: [medium.body.id],
      toUserId: colleague.user.id,
      method: 'hand',
      bagId: 'BAG-INTERNAL-1',
      sealNumber: 'S-0',
      purpose: 'internal',
    });
    expect(internal.status).toBe(201);
    const received = await c.receive(colleague.token, internal.body.id);
    expect(received.status).toBe(201);
    const out = await nothingWritten(() =>
      c.dispatch(colleague.token, {
        items: [medium.body.id],
        toUserId: c.w.staffX.user.id,
        method: 'hand',
        bagId: 'BAG-TAKEOUT-1',
        sealNumber: 'S-1',
        purpose: 'provide',
      }),
    );
    expect(out.status).toBe(403);
    expect(out.body).toMatchObject({
      code: 'NOT_APPLICANT',
      details: { mediumId: medium.body.id },
    });
  });

  it('bounds the media by count, kind and records', async () => {
    const request = await approvedRequest({
      mediaCount: 1,
      mediaKinds: ['dvd_r'],
      recordCount: 100,
    });
    const kind = await nothingWritten(() =>
      register(c.w.officerA.token, {
        takeoutRequestId: request.id,
        kind: 'usb',
        recordCount: 100,
      }),
    );
    expect(kind.status).toBe(409);
    expect(kind.body).toMatchObject({
      code: 'TAKEOUT_EXCEEDED',
      details: { reason: 'media_kind' },
    });
    const records = await nothingWritten(() =>
      register(c.w.officerA.token, { takeoutRequestId: request.id, recordCount: 101 }),
    );
    expect(records.body).toMatchObject({
      code: 'TAKEOUT_EXCEEDED',
      details: { reason: 'record_count' },
    });
    const first = await register(c.w.officerA.token, {
      takeoutRequestId: request.id,
      recordCount: 100,
    });
    expect(first.status).toBe(201);
    const second = await nothingWritten(() =>
      register(c.w.officerA.token, { takeoutRequestId: request.id, recordCount: 100 }),
    );
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({
      code: 'TAKEOUT_EXCEEDED',
      details: { reason: 'media_count', mediaCount: 1 },
    });
  });

  it('refuses a registration or a dispatch after the approval expired', async () => {
    const request = await approvedRequest({ mediaCount: 2 });
    const medium = await register(c.w.officerA.token, { takeoutRequestId: request.id });
    expect(medium.status).toBe(201);
    t.clock.set(new Date(Date.parse(request.validUntil) + 1000));
    try {
      const late = await nothingWritten(() =>
        register(c.w.officerA.token, { takeoutRequestId: request.id }),
      );
      expect(late.status).toBe(409);
      expect(late.body).toMatchObject({
        code: 'TAKEOUT_EXPIRED',
        details: { validUntil: request.validUntil },
      });
      const out = await nothingWritten(() => c.provide([medium.body.id]));
      expect(out.status).toBe(409);
      expect(out.body.code).toBe('TAKEOUT_EXPIRED');
      // Logged after the fact, dated inside the approval: still expired.
      const inside = new Date(Date.parse(request.validUntil) - 3_600_000).toISOString();
      const backdated = await nothingWritten(() =>
        c.provide([medium.body.id], { occurredAt: inside }),
      );
      expect(backdated.status).toBe(409);
      expect(backdated.body.code).toBe('TAKEOUT_EXPIRED');
    } finally {
      t.clock.set('2026-11-25T01:00:00.000Z');
    }
  });

  it("does not find another contract's request, or an unknown one", async () => {
    const other = await aContract(t, c.w, {
      title: '別の契約',
      handoverPolicy: { requireTakeoutApproval: true },
    });
    const request = await approvedRequest();
    const foreign = await nothingWritten(() =>
      t.post(
        `/api/contracts/${other.id}/media`,
        {
          kind: 'dvd_r',
          label: 'DVD-FOREIGN',
          description: '住民税課税資料',
          recordCount: 10,
          encrypted: true,
          takeoutRequestId: request.id,
        },
        c.w.officerA.token,
      ),
    );
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('TAKEOUT_REQUEST_NOT_FOUND');
    const unknown = await t.get(
      `${base()}/00000000-0000-4000-8000-000000000000`,
      c.w.officerA.token,
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('TAKEOUT_REQUEST_NOT_FOUND');
  });

  it('refuses bad requests with clear codes and writes nothing', async () => {
    const unknownItem = await nothingWritten(() =>
      apply(c.w.officerA.token, { dataItems: ['マイナンバー'] }),
    );
    expect(unknownItem.status).toBe(422);
    expect(unknownItem.body).toMatchObject({
      code: 'UNKNOWN_DATA_ITEM',
      details: { unknown: ['マイナンバー'] },
    });
    for (const bad of [
      { mediaKinds: ['password_notice'] },
      { mediaCount: 0 },
      { purpose: 'sell' },
      { plannedOn: '2026-13-01' },
      { terminalId: '' },
    ]) {
      const r = await nothingWritten(() => apply(c.w.officerA.token, bad));
      expect({ bad, status: r.status, code: r.body.code }).toEqual({
        bad,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
    }
    const auditor = await apply(c.w.auditor.token);
    expect(auditor.status).toBe(403);
    const notOfficer = await t.request('PUT', `/api/users/${c.w.auditor.user.id}/approver`, {
      token: c.w.admin.token,
      body: { approver: true },
    });
    expect(notOfficer.status).toBe(422);
    expect(notOfficer.body.code).toBe('APPROVER_NOT_WARD_OFFICER');
    const byOfficer = await t.request('PUT', `/api/users/${colleague.user.id}/approver`, {
      token: c.w.officerA.token,
      body: { approver: true },
    });
    expect(byOfficer.status).toBe(403);
  });

  it('keeps the split-channel rule and the roster after approval', async () => {
    const request = await approvedRequest({ mediaCount: 1 });
    const medium = await register(c.w.officerA.token, { takeoutRequestId: request.id });
    const notice = await c.notice(medium.body.id);
    const together = await nothingWritten(() =>
      c.provide([medium.body.id, notice], { bagId: 'BAG-TOGETHER' }),
    );
    expect(together.status).toBe(422);
    expect(together.body.code).toBe('SPLIT_CHANNEL_VIOLATION');
  });

  it("reminds the ward's approvers of a request waiting more than one business day, once", async () => {
    // Wednesday 25 November 2026, 10:00 in Tokyo.
    const applied = await apply();
    expect(applied.status).toBe(201);
    // The approver's own request: reminding them would ask for a self-approval.
    const own = await apply(approver.token);
    expect(own.status).toBe(201);
    const scan = (asOf: string) =>
      t.post('/api/admin/jobs/reminder-scan', { asOf }, c.w.admin.token);
    const inboxOf = async (token: string) =>
      (await t.get('/api/notifications?limit=200', token)).body.items.filter(
        (n: { kind: string; subjectId: string }) =>
          n.kind === 'takeout_pending' && n.subjectId === applied.body.id,
      );
    // Thursday: one business day has passed, not more.
    expect((await scan('2026-11-26')).status).toBe(200);
    expect(await inboxOf(approver.token)).toHaveLength(0);
    // Friday: more than one business day.
    expect((await scan('2026-11-27')).status).toBe(200);
    const [notice] = await inboxOf(approver.token);
    expect(notice).toMatchObject({
      kind: 'takeout_pending',
      contractId: c.contractId,
      data: { takeoutRequestId: applied.body.id },
    });
    expect(notice.message).toContain('2026年11月25日 10:00');
    expect(await inboxOf(c.w.officerA.token)).toHaveLength(0);
    expect(await inboxOf(colleague.token)).toHaveLength(0);
    // Scanning again sends nothing more; a decided request is not reminded.
    await scan('2026-11-27');
    await scan('2026-11-30');
    expect(await inboxOf(approver.token)).toHaveLength(1);
    const inbox = (await t.get('/api/notifications?limit=200', approver.token)).body.items;
    expect(inbox.filter((n: { subjectId: string }) => n.subjectId === own.body.id)).toEqual([]);
  });

  it('rebuilds the requests from the ledger exactly', async () => {
    const before = await t.dataSource.query(
      'SELECT * FROM takeout_requests ORDER BY requested_seq',
    );
    const media = await t.dataSource.query(
      'SELECT id, takeout_request_id, origin FROM media ORDER BY id',
    );
    // Spoil the projection first, so that only a real rebuild can restore it.
    await t.dataSource.query(
      "UPDATE takeout_requests SET status = 'withdrawn', media_registered = 0",
    );
    await t.dataSource.query('UPDATE media SET takeout_request_id = NULL, origin = NULL');
    await t.app.get(LedgerService).rebuildProjections();
    expect(
      await t.dataSource.query('SELECT * FROM takeout_requests ORDER BY requested_seq'),
    ).toEqual(before);
    expect(
      await t.dataSource.query('SELECT id, takeout_request_id, origin FROM media ORDER BY id'),
    ).toEqual(media);
    expect(before.length).toBeGreaterThan(5);
  });
});

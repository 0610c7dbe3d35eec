import { aContract, contractBody } from '../factories/contract.factory.js';
import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { aUser, type TestUser } from '../factories/identity.factory.js';
import { TestApp } from '../support/test-app.js';

type Section = { total: number; items: Array<Record<string, any>> };
type Work = Record<
  | 'held'
  | 'toReceive'
  | 'noticesToSend'
  | 'takeoutsToDecide'
  | 'takeoutsToUse'
  | 'certificatesToConfirm',
  Section
>;

/**
 * 今日の作業 (GET /api/work): what waits for each user across every active
 * contract they may read, in one answer. The cast: Ward A's contract with
 * Contractor X (and Subcontractor Z), Ward A's contract with Contractor Y,
 * Ward B's contract with Contractor Y, and a closed contract of Ward A; an
 * officer, an approver and a handler of each side, each seeing their own
 * work and nothing of another tenant's.
 */
describe('今日の作業 (GET /api/work)', () => {
  let t: TestApp;
  let c: CustodyWorld;
  let approver: TestUser;
  let contractY: string;
  let contractB: string;
  let closed: string;
  let noticeLabel: string;
  let toDecideId: string;
  let toUseId: string;

  const work = async (token: string): Promise<Work> => {
    const r = await t.get('/api/work', token);
    expect([r.status, r.body.code]).toEqual([200, undefined]);
    return r.body as Work;
  };
  const titlesOf = (s: Section) => s.items.map((i) => i.contract.title as string);
  const labelsOf = (s: Section) => s.items.map((i) => i.label as string);
  const takeoutBody = {
    dataItems: ['氏名', '住所'],
    recordCount: 300,
    mediaKinds: ['dvd_r'],
    mediaCount: 2,
    purpose: 'provide',
    plannedOn: '2026-12-01',
    terminalId: 'PC-ZEIMU-012',
  };
  const apply = async (contractId: string, token: string) => {
    const r = await t.post(`/api/contracts/${contractId}/takeout-requests`, takeoutBody, token);
    expect(r.status).toBe(201);
    return r.body.id as string;
  };
  const certify = async (contractId: string, token: string, certificateNumber: string) => {
    const r = await t.post(
      `/api/contracts/${contractId}/deletion-certificates`,
      {
        certificateNumber,
        erasedAt: new Date(t.clock.now().getTime() - 3_600_000).toISOString(),
        scope: { dataItems: ['氏名'], systems: ['作業用PC'], places: ['本社 作業室'] },
        mediaIds: [],
        method: 'clear',
        tool: 'DiskWipe Pro 5.2',
        verification: '全領域を読み出して確認',
        performedBy: '作業 五郎',
      },
      token,
    );
    expect(r.status).toBe(201);
    t.clock.advance(60_000); // the next one submitted later: the lists are oldest first
  };
  /** Names Y's staff on a contract as handler and responsible person (who submits certificates). */
  const rosterStaff = async (contractId: string, user: TestUser, token: string) => {
    for (const role of ['handler', 'responsible']) {
      const r = await t.post(
        `/api/contracts/${contractId}/roster`,
        { userId: user.user.id, role },
        token,
      );
      expect(r.status).toBe(201);
    }
  };
  /** A medium registered on another contract than c's, by `token`'s officer. */
  const register = async (contractId: string, label: string, token: string) => {
    const r = await t.post(
      `/api/contracts/${contractId}/media`,
      { kind: 'dvd_r', label, description: '資料', recordCount: 10, encrypted: true },
      token,
    );
    expect(r.status).toBe(201);
    return r.body.id as string;
  };
  const provide = async (contractId: string, item: string, to: TestUser, token: string) => {
    const r = await t.post(
      `/api/contracts/${contractId}/handovers`,
      {
        items: [item],
        toUserId: to.user.id,
        method: 'hand',
        bagId: `BAG-${item.slice(0, 6)}`,
        sealNumber: 'S-1',
        purpose: 'provide',
      },
      token,
    );
    expect(r.status).toBe(201);
    return r.body.id as string;
  };

  beforeAll(async () => {
    t = await TestApp.start();
    c = await aCustodyWorld(t, { title: 'X社の契約' });
    const { w } = c;
    approver = await aUser(t, w.wardA, 'ward_officer');
    const marked = await t.put(
      `/api/users/${approver.user.id}/approver`,
      { approver: true },
      w.admin.token,
    );
    expect(marked.status).toBe(200);

    // Ward A with Contractor Y, and Ward B with Contractor Y: Y's handler on both.
    contractY = (
      await aContract(t, w, {
        title: 'Y社の契約',
        contractorOrganizationId: w.contractorY.id,
        subcontractorOrganizationIds: [],
      })
    ).id;
    await rosterStaff(contractY, w.staffY, w.officerA.token);
    const createdB = await t.post(
      '/api/contracts',
      contractBody(w, {
        title: 'B区の契約',
        contractorOrganizationId: w.contractorY.id,
        subcontractorOrganizationIds: [],
      }),
      w.officerB.token,
    );
    expect(createdB.status).toBe(201);
    contractB = createdB.body.id;
    await rosterStaff(contractB, w.staffY, w.officerB.token);

    // X's contract: a DVD-R received by X's handler, its password notice
    // still with the officer; another on its way to the handler; one kept.
    const received = await c.dvd('X-DVD-受領済');
    noticeLabel = (await c.medium(await c.notice(received))).label;
    const first = await c.provide([received]);
    expect((await c.receive(w.staffX.token, first.body.id)).status).toBe(201);
    expect((await c.provide([await c.dvd('X-DVD-配送中')])).status).toBe(201);
    await c.dvd('X-DVD-保管');
    // Take-outs: the officer's request to decide, the approver's own (not
    // theirs to decide), and the officer's approved one to use.
    toDecideId = await apply(c.contractId, w.officerA.token);
    await apply(c.contractId, approver.token);
    toUseId = await apply(c.contractId, w.officerA.token);
    const approved = await t.post(
      `${c.base}/takeout-requests/${toUseId}/approve`,
      {},
      approver.token,
    );
    expect(approved.status).toBe(200);
    await certify(c.contractId, w.staffX2.token, 'DC-X-1');

    // Y's contract with Ward A: a DVD-R on its way to Y's handler, Y's certificate.
    await provide(
      contractY,
      await register(contractY, 'Y-DVD-1', w.officerA.token),
      w.staffY,
      w.officerA.token,
    );
    await certify(contractY, w.staffY.token, 'DC-Y-1');

    // Ward B: the same kinds of work, none of it Ward A's.
    await provide(
      contractB,
      await register(contractB, 'B-DVD-1', w.officerB.token),
      w.staffY,
      w.officerB.token,
    );
    await register(contractB, 'B-DVD-保管', w.officerB.token);
    await apply(contractB, w.officerB.token);
    await certify(contractB, w.staffY.token, 'DC-B-1');

    // A closed contract of Ward A: a medium still kept at the ward, a request never decided.
    closed = (await aContract(t, w, { title: '終了した契約' })).id;
    await register(closed, 'C-DVD-保管', w.officerA.token);
    await apply(closed, w.officerA.token);
    expect((await t.post(`/api/contracts/${closed}/close`, {}, w.officerA.token)).status).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('gives the ward officer what they hold, the notice to send, the request to use and the certificates', async () => {
    const mine = await work(c.w.officerA.token);
    expect(labelsOf(mine.held).sort()).toEqual(['X-DVD-保管', noticeLabel].sort());
    expect(mine.held.total).toBe(2);
    expect(mine.held.items.find((i) => i.label === 'X-DVD-保管')).toMatchObject({
      contract: { id: c.contractId, title: 'X社の契約' },
      kind: 'dvd_r',
      location: null,
    });
    expect(mine.toReceive).toEqual({ total: 0, items: [] });
    expect(mine.noticesToSend).toEqual({
      total: 1,
      items: [
        {
          id: expect.any(String),
          contract: { id: c.contractId, title: 'X社の契約' },
          kind: 'password_notice',
          label: noticeLabel,
          unlocks: { id: expect.any(String), label: 'X-DVD-受領済', kind: 'dvd_r' },
          destinationOrganizationName: c.w.contractorX.name,
        },
      ],
    });
    // Not an approver: nothing to decide; their approved request to use.
    expect(mine.takeoutsToDecide).toEqual({ total: 0, items: [] });
    expect(mine.takeoutsToUse).toEqual({
      total: 1,
      items: [
        {
          id: toUseId,
          contract: { id: c.contractId, title: 'X社の契約' },
          dataItems: ['氏名', '住所'],
          mediaCount: 2,
          mediaRegistered: 0,
          requestedAt: expect.any(String),
          applicantName: c.w.officerA.user.displayName,
          validUntil: expect.any(String),
        },
      ],
    });
    // Both of the ward's contractors' certificates; not Ward B's, not the closed contract's.
    expect(mine.certificatesToConfirm.total).toBe(2);
    expect(
      mine.certificatesToConfirm.items.map((i) => [
        i.certificateNumber,
        i.contract.title,
        i.organizationName,
      ]),
    ).toEqual([
      ['DC-X-1', 'X社の契約', c.w.contractorX.name],
      ['DC-Y-1', 'Y社の契約', c.w.contractorY.name],
    ]);
  });

  it('gives an approver the others’ requests still undecided, never their own', async () => {
    const theirs = await work(approver.token);
    expect(theirs.takeoutsToDecide).toEqual({
      total: 1,
      items: [
        expect.objectContaining({
          id: toDecideId,
          contract: { id: c.contractId, title: 'X社の契約' },
          applicantName: c.w.officerA.user.displayName,
          validUntil: null,
        }),
      ],
    });
    expect(theirs.takeoutsToUse.total).toBe(0);
    expect(theirs.held.total).toBe(0);
    expect(theirs.certificatesToConfirm.total).toBe(2);
  });

  it('gives a contractor’s handler what they hold and what is on its way to them, on their contracts only', async () => {
    const x = await work(c.w.staffX.token);
    expect(labelsOf(x.held)).toEqual(['X-DVD-受領済']);
    expect(x.toReceive).toEqual({
      total: 1,
      items: [
        {
          id: expect.any(String),
          contract: { id: c.contractId, title: 'X社の契約' },
          method: 'hand',
          dispatchedAt: expect.any(String),
          fromName: c.w.officerA.user.displayName,
          fromOrganizationName: c.w.wardA.name,
          media: [{ id: expect.any(String), label: 'X-DVD-配送中', kind: 'dvd_r' }],
        },
      ],
    });
    // The ward's work is not a contractor's to see.
    for (const section of [
      'noticesToSend',
      'takeoutsToDecide',
      'takeoutsToUse',
      'certificatesToConfirm',
    ] as const) {
      expect([section, x[section]]).toEqual([section, { total: 0, items: [] }]);
    }

    // Y's handler: what comes from both wards, none of X's.
    const y = await work(c.w.staffY.token);
    expect(titlesOf(y.toReceive).sort()).toEqual(['B区の契約', 'Y社の契約']);
    expect(y.toReceive.items.map((i) => i.media[0].label).sort()).toEqual(['B-DVD-1', 'Y-DVD-1']);
    expect(y.held.total).toBe(0);
    expect(y.certificatesToConfirm.total).toBe(0);
  });

  it('shows another ward only its own work (tenant isolation)', async () => {
    const b = await work(c.w.officerB.token);
    expect(labelsOf(b.held)).toEqual(['B-DVD-保管']);
    expect(titlesOf(b.certificatesToConfirm)).toEqual(['B区の契約']);
    expect(b.certificatesToConfirm.items[0]!.certificateNumber).toBe('DC-B-1');
    const seen = JSON.stringify(b);
    for (const other of [
      'X社の契約',
      'Y社の契約',
      '終了した契約',
      'DC-X-1',
      'DC-Y-1',
      noticeLabel,
    ]) {
      expect(seen).not.toContain(other);
    }
    // …and Ward A's approver nothing of Ward B's request.
    const a = JSON.stringify(await work(approver.token));
    expect(a).not.toContain('B区の契約');
    // Subcontractor Z's handler, named on X's contract too: nothing of what X's handler holds or awaits.
    const z = await work(c.w.staffZ.token);
    expect(JSON.stringify(z)).not.toContain('X-DVD');
    expect(z.held.total + z.toReceive.total).toBe(0);
  });

  it('leaves out a closed contract’s media and requests', async () => {
    const mine = JSON.stringify(await work(c.w.officerA.token));
    const theirs = JSON.stringify(await work(approver.token));
    for (const seen of [mine, theirs]) {
      expect(seen).not.toContain('終了した契約');
      expect(seen).not.toContain(closed);
    }
  });

  it('refuses a caller without a session (401), and the roles that handle no media (403)', async () => {
    const anonymous = await t.request('GET', '/api/work');
    expect([anonymous.status, anonymous.body.code]).toEqual([401, 'UNAUTHENTICATED']);
    for (const reader of [c.w.auditor, c.w.admin]) {
      const r = await t.get('/api/work', reader.token);
      expect([r.status, r.body.code]).toEqual([403, 'FORBIDDEN_ROLE']);
    }
  });

  it('lists at most 100 of a kind, with the total', async () => {
    const keeper = await aUser(t, c.w.wardA, 'ward_officer');
    for (let i = 1; i <= 101; i++) {
      await c.dvd(`保管-${String(i).padStart(3, '0')}`, keeper.token);
      c.minutes(1);
    }
    const kept = (await work(keeper.token)).held;
    expect(kept.total).toBe(101);
    expect(kept.items).toHaveLength(100);
    // Oldest first: the last one registered is the one left out.
    expect(kept.items[0]!.label).toBe('保管-001');
    expect(labelsOf(kept)).not.toContain('保管-101');
  });

  it('shows a handler nothing of a contract once their roster entry is withdrawn', async () => {
    const roster = await t.get(`${c.base}/roster`, c.w.officerA.token);
    const entry = (roster.body.items as Array<{ id: string; userId: string }>).find(
      (e) => e.userId === c.w.staffX.user.id,
    )!;
    expect((await t.delete(`${c.base}/roster/${entry.id}`, c.w.officerA.token)).status).toBe(200);
    const x = await work(c.w.staffX.token);
    expect(x.held).toEqual({ total: 0, items: [] });
    expect(x.toReceive).toEqual({ total: 0, items: [] });
  });
});

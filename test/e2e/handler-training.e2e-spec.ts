import { randomUUID } from 'node:crypto';
import { aContract, aTraining, contractBody } from '../factories/contract.factory.js';
import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { aUser, TEST_PASSWORD, type TestUser } from '../factories/identity.factory.js';
import { rebuiltAfterEmptying, sql } from '../support/ledger-kit.js';
import { TestApp } from '../support/test-app.js';

/**
 * 従事者に対する教育 (特記事項 §18): on a contract that requires training,
 * contractor staff are rostered and act only while a training on record
 * covers the day; reminders go to the responsible person 30 days before one
 * lapses. The clock stands at 2026-11-25 10:00 in Tokyo.
 */
describe('handler training', () => {
  let t: TestApp;
  let c: CustodyWorld;
  const NOW = '2026-11-25T01:00:00.000Z';
  const training = { handlingPolicy: { requireTraining: true } };

  beforeAll(async () => {
    t = await TestApp.start({ at: NOW, env: { TOKEN_TTL_MINUTES: '43200' } });
    c = await aCustodyWorld(t, training);
  });
  afterAll(() => t.close());
  afterEach(() => t.clock.set(NOW));

  const entries = (contractId = c.contractId): Promise<Array<{ type: string; payload: any }>> =>
    sql(t, 'SELECT type, payload FROM ledger_entries WHERE contract_id = ? ORDER BY seq', [
      contractId,
    ]).then((rows) =>
      rows.map((r: any) => ({
        type: r.type,
        payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload,
      })),
    );
  /** The call, and whether it left the ledger and the trainings as they were. */
  const unwritten = async (call: () => Promise<any>) => {
    const [ledger, trainings, roster] = await Promise.all([
      t.count('ledger_entries'),
      t.count('handler_trainings'),
      t.count('roster_entries'),
    ]);
    const response = await call();
    expect({
      ledger: await t.count('ledger_entries'),
      trainings: await t.count('handler_trainings'),
      roster: await t.count('roster_entries'),
    }).toEqual({ ledger, trainings, roster });
    return response;
  };
  /** A fresh token for `user` at the clock's time (tokens last 30 days; some tests jump a year). */
  const tokenOf = async (user: TestUser): Promise<string> => {
    const r = await t.post('/api/auth/login', {
      loginId: user.user.loginId,
      password: TEST_PASSWORD,
    });
    expect(r.status).toBe(200);
    return r.body.token as string;
  };
  const newcomer = () => aUser(t, c.w.contractorX, 'contractor_staff');
  const rosterBody = (user: TestUser, extra: Record<string, unknown> = {}) => ({
    userId: user.user.id,
    role: 'handler',
    ...extra,
  });

  describe('the contract term', () => {
    it('is on for a new contract, valid 12 months, unless the ward says otherwise', async () => {
      const body: Record<string, unknown> = contractBody(c.w);
      delete body.handlingPolicy;
      const created = await t.post('/api/contracts', body, c.w.officerA.token);
      expect(created.status).toBe(201);
      expect(created.body.handlingPolicy).toEqual({
        requireTraining: true,
        trainingValidMonths: 12,
        requireEmergencyPlan: true,
      });
      const [registered] = await entries(created.body.id);
      expect(registered!.payload.handlingPolicy).toEqual(created.body.handlingPolicy);

      const six = await aContract(t, c.w, { handlingPolicy: { trainingValidMonths: 6 } });
      expect(six.handlingPolicy).toMatchObject({ trainingValidMonths: 6 });
      const wrong = await t.post(
        '/api/contracts',
        contractBody(c.w, { handlingPolicy: { trainingValidMonths: 0 } }),
        c.w.officerA.token,
      );
      expect(wrong.status).toBe(400);
      expect(wrong.body.details.fields.map((f: any) => f.field)).toEqual([
        'handlingPolicy.trainingValidMonths',
      ]);
    });
  });

  describe('rostering', () => {
    it('refuses a handler with no training on record (409 TRAINING_REQUIRED), writing nothing', async () => {
      const user = await newcomer();
      const r = await unwritten(() =>
        t.post(`${c.base}/roster`, rosterBody(user), c.w.officerA.token),
      );
      expect(r.status).toBe(409);
      expect(r.body.code).toBe('TRAINING_REQUIRED');
      expect(r.body.details).toMatchObject({
        userId: user.user.id,
        date: '2026-11-25',
        reason: 'missing',
        trainingValidMonths: 12,
      });
    });

    it('refuses a training that lapsed before the entry starts, and one dated after today', async () => {
      const user = await newcomer();
      // Given 25 Nov 2025, valid 12 months: it covers up to 24 Nov 2026.
      const lapsed = await unwritten(() =>
        t.post(
          `${c.base}/roster`,
          rosterBody(user, { training: aTraining('2025-11-25') }),
          c.w.officerA.token,
        ),
      );
      expect(lapsed.status).toBe(409);
      expect(lapsed.body).toMatchObject({
        code: 'TRAINING_REQUIRED',
        details: { reason: 'lapsed', trainedOn: '2025-11-25', lapsedOn: '2026-11-25' },
      });

      const future = await unwritten(() =>
        t.post(
          `${c.base}/roster`,
          rosterBody(user, { training: aTraining('2026-11-26') }),
          c.w.officerA.token,
        ),
      );
      expect(future.status).toBe(400);
      expect(future.body.details.fields.map((f: any) => f.field)).toEqual(['training.trainedOn']);
    });

    it('judges the training on the first day of the entry', async () => {
      const user = await newcomer();
      // Valid up to 31 December 2026: not on 1 January 2027.
      const r = await unwritten(() =>
        t.post(
          `${c.base}/roster`,
          rosterBody(user, { training: aTraining('2026-01-01'), validFrom: '2027-01-01' }),
          c.w.officerA.token,
        ),
      );
      expect(r.status).toBe(409);
      expect(r.body.details).toMatchObject({ date: '2027-01-01', reason: 'lapsed' });
    });

    it('names a handler with the training given with the entry: two ledger entries, one transaction', async () => {
      const user = await newcomer();
      const before = (await entries()).length;
      const r = await t.post(
        `${c.base}/roster`,
        rosterBody(user, { training: aTraining('2026-11-20') }),
        c.w.officerA.token,
      );
      expect(r.status).toBe(201);
      const added = (await entries()).slice(before);
      expect(added.map((e) => e.type)).toEqual(['handler_training_recorded', 'roster_entry_added']);
      expect(added[0]!.payload).toMatchObject({
        userId: user.user.id,
        displayName: user.user.displayName,
        organizationId: c.w.contractorX.id,
        trainedOn: '2026-11-20',
        course: '個人情報の適正な取扱いに関する研修',
        trainer: '情報セキュリティ委員会',
      });
      const list = await t.get(`${c.base}/trainings`, c.w.officerA.token);
      expect(list.status).toBe(200);
      expect(list.body.items.find((i: any) => i.userId === user.user.id)).toMatchObject({
        trainedOn: '2026-11-20',
        lapsesOn: '2027-11-20',
        recordedByUserId: c.w.officerA.user.id,
      });
    });

    it('names a handler trained before, through POST /trainings', async () => {
      const user = await newcomer();
      const recorded = await t.post(
        `${c.base}/trainings`,
        { userId: user.user.loginId, ...aTraining('2026-10-01') },
        c.w.officerA.token,
      );
      expect(recorded.status).toBe(201);
      expect(recorded.body).toMatchObject({
        contractId: c.contractId,
        userId: user.user.id,
        trainedOn: '2026-10-01',
        lapsesOn: '2027-10-01',
      });
      const r = await t.post(`${c.base}/roster`, rosterBody(user), c.w.officerA.token);
      expect(r.status).toBe(201);
    });

    it('asks nothing of a contract that does not require training (contracts before it existed)', async () => {
      const plain = await aContract(t, c.w);
      expect(plain.handlingPolicy.requireTraining).toBe(false);
      const user = await newcomer();
      const r = await t.post(
        `/api/contracts/${plain.id}/roster`,
        rosterBody(user),
        c.w.officerA.token,
      );
      expect(r.status).toBe(201);
    });
  });

  describe('who records a training', () => {
    it('lets the responsible person on the roster record their own organization’s staff', async () => {
      const user = await newcomer();
      const r = await t.post(
        `${c.base}/trainings`,
        { userId: user.user.id, ...aTraining('2026-11-24') },
        c.w.staffX2.token,
      );
      expect(r.status).toBe(201);
      expect(r.body.recordedByUserId).toBe(c.w.staffX2.user.id);
    });

    it('refuses the responsible person for another organization’s staff, and a handler, writing nothing', async () => {
      for (const [token, userId] of [
        [c.w.staffX2.token, c.w.staffZ.user.id],
        [c.w.staffX.token, c.w.staffX.user.id],
      ] as const) {
        const r = await unwritten(() =>
          t.post(`${c.base}/trainings`, { userId, ...aTraining('2026-11-24') }, token),
        );
        expect({ status: r.status, code: r.body.code }).toEqual({
          status: 403,
          code: 'NOT_RESPONSIBLE',
        });
      }
    });

    it('refuses other roles, other tenants, staff outside the contract and future dates', async () => {
      const body = { userId: c.w.staffX.user.id, ...aTraining('2026-11-24') };
      const cases: Array<[string, string, unknown, number, string]> = [
        ['auditor', c.w.auditor.token, body, 403, 'FORBIDDEN_ROLE'],
        ['admin', c.w.admin.token, body, 403, 'FORBIDDEN_ROLE'],
        ['another ward', c.w.officerB.token, body, 404, 'CONTRACT_NOT_FOUND'],
        ['a stranger contractor', c.w.staffY.token, body, 404, 'CONTRACT_NOT_FOUND'],
        [
          'staff of Y',
          c.w.officerA.token,
          { ...body, userId: c.w.staffY.user.id },
          422,
          'ROSTER_USER_NOT_ELIGIBLE',
        ],
        [
          'a ward officer as trainee',
          c.w.officerA.token,
          { ...body, userId: c.w.officerA.user.id },
          422,
          'ROSTER_USER_NOT_ELIGIBLE',
        ],
        [
          'tomorrow',
          c.w.officerA.token,
          { ...body, trainedOn: '2026-11-26' },
          400,
          'VALIDATION_FAILED',
        ],
      ];
      for (const [name, token, sent, status, code] of cases) {
        const r = await unwritten(() => t.post(`${c.base}/trainings`, sent, token));
        expect({ name, status: r.status, code: r.body.code }).toEqual({ name, status, code });
      }
      const unknown = await t.post(
        `/api/contracts/${randomUUID()}/trainings`,
        body,
        c.w.officerA.token,
      );
      expect(unknown.status).toBe(404);
    });

    it('shows the trainings to the contract’s readers, not to others', async () => {
      expect((await t.get(`${c.base}/trainings`, c.w.auditor.token)).status).toBe(200);
      expect((await t.get(`${c.base}/trainings`, c.w.staffZ.token)).status).toBe(200);
      expect((await t.get(`${c.base}/trainings`, c.w.officerB.token)).status).toBe(404);
    });
  });

  describe('acting', () => {
    it('refuses a handler whose training has lapsed, from the day it lapses, writing nothing', async () => {
      // aCustodyWorld trained staffX today; this older training does not change that.
      const w = await aCustodyWorld(t, training);
      const medium = await w.dvd();
      const sent = await w.provide([medium]);
      expect(sent.status).toBe(201);
      // 25 November 2027 in Tokyo: the training of 25 November 2026 has lapsed.
      t.clock.set('2027-11-24T15:00:00.000Z');
      const staffX = await tokenOf(w.w.staffX);
      const receipt = await unwritten(() => w.receive(staffX, sent.body.id));
      expect(receipt.status).toBe(409);
      expect(receipt.body).toMatchObject({
        code: 'TRAINING_REQUIRED',
        details: {
          userId: w.w.staffX.user.id,
          date: '2027-11-25',
          reason: 'lapsed',
          lapsedOn: '2027-11-25',
        },
      });
      const register = await unwritten(() =>
        w.register(staffX, {
          kind: 'paper',
          label: `P-${randomUUID().slice(0, 6)}`,
          description: '作業用紙',
          recordCount: 1,
          encrypted: false,
        }),
      );
      expect(register.body.code).toBe('TRAINING_REQUIRED');

      // Dated back into the training's validity, the receipt is still refused:
      // the training must cover today as well, not only the step's day.
      const dated = await unwritten(() =>
        w.receive(staffX, sent.body.id, {
          sealIntact: true,
          occurredAt: '2027-11-24T23:00:00+09:00',
        }),
      );
      expect(dated.status).toBe(409);
      expect(dated.body).toMatchObject({
        code: 'TRAINING_REQUIRED',
        details: { date: '2027-11-25', reason: 'lapsed' },
      });

      // Nor does the ward hand anything more to a handler who could not sign for it.
      const officer = await tokenOf(w.w.officerA);
      const another = await w.dvd(undefined, officer);
      const refused = await unwritten(() =>
        w.dispatch(officer, {
          items: [another],
          toUserId: w.w.staffX.user.id,
          method: 'hand',
          bagId: 'BAG-LAPSED',
          purpose: 'provide',
        }),
      );
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({
        code: 'TRAINING_REQUIRED',
        details: { userId: w.w.staffX.user.id, reason: 'lapsed' },
      });
    });

    it('lifts the refusal once a new training is recorded', async () => {
      const w = await aCustodyWorld(t, training);
      const medium = await w.dvd();
      const sent = await w.provide([medium]);
      t.clock.set('2027-12-01T01:00:00.000Z');
      const staffX = await tokenOf(w.w.staffX);
      expect((await w.receive(staffX, sent.body.id)).body.code).toBe('TRAINING_REQUIRED');
      const renewed = await t.post(
        `${w.base}/trainings`,
        { userId: w.w.staffX.user.id, ...aTraining('2027-11-30') },
        await tokenOf(w.w.staffX2),
      );
      expect(renewed.status).toBe(201);
      expect((await w.receive(staffX, sent.body.id)).status).toBe(201);
      const types = (await entries(w.contractId)).map((e) => e.type);
      expect(types.slice(-2)).toEqual(['handler_training_recorded', 'handover_received']);
    });

    it('never holds up an incident report, nor asks ward officers for a training', async () => {
      const w = await aCustodyWorld(t, training);
      const medium = await w.dvd();
      const sent = await w.provide([medium]);
      t.clock.set('2027-12-01T01:00:00.000Z');
      const report = await t.post(
        `${w.base}/incidents`,
        { kind: 'lost', mediumIds: [medium], description: '輸送中に紛失' },
        await tokenOf(w.w.staffX),
      );
      expect(report.status).toBe(201);
      expect(sent.status).toBe(201);
      // The ward officer registers: no training asked of the ward.
      expect((await w.dvd(undefined, await tokenOf(w.w.officerA))).length).toBeGreaterThan(0);
    });

    it('refuses a deletion certificate from a responsible person whose training lapsed', async () => {
      const w = await aCustodyWorld(t, training);
      t.clock.set('2027-12-01T01:00:00.000Z');
      const staffX2 = await tokenOf(w.w.staffX2);
      const r = await unwritten(() =>
        t.post(
          `${w.base}/deletion-certificates`,
          {
            certificateNumber: `DC-${randomUUID().slice(0, 8)}`,
            erasedAt: '2027-11-30T09:00:00+09:00',
            scope: { dataItems: ['氏名'], systems: ['作業用PC PC-12'], places: ['本社'] },
            mediaIds: [],
            method: 'clear',
            tool: 'DiskWipe Pro 5.2',
            verification: '読み出して確認',
            performedBy: '作業 五郎',
            witnessedBy: '立会 六郎',
          },
          staffX2,
        ),
      );
      expect(r.status).toBe(409);
      expect(r.body.code).toBe('TRAINING_REQUIRED');
    });
  });

  describe('reminders', () => {
    const scan = async (asOf: string) => {
      const r = await t.post('/api/admin/jobs/reminder-scan', { asOf }, c.w.admin.token);
      expect(r.status).toBe(200);
      return r.body as { byKind: Record<string, number> };
    };
    const lapsing = async (user: TestUser, contractId: string) => {
      const r = await t.get('/api/notifications?limit=200', user.token);
      return (r.body.items as any[]).filter(
        (n) => n.kind === 'training_lapsing' && n.contractId === contractId,
      );
    };

    it('remind the responsible person 30 days before a training lapses, once, not the day before', async () => {
      // Trained 15 January 2026: lapses 15 January 2027, reminded from 16 December.
      const w = await aCustodyWorld(t, training);
      const old = await aUser(t, w.w.contractorX, 'contractor_staff');
      const r = await t.post(
        `${w.base}/trainings`,
        { userId: old.user.id, ...aTraining('2026-01-15') },
        w.w.officerA.token,
      );
      expect(r.status).toBe(201);
      expect((await t.post(`${w.base}/roster`, rosterBody(old), w.w.officerA.token)).status).toBe(
        201,
      );

      await scan('2026-12-15');
      expect(await lapsing(w.w.staffX2, w.contractId)).toEqual([]);
      expect((await scan('2026-12-16')).byKind.training_lapsing).toBeGreaterThanOrEqual(1);
      const [reminder, ...more] = await lapsing(w.w.staffX2, w.contractId);
      expect(more).toEqual([]);
      expect(reminder).toMatchObject({
        subjectId: old.user.id,
        dueOn: '2027-01-15',
        data: { userId: old.user.id, trainedOn: '2026-01-15', lapsesOn: '2027-01-15' },
      });
      expect(reminder.title).toContain('30日');
      // The responsible person only: not the handler, not the ward.
      expect(await lapsing(old, w.contractId)).toEqual([]);
      expect(await lapsing(w.w.officerA, w.contractId)).toEqual([]);
      await scan('2026-12-17');
      expect(await lapsing(w.w.staffX2, w.contractId)).toHaveLength(1);
    });

    it('stop once a new training is recorded, and say nothing of a lapsed one', async () => {
      const w = await aCustodyWorld(t, training);
      const old = await aUser(t, w.w.contractorX, 'contractor_staff');
      await t.post(
        `${w.base}/roster`,
        rosterBody(old, { training: aTraining('2026-01-20') }),
        w.w.officerA.token,
      );
      await t.post(
        `${w.base}/trainings`,
        { userId: old.user.id, ...aTraining('2026-11-25') },
        w.w.officerA.token,
      );
      await scan('2026-12-21');
      expect(await lapsing(w.w.staffX2, w.contractId)).toEqual([]);
      await scan('2027-11-26');
      expect(await lapsing(w.w.staffX2, w.contractId)).toEqual([]);
    });
  });

  it('rebuilds the trainings from the ledger alone, chains intact', async () => {
    const { live, rebuilt } = await rebuiltAfterEmptying(t, ['handler_trainings']);
    expect(live.handler_trainings!.length).toBeGreaterThanOrEqual(10);
    expect(rebuilt).toEqual(live);
    const verdict = await t.get(`${c.base}/ledger/verify`, c.w.auditor.token);
    expect(verdict.body).toMatchObject({ valid: true });
  });
});

import { randomUUID } from 'node:crypto';
import {
  aCustodyWorld,
  anEmergencyContact,
  type CustodyWorld,
} from '../factories/custody.factory.js';
import { aUser } from '../factories/identity.factory.js';
import { rebuiltAfterEmptying, sql } from '../support/ledger-kit.js';
import { TestApp } from '../support/test-app.js';

/**
 * 事故等への対応体制 (checklist 000): the first handover of a contract that
 * requires the plan waits until both sides have emergency contacts and both
 * have confirmed the incident procedure; an incident notice names the
 * contacts. The clock stands at 2026-11-25 10:00 in Tokyo.
 */
describe('emergency plan', () => {
  let t: TestApp;
  let c: CustodyWorld;
  const required = { handlingPolicy: { requireEmergencyPlan: true } };

  beforeAll(async () => {
    t = await TestApp.start({ at: '2026-11-25T01:00:00.000Z' });
    c = await aCustodyWorld(t, required);
  });
  afterAll(() => t.close());

  const plan = () => `${c.base}/emergency-plan`;
  const put = (path: string, body: unknown, token: string) =>
    t.request('PUT', `${plan()}/${path}`, { token, body });
  const confirm = (token: string, body: Record<string, unknown> = {}) =>
    t.post(`${plan()}/procedure/confirm`, body, token);
  const types = async (): Promise<string[]> =>
    (
      await sql(t, 'SELECT type FROM ledger_entries WHERE contract_id = ? ORDER BY seq', [
        c.contractId,
      ])
    ).map((r: any) => r.type);
  /** The call, and that it appended no ledger entry and changed no plan or handover. */
  const unwritten = async (call: () => Promise<any>) => {
    const before = [
      await t.count('ledger_entries'),
      await t.count('handovers'),
      JSON.stringify(await sql(t, 'SELECT * FROM emergency_plans ORDER BY contract_id')),
    ];
    const response = await call();
    expect([
      await t.count('ledger_entries'),
      await t.count('handovers'),
      JSON.stringify(await sql(t, 'SELECT * FROM emergency_plans ORDER BY contract_id')),
    ]).toEqual(before);
    return response;
  };
  const refusedDispatch = async (missing: string[]) => {
    const medium = await c.dvd();
    const r = await unwritten(() => c.provide([medium]));
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({
      code: 'EMERGENCY_PLAN_MISSING',
      details: { contractId: c.contractId, missing },
    });
  };

  it('refuses the first dispatch of a contract without a plan, saying what is missing', async () => {
    await refusedDispatch(['ward_contacts', 'contractor_contacts', 'incident_procedure']);
    const read = await t.get(plan(), c.w.officerA.token);
    expect(read.status).toBe(200);
    expect(read.body).toEqual({
      contractId: c.contractId,
      required: true,
      ward: { contacts: [], confirmedOn: null, confirmedByUserId: null },
      contractor: { contacts: [], confirmedOn: null, confirmedByUserId: null },
      procedure: null,
      missing: ['ward_contacts', 'contractor_contacts', 'incident_procedure'],
    });
  });

  it('refuses a dispatch from the contractor’s side too', async () => {
    const medium = await c.dvd(undefined, c.w.staffX.token);
    const r = await unwritten(() =>
      c.dispatch(c.w.staffX.token, {
        items: [medium],
        toUserId: c.w.officerA.user.id,
        method: 'hand',
        bagId: 'BAG-R1',
        purpose: 'return',
      }),
    );
    expect(r.body.code).toBe('EMERGENCY_PLAN_MISSING');
  });

  describe('recording', () => {
    it('refuses bad contacts and an empty procedure, writing nothing', async () => {
      const bad: Array<[string, unknown]> = [
        ['contacts', { contacts: [] }],
        ['contacts', { contacts: [{ ...anEmergencyContact('課長'), phone: 'call me' }] }],
        ['contacts', { contacts: [{ ...anEmergencyContact('課長'), hours: '' }] }],
        ['procedure', {}],
        ['procedure', { text: '   ' }],
      ];
      for (const [path, body] of bad) {
        const r = await unwritten(() => put(path, body, c.w.officerA.token));
        expect({ path, status: r.status, code: r.body.code }).toEqual({
          path,
          status: 400,
          code: 'VALIDATION_FAILED',
        });
      }
    });

    it('refuses those outside the plan: roles, tenants, staff off the roster', async () => {
      const offRoster = await aUser(t, c.w.contractorX, 'contractor_staff');
      const body = { contacts: [anEmergencyContact('課長')] };
      const cases: Array<[string, string, number, string]> = [
        ['auditor', c.w.auditor.token, 403, 'FORBIDDEN_ROLE'],
        ['admin', c.w.admin.token, 403, 'FORBIDDEN_ROLE'],
        ['another ward', c.w.officerB.token, 404, 'CONTRACT_NOT_FOUND'],
        ['a stranger contractor', c.w.staffY.token, 404, 'CONTRACT_NOT_FOUND'],
        ['X staff off the roster', offRoster.token, 403, 'NOT_ROSTERED'],
        // A rostered subcontractor speaks for neither side of the plan.
        ['the subcontractor’s handler', c.w.staffZ.token, 403, 'NOT_CONTRACTOR'],
      ];
      for (const [name, token, status, code] of cases) {
        const r = await unwritten(() => put('contacts', body, token));
        expect({ name, status: r.status, code: r.body.code }).toEqual({ name, status, code });
      }
      expect((await t.get(plan(), c.w.officerB.token)).status).toBe(404);
      expect((await t.get(plan(), offRoster.token)).status).toBe(403);
      expect(
        (await t.get(`/api/contracts/${randomUUID()}/emergency-plan`, c.w.officerA.token)).status,
      ).toBe(404);
    });

    it('refuses a confirmation before there is a procedure, writing nothing', async () => {
      const r = await unwritten(() => confirm(c.w.officerA.token));
      expect(r.status).toBe(409);
      expect(r.body).toMatchObject({
        code: 'EMERGENCY_PLAN_MISSING',
        details: { missing: ['incident_procedure'] },
      });
    });

    it('records each side’s contacts by that side, and still refuses the dispatch', async () => {
      const ward = await put(
        'contacts',
        { contacts: [anEmergencyContact('区 課長'), anEmergencyContact('区 係長')] },
        c.w.officerA.token,
      );
      expect(ward.status).toBe(200);
      expect(ward.body.ward.contacts).toHaveLength(2);
      const contractor = await put(
        'contacts',
        { contacts: [{ ...anEmergencyContact('取扱責任者'), phone: '090-1111-2222' }] },
        c.w.staffX2.token,
      );
      expect(contractor.status).toBe(200);
      expect(contractor.body.contractor.contacts).toEqual([
        {
          name: '連絡 取扱責任者',
          role: '取扱責任者',
          phone: '090-1111-2222',
          hours: '平日 8:30–17:15',
        },
      ]);
      expect(contractor.body.missing).toEqual(['incident_procedure']);
      await refusedDispatch(['incident_procedure']);
    });

    it('waits for both sides to confirm the procedure', async () => {
      const recorded = await put(
        'procedure',
        { text: '発覚後直ちに区の担当課へ電話で報告する', documentRef: '事故対応手順書 第3版' },
        c.w.staffX2.token,
      );
      expect(recorded.status).toBe(200);
      expect(recorded.body.procedure).toMatchObject({
        text: '発覚後直ちに区の担当課へ電話で報告する',
        documentRef: '事故対応手順書 第3版',
      });
      await refusedDispatch(['ward_confirmation', 'contractor_confirmation']);

      for (const confirmedOn of ['2026-11-26', '2026-11-24']) {
        const r = await unwritten(() => confirm(c.w.officerA.token, { confirmedOn }));
        expect(r.status).toBe(400);
        expect(r.body.details.fields.map((f: any) => f.field)).toEqual(['confirmedOn']);
      }
      const byWard = await confirm(c.w.officerA.token, { confirmedOn: '2026-11-25' });
      expect(byWard.status).toBe(201);
      expect(byWard.body.ward).toMatchObject({
        confirmedOn: '2026-11-25',
        confirmedByUserId: c.w.officerA.user.id,
      });
      await refusedDispatch(['contractor_confirmation']);
    });

    it('lets the first dispatch go once the contractor confirms, and later ones whatever comes', async () => {
      const byContractor = await confirm(c.w.staffX2.token);
      expect(byContractor.status).toBe(201);
      expect(byContractor.body.missing).toEqual([]);
      const medium = await c.dvd();
      const sent = await c.provide([medium]);
      expect(sent.status).toBe(201);

      // A new procedure asks both sides to confirm again, but the first handover is past.
      const renewed = await put(
        'procedure',
        { documentRef: '事故対応手順書 第4版' },
        c.w.officerA.token,
      );
      expect(renewed.body.missing).toEqual(['ward_confirmation', 'contractor_confirmation']);
      expect(renewed.body.procedure.text).toBeNull();
      c.minutes(90);
      expect((await c.provide([await c.dvd()])).status).toBe(201);

      expect((await types()).filter((type) => !type.startsWith('medium_'))).toEqual([
        'contract_registered',
        'roster_entry_added',
        'roster_entry_added',
        'roster_entry_added',
        'emergency_contacts_recorded',
        'emergency_contacts_recorded',
        'incident_procedure_recorded',
        'incident_procedure_confirmed',
        'incident_procedure_confirmed',
        'handover_dispatched',
        'incident_procedure_recorded',
        'handover_dispatched',
      ]);
    });

    it('shows the plan to the contract’s readers', async () => {
      for (const user of [c.w.auditor, c.w.staffZ, c.w.staffX]) {
        const r = await t.get(plan(), user.token);
        expect(r.status).toBe(200);
        expect(r.body.contractor.contacts).toHaveLength(1);
      }
    });
  });

  it('names both sides’ contacts in the incident notice', async () => {
    const medium = await c.dvd();
    const report = await t.post(
      `${c.base}/incidents`,
      { kind: 'lost', mediumIds: [medium], description: '庁内で所在不明' },
      c.w.officerA.token,
    );
    expect(report.status).toBe(201);
    const inbox = await t.get('/api/notifications?limit=200', c.w.officerA.token);
    const notice = (inbox.body.items as any[]).find(
      (n) => n.kind === 'incident' && n.subjectId === report.body.id,
    );
    expect(notice.message).toContain(
      '区 / ward: 連絡 区 課長（区 課長）03-1234-5678 平日 8:30–17:15、連絡 区 係長（区 係長）03-1234-5678 平日 8:30–17:15; 受託者 / contractor: 連絡 取扱責任者（取扱責任者）090-1111-2222 平日 8:30–17:15',
    );
    expect(notice.data.emergencyContacts.contractor).toHaveLength(1);
  });

  it('asks nothing of a contract that does not require the plan (contracts before it existed)', async () => {
    const plain = await aCustodyWorld(t);
    const read = await t.get(`${plain.base}/emergency-plan`, plain.w.officerA.token);
    expect(read.body).toMatchObject({ required: false, procedure: null });
    expect((await plain.provide([await plain.dvd()])).status).toBe(201);
  });

  it('completes through the factory helper, for tests that need the plan', async () => {
    const other = await aCustodyWorld(t, required);
    await other.emergencyPlan();
    expect((await other.provide([await other.dvd()])).status).toBe(201);
  });

  it('rebuilds the plans from the ledger alone, chains intact', async () => {
    const { live, rebuilt } = await rebuiltAfterEmptying(t, ['emergency_plans']);
    expect(live.emergency_plans!.length).toBeGreaterThanOrEqual(2);
    expect(rebuilt).toEqual(live);
    const verdict = await t.get(`${c.base}/ledger/verify`, c.w.auditor.token);
    expect(verdict.body).toMatchObject({ valid: true });
  });
});

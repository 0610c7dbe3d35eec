import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { TEST_PASSWORD } from '../factories/identity.factory.js';
import { TestApp } from '../support/test-app.js';

/** On-site audits (立入調査) and the per-fiscal-year status, with the clock moved around 31 March. */
describe('on-site audits', () => {
  let t: TestApp;
  let c: CustodyWorld; // seed 000's shape: 1 September 2026 – 31 March 2027
  let other: CustodyWorld; // 1 October 2026 – 30 September 2027, spanning two fiscal years

  beforeAll(async () => {
    t = await TestApp.start({ at: '2027-01-15T01:00:00.000Z' });
    c = await aCustodyWorld(t, { startsOn: '2026-09-01', endsOn: '2027-03-31' });
    other = await aCustodyWorld(t, { startsOn: '2026-10-01', endsOn: '2027-09-30' });
  });
  afterAll(() => t.close());

  /** Tokens last 8 hours; after moving the clock far, log in again. */
  const tokenOf = async (loginId: string) =>
    (await t.post('/api/auth/login', { loginId, password: TEST_PASSWORD })).body.token as string;
  const audit = (
    world: CustodyWorld,
    body: Record<string, unknown>,
    token = world.w.officerA.token,
  ) =>
    t.post(
      `${world.base}/audits`,
      { result: 'satisfactory', auditors: ['監査 一郎'], ...body },
      token,
    );
  const statusOf = async (token: string, fiscalYear?: number) => {
    const r = await t.get(
      `/api/audits/status${fiscalYear ? `?fiscalYear=${fiscalYear}` : ''}`,
      token,
    );
    expect(r.status).toBe(200);
    return r.body;
  };

  it('is required in every fiscal year the period overlaps, due by the earlier of 31 March and the end', async () => {
    const status = await statusOf(c.w.auditor.token);
    expect(status.fiscalYear).toBe(2026);
    const mine = status.items.find((i: any) => i.contractId === c.contractId);
    expect(mine).toMatchObject({
      required: true,
      done: false,
      dueOn: '2027-03-31',
      overdue: false,
      lastAudit: null,
    });
    const next = await statusOf(c.w.auditor.token, 2027);
    expect(next.items.find((i: any) => i.contractId === c.contractId)).toMatchObject({
      required: false,
      dueOn: null,
    });
    // `other` belongs to another world's Ward A: its own auditor sees it.
    const nextForOther = await statusOf(other.w.auditor.token, 2027);
    expect(nextForOther.items.find((i: any) => i.contractId === other.contractId)).toMatchObject({
      required: true,
      dueOn: '2027-09-30',
    });
  });

  it('is recorded by a ward officer as a ledger event and marks the year done', async () => {
    const r = await audit(c, {
      performedOn: '2027-01-14',
      result: 'findings',
      findings: '施錠記録に一部記入漏れ',
    });
    expect(r.status).toBe(201);
    const page = await t.get(
      `${c.base}/ledger?afterSeq=${r.body.seq - 1}&limit=1`,
      c.w.auditor.token,
    );
    expect(page.body.items[0]).toMatchObject({
      type: 'audit_recorded',
      hash: r.body.hash,
      payload: { performedOn: '2027-01-14', fiscalYear: 2026, result: 'findings' },
    });
    const list = await t.get(`${c.base}/audits`, c.w.staffX.token);
    expect(list.body.items).toEqual([
      expect.objectContaining({
        performedOn: '2027-01-14',
        result: 'findings',
        auditors: ['監査 一郎'],
      }),
    ]);
    const status = await statusOf(c.w.officerA.token);
    expect(status.items.find((i: any) => i.contractId === c.contractId)).toMatchObject({
      done: true,
      overdue: false,
      lastAudit: { performedOn: '2027-01-14' },
    });
  });

  it('refuses, writing nothing: the future, before the contract, missing findings, wrong people', async () => {
    const ledger = await t.count('ledger_entries');
    const expectRefused = (r: { status: number; body: any }, status: number, code: string) =>
      expect({ status: r.status, code: r.body.code }).toEqual({ status, code });
    expectRefused(await audit(c, { performedOn: '2027-01-16' }), 422, 'INVALID_AUDIT_DATE');
    expectRefused(await audit(c, { performedOn: '2026-08-31' }), 422, 'INVALID_AUDIT_DATE');
    expectRefused(
      await audit(c, { performedOn: '2027-01-10', result: 'unsatisfactory' }),
      400,
      'VALIDATION_FAILED',
    );
    expectRefused(
      await audit(c, { performedOn: '2027-01-10', result: 'great' }),
      400,
      'VALIDATION_FAILED',
    );
    expectRefused(
      await audit(c, { performedOn: '2027-01-10', auditors: [] }),
      400,
      'VALIDATION_FAILED',
    );
    // Contractor staff record only audits of an approved subcontractor, which they must name.
    expectRefused(
      await audit(c, { performedOn: '2027-01-10' }, c.w.staffX.token),
      400,
      'VALIDATION_FAILED',
    );
    expectRefused(
      await audit(c, { performedOn: '2027-01-10' }, c.w.auditor.token),
      403,
      'FORBIDDEN_ROLE',
    );
    expectRefused(
      await audit(c, { performedOn: '2027-01-10' }, c.w.officerB.token),
      404,
      'CONTRACT_NOT_FOUND',
    );
    expect(await t.count('ledger_entries')).toBe(ledger);
    expect((await t.get('/api/audits/status', c.w.staffX.token)).status).toBe(403);
    expect((await t.get('/api/audits/status?fiscalYear=1999', c.w.auditor.token)).status).toBe(400);
  });

  it('shows each ward and its auditors only its own contracts; admins none (403)', async () => {
    const forB = await statusOf(c.w.officerB.token);
    expect(forB.items.map((i: any) => i.contractId)).not.toContain(c.contractId);
    const forAuditor = await statusOf(c.w.auditor.token);
    expect(forAuditor.items.map((i: any) => i.contractId)).toContain(c.contractId);
    // `other` is another world: its Ward A is not this auditor's ward.
    expect(forAuditor.items.map((i: any) => i.contractId)).not.toContain(other.contractId);
    const forAuditorB = await statusOf(c.w.auditorB.token);
    expect(forAuditorB.items.map((i: any) => i.contractId)).not.toContain(c.contractId);
    const admin = await t.get('/api/audits/status', c.w.admin.token);
    expect([admin.status, admin.body.code]).toEqual([403, 'FORBIDDEN_ROLE']);
  });

  it('turns overdue on 1 April in Tokyo, not on 1 April in UTC', async () => {
    // 31 March 23:59 in Tokyo (14:59 UTC): still due today.
    t.clock.set('2027-03-31T14:59:00.000Z');
    let auditor = await tokenOf(other.w.auditor.user.loginId);
    let status = await statusOf(auditor, 2026);
    expect(status.items.find((i: any) => i.contractId === other.contractId)).toMatchObject({
      required: true,
      done: false,
      dueOn: '2027-03-31',
      overdue: false,
    });
    expect((await statusOf(auditor)).fiscalYear).toBe(2026);

    // 1 April 00:30 in Tokyo, still 31 March in UTC: overdue, and a new fiscal year.
    t.clock.set('2027-03-31T15:30:00.000Z');
    auditor = await tokenOf(other.w.auditor.user.loginId);
    status = await statusOf(auditor, 2026);
    expect(status.items.find((i: any) => i.contractId === other.contractId)).toMatchObject({
      overdue: true,
    });
    const current = await statusOf(auditor);
    expect(current.fiscalYear).toBe(2027);
    expect(current.items.find((i: any) => i.contractId === other.contractId)).toMatchObject({
      required: true,
      done: false,
      dueOn: '2027-09-30',
      overdue: false,
    });
  });

  it('a closed contract still takes an audit', async () => {
    t.clock.set('2027-04-02T01:00:00.000Z');
    const officer = await tokenOf(c.w.officerA.user.loginId);
    expect((await t.post(`${c.base}/close`, {}, officer)).status).toBe(201);
    const r = await audit(c, { performedOn: '2027-04-01' }, officer);
    expect(r.status).toBe(201);
  });
});

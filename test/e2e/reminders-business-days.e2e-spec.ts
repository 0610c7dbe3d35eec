import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { TestApp } from '../support/test-app.js';

/**
 * Reminders counted in business days (REMINDER_DAY_COUNT=business), through
 * the admin scan endpoint. The contract is fiscal year 2028's
 * (1 April 2028 – 31 March 2029): its audit is due on Saturday 31 March 2029,
 * so it is reminded as due on Friday 30 March, and its 7-day reminder comes
 * 7 business days before that, on Wednesday 21 March (20 March is 春分の日).
 * The clock stands at 22 March 2029 00:30 in Tokyo (21 March 15:30 UTC).
 */
describe('reminders counted in business days', () => {
  let t: TestApp;
  let c: CustodyWorld;

  beforeAll(async () => {
    t = await TestApp.start({
      at: '2029-03-21T15:30:00.000Z',
      env: { REMINDER_DAY_COUNT: 'business' },
    });
    c = await aCustodyWorld(t, { startsOn: '2028-04-01', endsOn: '2029-03-31' });
  });
  afterAll(() => t.close());

  const scan = async (asOf: string) => {
    const r = await t.post('/api/admin/jobs/reminder-scan', { asOf }, c.w.admin.token);
    expect(r.status).toBe(200);
    return r.body as { asOf: string; due: number; raised: number; byKind: Record<string, number> };
  };
  const kinds = async (token: string, kind: string) => {
    const r = await t.get('/api/notifications?limit=200', token);
    expect(r.status).toBe(200);
    return (r.body.items as any[]).filter((n) => n.kind === kind && n.contractId === c.contractId);
  };

  it('shows the due date and the business due date in the audits status', async () => {
    const r = await t.get('/api/audits/status?fiscalYear=2028', c.w.auditor.token);
    expect(r.status).toBe(200);
    expect(r.body.items.find((i: any) => i.contractId === c.contractId)).toMatchObject({
      fiscalYear: 2028,
      required: true,
      done: false,
      dueOn: '2029-03-31',
      businessDueOn: '2029-03-30',
      overdue: false,
    });
    const next = await t.get('/api/audits/status?fiscalYear=2029', c.w.officerA.token);
    expect(next.body.items.find((i: any) => i.contractId === c.contractId)).toMatchObject({
      required: false,
      dueOn: null,
      businessDueOn: null,
    });
  });

  it('raises the 7-day reminder on 21 March, 7 business days before Friday 30 March, not on 春分の日', async () => {
    await scan('2029-03-20');
    expect((await kinds(c.w.officerA.token, 'audit_due')).map((n) => n.leadDays)).toEqual([30]);

    expect((await scan('2029-03-21')).byKind.audit_due).toBe(1);
    const seven = (await kinds(c.w.officerA.token, 'audit_due')).find((n) => n.leadDays === 7);
    expect(seven).toMatchObject({
      dueOn: '2029-03-31',
      leadDays: 7,
      asOf: '2029-03-21',
      data: {
        fiscalYear: 2028,
        dueOn: '2029-03-31',
        businessDueOn: '2029-03-30',
        daysLeft: 7,
        leadDays: 7,
        dayCount: 'business',
      },
    });
    expect(seven.title).toBe('立入調査の期限まで7営業日 / On-site audit due in 7 business days');
    expect(seven.message).toContain(
      '期限の2029年3月31日（令和11年）が閉庁日のため、その前の開庁日である2029年3月30日（令和11年）までに実施してください。',
    );
    expect(seven.message).toContain('is due by 2029-03-30');

    // Scanning the following days, Saturday 24 March (the calendar count's day) included, adds none.
    for (const day of ['2029-03-22', '2029-03-24', '2029-03-30']) await scan(day);
    expect(await kinds(c.w.officerA.token, 'audit_due')).toHaveLength(2);
  });

  it('is overdue from the first business day after the due date, Monday 2 April', async () => {
    expect((await scan('2029-03-31')).byKind.audit_overdue).toBeUndefined();
    expect((await scan('2029-04-01')).byKind.audit_overdue).toBeUndefined();
    expect((await scan('2029-04-02')).byKind.audit_overdue).toBe(1);
    const [overdue] = await kinds(c.w.auditor.token, 'audit_overdue');
    expect(overdue).toMatchObject({
      dueOn: '2029-03-31',
      asOf: '2029-04-02',
      data: { daysOverdue: 1, occurrence: 0, businessDueOn: '2029-03-30' },
    });
    expect(overdue.title).toBe(
      '立入調査が期限を1営業日超過 / On-site audit 1 business day overdue',
    );
    expect(overdue.message).toContain('期限（2029年3月31日（令和11年））を過ぎても');
    // The next one 7 business days later: the 8th business day after 30 March is 11 April.
    expect((await scan('2029-04-10')).byKind.audit_overdue).toBeUndefined();
    expect((await scan('2029-04-11')).byKind.audit_overdue).toBe(1);
  });

  it('keeps the receipt reminder in hours, and writes the dispatch time in Tokyo', async () => {
    const dvd = await c.dvd('DVD-R 年度末');
    const sent = await c.provide([dvd]);
    expect(sent.status).toBe(201);
    // Dispatched 22 March 00:30 in Tokyo: 32.5 hours at the scan of the 23rd
    // (09:00), 56.5 at the scan of Saturday the 24th — hours, not business days.
    expect((await scan('2029-03-23')).byKind.handover_not_received).toBeUndefined();
    expect((await scan('2029-03-24')).byKind.handover_not_received).toBe(1);
    const [reminder] = await kinds(c.w.staffX.token, 'handover_not_received');
    expect(reminder.message).toContain('2029年3月22日 00:30に引き渡した DVD-R 年度末');
    expect(reminder.message).toContain('dispatched at 2029-03-22 00:30 (Asia/Tokyo)');
    expect(reminder.data.dispatchedAt).toBe('2029-03-21T15:30:00.000Z');
  });
});

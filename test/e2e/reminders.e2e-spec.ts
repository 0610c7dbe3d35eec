import { aContract } from '../factories/contract.factory.js';
import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { TestApp } from '../support/test-app.js';

/**
 * Every reminder kind on the right day and not the day before, through the
 * admin scan endpoint, with the inbox as the users see it. The clock stands
 * at 2026-11-25 10:00 in Tokyo; the contract runs 1 September – 31 March
 * (seed 000).
 */
describe('reminders', () => {
  let t: TestApp;
  let c: CustodyWorld;

  beforeAll(async () => {
    t = await TestApp.start({ at: '2026-11-25T01:00:00.000Z' });
    c = await aCustodyWorld(t);
  });
  afterAll(() => t.close());

  const scan = async (asOf: string) => {
    const r = await t.post('/api/admin/jobs/reminder-scan', { asOf }, c.w.admin.token);
    expect(r.status).toBe(200);
    return r.body as { asOf: string; due: number; raised: number; byKind: Record<string, number> };
  };
  const inbox = async (token: string) => {
    const r = await t.get('/api/notifications?limit=200', token);
    expect(r.status).toBe(200);
    return r.body as { items: any[]; total: number; unread: number };
  };
  const kinds = async (token: string, kind: string, contractId = c.contractId) =>
    (await inbox(token)).items.filter((n) => n.kind === kind && n.contractId === contractId);

  describe('audit due and overdue', () => {
    it('reminds 60 days before 31 March on 30 January, not on the 29th, to the ward only', async () => {
      expect((await scan('2027-01-29')).byKind.audit_due).toBeUndefined();
      expect(await kinds(c.w.officerA.token, 'audit_due')).toEqual([]);

      const result = await scan('2027-01-30');
      expect(result.byKind.audit_due).toBeGreaterThanOrEqual(1);
      const [due] = await kinds(c.w.officerA.token, 'audit_due');
      expect(due).toMatchObject({
        kind: 'audit_due',
        contractId: c.contractId,
        dueOn: '2027-03-31',
        leadDays: 60,
        asOf: '2027-01-30',
        readAt: null,
        webhook: null,
      });
      expect(due.title).toContain('60');
      // The text reads the due date in Japanese with its era; data stays ISO.
      expect(due.message).toContain('2027年3月31日（令和9年）までに');
      expect(due.message).toContain('is due by 2027-03-31.');
      expect(due.data).toEqual({
        fiscalYear: 2026,
        dueOn: '2027-03-31',
        daysLeft: 60,
        leadDays: 60,
      });
      expect(await kinds(c.w.staffX.token, 'audit_due')).toEqual([]);
      expect(await kinds(c.w.officerB.token, 'audit_due')).toEqual([]);
      expect(await kinds(c.w.auditor.token, 'audit_due')).toEqual([]);
    });

    it('stores nothing twice when the same day is scanned again, even at once', async () => {
      const before = await t.count('notifications');
      const recipients = await t.count('notification_recipients');
      const [a, b] = await Promise.all([scan('2027-01-30'), scan('2027-01-30')]);
      expect(a.raised + b.raised).toBe(0);
      expect(a.due).toBeGreaterThan(0);
      expect(await t.count('notifications')).toBe(before);
      expect(await t.count('notification_recipients')).toBe(recipients);
    });

    it('raises on a rerun of the same day only what is new since, with its inbox rows', async () => {
      const before = await t.count('notifications');
      const recipients = await t.count('notification_recipients');
      const late = await aContract(t, c.w, { title: 'registered after the scan' });
      const again = await scan('2027-01-30');
      expect(again.raised).toBe(1);
      expect(again.byKind).toEqual({ audit_due: 1 });
      expect(await t.count('notifications')).toBe(before + 1);
      expect(await t.count('notification_recipients')).toBeGreaterThan(recipients);
      expect(await kinds(c.w.officerA.token, 'audit_due', late.id)).toMatchObject([
        { leadDays: 60, asOf: '2027-01-30' },
      ]);
      expect(await kinds(c.w.officerA.token, 'audit_due')).toHaveLength(1);
      expect((await scan('2027-01-30')).raised).toBe(0);
    });

    it('reminds 30 and 7 days before, each once', async () => {
      await scan('2027-02-28');
      expect((await kinds(c.w.officerA.token, 'audit_due')).map((n) => n.leadDays)).toEqual([60]);
      await scan('2027-03-01');
      await scan('2027-03-23');
      await scan('2027-03-24');
      await scan('2027-03-25');
      expect(
        (await kinds(c.w.officerA.token, 'audit_due')).map((n) => n.leadDays).sort((x, y) => x - y),
      ).toEqual([7, 30, 60]);
    });

    it('reminds the day after the due date (1 April), then weekly, also to the ward’s auditors', async () => {
      expect((await scan('2027-03-31')).byKind.audit_overdue).toBeUndefined();
      await scan('2027-04-01');
      const [overdue] = await kinds(c.w.officerA.token, 'audit_overdue');
      expect(overdue).toMatchObject({ dueOn: '2027-03-31', asOf: '2027-04-01' });
      expect(await kinds(c.w.auditor.token, 'audit_overdue')).toHaveLength(1);
      expect(await kinds(c.w.staffX.token, 'audit_overdue')).toEqual([]);
      // Another ward's auditor hears nothing of Ward A's contracts.
      expect(await kinds(c.w.auditorB.token, 'audit_overdue')).toEqual([]);

      await scan('2027-04-07');
      expect(await kinds(c.w.auditor.token, 'audit_overdue')).toHaveLength(1);
      await scan('2027-04-08');
      expect(await kinds(c.w.auditor.token, 'audit_overdue')).toHaveLength(2);
    });

    it('does not remind a contract whose audit of the fiscal year is recorded', async () => {
      const audited = await aContract(t, c.w, { title: 'audited contract' });
      const r = await t.post(
        `/api/contracts/${audited.id}/audits`,
        {
          performedOn: '2026-11-20',
          result: 'satisfactory',
          auditors: ['監査 一郎'],
        },
        c.w.officerA.token,
      );
      expect(r.status).toBe(201);
      await scan('2027-03-24');
      await scan('2027-04-01');
      expect(await kinds(c.w.officerA.token, 'audit_due', audited.id)).toEqual([]);
      expect(await kinds(c.w.officerA.token, 'audit_overdue', audited.id)).toEqual([]);
    });
  });

  describe('custody reminders', () => {
    let handoverId: string;
    let dvd: string;
    let notice: string;

    beforeAll(async () => {
      dvd = await c.dvd('DVD-R 住民税 1');
      notice = await c.notice(dvd);
      const sent = await c.provide([dvd]);
      expect(sent.status).toBe(201);
      handoverId = sent.body.id;
    });

    it('reminds a handover not received after 48 hours to both sides, not at 47', async () => {
      // Dispatched 25 Nov 10:00 JST; the scan of 27 Nov judges at 09:00 JST (47 h).
      expect((await scan('2026-11-27')).byKind.handover_not_received).toBeUndefined();
      await scan('2026-11-28');
      for (const user of [c.w.officerA, c.w.staffX]) {
        const found = await kinds(user.token, 'handover_not_received');
        expect(found).toHaveLength(1);
        expect(found[0]).toMatchObject({ subjectId: handoverId, asOf: '2026-11-28' });
        expect(found[0].message).toContain('DVD-R 住民税 1');
        // Dispatched at 01:00 UTC: 10:00 in Tokyo, in the text; ISO in the data.
        expect(found[0].message).toContain('2026年11月25日 10:00に引き渡した');
        expect(found[0].message).toContain('dispatched at 2026-11-25 10:00 (Asia/Tokyo)');
        expect(found[0].data.dispatchedAt).toBe('2026-11-25T01:00:00.000Z');
      }
      expect(await kinds(c.w.staffZ.token, 'handover_not_received')).toEqual([]);
      await scan('2026-11-29');
      expect(await kinds(c.w.staffX.token, 'handover_not_received')).toHaveLength(1);
    });

    it('reminds a password notice not delivered 7 days after its medium arrived', async () => {
      const received = await c.receive(c.w.staffX.token, handoverId);
      expect(received.status).toBe(201);
      // Received 25 Nov 10:00 JST: 6 days 23 hours at the scan of 2 December.
      expect((await scan('2026-12-02')).byKind.password_notice_outstanding).toBeUndefined();
      await scan('2026-12-03');
      const [reminder] = await kinds(c.w.staffX.token, 'password_notice_outstanding');
      expect(reminder).toMatchObject({ subjectId: notice, asOf: '2026-12-03' });
      expect(await kinds(c.w.officerA.token, 'password_notice_outstanding')).toHaveLength(1);
      await scan('2026-12-04');
      expect(await kinds(c.w.staffX.token, 'password_notice_outstanding')).toHaveLength(1);
    });

    it('reminds media not returned 14 days after the contract ended, to both sides', async () => {
      expect((await scan('2027-04-13')).byKind.media_not_returned).toBeUndefined();
      await scan('2027-04-14');
      for (const user of [c.w.officerA, c.w.staffX]) {
        const [reminder] = await kinds(user.token, 'media_not_returned');
        expect(reminder).toMatchObject({ dueOn: '2027-04-14', asOf: '2027-04-14' });
        expect(reminder.data.items.map((i: { mediumId: string }) => i.mediumId)).toEqual([dvd]);
      }
    });

    it('notifies an incident at once to the ward officers, without a scan', async () => {
      const other = await c.dvd('DVD-R broken seal');
      const sent = await c.provide([other]);
      const before = (await kinds(c.w.officerA.token, 'incident')).length;
      const received = await c.receive(c.w.staffX.token, sent.body.id, { sealIntact: false });
      expect(received.status).toBe(201);
      const incidents = await kinds(c.w.officerA.token, 'incident');
      expect(incidents).toHaveLength(before + 1);
      expect(incidents[0]).toMatchObject({
        subjectId: received.body.incidentIds[0],
        data: { incidentKind: 'seal_broken', mediumIds: [other] },
      });
      expect(incidents[0].message).toMatch(
        /^2026年11月25日 10:00に発生した事故の報告です。Incident at 2026-11-25 10:00 \(Asia\/Tokyo\): /,
      );
      expect(incidents[0].data.occurredAt).toBe('2026-11-25T01:00:00.000Z');
      expect(await kinds(c.w.staffX.token, 'incident')).toEqual([]);
      // The scan finds it already notified.
      expect((await scan('2026-11-25')).byKind.incident).toBeUndefined();
    });
  });

  describe('the inbox', () => {
    it('marks one notification read, once, and filters unread', async () => {
      const before = await inbox(c.w.officerA.token);
      const first = before.items[0];
      const r = await t.post(`/api/notifications/${first.id}/read`, {}, c.w.officerA.token);
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ id: first.id, readAt: '2026-11-25T01:00:00.000Z' });
      t.clock.advance(60_000);
      const again = await t.post(`/api/notifications/${first.id}/read`, {}, c.w.officerA.token);
      expect(again.body.readAt).toBe('2026-11-25T01:00:00.000Z');
      t.clock.advance(-60_000);

      const after = await inbox(c.w.officerA.token);
      expect(after.unread).toBe(before.unread - 1);
      expect(after.total).toBe(before.total);
      const unread = await t.get('/api/notifications?unread=true&limit=200', c.w.officerA.token);
      expect(unread.body.items.map((n: { id: string }) => n.id)).not.toContain(first.id);
      expect(unread.body.items).toHaveLength(after.unread);
    });

    it("answers 404 for a notification in someone else's inbox, and changes nothing", async () => {
      const [mine] = (await inbox(c.w.officerA.token)).items.filter((n) => n.readAt === null);
      for (const stranger of [c.w.officerB, c.w.staffY, c.w.admin]) {
        const r = await t.post(`/api/notifications/${mine.id}/read`, {}, stranger.token);
        expect(r.status).toBe(404);
        expect(r.body.code).toBe('NOTIFICATION_NOT_FOUND');
      }
      const unknown = await t.post('/api/notifications/nope/read', {}, c.w.officerA.token);
      expect(unknown.status).toBe(404);
      const still = (await inbox(c.w.officerA.token)).items.find((n) => n.id === mine.id);
      expect(still.readAt).toBeNull();
    });

    it('shows another ward officer none of this contract', async () => {
      const theirs = await inbox(c.w.officerB.token);
      expect(theirs.items.filter((n) => n.contractId === c.contractId)).toEqual([]);
    });

    it('refuses bad paging with 400 and needs a token', async () => {
      expect((await t.get('/api/notifications?limit=0', c.w.officerA.token)).status).toBe(400);
      expect((await t.get('/api/notifications?unread=maybe', c.w.officerA.token)).status).toBe(400);
      expect((await t.get('/api/notifications')).status).toBe(401);
    });
  });

  describe('the admin scan endpoint', () => {
    it('is for admins only', async () => {
      for (const user of [c.w.officerA, c.w.auditor, c.w.staffX]) {
        const r = await t.post('/api/admin/jobs/reminder-scan', { asOf: '2027-01-30' }, user.token);
        expect(r.status).toBe(403);
        expect(r.body.code).toBe('FORBIDDEN_ROLE');
      }
    });

    it.each([
      [{ asOf: '2027-02-30' }],
      [{ asOf: '30/01/2027' }],
      [{ asOf: '2027-01-30', extra: 1 }],
    ])('refuses %j with 400 and writes nothing', async (body) => {
      const before = await t.count('notifications');
      const r = await t.post('/api/admin/jobs/reminder-scan', body, c.w.admin.token);
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('VALIDATION_FAILED');
      expect(await t.count('notifications')).toBe(before);
    });

    it('scans today in Tokyo when no day is given', async () => {
      t.clock.set('2026-11-24T15:30:00.000Z'); // still 24 November in UTC; 25th 00:30 in Tokyo
      const r = await t.post('/api/admin/jobs/reminder-scan', {}, c.w.admin.token);
      t.clock.set('2026-11-25T01:00:00.000Z');
      expect(r.status).toBe(200);
      expect(r.body.asOf).toBe('2026-11-25');
      expect(r.body.at).toBe('2026-11-25T00:00:00.000Z');
    });
  });
});

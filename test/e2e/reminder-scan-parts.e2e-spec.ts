import { FlowProducer, Queue } from 'bullmq';
import { redisOptions } from '../../src/modules/notifications/queue.constants.js';
import { ReminderScanner } from '../../src/modules/notifications/reminder-scanner.js';
import { WardScope, partOfWard } from '../../src/modules/notifications/ward-parts.js';
import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { aTraining, contractBody } from '../factories/contract.factory.js';
import { aUser } from '../factories/identity.factory.js';
import { TestApp } from '../support/test-app.js';

/**
 * A day's reminder scan split by ward (REMINDER_SCAN_PARTS, `auto`: a part
 * per worker). Two instances share one database and one queue, so two
 * workers listen: a day is scanned in two parts, any worker taking either,
 * and the day's digest and record come once both are stored. The facts span
 * eight wards: each of four worlds has a contract in its Ward A with media in
 * transit or received without its password notice, a handler whose training
 * lapses and a status report never answered, and one in its Ward B.
 */
describe('the reminder scan in parts by ward', () => {
  let a: TestApp;
  let b: TestApp;
  const worlds: CustodyWorld[] = [];
  const contracts: string[] = [];

  beforeAll(async () => {
    a = await TestApp.start({ at: '2026-11-25T01:00:00.000Z' });
    b = await TestApp.start({ at: '2026-11-25T01:00:00.000Z', sharing: a });
    for (let i = 0; i < 4; i++) {
      const c = await aCustodyWorld(a, { handlingPolicy: { requireTraining: true } });
      const dvd = await c.dvd(`DVD-R ${i}`);
      await c.notice(dvd);
      const sent = await c.provide([dvd]);
      expect(sent.status).toBe(201);
      // Half the DVDs arrive without their password notice; the rest stay in transit.
      if (i % 2 === 0) expect((await c.receive(c.w.staffX.token, sent.body.id)).status).toBe(201);
      // A handler whose training lapses on 20 December, and a status report never answered.
      const lapsing = await aUser(a, c.w.contractorX, 'contractor_staff');
      const rostered = await a.post(
        `${c.base}/roster`,
        { userId: lapsing.user.id, role: 'handler', training: aTraining('2025-12-20') },
        c.w.officerA.token,
      );
      expect(rostered.status).toBe(201);
      const report = await a.post(
        `${c.base}/status-reports`,
        { note: '取扱状況の報告' },
        c.w.officerA.token,
      );
      expect(report.status).toBe(201);
      const inB = await a.post('/api/contracts', contractBody(c.w), c.w.officerB.token);
      expect(inB.status).toBe(201);
      worlds.push(c);
      contracts.push(c.contractId, inB.body.id as string);
    }
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const scanner = () => a.app.get(ReminderScanner);
  /** The keys due on `day`, judged at its 09:00 in Tokyo, of the wards in `scope`. */
  const due = (day: string, scope?: WardScope) =>
    scanner().judge(day, new Date(`${day}T00:00:00.000Z`), scanner().settings, scope);
  const dueKeys = async (day: string, scope?: WardScope) =>
    (await due(day, scope)).map((d) => d.key);
  const wards = () => worlds.flatMap((c) => [c.w.wardA.id, c.w.wardB.id]);
  /** The keys of every reminder stored. */
  const storedKeys = async () =>
    (
      await a.dataSource.query<Array<{ idempotency_key: string }>>(
        'SELECT idempotency_key FROM notifications',
      )
    ).map((r) => r.idempotency_key);

  it('places each ward in one part, the same in every worker', () => {
    for (const parts of [1, 2, 3, 7]) {
      for (const ward of wards()) {
        const part = partOfWard(ward, parts);
        expect(part).toBeGreaterThanOrEqual(0);
        expect(part).toBeLessThan(parts);
        expect(partOfWard(ward, parts)).toBe(part);
      }
    }
    // Eight wards in two parts: both parts have some (else the queue test below proves little).
    const inFirst = wards().filter((w) => partOfWard(w, 2) === 0).length;
    expect(inFirst).toBeGreaterThan(0);
    expect(inFirst).toBeLessThan(8);
  });

  it('judges in parts exactly what the whole scan judges, each reminder in one part', async () => {
    // Receipts overdue (28 Nov); notices apart, reports unanswered, trainings lapsing (3 Dec);
    // audits due (30 Jan); overdue audits and media not returned (14 Apr).
    const kinds = new Set((await due('2026-12-03')).map((d) => ('audit' in d ? 'audit' : d.kind)));
    expect([...kinds].sort()).toEqual([
      'handover_not_received',
      'password_notice_outstanding',
      'status_report_unanswered',
      'training_lapsing',
    ]);
    for (const day of ['2026-11-28', '2026-12-03', '2027-01-30', '2027-04-14']) {
      const whole = await dueKeys(day);
      expect(whole.length).toBeGreaterThanOrEqual(4);
      for (const parts of [2, 3, 7]) {
        const seen: string[] = [];
        for (let part = 0; part < parts; part++) {
          seen.push(...(await dueKeys(day, WardScope.of({ part, parts }, wards()))));
        }
        expect(seen.sort()).toEqual([...whole].sort());
      }
      // A part of no ward judges nothing.
      expect(await dueKeys(day, WardScope.of({ part: 0, parts: 1 }, []))).toEqual([]);
    }
  });

  it('scans the missed days one after another, each in two parts through the queue, once', async () => {
    for (const t of [a, b]) t.clock.set('2027-01-30T01:00:00.000Z');
    await a.dataSource.query(
      `INSERT INTO reminder_scans (as_of, completed_at, raised) VALUES ('2027-01-28', '2027-01-28T00:00:00.000Z', 0)`,
    );
    const expected = new Set([...(await dueKeys('2027-01-29')), ...(await dueKeys('2027-01-30'))]);
    expect(await a.count('notifications')).toBe(0);

    const queue = new Queue('reminders', {
      connection: redisOptions(a.config.REDIS_URL),
      prefix: a.config.QUEUE_PREFIX,
    });
    try {
      expect(await queue.getWorkersCount()).toBe(2);
      await queue.add('catch-up', {});
      const scanned = async () =>
        (
          await a.dataSource.query<Array<{ as_of: string; raised: number | string }>>(
            `SELECT as_of, raised FROM reminder_scans WHERE as_of > '2027-01-28' ORDER BY as_of`,
          )
        ).map((r) => [r.as_of, Number(r.raised)]);
      // Done once both days' own jobs are: each records its day before it completes.
      const daysDone = async () =>
        (await queue.getJobs(['completed'])).filter((j) => j.name === 'scan-day').length;
      await a.eventually(async () => (await daysDone()) === 2, 30_000, 'both days scanned');
      expect(await scanned()).toHaveLength(2);

      const completed = await queue.getJobs(['completed']);
      const parts = completed.filter((j) => j.name === 'scan-part');
      const days = completed.filter((j) => j.name === 'scan-day');
      expect(parts.map((j) => `${j.data.asOf} ${j.data.part}/${j.data.parts}`).sort()).toEqual([
        '2027-01-29 0/2',
        '2027-01-29 1/2',
        '2027-01-30 0/2',
        '2027-01-30 1/2',
      ]);
      expect(days.map((j) => j.data.asOf).sort()).toEqual(['2027-01-29', '2027-01-30']);
      expect(await queue.getJobCounts('failed', 'waiting-children')).toEqual({
        failed: 0,
        'waiting-children': 0,
      });

      // Every reminder due on either day stored once; each day's record counts its parts' reminders.
      expect((await storedKeys()).sort()).toEqual([...expected].sort());
      const raised = (await scanned()).reduce((n, [, r]) => n + Number(r), 0);
      expect(raised).toBe(expected.size);
      const audits = await a.dataSource.query<Array<{ contract_id: string }>>(
        `SELECT contract_id FROM notifications WHERE kind = 'audit_due'`,
      );
      expect(audits.map((r) => r.contract_id).sort()).toEqual([...contracts].sort());
      for (const day of days) {
        expect(day.returnvalue).toMatchObject({ scanned: [day.data.asOf] });
      }

      // Nothing is left to scan: another catch-up queues no part and stores nothing.
      const again = await queue.add('catch-up', {});
      await a.eventually(async () => (await again.isCompleted()) && true, 15_000, 'the catch-up');
      const done = await queue.getJob(again.id!);
      expect(done?.returnvalue).toEqual({ queued: null, parts: 2 });
      expect(await a.count('notifications')).toBe(expected.size);
    } finally {
      await queue.close();
    }
  });

  it('scans on the day’s own job a part whose job was removed from the queue, then records the day', async () => {
    // 14 April: a new fiscal year, so every contract has an audit reminder not stored before.
    const day = '2027-04-14';
    for (const t of [a, b]) t.clock.set(`${day}T01:00:00.000Z`);
    await a.dataSource.query(
      `INSERT INTO reminder_scans (as_of, completed_at, raised) VALUES ('2027-04-13', '2027-04-13T00:00:00.000Z', 0)`,
    );
    const before = new Set(await storedKeys());
    const fresh = (await dueKeys(day)).filter((k) => !before.has(k));
    const secondPart = WardScope.of(
      { part: 1, parts: 2 },
      wards().filter((w) => partOfWard(w, 2) === 1),
    );
    const freshOfSecond = (await dueKeys(day, secondPart)).filter((k) => !before.has(k));
    // The removed part has reminders of its own to raise, and so has the part that runs.
    expect(freshOfSecond.length).toBeGreaterThan(0);
    expect(fresh.length).toBeGreaterThan(freshOfSecond.length);

    const connection = redisOptions(a.config.REDIS_URL);
    const flows = new FlowProducer({ connection, prefix: a.config.QUEUE_PREFIX });
    const queue = new Queue('reminders', { connection, prefix: a.config.QUEUE_PREFIX });
    try {
      // The day's flow as the processor queues it, its parts held back an hour.
      const tree = await flows.add({
        name: 'scan-day',
        queueName: 'reminders',
        data: { asOf: day, parts: 2 },
        children: [0, 1].map((part) => ({
          name: 'scan-part',
          queueName: 'reminders',
          data: { asOf: day, part, parts: 2 },
          opts: { delay: 3_600_000 },
        })),
      });
      const child = (part: number) => tree.children!.find((c) => c.job.data.part === part)!.job;
      await child(1).remove();
      await child(0).promote();
      await a.eventually(
        async () => ['completed', 'failed'].includes(await tree.job.getState()),
        30_000,
        'the day’s job',
      );
      const finished = await queue.getJob(tree.job.id!);
      expect(finished?.failedReason).toBeUndefined();
      // Every reminder due that day is stored once, and the day's record counts both parts'.
      const after = await storedKeys();
      expect(after.sort()).toEqual([...before, ...fresh].sort());
      const [record] = await a.dataSource.query<Array<{ raised: number | string }>>(
        `SELECT raised FROM reminder_scans WHERE as_of = '${day}'`,
      );
      expect(Number(record?.raised)).toBe(fresh.length);
      // The day's job ran with one part's result, and scanned the other itself.
      expect(Object.values(await finished!.getChildrenValues())).toHaveLength(1);
      expect(finished?.returnvalue).toMatchObject({ scanned: [day], rescanned: [1] });
    } finally {
      await flows.close();
      await queue.close();
    }
  });
});

import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { chainProblems, readLedger, type ServedEntry } from '../support/ledger-kit.js';
import { type HttpAnswer, ServerProcess } from '../support/server-process.js';
import { TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * Appends to one contract's ledger are serialized in the database: no fork,
 * no gap, whatever request (or process) takes them.
 */

const consecutive = (from: number, n: number): number[] =>
  Array.from({ length: n }, (_, i) => from + i);

describe('concurrent appends in one process', () => {
  let t: TestApp;
  let c: CustodyWorld;

  const length = async (): Promise<number> =>
    (await t.get(`${c.base}/ledger?limit=1`, c.w.auditor.token)).body.length;
  const verify = async () => (await t.get(`${c.base}/ledger/verify`, c.w.auditor.token)).body;

  beforeAll(async () => {
    t = await TestApp.start();
    c = await aCustodyWorld(t);
  });
  afterAll(() => t.close());

  it('50 dispatches at once get 50 consecutive seqs and a chain that verifies', async () => {
    const media: string[] = [];
    for (let i = 0; i < 50; i++) media.push(await c.dvd(`CONC-${i}`));
    const before = await length();

    const answers = await Promise.all(
      media.map((id, i) => c.provide([id], { bagId: `BAG-CONC-${i}`, sealNumber: `S-${i}` })),
    );

    expect(answers.map((a) => a.status)).toEqual(media.map(() => 201));
    const seqs = answers.map((a) => a.body.seq as number).sort((x, y) => x - y);
    expect(seqs).toEqual(consecutive(before + 1, 50));
    expect(await length()).toBe(before + 50);

    const entries = await readLedger(t, c.contractId, c.w.auditor.token);
    expect(chainProblems(entries, c.contractId)).toEqual([]);
    const appended = entries.slice(before);
    expect(appended.map((e) => e.type)).toEqual(media.map(() => 'handover_dispatched'));
    expect(new Set(appended.map((e) => e.payload.handoverId))).toEqual(
      new Set(answers.map((a) => a.body.id)),
    );
    for (const answer of answers) {
      expect(appended.find((e) => e.seq === answer.body.seq)?.hash).toBe(answer.body.hash);
    }
    expect(await verify()).toEqual({
      valid: true,
      length: before + 50,
      head: entries[entries.length - 1]!.hash,
    });
    const list = await t.get(`${c.base}/media?state=in_transit`, c.w.officerA.token);
    expect(list.body.items).toHaveLength(50);
  });

  it('a medium dispatched by two requests at once leaves once; the other gets 409 IN_TRANSIT (10 races)', async () => {
    for (let round = 0; round < 10; round++) {
      const medium = await c.dvd(`RACE-${round}`);
      const before = await length();
      const answers = await Promise.all([
        c.provide([medium], { bagId: `BAG-R${round}-a` }),
        c.provide([medium], { bagId: `BAG-R${round}-b` }),
      ]);
      const statuses = answers.map((a) => a.status).sort();
      expect({ round, statuses }).toEqual({ round, statuses: [201, 409] });
      const refused = answers.find((a) => a.status === 409)!;
      expect(refused.body.code).toBe('IN_TRANSIT');
      expect(await length()).toBe(before + 1);
      const handovers = await t.get(`${c.base}/handovers`, c.w.officerA.token);
      expect(handovers.body.items.filter((h: any) => h.items.includes(medium))).toHaveLength(1);
    }
    expect(await verify()).toMatchObject({ valid: true });
  });

  it('a handover received by two requests at once is received once; the other gets 409', async () => {
    for (let round = 0; round < 5; round++) {
      const medium = await c.dvd(`RECV-${round}`);
      const sent = await c.provide([medium]);
      expect(sent.status).toBe(201);
      const before = await length();
      const answers = await Promise.all([
        c.receive(c.w.staffX.token, sent.body.id),
        c.receive(c.w.staffX.token, sent.body.id),
      ]);
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
      expect(answers.find((a) => a.status === 409)!.body.code).toBe('HANDOVER_ALREADY_RECEIVED');
      expect(await length()).toBe(before + 1);
    }
    expect(await verify()).toMatchObject({ valid: true });
  });
});

describe('concurrent appends from two server processes on one database', () => {
  const ADMIN = { loginId: 'root.admin', password: 'bootstrap-Secret-2026' };
  const TEMP = 'temporary-Pass-0042';
  const OWN = 'my-own-Secret-9876';

  let db: TestDatabase;
  let a: ServerProcess | undefined;
  let b: ServerProcess | undefined;
  let officer: { token: string; id: string };
  let staff: { token: string; id: string };
  let base: string;

  const ok = (answer: HttpAnswer, status: number, what: string): HttpAnswer => {
    if (answer.status !== status) {
      throw new Error(`${what}: expected ${status}, got ${answer.status} ${answer.text}`);
    }
    return answer;
  };

  /** Logs in, and changes a temporary password first when the service asks for it. */
  async function logIn(
    server: ServerProcess,
    loginId: string,
    password: string,
    newPassword: string,
  ): Promise<{ token: string; id: string }> {
    const first = ok(await server.post('/api/auth/login', { loginId, password }), 200, 'login');
    if (!first.body.user.mustChangePassword) {
      return { token: first.body.token, id: first.body.user.id };
    }
    ok(
      await server.post(
        '/api/auth/password',
        { currentPassword: password, newPassword },
        first.body.token,
      ),
      200,
      'password change',
    );
    const again = ok(
      await server.post('/api/auth/login', { loginId, password: newPassword }),
      200,
      'login after change',
    );
    expect(again.body.user.mustChangePassword).toBe(false);
    return { token: again.body.token, id: again.body.user.id };
  }

  const dvd = async (server: ServerProcess, label: string): Promise<string> =>
    ok(
      await server.post(
        `${base}/media`,
        {
          kind: 'dvd_r',
          label,
          description: '住民税課税資料',
          recordCount: 100,
          encrypted: true,
        },
        officer.token,
      ),
      201,
      'register',
    ).body.id;

  const provide = (server: ServerProcess, mediumId: string, bagId: string) =>
    server.post(
      `${base}/handovers`,
      { items: [mediumId], toUserId: staff.id, method: 'hand', bagId, purpose: 'provide' },
      officer.token,
    );

  const length = async (server: ServerProcess): Promise<number> =>
    ok(await server.get(`${base}/ledger?limit=1`, officer.token), 200, 'ledger').body.length;

  beforeAll(async () => {
    db = await createTestDatabase();
    const env = {
      ...db.env,
      BOOTSTRAP_ADMIN_LOGIN: ADMIN.loginId,
      BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
    };
    // One after the other: the first migrates the fresh database and creates the admin.
    a = await ServerProcess.start(env);
    b = await ServerProcess.start(env);

    const admin = await logIn(a, ADMIN.loginId, ADMIN.password, 'root-admin-Own-2026');
    const org = async (name: string, kind: string) =>
      ok(await a!.post('/api/organizations', { name, kind }, admin.token), 201, 'organization').body
        .id as string;
    const ward = await org('練馬区 戸籍住民課', 'ward');
    const contractor = await org('株式会社 入力センター', 'contractor');
    const user = async (organizationId: string, loginId: string, role: string) => {
      ok(
        await a!.post(
          '/api/users',
          { organizationId, loginId, displayName: `${loginId} さん`, role, password: TEMP },
          admin.token,
        ),
        201,
        'user',
      );
      // The temporary password is changed on the other process.
      return logIn(b!, loginId, TEMP, OWN);
    };
    officer = await user(ward, 'ward.officer', 'ward_officer');
    staff = await user(contractor, 'staff.handler', 'contractor_staff');

    const day = 86_400_000;
    const contract = ok(
      await a.post(
        '/api/contracts',
        {
          title: '住民税課税資料のデータ入力業務委託',
          contractorOrganizationId: contractor,
          subcontractorOrganizationIds: [],
          startsOn: new Date(Date.now() - 30 * day).toISOString().slice(0, 10),
          endsOn: new Date(Date.now() + 365 * day).toISOString().slice(0, 10),
          dataItems: ['氏名', '住所'],
          subjectCount: 5000,
          // The ledger's concurrency is the subject here, not take-out approval.
          handoverPolicy: { requireTakeoutApproval: false },
          handlingPolicy: { requireTraining: false, requireEmergencyPlan: false },
        },
        officer.token,
      ),
      201,
      'contract',
    ).body;
    base = `/api/contracts/${contract.id}`;
    ok(
      await b.post(`${base}/roster`, { userId: staff.id, role: 'handler' }, officer.token),
      201,
      'roster',
    );
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await db.drop();
  });

  it('50 dispatches alternating between the processes get 50 consecutive seqs', async () => {
    const servers = [a!, b!];
    const media: string[] = [];
    for (let i = 0; i < 50; i++) media.push(await dvd(servers[i % 2]!, `PROC-${i}`));
    const before = await length(a!);

    const answers = await Promise.all(
      media.map((id, i) => provide(servers[i % 2]!, id, `BAG-PROC-${i}`)),
    );

    expect(answers.map((x) => x.status)).toEqual(media.map(() => 201));
    const seqs = answers.map((x) => x.body.seq as number).sort((p, q) => p - q);
    expect(seqs).toEqual(consecutive(before + 1, 50));

    for (const server of servers) {
      const verdict = ok(await server.get(`${base}/ledger/verify`, officer.token), 200, 'verify');
      expect(verdict.body).toMatchObject({ valid: true, length: before + 50 });
    }
    const entries: ServedEntry[] = [];
    let after = 0;
    for (;;) {
      const page = ok(
        await b!.get(`${base}/ledger?afterSeq=${after}&limit=1000`, officer.token),
        200,
        'ledger',
      );
      entries.push(...page.body.items);
      if (page.body.nextAfterSeq === null) break;
      after = page.body.nextAfterSeq;
    }
    expect(entries).toHaveLength(before + 50);
    expect(chainProblems(entries, base.split('/').pop()!)).toEqual([]);
  });

  it('a medium dispatched through both processes at once leaves once; the other gets 409 IN_TRANSIT', async () => {
    for (let round = 0; round < 5; round++) {
      const medium = await dvd(a!, `PROC-RACE-${round}`);
      const before = await length(b!);
      const answers = await Promise.all([
        provide(a!, medium, `BAG-PR${round}-a`),
        provide(b!, medium, `BAG-PR${round}-b`),
      ]);
      expect({ round, statuses: answers.map((x) => x.status).sort() }).toEqual({
        round,
        statuses: [201, 409],
      });
      expect(answers.find((x) => x.status === 409)!.body.code).toBe('IN_TRANSIT');
      expect(await length(a!)).toBe(before + 1);
    }
    const verdict = await a!.get(`${base}/ledger/verify`, officer.token);
    expect(verdict.body).toMatchObject({ valid: true });
  });
});

import { randomUUID } from 'node:crypto';
import { contractBody } from '../factories/contract.factory.js';
import { aUser, aWorld, type TestUser, type World } from '../factories/identity.factory.js';
import { UserEntity } from '../../src/modules/identity/entities/user.entity.js';
import { TestApp } from '../support/test-app.js';

/**
 * Least-privilege reading (issue 8, item 6) as a matrix: every reader (role ×
 * own or foreign tenant × roster entry valid, expired, not yet valid,
 * withdrawn or missing) × every read endpoint of a contract, with the exact
 * status and code; then the lists (contracts, audit status, users,
 * organizations) and what they must leave out.
 *
 * The world: Ward A's contract A (contractor X, approved subcontractor Z) and
 * Ward B's contract B (contractor Y), each with a medium, a deletion
 * certificate and an audit. Today is 2026-11-25 in Asia/Tokyo.
 */
const TODAY = '2026-11-25';
const AT = '2026-11-25T01:00:00.000Z'; // 10:00 in Tokyo

/** How a reader stands to one contract. */
type Relation =
  | 'member' // the ward's officer or auditor, or staff of a party named on the roster today
  | 'admin' // administrators: metadata and roster, never content
  | 'unrostered' // staff of a party without a valid roster entry
  | 'stranger'; // anyone else: the contract does not exist for them

type Reading = 'metadata' | 'roster' | 'content';

/** Every read endpoint of one contract, with what it reads. */
const ENDPOINTS: Array<[name: string, reading: Reading, path: (c: Fixture) => string]> = [
  ['contract', 'metadata', (c) => c.base],
  ['roster', 'roster', (c) => `${c.base}/roster`],
  ['trainings', 'roster', (c) => `${c.base}/trainings`],
  ['emergency plan', 'content', (c) => `${c.base}/emergency-plan`],
  ['media', 'content', (c) => `${c.base}/media`],
  ['one medium', 'content', (c) => `${c.base}/media/${c.mediumId}`],
  ['handovers', 'content', (c) => `${c.base}/handovers`],
  ['incidents', 'content', (c) => `${c.base}/incidents`],
  ['ledger', 'content', (c) => `${c.base}/ledger`],
  ['ledger verify', 'content', (c) => `${c.base}/ledger/verify`],
  ['管理簿 CSV', 'content', (c) => `${c.base}/ledger/export.csv`],
  ['管理簿 XLSX', 'content', (c) => `${c.base}/ledger/export.xlsx`],
  ['certificates', 'content', (c) => `${c.base}/deletion-certificates`],
  ['certificate PDF', 'content', (c) => `${c.base}/deletion-certificates/${c.certificateId}.pdf`],
  ['outstanding', 'content', (c) => `${c.base}/outstanding`],
  ['audits', 'content', (c) => `${c.base}/audits`],
  ['audit checklist', 'content', (c) => `${c.base}/audit-checklist`],
  ['audit findings', 'content', (c) => `${c.base}/audit-findings`],
  ['status reports', 'content', (c) => `${c.base}/status-reports`],
];

/** [status, code] each relation gets for each kind of reading. */
const EXPECTED: Record<Relation, Record<Reading, [number, string | null]>> = {
  member: { metadata: [200, null], roster: [200, null], content: [200, null] },
  admin: {
    metadata: [200, null],
    roster: [200, null],
    content: [403, 'FORBIDDEN_ROLE'],
  },
  unrostered: {
    metadata: [200, null],
    roster: [403, 'NOT_ROSTERED'],
    content: [403, 'NOT_ROSTERED'],
  },
  stranger: {
    metadata: [404, 'CONTRACT_NOT_FOUND'],
    roster: [404, 'CONTRACT_NOT_FOUND'],
    content: [404, 'CONTRACT_NOT_FOUND'],
  },
};

type Reader =
  | 'admin'
  | 'officerA'
  | 'officerB'
  | 'auditorA'
  | 'auditorB'
  | 'staffX (valid handler)'
  | 'staffX2 (valid responsible)'
  | 'staffZ (subcontractor, valid)'
  | 'X staff, entry ends today'
  | 'X staff, entry expired yesterday'
  | 'X staff, entry starts tomorrow'
  | 'X staff, entry withdrawn'
  | 'X staff, never named'
  | 'staffY (valid on B)'
  | 'Y staff, never named';

/** The matrix: each reader's relation to contract A, contract B and a contract that does not exist. */
const READERS: Array<[Reader, a: Relation, b: Relation, missing: Relation]> = [
  ['admin', 'admin', 'admin', 'admin'],
  ['officerA', 'member', 'stranger', 'stranger'],
  ['officerB', 'stranger', 'member', 'stranger'],
  ['auditorA', 'member', 'stranger', 'stranger'],
  ['auditorB', 'stranger', 'member', 'stranger'],
  ['staffX (valid handler)', 'member', 'stranger', 'stranger'],
  ['staffX2 (valid responsible)', 'member', 'stranger', 'stranger'],
  ['staffZ (subcontractor, valid)', 'member', 'stranger', 'stranger'],
  ['X staff, entry ends today', 'member', 'stranger', 'stranger'],
  ['X staff, entry expired yesterday', 'unrostered', 'stranger', 'stranger'],
  ['X staff, entry starts tomorrow', 'unrostered', 'stranger', 'stranger'],
  ['X staff, entry withdrawn', 'unrostered', 'stranger', 'stranger'],
  ['X staff, never named', 'unrostered', 'stranger', 'stranger'],
  ['staffY (valid on B)', 'stranger', 'member', 'stranger'],
  ['Y staff, never named', 'stranger', 'unrostered', 'stranger'],
];

interface Fixture {
  id: string;
  base: string;
  mediumId: string;
  certificateId: string;
}

/** A missing contract's admin answer for metadata and roster is 404: there is nothing to read. */
function expected(relation: Relation, reading: Reading, missing: boolean): [number, string | null] {
  if (missing && relation === 'admin' && reading !== 'content') return [404, 'CONTRACT_NOT_FOUND'];
  return EXPECTED[relation][reading];
}

const ROWS = READERS.flatMap(([reader, a, b, missing]) =>
  (
    [
      ['A', a],
      ['B', b],
      ['missing', missing],
    ] as const
  ).flatMap(([contract, relation]) =>
    ENDPOINTS.map(([endpoint, reading]) => {
      const [status, code] = expected(relation, reading, contract === 'missing');
      return { reader, contract, relation, endpoint, status, code };
    }),
  ),
);

describe('least-privilege reading', () => {
  let t: TestApp;
  let w: World;
  const readers = {} as Record<Reader, TestUser>;
  const contracts = {} as Record<'A' | 'B' | 'missing', Fixture>;

  async function ok<T = any>(response: Promise<{ status: number; body: T; text: string }>) {
    const r = await response;
    if (r.status >= 300) throw new Error(`setup failed (${r.status}): ${r.text}`);
    return r.body;
  }

  /** A medium held by the contractor, a certificate its responsible person submitted, an audit. */
  async function furnish(
    id: string,
    officer: TestUser,
    handler: TestUser,
    responsible: TestUser,
  ): Promise<Fixture> {
    const base = `/api/contracts/${id}`;
    const medium = await ok(
      t.post(
        `${base}/media`,
        {
          kind: 'encrypted_file',
          label: '作業用複製-01',
          description: '住民税課税資料の作業用複製',
          recordCount: 100,
          encrypted: true,
        },
        handler.token,
      ),
    );
    const certificate = await ok(
      t.post(
        `${base}/deletion-certificates`,
        {
          certificateNumber: `DC-${id.slice(0, 8)}`,
          erasedAt: t.clock.now().toISOString(),
          scope: { dataItems: ['氏名'], systems: ['作業用PC'], places: ['作業室'] },
          mediaIds: [medium.id],
          method: 'purge',
          tool: 'CryptoErase 2.1',
          verification: '復号不能を確認した',
          performedBy: '作業 五郎',
        },
        responsible.token,
      ),
    );
    await ok(
      t.post(
        `${base}/audits`,
        { performedOn: TODAY, result: 'satisfactory', auditors: ['監査 一郎'] },
        officer.token,
      ),
    );
    return { id, base, mediumId: medium.id as string, certificateId: certificate.id as string };
  }

  beforeAll(async () => {
    t = await TestApp.start({ at: AT });
    w = await aWorld(t);
    const staff = (org: 'contractorX' | 'contractorY') => aUser(t, w[org], 'contractor_staff');
    Object.assign(readers, {
      admin: w.admin,
      officerA: w.officerA,
      officerB: w.officerB,
      auditorA: w.auditor,
      auditorB: w.auditorB,
      'staffX (valid handler)': w.staffX,
      'staffX2 (valid responsible)': w.staffX2,
      'staffZ (subcontractor, valid)': w.staffZ,
      'X staff, entry ends today': await staff('contractorX'),
      'X staff, entry expired yesterday': await staff('contractorX'),
      'X staff, entry starts tomorrow': await staff('contractorX'),
      'X staff, entry withdrawn': await staff('contractorX'),
      'X staff, never named': await staff('contractorX'),
      'staffY (valid on B)': w.staffY,
      'Y staff, never named': await staff('contractorY'),
    } satisfies Record<Reader, TestUser>);
    const staffY2 = await staff('contractorY');

    const a = await ok(t.post('/api/contracts', contractBody(w), w.officerA.token));
    const b = await ok(
      t.post(
        '/api/contracts',
        contractBody(w, {
          title: '固定資産税データ入力業務委託',
          contractorOrganizationId: w.contractorY.id,
          subcontractorOrganizationIds: [],
        }),
        w.officerB.token,
      ),
    );
    const name = (contractId: string, officer: TestUser, who: TestUser, entry: object) =>
      ok(
        t.post(
          `/api/contracts/${contractId}/roster`,
          { userId: who.user.id, ...entry },
          officer.token,
        ),
      );
    await name(a.id, w.officerA, w.staffX, { role: 'handler' });
    await name(a.id, w.officerA, w.staffX2, { role: 'responsible' });
    await name(a.id, w.officerA, w.staffZ, { role: 'handler' });
    await name(a.id, w.officerA, readers['X staff, entry ends today'], {
      role: 'handler',
      validFrom: '2026-09-01',
      validTo: TODAY,
    });
    await name(a.id, w.officerA, readers['X staff, entry expired yesterday'], {
      role: 'handler',
      validFrom: '2026-09-01',
      validTo: '2026-11-24',
    });
    await name(a.id, w.officerA, readers['X staff, entry starts tomorrow'], {
      role: 'handler',
      validFrom: '2026-11-26',
    });
    const withdrawn = await name(a.id, w.officerA, readers['X staff, entry withdrawn'], {
      role: 'handler',
    });
    await ok(t.delete(`/api/contracts/${a.id}/roster/${withdrawn.id}`, w.officerA.token));
    await name(b.id, w.officerB, w.staffY, { role: 'handler' });
    await name(b.id, w.officerB, staffY2, { role: 'responsible' });

    contracts.A = await furnish(a.id, w.officerA, w.staffX, w.staffX2);
    contracts.B = await furnish(b.id, w.officerB, w.staffY, staffY2);
    const missing = randomUUID();
    contracts.missing = {
      id: missing,
      base: `/api/contracts/${missing}`,
      mediumId: randomUUID(),
      certificateId: randomUUID(),
    };
  });
  afterAll(() => t.close());

  it('covers every reader × contract × endpoint', () => {
    expect(ROWS).toHaveLength(READERS.length * 3 * ENDPOINTS.length);
    expect(new Set(ENDPOINTS.map(([name]) => name)).size).toBe(19);
  });

  describe.each(READERS.map(([reader]) => reader))('%s', (reader) => {
    const rows = ROWS.filter((row) => row.reader === reader);
    it.each(
      rows.map((r) => [r.contract, r.endpoint, r.relation, r.status, r.code ?? 'ok'] as const),
    )('contract %s, %s (%s): %i %s', async (contract, endpoint, _relation, status, code) => {
      const path = ENDPOINTS.find(([name]) => name === endpoint)![2](contracts[contract]);
      const response = await t.get(path, readers[reader].token);
      expect([response.status, status === 200 ? 'ok' : response.body.code]).toEqual([status, code]);
      if (status === 200 && endpoint === 'contract') {
        expect(response.body.id).toBe(contracts[contract].id);
      }
    });
  });

  describe('roster validity follows the business date in Asia/Tokyo', () => {
    afterEach(() => t.clock.set(AT));

    async function freshToken(reader: Reader): Promise<string> {
      const login = await t.post('/api/auth/login', {
        loginId: readers[reader].user.loginId,
        password: 'test-password-0123',
      });
      expect(login.status).toBe(200);
      return login.body.token as string;
    }

    it('ends an entry at midnight in Tokyo, while it is still the 25th in UTC', async () => {
      t.clock.set('2026-11-25T14:59:00.000Z'); // 23:59 on the 25th in Tokyo
      const ending = await freshToken('X staff, entry ends today');
      expect((await t.get(`${contracts.A.base}/media`, ending)).status).toBe(200);
      t.clock.set('2026-11-25T15:00:00.000Z'); // 00:00 on the 26th in Tokyo
      const refused = await t.get(`${contracts.A.base}/media`, ending);
      expect([refused.status, refused.body.code]).toEqual([403, 'NOT_ROSTERED']);
    });

    it('starts an entry at midnight in Tokyo', async () => {
      t.clock.set('2026-11-25T14:59:00.000Z');
      const starting = await freshToken('X staff, entry starts tomorrow');
      const early = await t.get(`${contracts.A.base}/ledger`, starting);
      expect([early.status, early.body.code]).toEqual([403, 'NOT_ROSTERED']);
      t.clock.set('2026-11-25T15:00:00.000Z');
      expect((await t.get(`${contracts.A.base}/ledger`, starting)).status).toBe(200);
    });
  });

  describe('lists leave out what the reader may not see', () => {
    const ids = (body: { items: Array<{ id: string }> }) => body.items.map((i) => i.id);

    it.each([
      ['admin', ['A', 'B']],
      ['officerA', ['A']],
      ['officerB', ['B']],
      ['auditorA', ['A']],
      ['auditorB', ['B']],
      ['staffX (valid handler)', ['A']],
      ['staffZ (subcontractor, valid)', ['A']],
      ['X staff, never named', ['A']],
      ['staffY (valid on B)', ['B']],
    ] as Array<[Reader, Array<'A' | 'B'>]>)(
      'GET /api/contracts for %s: %j',
      async (reader, seen) => {
        const response = await t.get('/api/contracts', readers[reader].token);
        expect(response.status).toBe(200);
        expect(ids(response.body).sort()).toEqual(seen.map((c) => contracts[c].id).sort());
      },
    );

    it.each([
      ['officerA', ['A'], 200],
      ['officerB', ['B'], 200],
      ['auditorA', ['A'], 200],
      ['auditorB', ['B'], 200],
      ['admin', [], 403],
      ['staffX (valid handler)', [], 403],
    ] as Array<[Reader, Array<'A' | 'B'>, number]>)(
      'GET /api/audits/status for %s: %j',
      async (reader, seen, status) => {
        const response = await t.get('/api/audits/status', readers[reader].token);
        expect(response.status).toBe(status);
        if (status !== 200) {
          expect(response.body.code).toBe('FORBIDDEN_ROLE');
          return;
        }
        const listed = (response.body.items as Array<{ contractId: string; done: boolean }>).map(
          (i) => i.contractId,
        );
        expect(listed.sort()).toEqual(seen.map((c) => contracts[c].id).sort());
      },
    );

    type Org = 'wardA' | 'wardB' | 'contractorX' | 'contractorY' | 'subcontractorZ';
    const ALL: Org[] = ['wardA', 'wardB', 'contractorX', 'contractorY', 'subcontractorZ'];
    const SCOPE: Array<[Reader, Org[]]> = [
      ['admin', ALL],
      ['officerA', ['wardA', 'contractorX', 'subcontractorZ']],
      ['auditorA', ['wardA', 'contractorX', 'subcontractorZ']],
      ['officerB', ['wardB', 'contractorY']],
      ['auditorB', ['wardB', 'contractorY']],
    ];

    it.each(SCOPE)('GET /api/organizations for %s: %j', async (reader, seen) => {
      const response = await t.get('/api/organizations', readers[reader].token);
      expect(response.status).toBe(200);
      expect(ids(response.body).sort()).toEqual(seen.map((o) => w[o].id).sort());
      const contractors = await t.get('/api/organizations?kind=contractor', readers[reader].token);
      expect(ids(contractors.body).sort()).toEqual(
        seen
          .filter((o) => !o.startsWith('ward'))
          .map((o) => w[o].id)
          .sort(),
      );
    });

    it.each(
      SCOPE.flatMap(([reader, seen]) =>
        ALL.map((org) => [reader, org, seen.includes(org)] as const),
      ),
    )('GET /api/organizations/:id for %s, %s: %s', async (reader, org, visible) => {
      const response = await t.get(`/api/organizations/${w[org].id}`, readers[reader].token);
      expect([response.status, response.body.code ?? 'ok']).toEqual(
        visible ? [200, 'ok'] : [404, 'ORGANIZATION_NOT_FOUND'],
      );
      if (visible) expect(response.body.name).toBe(w[org].name);
      // The organization's signing certificates follow the same scope.
      const certificates = await t.get(
        `/api/organizations/${w[org].id}/certificates`,
        readers[reader].token,
      );
      expect([certificates.status, certificates.body.code ?? 'ok']).toEqual(
        visible ? [200, 'ok'] : [404, 'ORGANIZATION_NOT_FOUND'],
      );
    });

    it('answers 404 for an organization that does not exist, to everyone in the directory', async () => {
      for (const reader of ['admin', 'officerA', 'auditorB'] as const) {
        const response = await t.get(`/api/organizations/${randomUUID()}`, readers[reader].token);
        expect([response.status, response.body.code]).toEqual([404, 'ORGANIZATION_NOT_FOUND']);
      }
    });

    it.each(SCOPE)('GET /api/users for %s: the accounts of %j', async (reader, seen) => {
      const response = await t.get('/api/users', readers[reader].token);
      expect(response.status).toBe(200);
      const expectedIds = (
        await t.dataSource
          .getRepository(UserEntity)
          .find({ select: { id: true, organizationId: true } })
      )
        .filter((u) => seen.some((o) => w[o].id === u.organizationId))
        .map((u) => u.id);
      expect(expectedIds.length).toBeGreaterThan(seen.length);
      expect(ids(response.body).sort()).toEqual(expectedIds.sort());
    });

    it('refuses the directory to contractor staff (403)', async () => {
      for (const path of [
        '/api/users',
        '/api/organizations',
        `/api/organizations/${w.contractorX.id}`,
      ]) {
        const response = await t.get(path, w.staffX.token);
        expect([path, response.status, response.body.code]).toEqual([path, 403, 'FORBIDDEN_ROLE']);
      }
    });

    it('keeps a contractor staff member to their own organization’s certificates', async () => {
      expect(
        (await t.get(`/api/organizations/${w.contractorX.id}/certificates`, w.staffX.token)).status,
      ).toBe(200);
      for (const org of ['wardA', 'contractorY', 'subcontractorZ'] as const) {
        const response = await t.get(
          `/api/organizations/${w[org].id}/certificates`,
          w.staffX.token,
        );
        expect([response.status, response.body.code]).toEqual([404, 'ORGANIZATION_NOT_FOUND']);
      }
    });

    it('lets an admin read their own inbox', async () => {
      expect((await t.get('/api/notifications', w.admin.token)).status).toBe(200);
    });
  });

  describe('GET /api/users filters', () => {
    let deactivated: TestUser;

    beforeAll(async () => {
      deactivated = await aUser(t, w.contractorX, 'contractor_staff', { login: false });
      await t.dataSource.getRepository(UserEntity).update(deactivated.user.id, { active: false });
    });

    const list = async (query: string, reader: Reader = 'admin') => {
      const response = await t.get(`/api/users?${query}`, readers[reader].token);
      expect(response.status).toBe(200);
      return response.body.items as Array<{
        id: string;
        organizationId: string;
        role: string;
        active: boolean;
        loginId: string;
        displayName: string;
      }>;
    };

    it('by organization', async () => {
      const items = await list(`organizationId=${w.contractorY.id}`);
      expect(items.length).toBeGreaterThan(0);
      expect(items.every((u) => u.organizationId === w.contractorY.id)).toBe(true);
    });

    it('by organization outside the scope: nothing, not the foreign staff', async () => {
      expect(await list(`organizationId=${w.contractorY.id}`, 'officerA')).toEqual([]);
      expect(await list(`organizationId=${w.wardB.id}`, 'auditorA')).toEqual([]);
    });

    it('by role', async () => {
      const items = await list('role=auditor');
      expect(items.map((u) => u.id).sort()).toEqual([w.auditor.user.id, w.auditorB.user.id].sort());
      const ward = await list('role=auditor', 'officerA');
      expect(ward.map((u) => u.id)).toEqual([w.auditor.user.id]);
    });

    it('by active', async () => {
      const inactive = await list('active=false');
      expect(inactive.map((u) => u.id)).toEqual([deactivated.user.id]);
      const active = await list('active=true');
      expect(active.every((u) => u.active)).toBe(true);
      expect(active.map((u) => u.id)).not.toContain(deactivated.user.id);
      expect(active.map((u) => u.id)).toContain(w.staffX.user.id);
    });

    it('by a part of the login id or display name, case-insensitively', async () => {
      const byLogin = await list(`q=${encodeURIComponent(w.staffY.user.loginId.toUpperCase())}`);
      expect(byLogin.map((u) => u.id)).toEqual([w.staffY.user.id]);
      const byName = await list(`q=${encodeURIComponent(w.officerB.user.displayName)}`);
      expect(byName.map((u) => u.id)).toContain(w.officerB.user.id);
      expect(byName.every((u) => u.displayName.includes(w.officerB.user.displayName))).toBe(true);
      // LIKE wildcards are plain characters.
      expect(await list('q=%25')).toEqual([]);
      // As a wildcard, `_` would match the `.` of every `contractor.staff-…` login id.
      expect(await list('q=contractor_staff-')).toEqual([]);
      expect((await list('q=contractor.staff-')).length).toBeGreaterThan(0);
    });

    it('combines filters, all within the scope', async () => {
      const items = await list(
        `role=contractor_staff&active=true&organizationId=${w.contractorX.id}`,
        'officerA',
      );
      expect(items.length).toBeGreaterThan(0);
      expect(
        items.every(
          (u) => u.organizationId === w.contractorX.id && u.role === 'contractor_staff' && u.active,
        ),
      ).toBe(true);
      expect(await list(`q=${encodeURIComponent(w.staffY.user.loginId)}`, 'officerA')).toEqual([]);
    });

    it.each([
      ['organizationId=not-a-uuid'],
      ['role=boss'],
      ['active=yes'],
      ['active='],
      ['q='],
      [`q=${'x'.repeat(201)}`],
      ['role=admin&role=auditor'],
    ])('refuses %s with 400', async (query) => {
      const response = await t.get(`/api/users?${query}`, w.admin.token);
      expect([response.status, response.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    });
  });
});

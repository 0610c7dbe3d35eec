import { aContract } from '../factories/contract.factory.js';
import { aWorld, type World } from '../factories/identity.factory.js';
import { TestApp } from '../support/test-app.js';

describe('organizations and users (admin only)', () => {
  let t: TestApp;
  let w: World;

  beforeAll(async () => {
    t = await TestApp.start();
    w = await aWorld(t);
    // Ward A contracts Contractor X with Subcontractor Z: what Ward A's officers see of the directory.
    await aContract(t, w);
  });
  afterAll(() => t.close());

  describe('organizations', () => {
    it('an admin creates one', async () => {
      const response = await t.post(
        '/api/organizations',
        { name: '株式会社サンプル', kind: 'contractor' },
        w.admin.token,
      );
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ name: '株式会社サンプル', kind: 'contractor' });
      expect(response.body.id).toMatch(/^[0-9a-f-]{36}$/);
      const fetched = await t.get(`/api/organizations/${response.body.id}`, w.admin.token);
      expect(fetched.body).toEqual(response.body);
    });

    it('refuses a duplicate name with 409 and writes nothing', async () => {
      const before = await t.count('organizations');
      const response = await t.post(
        '/api/organizations',
        { name: w.contractorX.name, kind: 'contractor' },
        w.admin.token,
      );
      expect(response.status).toBe(409);
      expect(response.body.code).toBe('ORGANIZATION_EXISTS');
      expect(await t.count('organizations')).toBe(before);
    });

    it.each(['officerA', 'auditor', 'staffX'] as const)(
      'refuses creation by %s with 403',
      async (who) => {
        const before = await t.count('organizations');
        const response = await t.post(
          '/api/organizations',
          { name: `forbidden by ${who}`, kind: 'ward' },
          w[who].token,
        );
        expect(response.status).toBe(403);
        expect(response.body.code).toBe('FORBIDDEN_ROLE');
        expect(await t.count('organizations')).toBe(before);
      },
    );

    it('validates name and kind', async () => {
      const response = await t.post(
        '/api/organizations',
        { name: '', kind: 'bank' },
        w.admin.token,
      );
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(response.body.details.fields.map((f: { field: string }) => f.field).sort()).toEqual([
        'kind',
        'name',
      ]);
    });

    it('an admin sets and clears how documents address an organization (宛名)', async () => {
      const created = await t.post(
        '/api/organizations',
        { name: '宛名テスト区', kind: 'ward', documentAddressee: ' 宛名テスト区長 殿 ' },
        w.admin.token,
      );
      expect(created.status).toBe(201);
      expect(created.body.documentAddressee).toBe('宛名テスト区長 殿');
      const path = `/api/organizations/${created.body.id}`;
      const changed = await t.request('PATCH', path, {
        token: w.admin.token,
        body: { documentAddressee: '宛名テスト区長 様' },
      });
      expect(changed.status).toBe(200);
      expect(changed.body.documentAddressee).toBe('宛名テスト区長 様');
      expect((await t.get(path, w.admin.token)).body.documentAddressee).toBe('宛名テスト区長 様');
      // Absent: unchanged; an empty string: cleared.
      expect(
        (await t.request('PATCH', path, { token: w.admin.token, body: {} })).body.documentAddressee,
      ).toBe('宛名テスト区長 様');
      const cleared = await t.request('PATCH', path, {
        token: w.admin.token,
        body: { documentAddressee: '' },
      });
      expect(cleared.body.documentAddressee).toBeNull();
    });

    it('refuses a change of an organization by others, of an unknown one, or too long, and keeps it', async () => {
      const path = `/api/organizations/${w.wardA.id}`;
      const before = (await t.get(path, w.admin.token)).body;
      for (const who of ['officerA', 'auditor', 'staffX'] as const) {
        const r = await t.request('PATCH', path, {
          token: w[who].token,
          body: { documentAddressee: '勝手な宛名' },
        });
        expect(r.status).toBe(403);
        expect(r.body.code).toBe('FORBIDDEN_ROLE');
      }
      const unknown = await t.request(
        'PATCH',
        '/api/organizations/00000000-0000-4000-8000-000000000000',
        {
          token: w.admin.token,
          body: { documentAddressee: '宛名' },
        },
      );
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('ORGANIZATION_NOT_FOUND');
      for (const documentAddressee of ['長'.repeat(101), 42]) {
        const r = await t.request('PATCH', path, {
          token: w.admin.token,
          body: { documentAddressee },
        });
        expect(r.status).toBe(400);
        expect(r.body.code).toBe('VALIDATION_FAILED');
      }
      expect((await t.get(path, w.admin.token)).body).toEqual(before);
    });

    it('lists for admins, ward officers and auditors (their ward’s scope); not for contractor staff', async () => {
      const listed = await t.get('/api/organizations?kind=contractor', w.officerA.token);
      expect(listed.status).toBe(200);
      expect(listed.body.items.every((o: { kind: string }) => o.kind === 'contractor')).toBe(true);
      expect(listed.body.items.map((o: { id: string }) => o.id).sort()).toEqual(
        [w.contractorX.id, w.subcontractorZ.id].sort(),
      );
      const forAuditor = await t.get('/api/organizations', w.auditor.token);
      expect(forAuditor.status).toBe(200);
      expect(forAuditor.body.items.map((o: { id: string }) => o.id)).not.toContain(w.wardB.id);
      const forAdmin = await t.get('/api/organizations', w.admin.token);
      expect(forAdmin.body.items.map((o: { id: string }) => o.id)).toEqual(
        expect.arrayContaining([w.wardA.id, w.wardB.id, w.contractorY.id]),
      );
      const staff = await t.get('/api/organizations', w.staffX.token);
      expect(staff.status).toBe(403);
      expect(staff.body.code).toBe('FORBIDDEN_ROLE');
    });

    it('answers 404 for an unknown id', async () => {
      const response = await t.get(
        '/api/organizations/00000000-0000-4000-8000-000000000000',
        w.admin.token,
      );
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('ORGANIZATION_NOT_FOUND');
    });
  });

  describe('users', () => {
    const body = (w: World, overrides: Record<string, unknown> = {}) => ({
      organizationId: w.contractorX.id,
      loginId: 'new.handler',
      displayName: '新人 取扱者',
      role: 'contractor_staff',
      password: 'temporary-password-1',
      ...overrides,
    });

    it('an admin creates one with a temporary password that works once for the change', async () => {
      const response = await t.post('/api/users', body(w), w.admin.token);
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({
        loginId: 'new.handler',
        role: 'contractor_staff',
        organizationId: w.contractorX.id,
        mustChangePassword: true,
        active: true,
      });
      expect(JSON.stringify(response.body)).not.toContain('temporary-password-1');
      const rows: Array<{ password_hash: string }> = await t.dataSource.query(
        `SELECT password_hash FROM users WHERE login_id = 'new.handler'`,
      );
      expect(rows[0]!.password_hash).toMatch(/^\$argon2id\$/);

      const login = await t.post('/api/auth/login', {
        loginId: 'new.handler',
        password: 'temporary-password-1',
      });
      expect(login.status).toBe(200);
      expect(login.body.user.mustChangePassword).toBe(true);
    });

    it('refuses a taken login id with 409', async () => {
      const before = await t.count('users');
      const response = await t.post(
        '/api/users',
        body(w, { loginId: w.staffX.user.loginId }),
        w.admin.token,
      );
      expect(response.status).toBe(409);
      expect(response.body.code).toBe('LOGIN_ID_TAKEN');
      expect(await t.count('users')).toBe(before);
    });

    it.each([
      ['contractor_staff in a ward', { role: 'contractor_staff', organizationId: 'wardA' }],
      ['ward_officer in a contractor', { role: 'ward_officer', organizationId: 'contractorX' }],
      ['auditor in a contractor', { role: 'auditor', organizationId: 'contractorX' }],
    ])('refuses a %s with 422 ROLE_ORGANIZATION_MISMATCH', async (_label, o) => {
      const before = await t.count('users');
      const response = await t.post(
        '/api/users',
        body(w, {
          loginId: `mismatch.${o.role}`,
          role: o.role,
          organizationId: w[o.organizationId as 'wardA' | 'contractorX'].id,
        }),
        w.admin.token,
      );
      expect(response.status).toBe(422);
      expect(response.body.code).toBe('ROLE_ORGANIZATION_MISMATCH');
      expect(await t.count('users')).toBe(before);
    });

    it('refuses an unknown organization with 422', async () => {
      const response = await t.post(
        '/api/users',
        body(w, { loginId: 'orphan.user', organizationId: '00000000-0000-4000-8000-000000000000' }),
        w.admin.token,
      );
      expect(response.status).toBe(422);
      expect(response.body.code).toBe('INVALID_REFERENCE');
      expect(response.body.details.field).toBe('organizationId');
    });

    it('refuses a weak password with 400 naming the field', async () => {
      const before = await t.count('users');
      const response = await t.post(
        '/api/users',
        body(w, { loginId: 'weak.user', password: 'short' }),
        w.admin.token,
      );
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(response.body.details.fields[0].field).toBe('password');
      expect(await t.count('users')).toBe(before);
    });

    it('validates every field and refuses unknown ones', async () => {
      const response = await t.post(
        '/api/users',
        {
          organizationId: 'not-a-uuid',
          loginId: 'x',
          displayName: '',
          role: 'superuser',
          password: 12,
          isAdmin: true,
        },
        w.admin.token,
      );
      expect(response.status).toBe(400);
      const fields = response.body.details.fields.map((f: { field: string }) => f.field).sort();
      expect(fields).toEqual([
        'displayName',
        'isAdmin',
        'loginId',
        'organizationId',
        'password',
        'role',
      ]);
    });

    it.each(['officerA', 'auditor', 'staffX'] as const)(
      'refuses creation by %s with 403',
      async (who) => {
        const before = await t.count('users');
        const response = await t.post(
          '/api/users',
          body(w, { loginId: `by.${who}` }),
          w[who].token,
        );
        expect(response.status).toBe(403);
        expect(await t.count('users')).toBe(before);
      },
    );

    it('lists every user to admins, their ward’s scope to ward officers, nothing to contractor staff', async () => {
      const all = await t.get('/api/users', w.admin.token);
      expect(all.status).toBe(200);
      const roles = new Set(all.body.items.map((u: { role: string }) => u.role));
      expect(roles).toEqual(new Set(['admin', 'auditor', 'ward_officer', 'contractor_staff']));
      expect(JSON.stringify(all.body)).not.toMatch(/password_?hash/i);

      // Ward A's own accounts and the staff of X and Z (on its contract); not Ward B's, not Y's.
      const forOfficer = await t.get('/api/users', w.officerA.token);
      expect(forOfficer.status).toBe(200);
      const organizations = new Set(
        forOfficer.body.items.map((u: { organizationId: string }) => u.organizationId),
      );
      expect(organizations).toEqual(new Set([w.wardA.id, w.contractorX.id, w.subcontractorZ.id]));
      const staff = await t.get('/api/users?role=contractor_staff', w.officerA.token);
      expect(staff.body.items.every((u: { role: string }) => u.role === 'contractor_staff')).toBe(
        true,
      );

      const filtered = await t.get(
        `/api/users?organizationId=${w.subcontractorZ.id}`,
        w.officerA.token,
      );
      expect(filtered.body.items.map((u: { id: string }) => u.id)).toEqual([w.staffZ.user.id]);

      expect((await t.get('/api/users', w.staffX.token)).status).toBe(403);
    });
  });
});

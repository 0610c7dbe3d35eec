import { randomUUID } from 'node:crypto';
import { aUser, aWorld, TEST_PASSWORD, type World } from '../factories/identity.factory.js';
import { type ApiResponse, TestApp } from '../support/test-app.js';

const MINUTE = 60_000;

/** Every admin route on one account, with a harmless valid body where one is needed. */
const ADMIN_ROUTES: Array<[method: string, suffix: string, body?: unknown]> = [
  ['PATCH', '', { displayName: 'Renamed' }],
  ['POST', '/deactivate'],
  ['POST', '/reactivate'],
  ['POST', '/reset-password'],
  ['GET', '/sessions'],
  ['POST', '/sessions/revoke'],
];

describe('account lifecycle and sessions', () => {
  let t: TestApp;
  let w: World;

  beforeAll(async () => {
    // Production idle timeout; a short absolute lifetime so that it can be
    // reached while the session is kept busy.
    t = await TestApp.start({ env: { SESSION_IDLE_MINUTES: '30', TOKEN_TTL_MINUTES: '90' } });
    w = await aWorld(t);
  });
  afterAll(() => t.close());

  const login = (loginId: string, password = TEST_PASSWORD, userAgent?: string) =>
    t.request('POST', '/api/auth/login', {
      body: { loginId, password },
      headers: userAgent ? { 'user-agent': userAgent } : {},
    });

  const newLogin = async (loginId: string, userAgent?: string): Promise<string> => {
    const response = await login(loginId, TEST_PASSWORD, userAgent);
    expect(response.status).toBe(200);
    return response.body.token as string;
  };

  const liveTokens = async (userId: string): Promise<number> => {
    const rows: Array<{ n: number | string }> = await t.dataSource.query(
      t.database.kind === 'postgres'
        ? 'SELECT COUNT(*) AS n FROM auth_tokens WHERE user_id = $1 AND revoked_at IS NULL'
        : 'SELECT COUNT(*) AS n FROM auth_tokens WHERE user_id = ? AND revoked_at IS NULL',
      [userId],
    );
    return Number(rows[0]?.n ?? 0);
  };

  const userRow = async (userId: string): Promise<Record<string, unknown>> => {
    const rows: Array<Record<string, unknown>> = await t.dataSource.query(
      t.database.kind === 'postgres'
        ? 'SELECT * FROM users WHERE id = $1'
        : 'SELECT * FROM users WHERE id = ?',
      [userId],
    );
    return rows[0]!;
  };

  const tokenRows = async (userId: string): Promise<Array<Record<string, unknown>>> =>
    t.dataSource.query(
      t.database.kind === 'postgres'
        ? 'SELECT * FROM auth_tokens WHERE user_id = $1 ORDER BY id'
        : 'SELECT * FROM auth_tokens WHERE user_id = ? ORDER BY id',
      [userId],
    );

  describe('deactivation', () => {
    it('ends every session at once; the login then answers exactly like a wrong password', async () => {
      const { user, token } = await aUser(t, w.contractorX, 'contractor_staff');
      const second = await newLogin(user.loginId);
      expect((await t.get('/api/auth/me', token)).status).toBe(200);
      const wrong = await login(user.loginId, 'not-the-password-123');

      const deactivated = await t.post(`/api/users/${user.id}/deactivate`, {}, w.admin.token);
      expect(deactivated.status).toBe(200);
      expect(deactivated.body).toMatchObject({ id: user.id, active: false });

      for (const stale of [token, second]) {
        const next = await t.get('/api/auth/me', stale);
        expect(next.status).toBe(401);
        expect(next.body.code).toBe('UNAUTHENTICATED');
      }
      expect(await liveTokens(user.id)).toBe(0);

      const refused = await login(user.loginId);
      expect(wrong.status).toBe(401);
      expect(refused.status).toBe(401);
      expect(refused.body).toEqual(wrong.body);
      expect(refused.body.code).toBe('INVALID_CREDENTIALS');
    });

    it('is idempotent: a repeat answers the user and writes nothing', async () => {
      const { user } = await aUser(t, w.contractorY, 'contractor_staff');
      expect((await t.post(`/api/users/${user.id}/deactivate`, {}, w.admin.token)).status).toBe(
        200,
      );
      const tokensBefore = await tokenRows(user.id);
      const rowBefore = await userRow(user.id);
      const again = await t.post(`/api/users/${user.id}/deactivate`, {}, w.admin.token);
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ id: user.id, active: false });
      expect(await tokenRows(user.id)).toEqual(tokensBefore);
      expect(await userRow(user.id)).toEqual(rowBefore);
    });

    it('is undone by reactivation: the login works again, the old sessions stay ended', async () => {
      const { user, token } = await aUser(t, w.contractorX, 'contractor_staff');
      await t.post(`/api/users/${user.id}/deactivate`, {}, w.admin.token);

      const reactivated = await t.post(`/api/users/${user.id}/reactivate`, {}, w.admin.token);
      expect(reactivated.status).toBe(200);
      expect(reactivated.body).toMatchObject({ id: user.id, active: true });
      expect((await t.get('/api/auth/me', token)).status).toBe(401);

      const fresh = await newLogin(user.loginId);
      expect((await t.get('/api/auth/me', fresh)).status).toBe(200);

      const again = await t.post(`/api/users/${user.id}/reactivate`, {}, w.admin.token);
      expect(again.status).toBe(200);
      expect(again.body.active).toBe(true);
      expect((await t.get('/api/auth/me', fresh)).status).toBe(200);
    });

    it('of an admin by another admin works; of oneself is refused and writes nothing', async () => {
      const other = await aUser(t, w.wardA, 'admin');
      const tokensBefore = await tokenRows(w.admin.user.id);
      const self = await t.post(`/api/users/${w.admin.user.id}/deactivate`, {}, w.admin.token);
      expect(self.status).toBe(409);
      expect(self.body.code).toBe('SELF_ACCOUNT_CHANGE');
      expect((await userRow(w.admin.user.id)).active).toBeTruthy();
      expect(await tokenRows(w.admin.user.id)).toEqual(tokensBefore);
      expect((await t.get('/api/auth/me', w.admin.token)).status).toBe(200);

      const byOther = await t.post(`/api/users/${other.user.id}/deactivate`, {}, w.admin.token);
      expect(byOther.status).toBe(200);
      expect((await t.get('/api/auth/me', other.token)).status).toBe(401);
    });
  });

  describe('password reset', () => {
    it('gives a one-time password that must be changed, and ends every session', async () => {
      const { user, token } = await aUser(t, w.wardB, 'ward_officer');
      const before = await userRow(user.id);

      const reset = await t.post(`/api/users/${user.id}/reset-password`, {}, w.admin.token);
      expect(reset.status).toBe(200);
      const oneTime = reset.body.oneTimePassword as string;
      expect(oneTime).toMatch(/^[A-Za-z0-9]{20}$/);
      expect(oneTime).not.toMatch(/[0O1Il]/);
      expect(reset.body.user).toMatchObject({
        id: user.id,
        mustChangePassword: true,
        active: true,
      });
      expect(reset.body.user).not.toHaveProperty('passwordHash');
      expect(reset.text).not.toContain('$argon2');

      // Every session ended; only the password fields changed (the second factor stays).
      expect((await t.get('/api/auth/me', token)).status).toBe(401);
      expect(await liveTokens(user.id)).toBe(0);
      const after = await userRow(user.id);
      const changed = Object.keys(after).filter(
        (k) => JSON.stringify(after[k]) !== JSON.stringify(before[k]),
      );
      expect(changed.sort()).toEqual(
        ['must_change_password', 'password_hash', 'previous_password_hashes'].sort(),
      );
      expect(String(after.password_hash)).not.toContain(oneTime);

      // The old password is gone; the one-time password logs in, for a password change only.
      expect((await login(user.loginId)).body.code).toBe('INVALID_CREDENTIALS');
      const temporary = await login(user.loginId, oneTime);
      expect(temporary.status).toBe(200);
      expect(temporary.body.user.mustChangePassword).toBe(true);
      const blocked = await t.get('/api/contracts', temporary.body.token);
      expect(blocked.status).toBe(403);
      expect(blocked.body.code).toBe('PASSWORD_CHANGE_REQUIRED');

      // The old password is in the history: it cannot be taken back.
      const reused = await t.post(
        '/api/auth/password',
        { currentPassword: oneTime, newPassword: TEST_PASSWORD },
        temporary.body.token,
      );
      expect(reused.status).toBe(422);
      expect(reused.body.code).toBe('PASSWORD_REUSED');

      const changedPassword = await t.post(
        '/api/auth/password',
        { currentPassword: oneTime, newPassword: 'a-fresh-Passphrase-after-reset' },
        temporary.body.token,
      );
      expect(changedPassword.status).toBe(200);
      expect((await t.get('/api/contracts', temporary.body.token)).status).toBe(200);

      // Used once: after the change it no longer logs in.
      expect((await login(user.loginId, oneTime)).status).toBe(401);
      const normal = await login(user.loginId, 'a-fresh-Passphrase-after-reset');
      expect(normal.status).toBe(200);
      expect(normal.body.user.mustChangePassword).toBe(false);
    });

    it('draws a different password every time', async () => {
      const { user } = await aUser(t, w.contractorY, 'contractor_staff', { login: false });
      const first = await t.post(`/api/users/${user.id}/reset-password`, {}, w.admin.token);
      const second = await t.post(`/api/users/${user.id}/reset-password`, {}, w.admin.token);
      expect(first.status).toBe(200);
      expect(second.status).toBe(200);
      expect(first.body.oneTimePassword).not.toBe(second.body.oneTimePassword);
      expect((await login(user.loginId, first.body.oneTimePassword)).status).toBe(401);
      expect((await login(user.loginId, second.body.oneTimePassword)).status).toBe(200);
    });

    it('of oneself is refused and writes nothing', async () => {
      const before = await userRow(w.admin.user.id);
      const self = await t.post(`/api/users/${w.admin.user.id}/reset-password`, {}, w.admin.token);
      expect(self.status).toBe(409);
      expect(self.body.code).toBe('SELF_ACCOUNT_CHANGE');
      expect(await userRow(w.admin.user.id)).toEqual(before);
      expect((await t.get('/api/auth/me', w.admin.token)).status).toBe(200);
    });
  });

  describe('display name', () => {
    it('is edited by an admin, trimmed', async () => {
      const { user, token } = await aUser(t, w.contractorX, 'contractor_staff');
      const response = await t.request('PATCH', `/api/users/${user.id}`, {
        token: w.admin.token,
        body: { displayName: '  山田 太郎  ' },
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ id: user.id, displayName: '山田 太郎', active: true });
      expect((await t.get('/api/auth/me', token)).body.displayName).toBe('山田 太郎');
    });

    it.each([
      ['empty', { displayName: '' }, 'displayName'],
      ['blank', { displayName: '   ' }, 'displayName'],
      ['too long', { displayName: 'x'.repeat(201) }, 'displayName'],
      ['not a string', { displayName: 42 }, 'displayName'],
      ['with an unknown field', { displayName: 'Fine', role: 'admin' }, 'role'],
    ])('refuses a body %s with 400 and writes nothing', async (_case, body, field) => {
      const { user } = await aUser(t, w.contractorX, 'contractor_staff', { login: false });
      const before = await userRow(user.id);
      const response = await t.request('PATCH', `/api/users/${user.id}`, {
        token: w.admin.token,
        body,
      });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(response.body.details.fields.map((f: { field: string }) => f.field)).toContain(field);
      expect(await userRow(user.id)).toEqual(before);
    });

    it('leaves the display name as it is when only the address is sent, and the address when only the name is', async () => {
      const { user } = await aUser(t, w.contractorX, 'contractor_staff', { login: false });
      const patch = (body: Record<string, unknown>) =>
        t.request('PATCH', `/api/users/${user.id}`, { token: w.admin.token, body });
      expect(
        (await patch({ displayName: '伊藤 一郎', email: 'ito.ichiro@contractor.example.jp' }))
          .status,
      ).toBe(200);
      // Each body and what the account is after it: a field absent, or null, is left as it was.
      const steps: Array<[Record<string, unknown>, { displayName: string; email: string }]> = [
        [
          { email: 'ichiro.ito@contractor.example.jp' },
          { displayName: '伊藤 一郎', email: 'ichiro.ito@contractor.example.jp' },
        ],
        [
          { displayName: '伊藤 市郎', email: null },
          { displayName: '伊藤 市郎', email: 'ichiro.ito@contractor.example.jp' },
        ],
        [
          { displayName: null, email: 'ichiro.ito@contractor.example.jp' },
          { displayName: '伊藤 市郎', email: 'ichiro.ito@contractor.example.jp' },
        ],
      ];
      for (const [body, expected] of steps) {
        const response = await patch(body);
        expect(response.status).toBe(200);
        expect(response.body).toMatchObject(expected);
      }
      expect(await userRow(user.id)).toMatchObject({
        display_name: '伊藤 市郎',
        email: 'ichiro.ito@contractor.example.jp',
      });
    });

    it('answers a body with neither field with the account as it was, changing nothing', async () => {
      const { user } = await aUser(t, w.contractorX, 'contractor_staff', { login: false });
      const before = await userRow(user.id);
      const response = await t.request('PATCH', `/api/users/${user.id}`, {
        token: w.admin.token,
        body: {},
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ id: user.id, displayName: user.displayName });
      expect(await userRow(user.id)).toEqual(before);
    });

    it('refuses a body that is not a JSON object', async () => {
      const { user } = await aUser(t, w.contractorX, 'contractor_staff', { login: false });
      const response = await t.request('PATCH', `/api/users/${user.id}`, {
        token: w.admin.token,
        rawBody: '["Renamed"]',
      });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('admin routes', () => {
    it.each(['officerA', 'auditor', 'staffX'] as const)(
      'are refused to %s with 403, writing nothing',
      async (who) => {
        const target = await aUser(t, w.contractorY, 'contractor_staff');
        const before = await userRow(target.user.id);
        for (const [method, suffix, body] of ADMIN_ROUTES) {
          const response = await t.request(method, `/api/users/${target.user.id}${suffix}`, {
            token: w[who].token,
            body: method === 'GET' ? undefined : (body ?? {}),
          });
          expect([method, suffix, response.status]).toEqual([method, suffix, 403]);
          expect(response.body.code).toBe('FORBIDDEN_ROLE');
        }
        // Not even their own account.
        const own = await t.post(`/api/users/${w[who].user.id}/sessions/revoke`, {}, w[who].token);
        expect(own.status).toBe(403);
        expect(await userRow(target.user.id)).toEqual(before);
        expect((await t.get('/api/auth/me', target.token)).status).toBe(200);
        expect((await t.get('/api/auth/me', w[who].token)).status).toBe(200);
      },
    );

    it('answer 401 without a token', async () => {
      for (const [method, suffix, body] of ADMIN_ROUTES) {
        const response = await t.request(method, `/api/users/${w.staffX.user.id}${suffix}`, {
          body: method === 'GET' ? undefined : (body ?? {}),
        });
        expect(response.status).toBe(401);
        expect(response.body.code).toBe('UNAUTHENTICATED');
      }
    });

    it.each([randomUUID(), 'not-a-uuid', 'x'.repeat(90)])(
      'answer 404 USER_NOT_FOUND for the unknown id %s',
      async (id) => {
        const users = await t.count('users');
        for (const [method, suffix, body] of ADMIN_ROUTES) {
          const response = await t.request(method, `/api/users/${id}${suffix}`, {
            token: w.admin.token,
            body: method === 'GET' ? undefined : (body ?? {}),
          });
          expect([method, suffix, response.status]).toEqual([method, suffix, 404]);
          expect(response.body.code).toBe('USER_NOT_FOUND');
        }
        expect(await t.count('users')).toBe(users);
      },
    );
  });

  describe('sessions', () => {
    it('keeps each session’s own origin when logins arrive together (one SQLite commit for all; five, the most one id may have under way)', async () => {
      const { user } = await aUser(t, w.contractorX, 'contractor_staff', { login: false });
      const agents = Array.from({ length: 5 }, (_, i) => `Parallel/${i}`);
      const tokens = await Promise.all(agents.map((agent) => newLogin(user.loginId, agent)));
      for (const [i, token] of tokens.entries()) {
        const sessions = await t.get('/api/auth/sessions', token);
        const current = (
          sessions.body.items as Array<{ current: boolean; userAgent: string }>
        ).find((s) => s.current);
        expect({ i, userAgent: current?.userAgent }).toEqual({ i, userAgent: agents[i] });
      }
    });

    it('lists the caller’s live sessions with where they came from, marking the current one', async () => {
      const { user } = await aUser(t, w.contractorX, 'contractor_staff', { login: false });
      const laptop = await newLogin(user.loginId, 'Laptop/1.0');
      t.clock.advance(1000);
      const phone = await newLogin(user.loginId, 'Phone/2.0');
      const ended = await newLogin(user.loginId);
      await t.request('POST', '/api/auth/logout', { token: ended });

      const fromLaptop = await t.get('/api/auth/sessions', laptop);
      expect(fromLaptop.status).toBe(200);
      expect(fromLaptop.body.items).toHaveLength(2);
      const [newest, oldest] = fromLaptop.body.items;
      expect(newest).toMatchObject({ userAgent: 'Phone/2.0', current: false });
      expect(oldest).toMatchObject({ userAgent: 'Laptop/1.0', current: true });
      expect(oldest.clientAddress).toBe('127.0.0.1');
      const login = new Date(oldest.createdAt).getTime();
      expect(oldest.lastUsedAt).toBe(oldest.createdAt);
      expect(new Date(oldest.expiresAt).getTime() - login).toBe(90 * MINUTE);
      expect(new Date(oldest.idleExpiresAt).getTime() - login).toBe(30 * MINUTE);
      expect(Object.keys(oldest).sort()).toEqual(
        [
          'id',
          'createdAt',
          'lastUsedAt',
          'expiresAt',
          'idleExpiresAt',
          'clientAddress',
          'userAgent',
          'current',
        ].sort(),
      );

      const fromPhone = await t.get('/api/auth/sessions', phone);
      expect(
        fromPhone.body.items.map((s: { userAgent: string; current: boolean }) => [
          s.userAgent,
          s.current,
        ]),
      ).toEqual([
        ['Phone/2.0', true],
        ['Laptop/1.0', false],
      ]);
    });

    it('revokes one of mine, the current one too (a logout)', async () => {
      const { user } = await aUser(t, w.contractorX, 'contractor_staff', { login: false });
      const first = await newLogin(user.loginId);
      const second = await newLogin(user.loginId);
      const listed = await t.get('/api/auth/sessions', first);
      const other = listed.body.items.find((s: { current: boolean }) => !s.current);
      const current = listed.body.items.find((s: { current: boolean }) => s.current);

      const revoked = await t.delete(`/api/auth/sessions/${other.id}`, first);
      expect(revoked.status).toBe(204);
      expect(revoked.text).toBe('');
      expect((await t.get('/api/auth/me', second)).status).toBe(401);
      expect((await t.get('/api/auth/me', first)).status).toBe(200);

      const again = await t.delete(`/api/auth/sessions/${other.id}`, first);
      expect(again.status).toBe(404);
      expect(again.body.code).toBe('SESSION_NOT_FOUND');

      expect((await t.delete(`/api/auth/sessions/${current.id}`, first)).status).toBe(204);
      expect((await t.get('/api/auth/me', first)).status).toBe(401);
      expect(await liveTokens(user.id)).toBe(0);
    });

    it('refuses another user’s session or an unknown id with 404, and that session lives on', async () => {
      const mine = await aUser(t, w.contractorX, 'contractor_staff');
      const theirs = await aUser(t, w.contractorX, 'contractor_staff');
      const [theirSession] = (await t.get('/api/auth/sessions', theirs.token)).body.items;
      const tokensBefore = await tokenRows(theirs.user.id);

      for (const id of [theirSession.id, randomUUID(), 'not-a-session']) {
        const response = await t.delete(`/api/auth/sessions/${id}`, mine.token);
        expect(response.status).toBe(404);
        expect(response.body.code).toBe('SESSION_NOT_FOUND');
      }
      // Not even an admin revokes someone else's session through this route.
      const byAdmin = await t.delete(`/api/auth/sessions/${theirSession.id}`, w.admin.token);
      expect(byAdmin.status).toBe(404);

      expect(await tokenRows(theirs.user.id)).toEqual(tokensBefore);
      expect((await t.get('/api/auth/me', theirs.token)).status).toBe(200);
      const mineListed = (await t.get('/api/auth/sessions', mine.token)).body.items;
      expect(mineListed.map((s: { id: string }) => s.id)).not.toContain(theirSession.id);
    });

    it('need a token', async () => {
      expect((await t.get('/api/auth/sessions')).status).toBe(401);
      expect((await t.delete(`/api/auth/sessions/${randomUUID()}`)).status).toBe(401);
    });

    it('of a user are listed and all revoked by an admin', async () => {
      const { user, token } = await aUser(t, w.contractorY, 'contractor_staff');
      const second = await newLogin(user.loginId);

      const listed = await t.get(`/api/users/${user.id}/sessions`, w.admin.token);
      expect(listed.status).toBe(200);
      expect(listed.body.items).toHaveLength(2);
      expect(listed.body.items.every((s: { current: boolean }) => !s.current)).toBe(true);

      const revoked = await t.post(`/api/users/${user.id}/sessions/revoke`, {}, w.admin.token);
      expect(revoked.status).toBe(200);
      expect(revoked.body).toEqual({ revoked: 2 });
      expect((await t.get('/api/auth/me', token)).status).toBe(401);
      expect((await t.get('/api/auth/me', second)).status).toBe(401);
      expect((await t.get(`/api/users/${user.id}/sessions`, w.admin.token)).body.items).toEqual([]);

      // Revoking sessions does not deactivate: the user logs in again.
      expect((await login(user.loginId)).status).toBe(200);
      const none = await t.post(
        `/api/users/${w.staffZ.user.id}/sessions/revoke`,
        {},
        w.admin.token,
      );
      expect(none.body).toEqual({ revoked: 1 });
      expect((await t.get('/api/auth/me', w.staffZ.token)).status).toBe(401);
    });
  });

  describe('account events', () => {
    const entryOf = async (response: ApiResponse): Promise<Record<string, unknown> | undefined> => {
      const rows: Array<Record<string, unknown>> = await t.dataSource.query(
        t.database.kind === 'postgres'
          ? 'SELECT action, user_id, login_id, resource_id, status_code FROM access_log_entries WHERE request_id = $1'
          : 'SELECT action, user_id, login_id, resource_id, status_code FROM access_log_entries WHERE request_id = ?',
        [response.headers.get('x-request-id')],
      );
      return rows[0];
    };

    it('are in the access log as soon as the action answers, with the admin as user and the account as resource', async () => {
      const { user, token } = await aUser(t, w.contractorY, 'contractor_staff');
      const about = {
        user_id: w.admin.user.id,
        login_id: user.loginId,
        resource_id: user.id,
        status_code: 200,
      };
      const patched = await t.request('PATCH', `/api/users/${user.id}`, {
        token: w.admin.token,
        body: { displayName: 'Logged' },
      });
      // Read at once: a write's entry commits with the write, it is not buffered.
      expect(await entryOf(patched)).toMatchObject({ action: 'user.updated', ...about });
      const reset = await t.post(`/api/users/${user.id}/reset-password`, {}, w.admin.token);
      expect(await entryOf(reset)).toMatchObject({ action: 'password.reset', ...about });
      const revoked = await t.post(`/api/users/${user.id}/sessions/revoke`, {}, w.admin.token);
      expect(await entryOf(revoked)).toMatchObject({ action: 'session.revoked', ...about });
      const deactivated = await t.post(`/api/users/${user.id}/deactivate`, {}, w.admin.token);
      expect(await entryOf(deactivated)).toMatchObject({ action: 'user.deactivated', ...about });
      const reactivated = await t.post(`/api/users/${user.id}/reactivate`, {}, w.admin.token);
      expect(await entryOf(reactivated)).toMatchObject({ action: 'user.reactivated', ...about });
      expect((await t.get('/api/auth/me', token)).status).toBe(401);

      const created = await t.post(
        '/api/users',
        {
          organizationId: w.contractorY.id,
          loginId: `created.${randomUUID().slice(0, 8)}`,
          displayName: 'Created',
          role: 'contractor_staff',
          password: 'a-temporary-Passphrase-42',
        },
        w.admin.token,
      );
      expect(created.status).toBe(201);
      expect(await entryOf(created)).toMatchObject({
        action: 'user.created',
        user_id: w.admin.user.id,
        resource_id: created.body.id,
        login_id: created.body.loginId,
      });
    });

    it('of a user on their own sessions name the user', async () => {
      const { user, token } = await aUser(t, w.contractorY, 'contractor_staff');
      const other = await newLogin(user.loginId);
      const otherSession = (await t.get('/api/auth/sessions', other)).body.items.find(
        (session: { current: boolean }) => session.current,
      );
      const revoked = await t.delete(`/api/auth/sessions/${otherSession.id}`, token);
      expect(await entryOf(revoked)).toMatchObject({
        action: 'session.revoked',
        user_id: user.id,
        resource_id: otherSession.id,
        status_code: 204,
      });
      const logout = await t.request('POST', '/api/auth/logout', { token });
      expect(await entryOf(logout)).toMatchObject({
        action: 'logout',
        user_id: user.id,
        status_code: 204,
      });
    });
  });

  it('documents every route in the OpenAPI document', async () => {
    const doc = (await t.get('/api/docs/openapi.json')).body;
    for (const [method, path] of [
      ['patch', '/api/users/{id}'],
      ['post', '/api/users/{id}/deactivate'],
      ['post', '/api/users/{id}/reactivate'],
      ['post', '/api/users/{id}/reset-password'],
      ['get', '/api/users/{id}/sessions'],
      ['post', '/api/users/{id}/sessions/revoke'],
      ['get', '/api/auth/sessions'],
      ['delete', '/api/auth/sessions/{sessionId}'],
    ]) {
      expect({ method, path, present: Boolean(doc.paths[path!]?.[method!]) }).toEqual({
        method,
        path,
        present: true,
      });
    }
    // An admin edits the name and the e-mail address; nothing else (not the role, not the login id).
    expect(Object.keys(doc.components.schemas.UpdateUserRequest.properties)).toEqual([
      'displayName',
      'email',
    ]);
  });

  // Last: these move the clock past every other session's idle time.
  describe('idle timeout (SESSION_IDLE_MINUTES=30)', () => {
    it('a request at 29 minutes keeps the session and pushes its idle end on; 31 idle minutes end it', async () => {
      const { user, token } = await aUser(t, w.contractorX, 'contractor_staff');
      const loggedIn = t.clock.now().getTime();

      t.clock.advance(29 * MINUTE);
      expect((await t.get('/api/auth/me', token)).status).toBe(200);
      const [session] = (await t.get('/api/auth/sessions', token)).body.items;
      expect(new Date(session.lastUsedAt).getTime()).toBe(loggedIn + 29 * MINUTE);
      expect(new Date(session.idleExpiresAt).getTime()).toBe(loggedIn + 59 * MINUTE);

      t.clock.advance(29 * MINUTE); // 58 minutes after login, 29 after the last request
      expect((await t.get('/api/auth/me', token)).status).toBe(200);

      t.clock.advance(31 * MINUTE);
      const idle = await t.get('/api/auth/me', token);
      expect(idle.status).toBe(401);
      expect(idle.body.code).toBe('UNAUTHENTICATED');
      expect((await t.get(`/api/users/${user.id}/sessions`, w.admin.token)).status).toBe(401);

      // A new login starts a new session.
      const fresh = await newLogin(user.loginId);
      expect((await t.get('/api/auth/me', fresh)).status).toBe(200);
    });

    it('stamps the last use at most once a minute, so the idle end is exact to a minute', async () => {
      const { user, token } = await aUser(t, w.contractorX, 'contractor_staff');
      const stamp = async (): Promise<unknown> => (await tokenRows(user.id))[0]!.last_used_at;
      const atLogin = await stamp();
      expect(atLogin).toBe(t.clock.now().toISOString());

      t.clock.advance(59_999);
      expect((await t.get('/api/auth/me', token)).status).toBe(200);
      expect(await stamp()).toBe(atLogin);

      t.clock.advance(1);
      expect((await t.get('/api/auth/me', token)).status).toBe(200);
      const moved = await stamp();
      expect(moved).toBe(t.clock.now().toISOString());

      // A request 30 s after the stamp is not written: the session ends 30
      // minutes after the stamp, i.e. 29.5 minutes after that last request.
      t.clock.advance(30_000);
      expect((await t.get('/api/auth/me', token)).status).toBe(200);
      expect(await stamp()).toBe(moved);
      t.clock.advance(30 * MINUTE - 30_000);
      expect((await t.get('/api/auth/me', token)).status).toBe(401);
    });

    it('does not outlast TOKEN_TTL_MINUTES, however busy the session', async () => {
      const { token } = await aUser(t, w.contractorX, 'contractor_staff');
      for (let i = 0; i < 3; i++) {
        t.clock.advance(29 * MINUTE); // 29, 58, 87 minutes
        expect((await t.get('/api/auth/me', token)).status).toBe(200);
      }
      t.clock.advance(3 * MINUTE - 1);
      expect((await t.get('/api/auth/me', token)).status).toBe(200);
      t.clock.advance(1); // 90 minutes after login
      const expired = await t.get('/api/auth/me', token);
      expect(expired.status).toBe(401);
      expect(expired.body.code).toBe('UNAUTHENTICATED');
    });
  });
});

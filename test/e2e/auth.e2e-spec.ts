import { TEST_PASSWORD, aUser, anOrganization } from '../factories/identity.factory.js';
import { TestApp } from '../support/test-app.js';
import { UserEntity } from '../../src/modules/identity/entities/user.entity.js';
import { AdminBootstrap } from '../../src/modules/identity/admin-bootstrap.js';

const BOOTSTRAP = {
  BOOTSTRAP_ADMIN_LOGIN: 'first.admin',
  BOOTSTRAP_ADMIN_PASSWORD: 'bootstrap-secret-2026',
};

describe('authentication', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.start({ env: BOOTSTRAP });
  });
  afterAll(() => t.close());

  describe('the first admin', () => {
    it('is created from the bootstrap variables with a temporary password', async () => {
      const login = await t.post('/api/auth/login', {
        loginId: 'first.admin',
        password: 'bootstrap-secret-2026',
      });
      expect(login.status).toBe(200);
      expect(login.body.user).toMatchObject({ role: 'admin', mustChangePassword: true });
      expect(typeof login.body.token).toBe('string');
      expect(login.body.token.length).toBeGreaterThanOrEqual(40);
      expect(new Date(login.body.expiresAt).getTime() - t.clock.now().getTime()).toBe(
        8 * 60 * 60 * 1000,
      );
      expect(login.body.user).not.toHaveProperty('passwordHash');
    });

    it('must change the temporary password before doing anything else', async () => {
      const { body } = await t.post('/api/auth/login', {
        loginId: 'first.admin',
        password: 'bootstrap-secret-2026',
      });
      const token = body.token as string;

      const blocked = await t.get('/api/organizations', token);
      expect(blocked.status).toBe(403);
      expect(blocked.body.code).toBe('PASSWORD_CHANGE_REQUIRED');

      const me = await t.get('/api/auth/me', token);
      expect(me.status).toBe(200);
      expect(me.body.loginId).toBe('first.admin');

      const wrongCurrent = await t.post(
        '/api/auth/password',
        { currentPassword: 'not-the-password', newPassword: 'a-brand-new-secret-1' },
        token,
      );
      expect(wrongCurrent.status).toBe(422);
      expect(wrongCurrent.body.code).toBe('CURRENT_PASSWORD_WRONG');

      const same = await t.post(
        '/api/auth/password',
        { currentPassword: 'bootstrap-secret-2026', newPassword: 'bootstrap-secret-2026' },
        token,
      );
      expect(same.status).toBe(422);
      expect(same.body.code).toBe('PASSWORD_REUSED');

      const weak = await t.post(
        '/api/auth/password',
        { currentPassword: 'bootstrap-secret-2026', newPassword: 'short' },
        token,
      );
      expect(weak.status).toBe(400);
      expect(weak.body.code).toBe('VALIDATION_FAILED');
      expect(weak.body.details.fields[0].field).toBe('newPassword');

      const changed = await t.post(
        '/api/auth/password',
        { currentPassword: 'bootstrap-secret-2026', newPassword: 'a-brand-new-secret-1' },
        token,
      );
      expect(changed.status).toBe(200);
      expect(changed.body.mustChangePassword).toBe(false);

      expect((await t.get('/api/organizations', token)).status).toBe(200);

      const old = await t.post('/api/auth/login', {
        loginId: 'first.admin',
        password: 'bootstrap-secret-2026',
      });
      expect(old.status).toBe(401);

      // Changing back to the previous password is refused too.
      const back = await t.post(
        '/api/auth/password',
        { currentPassword: 'a-brand-new-secret-1', newPassword: 'bootstrap-secret-2026' },
        token,
      );
      expect(back.status).toBe(422);
      expect(back.body.code).toBe('PASSWORD_REUSED');
    });

    it('is not created again once users exist', async () => {
      const users = await t.count('users');
      const bootstrap = t.app.get(AdminBootstrap);
      expect(await bootstrap.run()).toBe(false);
      expect(await t.count('users')).toBe(users);
    });
  });

  describe('login', () => {
    it('answers an unknown login and a wrong password identically', async () => {
      const org = await anOrganization(t, 'ward');
      const { user } = await aUser(t, org, 'ward_officer', { login: false });
      const unknown = await t.post('/api/auth/login', {
        loginId: 'nobody.here',
        password: 'whatever-123',
      });
      const wrong = await t.post('/api/auth/login', {
        loginId: user.loginId,
        password: 'whatever-123',
      });
      expect(unknown.status).toBe(401);
      expect(wrong.status).toBe(401);
      expect(unknown.body).toEqual(wrong.body);
      expect(unknown.body.code).toBe('INVALID_CREDENTIALS');
    });

    it('refuses a disabled account', async () => {
      const org = await anOrganization(t, 'ward');
      const { user } = await aUser(t, org, 'ward_officer', { login: false });
      await t.dataSource.getRepository(UserEntity).update({ id: user.id }, { active: false });
      const login = await t.post('/api/auth/login', {
        loginId: user.loginId,
        password: TEST_PASSWORD,
      });
      expect(login.status).toBe(401);
      expect(login.body.code).toBe('INVALID_CREDENTIALS');
    });

    it('validates the body', async () => {
      const response = await t.post('/api/auth/login', { loginId: '' });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      const fields = response.body.details.fields.map((f: { field: string }) => f.field);
      expect(fields).toEqual(expect.arrayContaining(['loginId', 'password']));
    });

    it('stores only a hash of the token', async () => {
      const org = await anOrganization(t, 'ward');
      const { token } = await aUser(t, org, 'auditor');
      const rows: Array<{ token_hash: string }> = await t.dataSource.query(
        'SELECT token_hash FROM auth_tokens',
      );
      expect(rows.some((r) => r.token_hash === token)).toBe(false);
      expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.token_hash))).toBe(true);
    });
  });

  describe('tokens', () => {
    it('are refused when missing, malformed or unknown', async () => {
      for (const authorization of [
        undefined,
        'Basic abc',
        'Bearer',
        'Bearer not-a-real-token-at-all-xyz',
      ]) {
        const response = await t.request('GET', '/api/auth/me', {
          headers: authorization ? { authorization } : {},
        });
        expect(response.status).toBe(401);
        expect(response.body.code).toBe('UNAUTHENTICATED');
      }
    });

    it('stop working after logout', async () => {
      const org = await anOrganization(t, 'ward');
      const { token } = await aUser(t, org, 'ward_officer');
      expect((await t.get('/api/auth/me', token)).status).toBe(200);
      const logout = await t.request('POST', '/api/auth/logout', { token });
      expect(logout.status).toBe(204);
      const after = await t.get('/api/auth/me', token);
      expect(after.status).toBe(401);
      expect(after.body.code).toBe('UNAUTHENTICATED');
    });

    it('expire after the configured lifetime', async () => {
      const org = await anOrganization(t, 'ward');
      const { token } = await aUser(t, org, 'ward_officer');
      t.clock.advance(8 * 60 * 60 * 1000 - 1000);
      expect((await t.get('/api/auth/me', token)).status).toBe(200);
      t.clock.advance(1000);
      const expired = await t.get('/api/auth/me', token);
      expect(expired.status).toBe(401);
      expect(expired.body.code).toBe('UNAUTHENTICATED');
    });

    it('of other sessions are revoked by a password change', async () => {
      const org = await anOrganization(t, 'ward');
      const first = await aUser(t, org, 'ward_officer');
      const second = await t.post('/api/auth/login', {
        loginId: first.user.loginId,
        password: TEST_PASSWORD,
      });
      const changed = await t.post(
        '/api/auth/password',
        { currentPassword: TEST_PASSWORD, newPassword: 'another-long-secret-9' },
        first.token,
      );
      expect(changed.status).toBe(200);
      expect((await t.get('/api/auth/me', first.token)).status).toBe(200);
      expect((await t.get('/api/auth/me', second.body.token)).status).toBe(401);
    });
  });

  it('never writes a password or a token to the request log', async () => {
    const org = await anOrganization(t, 'ward');
    const { user, token } = await aUser(t, org, 'ward_officer');
    await t.get('/api/auth/me', token);
    await t.post('/api/auth/login', { loginId: user.loginId, password: 'a-wrong-password-here' });
    const log = t.logLines.join('\n');
    expect(log).toContain('request completed');
    expect(log).toContain('/api/auth/me');
    expect(log).not.toContain(TEST_PASSWORD);
    expect(log).not.toContain('a-wrong-password-here');
    expect(log).not.toContain('bootstrap-secret-2026');
    expect(log).not.toContain(token);
  });
});

describe('an empty service without bootstrap variables', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.close());

  it('has no user and no default credentials', async () => {
    expect(await t.count('users')).toBe(0);
    for (const [loginId, password] of [
      ['admin', 'admin'],
      ['admin', 'password'],
      ['root', 'root'],
    ]) {
      const response = await t.post('/api/auth/login', { loginId, password });
      expect(response.status).toBe(401);
    }
  });
});

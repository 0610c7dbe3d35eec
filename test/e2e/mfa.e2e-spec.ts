import {
  TEST_PASSWORD,
  aUser,
  anOrganization,
  totpCode,
  type TestUser,
} from '../factories/identity.factory.js';
import { TestApp } from '../support/test-app.js';
import { UserEntity } from '../../src/modules/identity/entities/user.entity.js';
import type { OrganizationEntity } from '../../src/modules/identity/entities/organization.entity.js';

/** The production default: every role must have a second factor. */
const EVERY_ROLE = 'admin,ward_officer,contractor_staff,auditor';
const STEP_MS = 30_000;

describe('second factor (TOTP)', () => {
  let t: TestApp;
  let ward: OrganizationEntity;
  let contractor: OrganizationEntity;
  let admin: TestUser;

  beforeAll(async () => {
    t = await TestApp.start({
      env: { MFA_REQUIRED_ROLES: EVERY_ROLE, LOGIN_MAX_FAILURES: '3', LOGIN_LOCK_MINUTES: '15' },
      // 10 s into a 30-second step, so "the previous/next step" is unambiguous.
      at: '2026-11-25T01:00:10.000Z',
    });
    ward = await anOrganization(t, 'ward');
    contractor = await anOrganization(t, 'contractor');
    admin = await aUser(t, ward, 'admin', { mfa: true });
  });
  afterAll(() => t.close());

  /** Moves the clock to a later time step, so a fresh code of the same user is unspent. */
  const nextStep = (): void => t.clock.advance(STEP_MS);

  const login = (user: TestUser) =>
    t.post('/api/auth/login', { loginId: user.user.loginId, password: TEST_PASSWORD });

  async function mfaTokenOf(user: TestUser): Promise<string> {
    const response = await login(user);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      mfaRequired: true,
      mfaToken: expect.any(String),
      expiresAt: new Date(t.clock.now().getTime() + 5 * 60_000).toISOString(),
    });
    return response.body.mfaToken as string;
  }

  async function stored(user: TestUser): Promise<UserEntity> {
    return t.dataSource.getRepository(UserEntity).findOneByOrFail({ id: user.user.id });
  }

  describe('enrollment', () => {
    it('returns a secret, an otpauth URI and a QR code, and takes effect only when confirmed', async () => {
      const officer = await aUser(t, ward, 'ward_officer');
      const enroll = await t.post('/api/auth/mfa/enroll', undefined, officer.token);
      expect(enroll.status).toBe(200);
      const { secret, otpauthUri, qrCode } = enroll.body as {
        secret: string;
        otpauthUri: string;
        qrCode: string;
      };
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
      const uri = new URL(otpauthUri);
      expect(uri.protocol).toBe('otpauth:');
      expect(uri.host).toBe('totp');
      expect(decodeURIComponent(uri.pathname)).toBe(`/kanribo:${officer.user.loginId}`);
      expect(uri.searchParams.get('secret')).toBe(secret);
      expect(uri.searchParams.get('issuer')).toBe('kanribo');
      expect(uri.searchParams.get('digits')).toBe('6');
      expect(uri.searchParams.get('period')).toBe('30');
      expect(qrCode).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
      expect(Buffer.from(qrCode.split(',')[1]!, 'base64').subarray(1, 4).toString()).toBe('PNG');

      // Not confirmed: the password alone still gives a session, still held at enrollment.
      const before = await login(officer);
      expect(before.status).toBe(200);
      expect(typeof before.body.token).toBe('string');
      expect(before.body).not.toHaveProperty('mfaRequired');
      const held = await t.get('/api/contracts', before.body.token);
      expect(held.status).toBe(403);
      expect(held.body.code).toBe('MFA_ENROLLMENT_REQUIRED');
      const status = await t.get('/api/auth/mfa', officer.token);
      expect(status.body).toEqual({
        enrolled: false,
        enrolledAt: null,
        enrollmentPending: true,
        required: true,
        recoveryCodesLeft: 0,
      });

      // A wrong code changes nothing.
      const wrong = await t.post('/api/auth/mfa/confirm', { code: '000000' }, officer.token);
      expect(wrong.status).toBe(401);
      expect(wrong.body.code).toBe('MFA_CODE_INVALID');
      expect((await stored(officer)).totpSecret).toBeNull();

      const confirm = await t.post(
        '/api/auth/mfa/confirm',
        { code: totpCode(t, secret) },
        officer.token,
      );
      expect(confirm.status).toBe(200);
      const codes = confirm.body.recoveryCodes as string[];
      expect(codes).toHaveLength(10);
      for (const code of codes) expect(code).toMatch(/^[0-9a-z]{5}-[0-9a-z]{5}$/);
      expect(new Set(codes).size).toBe(10);

      // Stored hashed, never in clear.
      const rows: Array<{ code_hash: string }> = await t.dataSource.query(
        `SELECT code_hash FROM mfa_recovery_codes WHERE user_id = '${officer.user.id}'`,
      );
      expect(rows).toHaveLength(10);
      for (const row of rows) {
        expect(row.code_hash).toMatch(/^[0-9a-f]{64}$/);
        expect(codes.map((c) => c.replace('-', ''))).not.toContain(row.code_hash);
      }
      const user = await stored(officer);
      expect(user.totpSecret).toBe(secret);
      expect(user.totpPendingSecret).toBeNull();
      expect(user.totpConfirmedAt?.toISOString()).toBe(t.clock.now().toISOString());

      // The session that enrolled is freed at once.
      const freed = await t.get('/api/contracts', officer.token);
      expect(freed.status).toBe(200);
      expect((await t.get('/api/auth/mfa', officer.token)).body).toEqual({
        enrolled: true,
        enrolledAt: t.clock.now().toISOString(),
        enrollmentPending: false,
        required: true,
        recoveryCodesLeft: 10,
      });

      // Now a password gives only an mfa token.
      nextStep();
      const mfaToken = await mfaTokenOf(officer);
      const verified = await t.post(
        '/api/auth/mfa/verify',
        { code: totpCode(t, secret) },
        mfaToken,
      );
      expect(verified.status).toBe(200);
      expect(verified.body.user.id).toBe(officer.user.id);
      expect((await t.get('/api/contracts', verified.body.token)).status).toBe(200);
    });

    it('refuses enrolling again once enrolled, and confirming without an enrollment', async () => {
      const again = await t.post('/api/auth/mfa/enroll', undefined, admin.token);
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('MFA_ALREADY_ENROLLED');
      expect((await stored(admin)).totpPendingSecret).toBeNull();

      const fresh = await aUser(t, ward, 'auditor');
      const confirm = await t.post('/api/auth/mfa/confirm', { code: '123456' }, fresh.token);
      expect(confirm.status).toBe(409);
      expect(confirm.body.code).toBe('MFA_ENROLLMENT_NOT_STARTED');

      const confirmEnrolled = await t.post(
        '/api/auth/mfa/confirm',
        { code: '123456' },
        admin.token,
      );
      expect(confirmEnrolled.status).toBe(409);
      expect(confirmEnrolled.body.code).toBe('MFA_ALREADY_ENROLLED');
    });

    it('refuses bad input with 400 VALIDATION_FAILED and writes nothing', async () => {
      const fresh = await aUser(t, contractor, 'contractor_staff');
      const enroll = await t.post('/api/auth/mfa/enroll', undefined, fresh.token);
      const secret = enroll.body.secret as string;
      for (const body of [
        {},
        { code: '12345' },
        { code: '1234567' },
        { code: 'abcdef' },
        { code: 123456 },
        { code: totpCode(t, secret), extra: true },
      ]) {
        const response = await t.post('/api/auth/mfa/confirm', body, fresh.token);
        expect({ body, status: response.status, code: response.body.code }).toEqual({
          body,
          status: 400,
          code: 'VALIDATION_FAILED',
        });
      }
      expect((await stored(fresh)).totpSecret).toBeNull();
      const codes: unknown[] = await t.dataSource.query(
        `SELECT id FROM mfa_recovery_codes WHERE user_id = '${fresh.user.id}'`,
      );
      expect(codes).toHaveLength(0);

      const mfaToken = await mfaTokenOf(admin);
      for (const body of [
        {},
        { code: '12345' },
        { code: ' 123456' },
        { recoveryCode: 'short' },
        { recoveryCode: 'abcde-fghjk', code: '123456' },
        { code: '123456', unknown: 1 },
      ]) {
        const response = await t.post('/api/auth/mfa/verify', body, mfaToken);
        expect({ body, status: response.status, code: response.body.code }).toEqual({
          body,
          status: 400,
          code: 'VALIDATION_FAILED',
        });
      }
      // Refused as input, not counted as guesses: the right code still works.
      const ok = await t.post(
        '/api/auth/mfa/verify',
        { code: totpCode(t, admin.totpSecret!) },
        mfaToken,
      );
      expect(ok.status).toBe(200);
    });
  });

  describe('verification', () => {
    // LOGIN_MAX_FAILURES is 3 here. A correct password on an enrolled account
    // neither counts nor clears earlier failures; every code attempt counts
    // until one is verified: 3 wrong codes lock.
    it('accepts the current, the previous and the next step, and refuses two steps away', async () => {
      const user = await aUser(t, ward, 'ward_officer', { mfa: true });
      const secret = user.totpSecret!;
      const at = (steps: number) => new Date(t.clock.now().getTime() + steps * STEP_MS);
      const verify = (token: string, steps: number) =>
        t.post('/api/auth/mfa/verify', { code: totpCode(t, secret, at(steps)) }, token);

      // The previous step (the phone's clock lags): accepted.
      t.clock.advance(2 * STEP_MS);
      expect((await verify(await mfaTokenOf(user), -1)).status).toBe(200);
      // The current step, a step later: accepted.
      nextStep();
      expect((await verify(await mfaTokenOf(user), 0)).status).toBe(200);
      // The next step (the phone's clock runs ahead), a step later: accepted.
      nextStep();
      expect((await verify(await mfaTokenOf(user), +1)).status).toBe(200);
      expect((await stored(user)).totpLastStep).toBe(Math.floor(at(1).getTime() / STEP_MS));

      // Two steps behind and two steps ahead: refused.
      t.clock.advance(3 * STEP_MS);
      const token = await mfaTokenOf(user);
      for (const steps of [-2, +2]) {
        const response = await verify(token, steps);
        expect({ steps, status: response.status, code: response.body.code }).toEqual({
          steps,
          status: 401,
          code: 'MFA_CODE_INVALID',
        });
      }
    });

    it('accepts a code once: the same code, or an older one in the window, is refused', async () => {
      const user = await aUser(t, ward, 'auditor', { mfa: true }); // spent the current step
      const secret = user.totpSecret!;
      const code = (steps: number) =>
        totpCode(t, secret, new Date(t.clock.now().getTime() + steps * STEP_MS));

      let token = await mfaTokenOf(user);
      const replay = await t.post('/api/auth/mfa/verify', { code: code(0) }, token);
      expect(replay.status).toBe(401);
      expect(replay.body.code).toBe('MFA_CODE_INVALID');
      // The next step's code is still good, once; the mfa token is spent with it.
      const next = await t.post('/api/auth/mfa/verify', { code: code(+1) }, token);
      expect(next.status).toBe(200);
      const reuse = await t.post('/api/auth/mfa/verify', { code: code(+1) }, token);
      expect(reuse.status).toBe(401);
      expect(reuse.body.code).toBe('UNAUTHENTICATED');

      // Now the current and the previous step are older than the accepted one.
      token = await mfaTokenOf(user);
      for (const steps of [0, -1, +1]) {
        const response = await t.post('/api/auth/mfa/verify', { code: code(steps) }, token);
        expect({ steps, status: response.status }).toEqual({ steps, status: 401 });
      }
      // Three refused codes: locked.
      const locked = await t.post('/api/auth/mfa/verify', { code: code(+1) }, token);
      expect(locked.status).toBe(429);
      t.clock.advance(15 * 60_000 + STEP_MS);
    });

    it('counts wrong codes toward the lockout: at LOGIN_MAX_FAILURES it answers 429, even with the right code', async () => {
      const user = await aUser(t, contractor, 'contractor_staff', { mfa: true });
      const secret = user.totpSecret!;
      nextStep();
      const token = await mfaTokenOf(user); // the password: not counted
      const wrong1 = await t.post('/api/auth/mfa/verify', { code: '000000' }, token); // 1
      expect(wrong1.status).toBe(401);
      const wrong2 = await t.post('/api/auth/mfa/verify', { code: '111111' }, token); // 2
      expect(wrong2.status).toBe(401);
      const wrong3 = await t.post('/api/auth/mfa/verify', { code: '999999' }, token); // 3: locks
      expect(wrong3.status).toBe(401);
      expect(wrong3.body.code).toBe('MFA_CODE_INVALID');

      const locked = await t.post('/api/auth/mfa/verify', { code: totpCode(t, secret) }, token);
      expect(locked.status).toBe(429);
      expect(locked.body.code).toBe('TOO_MANY_ATTEMPTS');
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
      const relogin = await login(user);
      expect(relogin.status).toBe(429);

      // After the lock time: the right code works.
      t.clock.advance(15 * 60_000 + STEP_MS);
      const again = await mfaTokenOf(user);
      const ok = await t.post('/api/auth/mfa/verify', { code: totpCode(t, secret) }, again);
      expect(ok.status).toBe(200);
    });

    it('does not let fresh logins reset the count of wrong codes', async () => {
      const user = await aUser(t, contractor, 'contractor_staff', { mfa: true });
      nextStep();
      const first = await mfaTokenOf(user);
      expect((await t.post('/api/auth/mfa/verify', { code: '000000' }, first)).status).toBe(401); // 1
      const second = await mfaTokenOf(user); // still 1: a fresh login does not reset it
      expect((await t.post('/api/auth/mfa/verify', { code: '111111' }, second)).status).toBe(401); // 2
      const third = await mfaTokenOf(user);
      expect((await t.post('/api/auth/mfa/verify', { code: '222222' }, third)).status).toBe(401); // 3: locks
      const fourth = await login(user);
      expect(fourth.status).toBe(429);
      const refused = await t.post(
        '/api/auth/mfa/verify',
        { code: totpCode(t, user.totpSecret!) },
        third,
      );
      expect(refused.status).toBe(429);
      t.clock.advance(15 * 60_000 + STEP_MS);
    });

    it('lets a user whose earlier passwords were wrong finish with the right password and code', async () => {
      const user = await aUser(t, contractor, 'contractor_staff', { mfa: true });
      nextStep();
      for (let i = 0; i < 2; i++) {
        const wrong = await t.post('/api/auth/login', {
          loginId: user.user.loginId,
          password: 'not-the-password-at-all',
        });
        expect(wrong.status).toBe(401);
      }
      const token = await mfaTokenOf(user); // the right password: 2 failures stay, none added
      const ok = await t.post(
        '/api/auth/mfa/verify',
        { code: totpCode(t, user.totpSecret!) },
        token,
      );
      expect(ok.status).toBe(200);
    });

    it('accepts a recovery code once', async () => {
      const officer = await aUser(t, ward, 'ward_officer');
      const enroll = await t.post('/api/auth/mfa/enroll', undefined, officer.token);
      const secret = enroll.body.secret as string;
      const confirm = await t.post(
        '/api/auth/mfa/confirm',
        { code: totpCode(t, secret) },
        officer.token,
      );
      const [first, second] = confirm.body.recoveryCodes as string[];

      let token = await mfaTokenOf(officer);
      const used = await t.post(
        '/api/auth/mfa/verify',
        { recoveryCode: ` ${first!.toUpperCase()} ` },
        token,
      );
      expect(used.status).toBe(200);
      expect(used.body.user.id).toBe(officer.user.id);
      expect((await t.get('/api/auth/mfa', used.body.token)).body.recoveryCodesLeft).toBe(9);

      token = await mfaTokenOf(officer);
      const again = await t.post('/api/auth/mfa/verify', { recoveryCode: first }, token);
      expect(again.status).toBe(401);
      expect(again.body.code).toBe('MFA_CODE_INVALID');
      // Another code still works.
      const other = await t.post('/api/auth/mfa/verify', { recoveryCode: second }, token);
      expect(other.status).toBe(200);

      token = await mfaTokenOf(officer);
      const unknown = await t.post('/api/auth/mfa/verify', { recoveryCode: 'zzzzz-zzzzz' }, token);
      expect(unknown.status).toBe(401);
      expect(unknown.body.code).toBe('MFA_CODE_INVALID');
      const left: Array<{ n: number | string }> = await t.dataSource.query(
        `SELECT COUNT(*) AS n FROM mfa_recovery_codes WHERE user_id = '${officer.user.id}' AND used_at IS NULL`,
      );
      expect(Number(left[0]!.n)).toBe(8);
    });
  });

  describe('the mfa token', () => {
    it('is refused everywhere but verify, and verify refuses a session token', async () => {
      nextStep();
      const token = await mfaTokenOf(admin);
      for (const [method, path] of [
        ['GET', '/api/auth/me'],
        ['GET', '/api/contracts'],
        ['GET', '/api/auth/mfa'],
        ['POST', '/api/auth/mfa/enroll'],
        ['POST', '/api/auth/logout'],
        ['GET', '/api/users'],
      ] as const) {
        const response = await t.request(method, path, { token });
        expect({ path, status: response.status, code: response.body.code }).toEqual({
          path,
          status: 403,
          code: 'MFA_VERIFICATION_REQUIRED',
        });
      }
      const withSession = await t.post(
        '/api/auth/mfa/verify',
        { code: totpCode(t, admin.totpSecret!) },
        admin.token,
      );
      expect(withSession.status).toBe(401);
      expect(withSession.body.code).toBe('UNAUTHENTICATED');
      // Still usable for verify after all that.
      const ok = await t.post(
        '/api/auth/mfa/verify',
        { code: totpCode(t, admin.totpSecret!) },
        token,
      );
      expect(ok.status).toBe(200);
    });

    it('expires after five minutes', async () => {
      nextStep();
      const token = await mfaTokenOf(admin);
      t.clock.advance(5 * 60_000);
      const late = await t.post(
        '/api/auth/mfa/verify',
        { code: totpCode(t, admin.totpSecret!) },
        token,
      );
      expect(late.status).toBe(401);
      expect(late.body.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('MFA_REQUIRED_ROLES', () => {
    it('holds a user at enrollment until confirmed, leaving me, logout, password and mfa open', async () => {
      const staff = await aUser(t, contractor, 'contractor_staff');
      const held = await t.get('/api/contracts', staff.token);
      expect(held.status).toBe(403);
      expect(held.body.code).toBe('MFA_ENROLLMENT_REQUIRED');
      expect((await t.get('/api/auth/me', staff.token)).status).toBe(200);
      expect((await t.get('/api/auth/mfa', staff.token)).status).toBe(200);
      const changed = await t.post(
        '/api/auth/password',
        { currentPassword: TEST_PASSWORD, newPassword: 'kawaguchi-river-lantern-88' },
        staff.token,
      );
      expect(changed.status).toBe(200);

      const enroll = await t.post('/api/auth/mfa/enroll', undefined, staff.token);
      expect(enroll.status).toBe(200);
      const confirm = await t.post(
        '/api/auth/mfa/confirm',
        { code: totpCode(t, enroll.body.secret as string) },
        staff.token,
      );
      expect(confirm.status).toBe(200);
      expect((await t.get('/api/contracts', staff.token)).status).toBe(200);
      expect((await t.post('/api/auth/logout', undefined, staff.token)).status).toBe(204);
    });

    it('puts a temporary password first', async () => {
      const fresh = await aUser(t, ward, 'auditor', { mustChangePassword: true });
      const enroll = await t.post('/api/auth/mfa/enroll', undefined, fresh.token);
      expect(enroll.status).toBe(403);
      expect(enroll.body.code).toBe('PASSWORD_CHANGE_REQUIRED');
      const contracts = await t.get('/api/contracts', fresh.token);
      expect(contracts.body.code).toBe('PASSWORD_CHANGE_REQUIRED');
    });

    it('does not hold roles outside the list', async () => {
      const other = await TestApp.start({ env: { MFA_REQUIRED_ROLES: 'admin' } });
      try {
        const org = await anOrganization(other, 'ward');
        const officer = await aUser(other, org, 'ward_officer');
        expect((await other.get('/api/contracts', officer.token)).status).toBe(200);
        const otherAdmin = await aUser(other, org, 'admin');
        const held = await other.get('/api/organizations', otherAdmin.token);
        expect(held.body.code).toBe('MFA_ENROLLMENT_REQUIRED');
      } finally {
        await other.close();
      }
    });
  });

  describe('the bootstrap admin', () => {
    it('changes the temporary password, then enrolls, then logs in with a code', async () => {
      const first = await TestApp.start({
        env: {
          MFA_REQUIRED_ROLES: EVERY_ROLE,
          BOOTSTRAP_ADMIN_LOGIN: 'first.admin',
          BOOTSTRAP_ADMIN_PASSWORD: 'bootstrap-secret-2026',
        },
        at: '2026-11-25T01:00:10.000Z',
      });
      try {
        const credentials = { loginId: 'first.admin', password: 'bootstrap-secret-2026' };
        const login = await first.post('/api/auth/login', credentials);
        expect(login.status).toBe(200);
        const token = login.body.token as string;
        expect((await first.post('/api/auth/mfa/enroll', undefined, token)).body.code).toBe(
          'PASSWORD_CHANGE_REQUIRED',
        );
        const newPassword = 'tsukishima-ferry-window-62';
        const changed = await first.post(
          '/api/auth/password',
          { currentPassword: credentials.password, newPassword },
          token,
        );
        expect(changed.status).toBe(200);
        expect((await first.get('/api/organizations', token)).body.code).toBe(
          'MFA_ENROLLMENT_REQUIRED',
        );
        const enroll = await first.post('/api/auth/mfa/enroll', undefined, token);
        const secret = enroll.body.secret as string;
        const confirm = await first.post(
          '/api/auth/mfa/confirm',
          { code: totpCode(first, secret) },
          token,
        );
        expect(confirm.status).toBe(200);
        expect((await first.get('/api/organizations', token)).status).toBe(200);

        first.clock.advance(STEP_MS);
        const again = await first.post('/api/auth/login', {
          ...credentials,
          password: newPassword,
        });
        expect(again.body.mfaRequired).toBe(true);
        const verified = await first.post(
          '/api/auth/mfa/verify',
          { code: totpCode(first, secret) },
          again.body.mfaToken as string,
        );
        expect(verified.status).toBe(200);
        expect(verified.body.user).toMatchObject({
          loginId: 'first.admin',
          mustChangePassword: false,
        });
        expect((await first.get('/api/organizations', verified.body.token)).status).toBe(200);
      } finally {
        await first.close();
      }
    });
  });

  describe('an admin reset', () => {
    it('removes the second factor and recovery codes and revokes every session', async () => {
      const officer = await aUser(t, ward, 'ward_officer', { mfa: true });
      nextStep();
      const pendingMfa = await mfaTokenOf(officer);
      const reset = await t.post(`/api/users/${officer.user.id}/mfa/reset`, undefined, admin.token);
      expect(reset.status).toBe(204);
      const user = await stored(officer);
      expect(user.totpSecret).toBeNull();
      expect(user.totpConfirmedAt).toBeNull();
      expect((await t.get('/api/auth/me', officer.token)).status).toBe(401);
      const late = await t.post(
        '/api/auth/mfa/verify',
        { code: totpCode(t, officer.totpSecret!) },
        pendingMfa,
      );
      expect(late.status).toBe(401);
      // The password now gives a session again, held at enrollment.
      const again = await login(officer);
      expect(again.status).toBe(200);
      expect((await t.get('/api/contracts', again.body.token)).body.code).toBe(
        'MFA_ENROLLMENT_REQUIRED',
      );
      const twice = await t.post(`/api/users/${officer.user.id}/mfa/reset`, undefined, admin.token);
      expect(twice.status).toBe(409);
      expect(twice.body.code).toBe('MFA_NOT_ENROLLED');
    });

    it('is for admins only, not on their own account, and 404 for an unknown user', async () => {
      const officer = await aUser(t, ward, 'ward_officer', { mfa: true });
      const byOfficer = await t.post(
        `/api/users/${admin.user.id}/mfa/reset`,
        undefined,
        officer.token,
      );
      expect(byOfficer.status).toBe(403);
      expect(byOfficer.body.code).toBe('FORBIDDEN_ROLE');
      expect((await stored(admin)).totpSecret).not.toBeNull();

      const self = await t.post(`/api/users/${admin.user.id}/mfa/reset`, undefined, admin.token);
      expect(self.status).toBe(409);
      expect(self.body.code).toBe('SELF_ACCOUNT_CHANGE');

      for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
        const unknown = await t.post(`/api/users/${id}/mfa/reset`, undefined, admin.token);
        expect(unknown.status).toBe(404);
        expect(unknown.body.code).toBe('USER_NOT_FOUND');
      }
      expect((await stored(officer)).totpSecret).not.toBeNull();
    });
  });

  it('documents both answers of a login, and the mfa routes, in OpenAPI', async () => {
    const doc = (await t.get('/api/docs/openapi.json')).body;
    const login = doc.paths['/api/auth/login'].post.responses['200'].content['application/json'];
    expect(login.schema.oneOf).toEqual([
      { $ref: '#/components/schemas/LoginResponse' },
      { $ref: '#/components/schemas/BrowserSessionResponse' },
      { $ref: '#/components/schemas/MfaChallengeResponse' },
    ]);
    expect(Object.keys(doc.components.schemas.BrowserSessionResponse.properties).sort()).toEqual([
      'csrfToken',
      'expiresAt',
      'session',
      'user',
    ]);
    expect(Object.keys(doc.components.schemas.MfaChallengeResponse.properties).sort()).toEqual([
      'expiresAt',
      'mfaRequired',
      'mfaToken',
    ]);
    for (const path of [
      '/api/auth/mfa',
      '/api/auth/mfa/enroll',
      '/api/auth/mfa/confirm',
      '/api/auth/mfa/verify',
      '/api/users/{id}/mfa/reset',
    ]) {
      expect(doc.paths).toHaveProperty([path]);
    }
  });

  it('never writes a secret, a code or a token to the request log', async () => {
    nextStep();
    const token = await mfaTokenOf(admin);
    const code = totpCode(t, admin.totpSecret!);
    await t.post('/api/auth/mfa/verify', { code }, token);
    const log = t.logLines.join('\n');
    expect(log).toContain('/api/auth/mfa/verify');
    expect(log).not.toContain(admin.totpSecret!);
    expect(log).not.toContain(token);
    expect(log).not.toContain(code);
  });
});

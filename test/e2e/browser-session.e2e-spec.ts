import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { aUser, TEST_PASSWORD, totpCode } from '../factories/identity.factory.js';
import { TestApp, type ApiResponse } from '../support/test-app.js';

/**
 * The web app's session: the same server-side token in an HttpOnly,
 * SameSite=Strict cookie, and a CSRF token (signed double submit) that every
 * change made with the cookie must echo in X-CSRF-Token. Bearer clients are
 * untouched.
 */
describe('sessions in the browser (cookie and CSRF token)', () => {
  let t: TestApp;
  let c: CustodyWorld;

  beforeAll(async () => {
    t = await TestApp.start();
    c = await aCustodyWorld(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  interface BrowserSession {
    cookie: string;
    csrf: string;
    setCookies: string[];
    login: ApiResponse;
  }

  /** Logs in as a browser would, and keeps what it got as a cookie jar of two. */
  async function browserLogin(loginId: string, app = t): Promise<BrowserSession> {
    const login = await app.post('/api/auth/login', {
      loginId,
      password: TEST_PASSWORD,
      session: 'cookie',
    });
    expect(login.status).toBe(200);
    return { ...jar(login), login };
  }

  function jar(r: ApiResponse): { cookie: string; csrf: string; setCookies: string[] } {
    const setCookies = r.headers.getSetCookie();
    const cookie = setCookies.map((c) => c.split(';')[0]).join('; ');
    return { cookie, csrf: r.body.csrfToken as string, setCookies };
  }

  function withCookie(
    s: { cookie: string },
    method: string,
    path: string,
    body?: unknown,
    csrf?: string,
  ) {
    return t.request(method, path, {
      body,
      headers: { cookie: s.cookie, ...(csrf ? { 'x-csrf-token': csrf } : {}) },
    });
  }

  const dvd = (label: string) => ({
    kind: 'dvd_r',
    label,
    description: '住民税課税資料',
    recordCount: 10,
    encrypted: true,
  });

  it('sets the token as an HttpOnly, SameSite=Strict cookie and never answers it', async () => {
    const s = await browserLogin(c.w.officerA.user.loginId);
    expect(s.login.body).toEqual({
      session: 'cookie',
      csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      expiresAt: expect.any(String),
      user: expect.objectContaining({ id: c.w.officerA.user.id }),
    });
    expect(s.login.text).not.toContain(s.cookie.split('=')[1]!.split(';')[0]!);
    const session = s.setCookies.find((h) => h.startsWith('kanribo_session='))!;
    const csrf = s.setCookies.find((h) => h.startsWith('kanribo_csrf='))!;
    expect(session).toMatch(/; HttpOnly/);
    expect(session).toMatch(/; SameSite=Strict/);
    expect(session).toMatch(/; Path=\//);
    expect(session).not.toMatch(/; Secure/);
    // A lifetime, not a date: a PC with a wrong clock keeps the session as long as the server.
    expect(session).toMatch(/; Max-Age=\d+/);
    expect(session).not.toMatch(/Expires=/);
    // The page reads the CSRF token; scripts never see the session.
    expect(csrf).not.toMatch(/HttpOnly/);
    expect(csrf).toMatch(/; SameSite=Strict/);
    expect(csrf.split(';')[0]).toBe(`kanribo_csrf=${s.csrf}`);

    const me = await withCookie(s, 'GET', '/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(c.w.officerA.user.id);
    const media = await withCookie(s, 'GET', `${c.base}/media`);
    expect(media.status).toBe(200);
  });

  it('refuses a change made with the cookie but without its CSRF token, and writes nothing', async () => {
    const s = await browserLogin(c.w.officerA.user.loginId);
    const other = await browserLogin(c.w.officerB.user.loginId);
    for (const csrf of [undefined, '', other.csrf, `${s.csrf}x`, s.csrf.slice(1)]) {
      const before = await t.count('ledger_entries');
      const r = await withCookie(s, 'POST', `${c.base}/media`, dvd('住民-CSRF'), csrf);
      expect(r.status).toBe(403);
      expect(r.body.code).toBe('CSRF_TOKEN_INVALID');
      expect(await t.count('ledger_entries')).toBe(before);
    }
    const ok = await withCookie(s, 'POST', `${c.base}/media`, dvd('住民-CSRF'), s.csrf);
    expect(ok.status).toBe(201);
    expect(ok.body.label).toBe('住民-CSRF');
  });

  it('keeps bearer clients as they were: the header wins over a cookie and needs no CSRF token', async () => {
    const s = await browserLogin(c.w.staffX.user.loginId);
    // A bearer header with a cookie of another user: the request is the bearer's.
    const r = await t.request('POST', `${c.base}/media`, {
      token: c.w.officerA.token,
      body: dvd('住民-BEARER'),
      headers: { cookie: s.cookie },
    });
    expect(r.status).toBe(201);
    const medium = await t.get(`${c.base}/media/${r.body.id}`, c.w.officerA.token);
    expect(medium.body.custody.holderUserId).toBe(c.w.officerA.user.id);
  });

  it('ends the session at logout: the cookies are removed and the token revoked', async () => {
    const s = await browserLogin(c.w.officerA.user.loginId);
    const refused = await withCookie(s, 'POST', '/api/auth/logout');
    expect(refused.status).toBe(403);
    expect((await withCookie(s, 'GET', '/api/auth/me')).status).toBe(200);
    const out = await withCookie(s, 'POST', '/api/auth/logout', undefined, s.csrf);
    expect(out.status).toBe(204);
    const cleared = out.headers.getSetCookie();
    expect(cleared).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^kanribo_session=; Max-Age=0; /),
        expect.stringMatching(/^kanribo_csrf=; Max-Age=0; /),
      ]),
    );
    // The token is revoked on the server, not only forgotten by the browser.
    const after = await withCookie(s, 'GET', '/api/auth/me');
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('UNAUTHENTICATED');
  });

  it('sets the cookie after the second factor, not before', async () => {
    const u = await aUser(t, c.w.wardA, 'ward_officer', { mfa: true, login: false });
    const login = await t.post('/api/auth/login', {
      loginId: u.user.loginId,
      password: TEST_PASSWORD,
      session: 'cookie',
    });
    expect(login.status).toBe(200);
    expect(login.body.mfaRequired).toBe(true);
    expect(login.headers.getSetCookie()).toEqual([]);
    const verified = await t.post(
      '/api/auth/mfa/verify',
      { code: totpCode(t, u.totpSecret!), session: 'cookie' },
      login.body.mfaToken as string,
    );
    expect(verified.status).toBe(200);
    expect(verified.body).not.toHaveProperty('token');
    const s = jar(verified);
    expect(s.setCookies).toHaveLength(2);
    const me = await withCookie(s, 'GET', '/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(u.user.id);
  });

  it('refuses an unknown session choice', async () => {
    const r = await t.post('/api/auth/login', {
      loginId: c.w.officerA.user.loginId,
      password: TEST_PASSWORD,
      session: 'localStorage',
    });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('VALIDATION_FAILED');
    expect(r.headers.getSetCookie()).toEqual([]);
  });

  it('applies the idle timeout to the cookie as to the token', async () => {
    const idle = await TestApp.start({ sharing: t, env: { SESSION_IDLE_MINUTES: '30' } });
    try {
      const s = await browserLogin(c.w.officerA.user.loginId, idle);
      const at = (path: string) => idle.request('GET', path, { headers: { cookie: s.cookie } });
      expect((await at('/api/auth/me')).status).toBe(200);
      idle.clock.advance(31 * 60_000);
      const expired = await at('/api/auth/me');
      expect(expired.status).toBe(401);
    } finally {
      await idle.close();
    }
  });

  it('marks the cookies Secure, with the __Host- prefix, when served over TLS (here: a trusted proxy)', async () => {
    const behind = await TestApp.start({ sharing: t, env: { TRUST_PROXY: '127.0.0.1' } });
    try {
      const login = await behind.request('POST', '/api/auth/login', {
        body: { loginId: c.w.officerA.user.loginId, password: TEST_PASSWORD, session: 'cookie' },
        headers: { 'x-forwarded-proto': 'https' },
      });
      expect(login.status).toBe(200);
      const setCookies = login.headers.getSetCookie();
      const session = setCookies.find((h) => h.startsWith('__Host-kanribo_session='));
      expect(session).toMatch(/; Secure/);
      expect(session).toMatch(/; HttpOnly/);
      expect(setCookies.find((h) => h.startsWith('__Host-kanribo_csrf='))).toMatch(/; Secure/);
      const cookie = setCookies.map((h) => h.split(';')[0]).join('; ');
      const me = await behind.request('GET', '/api/auth/me', {
        headers: { cookie, 'x-forwarded-proto': 'https' },
      });
      expect(me.status).toBe(200);
      // Over TLS only the __Host- cookie counts: one planted without the prefix
      // (by a sibling subdomain, or over plain http) is no session.
      const token = /__Host-kanribo_session=([^;]+)/.exec(cookie)![1]!;
      const planted = await behind.request('GET', '/api/auth/me', {
        headers: { cookie: `kanribo_session=${token}`, 'x-forwarded-proto': 'https' },
      });
      expect(planted.status).toBe(401);
    } finally {
      await behind.close();
    }
  });
});

import { UserEntity } from '../../src/modules/identity/entities/user.entity.js';
import { aUser, type TestUser } from '../factories/identity.factory.js';
import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { TestApp } from '../support/test-app.js';

const PUBLIC_URL = 'https://kanribo.city.example.jp';
const FROM = 'kanribo@city.example.jp';

/**
 * Notifications by e-mail through the real queue (BullMQ on the test Redis)
 * to a local SMTP server: the message, its headers and encoding, the daily
 * digest at the scan, retries with backoff after a refusal, the state in the
 * inbox, the settings and their refusals, and nothing at all without SMTP_URL.
 */
describe('mail', () => {
  let t: TestApp;
  let c: CustodyWorld;
  let sink: SmtpSink;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await TestApp.start({
      env: {
        SMTP_URL: sink.url,
        MAIL_FROM: `管理簿 <${FROM}>`,
        PUBLIC_URL,
        MAIL_ATTEMPTS: '4',
        MAIL_BACKOFF_MS: '700',
      },
    });
    c = await aCustodyWorld(t);
  });
  afterAll(async () => {
    await t.close();
    await sink.close();
  });

  const settings = (token: string, body: unknown) =>
    t.request('PATCH', '/api/auth/me/mail-settings', { token, body });
  const userRow = async (id: string) => {
    const user = await t.dataSource.getRepository(UserEntity).findOneByOrFail({ id });
    return { email: user.email, mailMode: user.mailMode };
  };
  const inbox = async (token: string) => {
    const r = await t.get('/api/notifications?limit=200', token);
    expect(r.status).toBe(200);
    return r.body.items as any[];
  };
  /** Reports an incident on the contract (ward A's officers are told at once); its notification. */
  const incident = async (description: string) => {
    const dvd = await c.dvd();
    const r = await t.post(
      `${c.base}/incidents`,
      { kind: 'other', mediumIds: [dvd], description },
      c.w.officerA.token,
    );
    expect(r.status).toBe(201);
    const item = await t.eventually(
      async () => (await inbox(c.w.officerA.token)).find((n) => n.subjectId === r.body.id),
      15_000,
      'the incident in the inbox',
    );
    return item as { id: string; title: string; message: string; path: string };
  };
  const mailed = (address: string, count: number, what = `${count} mail(s) to ${address}`) =>
    t.eventually(
      () => Promise.resolve(sink.to(address).length >= count ? sink.to(address) : null),
      15_000,
      what,
    );

  describe('settings', () => {
    it('are set by the user for themself, and shown to them and to admins only', async () => {
      const r = await settings(c.w.officerA.token, {
        email: '  officer.a@city.example.jp ',
        mailMode: 'immediate',
      });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({
        id: c.w.officerA.user.id,
        email: 'officer.a@city.example.jp',
        mailMode: 'immediate',
      });
      expect((await t.get('/api/auth/me', c.w.officerA.token)).body.email).toBe(
        'officer.a@city.example.jp',
      );
      const asAdmin = await t.get(`/api/users?q=${c.w.officerA.user.loginId}`, c.w.admin.token);
      expect(asAdmin.body.items[0].email).toBe('officer.a@city.example.jp');
      // A ward officer finds staff by name, without their addresses.
      const asOfficer = await t.get('/api/users', c.w.officerB.token);
      expect(asOfficer.status).toBe(200);
      expect(asOfficer.text).not.toContain('officer.a@city.example.jp');
      expect(asOfficer.body.items[0]).not.toHaveProperty('email');
    });

    it.each([
      ['an address without a domain', { email: 'officer.a' }],
      ['two addresses', { email: 'a@city.example.jp, b@city.example.jp' }],
      ['an address of 255 characters', { email: `${'a'.repeat(240)}@city.example.jp` }],
      ['an address that is not a string', { email: 42 }],
      ['an unknown mode', { mailMode: 'weekly' }],
      ['a user id', { email: 'x@city.example.jp', userId: 'someone-else' }],
    ])('refuse %s with 400 VALIDATION_FAILED and write nothing', async (_what, body) => {
      const before = await userRow(c.w.officerB.user.id);
      const r = await settings(c.w.officerB.token, body);
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('VALIDATION_FAILED');
      expect(await userRow(c.w.officerB.user.id)).toEqual(before);
    });

    it("cannot set another user's address: only admins edit accounts", async () => {
      const before = await userRow(c.w.officerB.user.id);
      const r = await t.request('PATCH', `/api/users/${c.w.officerB.user.id}`, {
        token: c.w.officerA.token,
        body: { displayName: 'x', email: 'attacker@example.jp' },
      });
      expect(r.status).toBe(403);
      expect(await userRow(c.w.officerB.user.id)).toEqual(before);
    });

    it('are given by an admin on creating or editing an account, checked the same way', async () => {
      const users = await t.count('users');
      const body = {
        organizationId: c.w.wardA.id,
        loginId: 'mail.officer',
        displayName: '区 太郎',
        role: 'ward_officer',
        password: 'correct-horse-battery-staple-9',
      };
      const bad = await t.post('/api/users', { ...body, email: 'not an address' }, c.w.admin.token);
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('VALIDATION_FAILED');
      expect(await t.count('users')).toBe(users);
      const made = await t.post(
        '/api/users',
        { ...body, email: 'ku.taro@city.example.jp' },
        c.w.admin.token,
      );
      expect(made.status).toBe(201);
      expect(made.body).toMatchObject({ email: 'ku.taro@city.example.jp', mailMode: 'immediate' });
      const edited = await t.request('PATCH', `/api/users/${made.body.id}`, {
        token: c.w.admin.token,
        body: { displayName: '区 太郎', email: '' },
      });
      expect(edited.status).toBe(200);
      expect(edited.body.email).toBeNull();
      expect((await userRow(made.body.id as string))?.email).toBeNull();
    });
  });

  describe('immediate mails', () => {
    it('e-mail a notification at once: From, To, a UTF-8 subject, text and HTML, the deep link', async () => {
      const item = await incident('封筒の<破れ> & "汚れ"を確認');
      const [mail] = await mailed('officer.a@city.example.jp', 1);
      expect(mail!.from).toBe(FROM);
      // Nobody else of the ward has an address: one mail, to one recipient.
      expect(sink.received).toHaveLength(1);
      expect(mail!.to).toEqual(['officer.a@city.example.jp']);
      const { parsed, raw } = mail!;
      const headers = raw.slice(0, raw.indexOf('\r\n\r\n'));
      // Non-ASCII headers are encoded words (RFC 2047) in UTF-8; the raw headers are ASCII.
      expect(headers).toMatch(/^Subject: =\?UTF-8\?[BQ]\?/im);
      expect(headers).toMatch(/^From: =\?UTF-8\?[BQ]\?.*\?= <kanribo@city\.example\.jp>$/im);
      expect(headers).toMatch(/^To: officer\.a@city\.example\.jp$/im);
      expect(/^[\x20-\x7e\r\n\t]*$/.test(headers)).toBe(true);
      expect(parsed.subject).toBe(`【kanribo】${item.title}`);
      expect(parsed.from?.value).toEqual([{ address: FROM, name: '管理簿' }]);
      expect(headers).toMatch(/^Content-Type: multipart\/alternative;/im);
      expect(raw).toMatch(/Content-Type: text\/plain; charset=utf-8/i);
      expect(raw).toMatch(/Content-Type: text\/html; charset=utf-8/i);
      const link = `${PUBLIC_URL}/contracts/${c.contractId}/incidents`;
      expect(item.path).toBe(`/contracts/${c.contractId}/incidents`);
      expect(parsed.text).toContain(item.title);
      expect(parsed.text).toContain(item.message);
      expect(parsed.text).toContain(`画面で開く: ${link}`);
      expect(parsed.text).toContain('封筒の<破れ> & "汚れ"を確認');
      const html = String(parsed.html);
      expect(html).toContain(`<a href="${link}">画面で開く</a>`);
      expect(html).toContain('封筒の&lt;破れ&gt; &amp; &quot;汚れ&quot;を確認');
      expect(html).not.toContain('<破れ>');
      // Nothing the inbox does not show: no login id, no name, no other address.
      for (const secret of [c.w.officerA.user.loginId, c.w.officerA.user.displayName]) {
        expect(raw).not.toContain(secret);
        expect(parsed.text).not.toContain(secret);
      }
      // The SMTP server has the mail before the worker records its 250: wait for the record.
      const shown = await t.eventually(
        async () => {
          const [n] = (await inbox(c.w.officerA.token)).filter((i) => i.id === item.id);
          return n?.mail?.status === 'pending' ? null : n;
        },
        15_000,
        'the sent mail recorded in the inbox',
      );
      expect(shown.mail).toEqual({
        status: 'sent',
        mode: 'immediate',
        attempts: 1,
        sentAt: expect.any(String),
        lastError: null,
        lastStatusCode: 250,
      });
      // Without an address, the inbox shows no mail.
      const [other] = (await inbox(c.w.officerB.token)).filter((n) => n.id === item.id);
      expect(other?.mail ?? null).toBeNull();
    });

    it('retry a refused mail with backoff, the state visible in the inbox, until it is sent', async () => {
      const before = sink.to('officer.a@city.example.jp').length;
      sink.refuse = { count: 2, code: 451 };
      const item = await incident('再送の確認');
      const waiting = await t.eventually(
        async () => {
          const [n] = (await inbox(c.w.officerA.token)).filter((i) => i.id === item.id);
          return n?.mail?.status === 'pending' && n.mail.lastStatusCode !== null ? n.mail : null;
        },
        15_000,
        'a refused attempt in the inbox',
      );
      expect(waiting).toMatchObject({ lastStatusCode: 451, lastError: 'EENVELOPE', sentAt: null });
      const mails = await mailed('officer.a@city.example.jp', before + 1);
      expect(mails.at(-1)!.parsed.subject).toBe(`【kanribo】${item.title}`);
      expect(sink.refused).toEqual([451, 451]);
      const sent = await t.eventually(async () => {
        const [n] = (await inbox(c.w.officerA.token)).filter((i) => i.id === item.id);
        return n?.mail?.status === 'sent' ? n.mail : null;
      });
      expect(sent).toMatchObject({ attempts: 3, lastError: null, lastStatusCode: 250 });
      // Sent once: the retries did not send it twice.
      await new Promise((r) => setTimeout(r, 1500));
      expect(sink.to('officer.a@city.example.jp')).toHaveLength(before + 1);
    });

    it('fail a mail at once on a permanent refusal (550), visible as failed', async () => {
      sink.refused.length = 0;
      sink.refuse = { count: 1, code: 550 };
      const before = sink.received.length;
      const item = await incident('恒久的な拒否');
      const failed = await t.eventually(async () => {
        const [n] = (await inbox(c.w.officerA.token)).filter((i) => i.id === item.id);
        return n?.mail?.status === 'failed' ? n.mail : null;
      });
      expect(failed).toEqual({
        status: 'failed',
        mode: 'immediate',
        attempts: 1,
        sentAt: null,
        lastError: 'EENVELOPE',
        lastStatusCode: 550,
      });
      expect(sink.refused).toEqual([550]);
      expect(sink.received.length).toBe(before);
      // The row keeps the code, never the server's text (which may quote the address).
      const rows = await t.dataSource.query<Array<{ last_error: string | null }>>(
        'SELECT last_error FROM mail_deliveries',
      );
      expect(rows.map((r) => r.last_error).join(' ')).not.toContain('@');
    });
  });

  describe('the daily digest', () => {
    let digester: TestUser;

    beforeAll(async () => {
      digester = await aUser(t, c.w.wardA, 'ward_officer');
      const r = await settings(digester.token, {
        email: 'digest.officer@city.example.jp',
        mailMode: 'digest',
      });
      expect(r.status).toBe(200);
    });

    it('lists the unread notifications once a day, at the scan, and none read before it', async () => {
      const first = await incident('まとめ 1');
      const second = await incident('まとめ 2');
      const read = await incident('既読にする');
      expect((await t.post(`/api/notifications/${read.id}/read`, {}, digester.token)).status).toBe(
        200,
      );
      const waiting = (await inbox(digester.token)).filter((n) =>
        [first.id, second.id].includes(n.id),
      );
      expect(waiting.map((n) => n.mail)).toEqual([
        expect.objectContaining({ status: 'waiting', mode: 'digest' }),
        expect.objectContaining({ status: 'waiting', mode: 'digest' }),
      ]);
      // No mail before the scan.
      await new Promise((r) => setTimeout(r, 1000));
      expect(sink.to('digest.officer@city.example.jp')).toEqual([]);

      const scan = await t.post('/api/admin/jobs/reminder-scan', {}, c.w.admin.token);
      expect(scan.status).toBe(200);
      expect(scan.body.digests).toBe(1);
      const [digest] = await mailed('digest.officer@city.example.jp', 1);
      const unread = (await inbox(digester.token)).filter((n) => n.readAt === null);
      expect(unread.length).toBeGreaterThanOrEqual(2);
      expect(digest!.parsed.subject).toBe(
        `【kanribo】未読の通知 ${unread.length}件（2026年11月25日）`,
      );
      for (const n of unread) {
        expect(digest!.parsed.text).toContain(n.title);
        expect(digest!.parsed.text).toContain(`画面で開く: ${PUBLIC_URL}${n.path}`);
      }
      expect(digest!.parsed.text).toContain('まとめ 1');
      expect(digest!.parsed.text).toContain('まとめ 2');
      expect(digest!.parsed.text).not.toContain('既読にする');
      expect(String(digest!.parsed.html)).toContain(`<a href="${PUBLIC_URL}/notifications">`);
      const shown = await t.eventually(async () => {
        const items = (await inbox(digester.token)).filter((n) =>
          [first.id, second.id].includes(n.id),
        );
        return items.every((n) => n.mail?.status === 'sent') ? items : null;
      });
      expect(shown.map((n) => n.mail.mode)).toEqual(['digest', 'digest']);
      // The read one went in no digest, and shows no mail.
      const [wasRead] = (await inbox(digester.token)).filter((n) => n.id === read.id);
      expect(wasRead.mail).toBeNull();

      // A second scan of the day sends no second digest.
      const again = await t.post('/api/admin/jobs/reminder-scan', {}, c.w.admin.token);
      expect(again.body.digests).toBe(0);
      await new Promise((r) => setTimeout(r, 1000));
      expect(sink.to('digest.officer@city.example.jp')).toHaveLength(1);
    });

    it("gives each user a digest of their own, and keeps what came after a user's digest for the next day", async () => {
      const others = await Promise.all(
        ['digest.two', 'digest.three'].map(async (name) => {
          const user = await aUser(t, c.w.wardA, 'ward_officer');
          const r = await settings(user.token, {
            email: `${name}@city.example.jp`,
            mailMode: 'digest',
          });
          expect(r.status).toBe(200);
          return { user, address: `${name}@city.example.jp` };
        }),
      );
      const late = await incident('今日のまとめの後');
      const scan = await t.post('/api/admin/jobs/reminder-scan', {}, c.w.admin.token);
      // The first digester has today's digest already: only the two new users get one.
      expect(scan.body.digests).toBe(2);
      for (const { address } of others) {
        const [digest] = await mailed(address, 1);
        expect(digest!.parsed.text).toContain('今日のまとめの後');
      }
      // Every inbox row went into its own user's digest, none into another's.
      const crossed = await t.dataSource.query<Array<{ n: number | string }>>(
        `SELECT COUNT(*) AS n FROM notification_recipients r
           JOIN mail_deliveries m ON m.id = r.mail_delivery_id
          WHERE m.user_id <> r.user_id`,
      );
      expect(Number(crossed[0]!.n)).toBe(0);
      const [waiting] = (await inbox(digester.token)).filter((n) => n.id === late.id);
      expect(waiting.mail).toMatchObject({ status: 'waiting', mode: 'digest' });

      t.clock.advance(24 * 60 * 60 * 1000);
      // A day on, the sessions have expired: a new admin runs the next day's scan.
      const admin = await aUser(t, c.w.wardA, 'admin');
      const nextDay = await t.post('/api/admin/jobs/reminder-scan', {}, admin.token);
      expect(nextDay.body.digests).toBe(1);
      const [, second] = await mailed('digest.officer@city.example.jp', 2);
      expect(second!.parsed.text).toContain('今日のまとめの後');
      expect(second!.parsed.subject).toContain('2026年11月26日');
      for (const { address } of others) expect(sink.to(address)).toHaveLength(1);
    });
  });

  it('health says mail is configured, and nothing of the SMTP server', async () => {
    const r = await t.get('/api/health');
    expect(r.body.mail).toEqual({ status: 'configured' });
    expect(r.text).not.toContain(String(sink.port));
  });

  describe('without SMTP_URL', () => {
    it('queues and sends nothing, and health says mail is disabled', async () => {
      const before = sink.received.length;
      const off = await TestApp.start();
      try {
        const w = await aCustodyWorld(off);
        const r = await off.request('PATCH', '/api/auth/me/mail-settings', {
          token: w.w.officerA.token,
          body: { email: 'officer.a@city.example.jp' },
        });
        expect(r.status).toBe(200);
        const dvd = await w.dvd();
        const reported = await off.post(
          `${w.base}/incidents`,
          { kind: 'other', mediumIds: [dvd], description: 'メールなし' },
          w.w.officerA.token,
        );
        expect(reported.status).toBe(201);
        const items = (await off.get('/api/notifications', w.w.officerA.token)).body.items;
        expect(items.length).toBeGreaterThan(0);
        expect(items.every((n: { mail: unknown }) => n.mail === null)).toBe(true);
        expect(
          (await off.post('/api/admin/jobs/reminder-scan', {}, w.w.admin.token)).body.digests,
        ).toBe(0);
        expect(await off.count('mail_deliveries')).toBe(0);
        expect((await off.get('/api/health')).body.mail).toEqual({ status: 'disabled' });
        await new Promise((r) => setTimeout(r, 500));
        expect(sink.received.length).toBe(before);
      } finally {
        await off.close();
      }
    });
  });
});

import type { Browser, BrowserContext, Page } from 'playwright-core';
import { aContract } from '../factories/contract.factory.js';
import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { aUser, TEST_PASSWORD, totpCode } from '../factories/identity.factory.js';
import { launchBrowser, screenshot, seriousViolations } from '../support/browser.js';
import { TestApp } from '../support/test-app.js';

/**
 * The web app in a real browser (Debian's Chromium driven by playwright-core)
 * against the built service: several users in separate browser contexts,
 * every screen checked with axe (no serious or critical violation).
 */
describe('the web app in a browser', () => {
  let t: TestApp;
  let c: CustodyWorld;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    t = await TestApp.start();
    c = await aCustodyWorld(t, { title: '住民税課税資料のデータ入力業務委託' });
    ({ browser, close: closeBrowser } = await launchBrowser());
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await closeBrowser?.();
    await t?.close();
  });

  /** A new browser (context) for one person, at the 1280×800 of an office PC. */
  async function newPage(viewport = { width: 1280, height: 800 }): Promise<Page> {
    const context = await browser.newContext({ viewport, locale: 'ja-JP' });
    contexts.push(context);
    return context.newPage();
  }

  async function logIn(page: Page, loginId: string, password = TEST_PASSWORD) {
    await page.goto(`${t.baseUrl}/`);
    await page.getByRole('heading', { name: '管理簿 ログイン' }).waitFor();
    await page.getByLabel('ログインID').fill(loginId);
    await page.getByLabel('パスワード').fill(password);
    await page.getByRole('button', { name: 'ログイン' }).click();
  }

  async function expectAccessible(page: Page, name: string) {
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, name);
  }

  it('shows the login in Japanese, refuses a wrong password in Japanese, and is accessible', async () => {
    const page = await newPage();
    await page.goto(`${t.baseUrl}/contracts`);
    // Not signed in: the app sends the visitor to the login.
    await page.getByRole('heading', { name: '管理簿 ログイン' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('ja');
    await expectAccessible(page, '01-login');
    await page.getByRole('button', { name: 'ログイン' }).click();
    await page.getByText('ログインIDを入力してください。').waitFor();
    await logIn(page, c.w.officerA.user.loginId, 'wrong-password-123');
    await page
      .getByRole('alert')
      .filter({ hasText: 'ログインIDまたはパスワードが違います。' })
      .waitFor();
    expect(await page.content()).not.toContain('INVALID_CREDENTIALS');
  });

  it('takes an officer to 今日の作業, the contract, its media and its verified 管理簿', async () => {
    const dvd = await c.dvd('住民-001');
    const page = await newPage();
    await logIn(page, c.w.officerA.user.loginId);
    await page.getByRole('heading', { name: '今日の作業' }).waitFor();
    await page.getByRole('heading', { name: '手元で保管中の媒体（1件）' }).waitFor();
    await expectAccessible(page, '02-home');
    await page.getByRole('link', { name: /住民-001/ }).click();
    await page.getByRole('heading', { name: '住民税課税資料のデータ入力業務委託' }).waitFor();
    const row = page.getByRole('row', { name: /住民-001/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('保管中');
    await expectAccessible(page, '03-contract-media');

    // The 管理簿 tab verifies the chain and offers both downloads.
    await page.getByRole('link', { name: '管理簿' }).click();
    await page.getByRole('status').filter({ hasText: '検証済み：改ざんなし' }).waitFor();
    await page.getByRole('row', { name: /媒体登録/ }).waitFor();
    // A reload on the tab's own address keeps the screen.
    expect(page.url()).toMatch(/\/contracts\/[0-9a-f-]{36}\/ledger$/);
    await page.reload();
    await page.getByRole('status').filter({ hasText: '検証済み：改ざんなし' }).waitFor();
    await expectAccessible(page, '04-contract-ledger');
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Excel でダウンロード' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/\.xlsx$/);
    expect(dvd).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('shows the handler the handover waiting for their receipt, at tablet width too', async () => {
    await c.dvd('住民-002');
    const sent = await c.provide(['住民-002']);
    expect(sent.status).toBe(201);
    const page = await newPage({ width: 820, height: 1180 });
    await logIn(page, c.w.staffX.user.loginId);
    await page.getByRole('heading', { name: '受領待ちの引渡し（1件）' }).waitFor();
    await page.getByRole('link', { name: /住民-002/ }).click();
    await page
      .getByRole('row', { name: /住民-002/ })
      .filter({ hasText: '未受領' })
      .waitFor();
    await expectAccessible(page, '05-handovers-tablet');
  });

  it('asks for the TOTP code after the password of an account with a second factor', async () => {
    t.clock.advance(60_000);
    const u = await aUser(t, c.w.wardA, 'ward_officer', { mfa: true, login: false });
    const page = await newPage();
    await logIn(page, u.user.loginId);
    await page.getByLabel('確認コード').waitFor();
    await expectAccessible(page, '06-login-code');
    await page
      .getByLabel('確認コード')
      .fill('000000' === totpCode(t, u.totpSecret!) ? '111111' : '000000');
    await page.getByRole('button', { name: '確認' }).click();
    await page.getByRole('alert').filter({ hasText: '確認コードが違うか' }).waitFor();
    await page.getByLabel('確認コード').fill(totpCode(t, u.totpSecret!));
    await page.getByRole('button', { name: '確認' }).click();
    await page.getByRole('heading', { name: '今日の作業' }).waitFor();
  });

  it('ends the session at logout: the page returns to the login and the cookie no longer works', async () => {
    const page = await newPage();
    await logIn(page, c.w.officerA.user.loginId);
    await page.getByRole('heading', { name: '今日の作業' }).waitFor();
    const cookies = await page.context().cookies();
    expect(cookies.find((k) => k.name === 'kanribo_session')).toMatchObject({
      httpOnly: true,
      sameSite: 'Strict',
    });
    const session = cookies.find((k) => k.name === 'kanribo_session')!.value;
    await page.getByRole('button', { name: 'ログアウト' }).click();
    await page.getByRole('heading', { name: '管理簿 ログイン' }).waitFor();
    const after = await t.request('GET', '/api/auth/me', {
      headers: { cookie: `kanribo_session=${session}` },
    });
    expect(after.status).toBe(401);
  });

  it('sends a user whose account was deactivated meanwhile back to the login at their next step', async () => {
    const u = await aUser(t, c.w.wardA, 'ward_officer');
    const page = await newPage();
    await logIn(page, u.user.loginId);
    await page.getByRole('link', { name: '契約', exact: true }).click();
    const contract = page.getByRole('link', { name: '住民税課税資料のデータ入力業務委託' });
    await contract.waitFor();
    const off = await t.post(`/api/users/${u.user.id}/deactivate`, {}, c.w.admin.token);
    expect(off.status).toBe(200);
    // The next thing the page asks for is refused and it goes to the login (a
    // background refresh may get there first).
    if (await contract.isVisible()) await contract.click().catch(() => undefined);
    await page.getByRole('heading', { name: '管理簿 ログイン' }).waitFor();
    expect(await page.getByRole('table').count()).toBe(0);
  });

  it('serves the page with its own policy, and leaves /api to the API', async () => {
    const page = await t.request('GET', '/contracts/anything/ledger');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).toContain('<html lang="ja">');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('cache-control')).toBe('no-store');
    const api = await t.request('GET', '/api/no-such-thing');
    expect(api.status).toBe(404);
    expect(api.body.code).toBe('NOT_FOUND');
    expect(api.headers.get('content-security-policy')).toBe(
      "default-src 'none';frame-ancestors 'none'",
    );
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(page.text)![1]!;
    const script = await t.request('GET', asset);
    expect(script.status).toBe(200);
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('records a handover through the screens; the password notice cannot go with it, and the refusal says when', async () => {
    const officer = await newPage();
    await logIn(officer, c.w.officerA.user.loginId);
    await officer.getByRole('heading', { name: '今日の作業' }).waitFor();
    await officer.goto(`${t.baseUrl}/contracts/${c.contractId}/media`);
    const mediumForm = officer.getByRole('form', { name: '媒体を登録する' });
    await mediumForm.waitFor();
    await expectAccessible(officer, '07-register-medium');

    // A DVD-R, then its password notice, named by label.
    await mediumForm.getByLabel('名前（ラベル）').fill('住民-100');
    await mediumForm.getByLabel('情報の内容').fill('住民税課税資料');
    await mediumForm.getByLabel('件数').fill('1200');
    await mediumForm.getByRole('button', { name: '登録する' }).click();
    await officer.getByRole('status').filter({ hasText: '住民-100 を登録しました。' }).waitFor();
    await mediumForm.getByLabel('種類').selectOption({ label: 'パスワード通知書' });
    await mediumForm.getByLabel('名前（ラベル）').fill('PW-100');
    await mediumForm.getByLabel('情報の内容').fill('パスワード通知書');
    await mediumForm.getByLabel('どの媒体のパスワードか').selectOption({ label: '住民-100' });
    await mediumForm.getByRole('button', { name: '登録する' }).click();
    await officer.getByRole('status').filter({ hasText: 'PW-100 を登録しました。' }).waitFor();

    // The DVD-R goes by hand in a locked bag to X's handler, picked by name.
    await officer.getByRole('link', { name: '引渡し' }).click();
    const dispatchForm = officer.getByRole('form', { name: '引き渡す' });
    await dispatchForm.waitFor();
    const handler = `${c.w.staffX.user.displayName}（取扱者）`;
    await dispatchForm.getByLabel(/^住民-100/).check();
    await dispatchForm.getByLabel('渡す相手').selectOption({ label: handler });
    await dispatchForm.getByLabel('袋の番号').fill('BAG-100');
    await dispatchForm.getByLabel('封印番号').fill('S-100');
    await expectAccessible(officer, '08-dispatch');
    await dispatchForm.getByRole('button', { name: '引き渡す' }).click();
    await officer.getByRole('status').filter({ hasText: '住民-100 を' }).waitFor();

    // The handler signs for it on their own screen.
    const staff = await newPage({ width: 820, height: 1180 });
    await logIn(staff, c.w.staffX.user.loginId);
    await staff.getByRole('heading', { name: '今日の作業' }).waitFor();
    await staff.goto(`${t.baseUrl}/contracts/${c.contractId}/handovers`);
    const row = staff.getByRole('row', { name: /住民-100/ });
    await row.getByRole('button', { name: '受領する（封印異常なし）' }).click();
    await row
      .getByRole('button', { name: '受領する（封印異常なし）' })
      .waitFor({ state: 'detached' });
    expect(await row.textContent()).not.toContain('未受領');

    // At once, the notice is refused, in Japanese, with the time it may go.
    await dispatchForm.getByLabel(/^PW-100/).check();
    await dispatchForm.getByLabel('渡す相手').selectOption({ label: handler });
    await dispatchForm.getByLabel('袋の番号').fill('BAG-101');
    await dispatchForm.getByRole('button', { name: '引き渡す' }).click();
    const refusal = officer
      .getByRole('alert')
      .filter({ hasText: 'パスワード通知書は媒体と別の機会に' });
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(
      /送付できるのは \d{4}\/\d{2}\/\d{2} \d{2}:\d{2} 以降です。/,
    );
    await expectAccessible(officer, '09-split-channel-refusal');

    // An hour later it goes.
    t.clock.advance(61 * 60_000);
    await dispatchForm.getByRole('button', { name: '引き渡す' }).click();
    await officer.getByRole('status').filter({ hasText: 'PW-100 を' }).waitFor();
    const ledger = await t.get(`${c.base}/ledger?limit=500`, c.w.officerA.token);
    const types = (ledger.body.items as Array<{ type: string }>).map((e) => e.type);
    expect(types.slice(-4)).toEqual([
      'medium_registered',
      'handover_dispatched',
      'handover_received',
      'handover_dispatched',
    ]);
  });

  it('takes a take-out through the screens: the officer applies, the section head approves, the DVD-R is registered under it', async () => {
    const contract = await aContract(t, c.w, {
      title: '持出し承認の契約',
      handoverPolicy: { requireTakeoutApproval: true },
    });
    const chief = await aUser(t, c.w.wardA, 'ward_officer');
    const marked = await t.request('PUT', `/api/users/${chief.user.id}/approver`, {
      token: c.w.admin.token,
      body: { approver: true },
    });
    expect(marked.status).toBe(200);

    const officer = await newPage();
    await logIn(officer, c.w.officerA.user.loginId);
    await officer.getByRole('heading', { name: '今日の作業' }).waitFor();
    await officer.goto(`${t.baseUrl}/contracts/${contract.id}/takeout`);
    const form = officer.getByRole('form', { name: '持出しを申請する' });
    await form.waitFor();
    // Nothing chosen: said in Japanese beside the fields, nothing sent.
    await form.getByRole('button', { name: '申請する' }).click();
    await form.getByText('データ項目を選んでください。').waitFor();
    expect(
      (await t.get(`/api/contracts/${contract.id}/takeout-requests`, c.w.officerA.token)).body
        .items,
    ).toEqual([]);
    await form.getByLabel('氏名').check();
    await form.getByLabel('件数（1媒体あたりの上限）').fill('1200');
    await form.getByLabel('DVD-R').check();
    await form.getByLabel('持出し予定日').fill('2026-11-26');
    await form.getByLabel('書き出す端末').fill('KOSEKI-PC-07');
    await expectAccessible(officer, '10-takeout-request');
    await form.getByRole('button', { name: '申請する' }).click();
    await officer.getByRole('status').filter({ hasText: '申請しました' }).waitFor();
    await officer.getByRole('cell', { name: '承認待ち' }).waitFor();

    // The section head approves it on their own screen.
    const head = await newPage();
    await logIn(head, chief.user.loginId);
    await head.getByRole('heading', { name: '今日の作業' }).waitFor();
    await head.goto(`${t.baseUrl}/contracts/${contract.id}/takeout`);
    await expectAccessible(head, '11-takeout-approve');
    await head.getByRole('button', { name: '承認する' }).click();
    await head.getByRole('cell', { name: /承認済み/ }).waitFor();

    // The applicant registers the DVD-R under it.
    await officer.goto(`${t.baseUrl}/contracts/${contract.id}/media`);
    const mediumForm = officer.getByRole('form', { name: '媒体を登録する' });
    await mediumForm.getByLabel('名前（ラベル）').fill('持出-001');
    await mediumForm.getByLabel('情報の内容').fill('住民税課税資料');
    await mediumForm.getByLabel('件数').fill('1200');
    await mediumForm.getByLabel('持出し申請（承認済み）').selectOption({ index: 1 });
    await mediumForm.getByRole('button', { name: '登録する' }).click();
    await officer.getByRole('status').filter({ hasText: '持出-001 を登録しました。' }).waitFor();
    const media = await t.get(`/api/contracts/${contract.id}/media`, c.w.officerA.token);
    expect(media.body.items).toEqual([
      expect.objectContaining({ label: '持出-001', takeoutRequestId: expect.any(String) }),
    ]);
  });

  it('takes a user with a one-time password through its change to 今日の作業', async () => {
    const u = await aUser(t, c.w.wardA, 'ward_officer', { mustChangePassword: true, login: false });
    const page = await newPage();
    await logIn(page, u.user.loginId);
    await page.getByRole('heading', { name: 'パスワードの変更' }).waitFor();
    await expectAccessible(page, '12-password-change');
    await page.getByLabel('現在のパスワード').fill(TEST_PASSWORD);
    await page.getByLabel('新しいパスワード', { exact: true }).fill('別の-新しい-パスワード-2026');
    await page.getByLabel('新しいパスワード（確認）').fill('別の-新しい-パスワード-2027');
    await page.getByRole('button', { name: '変更する' }).click();
    await page.getByText('新しいパスワードが一致しません。').waitFor();
    await page.getByLabel('新しいパスワード（確認）').fill('別の-新しい-パスワード-2026');
    await page.getByRole('button', { name: '変更する' }).click();
    await page.getByRole('heading', { name: '今日の作業' }).waitFor();
    const login = await t.post('/api/auth/login', {
      loginId: u.user.loginId,
      password: '別の-新しい-パスワード-2026',
    });
    expect(login.status).toBe(200);
    expect(login.body.user.mustChangePassword).toBe(false);
  });
});

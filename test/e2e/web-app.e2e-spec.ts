import type { Browser, BrowserContext, Page } from 'playwright-core';
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
});

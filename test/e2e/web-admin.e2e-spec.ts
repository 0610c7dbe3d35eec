import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  aUser,
  anOrganization,
  TEST_PASSWORD,
  totpCode,
  type TestUser,
} from '../factories/identity.factory.js';
import { UserEntity } from '../../src/modules/identity/entities/user.entity.js';
import type { OrganizationEntity } from '../../src/modules/identity/entities/organization.entity.js';
import { launchBrowser, screenshot, seriousViolations } from '../support/browser.js';
import { TestApp } from '../support/test-app.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { aTestSigner } from '../support/x509-kit.js';
import { aCustodyWorld } from '../factories/custody.factory.js';

/**
 * The identity and admin screens in a real browser against the built
 * service: the lockout and the second factor at the login, enrollment of a
 * second factor, and an admin's work on accounts, organizations, signing
 * certificates and webhooks. Auditors must have a second factor here; the
 * login id locks after three failures.
 */
describe('the identity and admin screens in a browser', () => {
  let t: TestApp;
  let ward: OrganizationEntity;
  let contractor: OrganizationEntity;
  let admin: TestUser;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    t = await TestApp.start({
      env: {
        MFA_REQUIRED_ROLES: 'auditor',
        LOGIN_MAX_FAILURES: '3',
        LOGIN_LOCK_MINUTES: '15',
        WEBHOOK_ATTEMPTS: '2',
        WEBHOOK_BACKOFF_MS: '100',
      },
      // 10 s into a 30-second TOTP step.
      at: '2026-11-25T01:00:10.000Z',
    });
    ward = await anOrganization(t, 'ward', '新宿区 区民課');
    contractor = await anOrganization(t, 'contractor', '株式会社データ入力');
    admin = await aUser(t, ward, 'admin');
    ({ browser, close: closeBrowser } = await launchBrowser());
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await closeBrowser?.();
    await t?.close();
  });

  async function newPage(viewport = { width: 1280, height: 800 }): Promise<Page> {
    const context = await browser.newContext({ viewport, locale: 'ja-JP' });
    contexts.push(context);
    return context.newPage();
  }

  /** Fills in the password step and waits for the service's answer to it. */
  async function logIn(page: Page, loginId: string, password = TEST_PASSWORD) {
    await page.goto(`${t.baseUrl}/login`);
    await page.getByRole('heading', { name: '管理簿 ログイン' }).waitFor();
    await page.getByLabel('ログインID').fill(loginId);
    await page.getByLabel('パスワード').fill(password);
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/auth/login'));
    await page.getByRole('button', { name: 'ログイン' }).click();
    return (await answer).status();
  }

  async function expectAccessible(page: Page, name: string) {
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, name);
  }

  /** The admin's 利用者 screen with the actions of one user open. */
  async function openUserActions(page: Page, loginId: string) {
    await page.getByRole('link', { name: '管理', exact: true }).click();
    await page.getByRole('heading', { name: '利用者', exact: true }).waitFor();
    await page.getByLabel('ログインID・氏名で検索').fill(loginId);
    const open = page.getByRole('button', { name: `${loginId} の操作` });
    await open.click();
    return page.getByRole('region', { name: new RegExp(`（${loginId}）の操作`) });
  }

  async function adminPage(viewport?: { width: number; height: number }): Promise<Page> {
    const page = await newPage(viewport);
    expect(await logIn(page, admin.user.loginId)).toBe(200);
    await page.getByRole('heading', { name: '今日の作業' }).waitFor();
    return page;
  }

  const stored = (id: string) => t.dataSource.getRepository(UserEntity).findOneByOrFail({ id });

  it('locks the login id after wrong passwords, says so in Japanese, and lets the user in with password and TOTP once an admin unlocks it', async () => {
    const u = await aUser(t, ward, 'ward_officer', { mfa: true, login: false });
    const page = await newPage();
    for (let i = 0; i < 3; i++) {
      expect(await logIn(page, u.user.loginId, `wrong-password-${i}`)).toBe(401);
      await page
        .getByRole('alert')
        .filter({ hasText: 'ログインIDまたはパスワードが違います。' })
        .waitFor();
    }
    // Locked: even the right password is refused, in Japanese, with when it ends.
    expect(await logIn(page, u.user.loginId)).toBe(429);
    const locked = page.getByRole('alert').filter({ hasText: '一時的にロックされています' });
    await locked.waitFor();
    expect(await locked.textContent()).toMatch(
      /\d{4}\/\d{2}\/\d{2} \d{2}:\d{2} ごろに解除されます。/,
    );
    expect(await page.content()).not.toContain('TOO_MANY_ATTEMPTS');
    await expectAccessible(page, '20-login-locked');
    const direct = await t.post('/api/auth/login', {
      loginId: u.user.loginId,
      password: TEST_PASSWORD,
    });
    expect(direct.status).toBe(429);

    // An admin unlocks it on the 利用者 screen.
    const adminView = await adminPage();
    const actions = await openUserActions(adminView, u.user.loginId);
    await actions.getByRole('button', { name: 'ロック解除' }).click();
    await actions.getByRole('status').filter({ hasText: 'ロックを解除しました。' }).waitFor();
    await expectAccessible(adminView, '21-admin-users');

    // Password, then a wrong code (refused in Japanese), then the right one.
    expect(await logIn(page, u.user.loginId)).toBe(200);
    await page
      .getByLabel('確認コード')
      .fill(totpCode(t, u.totpSecret!) === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: '確認', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: '確認コードが違うか' }).waitFor();
    await page.getByLabel('確認コード').fill(totpCode(t, u.totpSecret!));
    await page.getByRole('button', { name: '確認', exact: true }).click();
    await page.getByRole('heading', { name: '今日の作業' }).waitFor();
    expect((await page.request.get(`${t.baseUrl}/api/auth/me`)).status()).toBe(200);
  });

  it('takes a user who must have a second factor to its setup, shows the recovery codes once, and accepts one at the next login', async () => {
    t.clock.advance(30_000);
    const u = await aUser(t, ward, 'auditor', { login: false, mustChangePassword: true });
    const page = await newPage();
    expect(await logIn(page, u.user.loginId)).toBe(200);
    // A new account: the password first, then the second factor.
    await page.getByRole('heading', { name: 'パスワードの変更' }).waitFor();
    await page.getByLabel('現在のパスワード').fill(TEST_PASSWORD);
    await page.getByLabel('新しいパスワード', { exact: true }).fill('Amber-lantern-harbor-77');
    await page.getByLabel('新しいパスワード（確認）').fill('Amber-lantern-harbor-77');
    await page.getByRole('button', { name: '変更する' }).click();
    await page.getByRole('heading', { name: '二要素認証の設定' }).waitFor();
    expect(page.url()).toBe(`${t.baseUrl}/mfa`);
    // Until it is set up the service refuses everything else.
    const refused = await page.request.get(`${t.baseUrl}/api/contracts`);
    expect(refused.status()).toBe(403);
    expect(((await refused.json()) as { code: string }).code).toBe('MFA_ENROLLMENT_REQUIRED');

    await page.getByRole('button', { name: '設定を始める' }).click();
    const qr = page.getByRole('img', { name: /QR コード/ });
    await qr.waitFor();
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    await expectAccessible(page, '22-mfa-enroll');
    const secret = ((await page.locator('code.secret').textContent()) ?? '').replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);

    await page.getByLabel('確認コード').fill('12345');
    await page.getByRole('button', { name: '確認して設定する' }).click();
    await page.getByText('確認コードは6桁の数字です。').waitFor();
    await page.getByLabel('確認コード').fill(totpCode(t, secret));
    await page.getByRole('button', { name: '確認して設定する' }).click();
    const codes = page.getByRole('list', { name: '回復コードの一覧' }).getByRole('listitem');
    await page.getByRole('heading', { name: '回復コード' }).waitFor();
    expect(await codes.count()).toBe(10);
    const recoveryCodes = await codes.allTextContents();
    await page.getByText('今回しか表示されません').waitFor();
    await expectAccessible(page, '23-mfa-recovery-codes');
    expect((await stored(u.user.id)).totpConfirmedAt).not.toBeNull();

    const onward = page.getByRole('button', { name: '今日の作業へ進む' });
    expect(await onward.isDisabled()).toBe(true);
    await page.getByLabel('回復コードを安全な場所に保管しました').check();
    await onward.click();
    await page.getByRole('heading', { name: '今日の作業' }).waitFor();

    // Its state, later.
    await page.goto(`${t.baseUrl}/mfa`);
    await page.getByRole('heading', { name: '設定済みです' }).waitFor();
    await page.getByText('10個').waitFor();
    await expectAccessible(page, '24-mfa-enrolled');

    // The next login asks for the second factor; a recovery code does instead.
    await page.goto(`${t.baseUrl}/`);
    await page.getByRole('button', { name: 'ログアウト' }).click();
    await page.getByRole('heading', { name: '管理簿 ログイン' }).waitFor();
    expect(await logIn(page, u.user.loginId, 'Amber-lantern-harbor-77')).toBe(200);
    await page.getByRole('button', { name: '回復コードを使う' }).click();
    await page.getByLabel('回復コード').fill(recoveryCodes[3]!);
    await expectAccessible(page, '24-login-recovery-code');
    await page.getByRole('button', { name: '確認', exact: true }).click();
    await page.getByRole('heading', { name: '今日の作業' }).waitFor();
    const status = await page.request.get(`${t.baseUrl}/api/auth/mfa`);
    expect(((await status.json()) as { recoveryCodesLeft: number }).recoveryCodesLeft).toBe(9);

    // A spent recovery code is refused.
    await page.getByRole('button', { name: 'ログアウト' }).click();
    expect(await logIn(page, u.user.loginId, 'Amber-lantern-harbor-77')).toBe(200);
    await page.getByRole('button', { name: '回復コードを使う' }).click();
    await page.getByLabel('回復コード').fill(recoveryCodes[3]!);
    await page.getByRole('button', { name: '確認', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: '確認コードが違うか' }).waitFor();
  });

  it('lets an admin create a user on screen, who logs in with the temporary password and must change it', async () => {
    const page = await adminPage();
    await page.getByRole('link', { name: '管理', exact: true }).click();
    await page.getByRole('button', { name: '利用者を追加' }).click();
    const form = page.getByRole('form', { name: '利用者の追加' });
    await form.getByLabel('組織').selectOption({ label: '新宿区 区民課（区（所管課））' });
    await form.getByLabel('役割').selectOption({ label: '区職員' });
    await form.getByLabel('ログインID').fill('sato.hanako');
    await form.getByLabel('氏名').fill('佐藤 花子');
    // A placeholder pasted from the documentation: the service's reason, in Japanese, by the field.
    await form.getByLabel('仮パスワード').fill('<at least 12 characters>');
    await form.getByRole('button', { name: '追加する' }).click();
    await form
      .getByRole('alert')
      .filter({ hasText: '仮パスワードが説明書きの例（<…>、{{…}}、${…}、[…]）のままです。' })
      .waitFor();
    expect((await t.get('/api/users?q=sato.hanako', admin.token)).body.items).toEqual([]);
    await form.getByRole('button', { name: '自動生成' }).click();
    await form.getByRole('button', { name: '追加する' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: '佐藤 花子（sato.hanako）を追加しました。' })
      .waitFor();
    // Shown once, beside the status rather than read aloud by it, with a copy button.
    const temporary = (await page.locator('code.secret').textContent()) ?? '';
    expect(temporary).toMatch(/^[A-Za-z2-9]{20}$/);
    expect(await page.getByRole('status').locator('code.secret').count()).toBe(0);
    await page.getByRole('button', { name: '仮パスワードをコピー' }).waitFor();
    await expectAccessible(page, '25-admin-user-created');

    const listed = await t.get('/api/users?q=sato.hanako', admin.token);
    expect(listed.body.items).toEqual([
      expect.objectContaining({
        loginId: 'sato.hanako',
        displayName: '佐藤 花子',
        role: 'ward_officer',
        organizationId: ward.id,
        active: true,
        mustChangePassword: true,
      }),
    ]);
    await page.getByRole('row', { name: /sato\.hanako/ }).waitFor();

    // The same login id again is refused next to the field.
    await form.getByLabel('組織').selectOption({ label: '株式会社データ入力（委託先）' });
    await form.getByLabel('役割').selectOption({ label: '委託先取扱者' });
    await form.getByLabel('ログインID').fill('sato.hanako');
    await form.getByLabel('氏名').fill('別の 佐藤');
    await form.getByRole('button', { name: '自動生成' }).click();
    await form.getByRole('button', { name: '追加する' }).click();
    await form.getByText('このログインIDはすでに使われています。').waitFor();
    expect((await t.get('/api/users?q=sato.hanako', admin.token)).body.items).toHaveLength(1);

    // The new user: the temporary password, then the forced change, then 今日の作業.
    const user = await newPage({ width: 820, height: 1180 });
    expect(await logIn(user, 'sato.hanako', temporary)).toBe(200);
    await user.getByRole('heading', { name: 'パスワードの変更' }).waitFor();
    await user.getByLabel('現在のパスワード').fill(temporary);
    await user.getByLabel('新しいパスワード', { exact: true }).fill('Quiet-river-stone-2026');
    await user.getByLabel('新しいパスワード（確認）').fill('Quiet-river-stone-2026');
    await user.getByRole('button', { name: '変更する' }).click();
    await user.getByRole('heading', { name: '今日の作業' }).waitFor();
    const again = await t.post('/api/auth/login', {
      loginId: 'sato.hanako',
      password: 'Quiet-river-stone-2026',
    });
    expect(again.status).toBe(200);
    expect(again.body.user.mustChangePassword).toBe(false);
  });

  it('lets an admin deactivate a user on screen; the user’s open page fails at the next step and goes to the login', async () => {
    const u = await aUser(t, ward, 'ward_officer', { login: false });
    const user = await newPage();
    expect(await logIn(user, u.user.loginId)).toBe(200);
    await user.getByRole('heading', { name: '今日の作業' }).waitFor();

    const page = await adminPage({ width: 820, height: 1180 });
    const actions = await openUserActions(page, u.user.loginId);
    await actions.getByRole('button', { name: '無効化' }).click();
    const confirm = actions.getByRole('group', { name: '無効化の確認' });
    await confirm.getByText('ログインできなくなり').waitFor();
    await expectAccessible(page, '26-admin-deactivate-confirm');
    // Nothing happens before the confirmation.
    expect((await stored(u.user.id)).active).toBe(true);
    await confirm.getByRole('button', { name: '無効化する' }).click();
    await actions.getByRole('status').filter({ hasText: '無効化しました。' }).waitFor();
    await page.getByRole('cell', { name: '無効', exact: true }).waitFor();
    expect((await stored(u.user.id)).active).toBe(false);

    // Their next step asks the service for something it has not shown yet (通知).
    await user.getByRole('link', { name: '通知', exact: true }).click();
    await user.getByRole('heading', { name: '管理簿 ログイン' }).waitFor();
    expect(await user.getByRole('table').count()).toBe(0);
    expect(await logIn(user, u.user.loginId)).toBe(401);

    // Reactivated, a fresh temporary password (shown once) lets them in again.
    await actions.getByRole('button', { name: '再有効化' }).click();
    await actions.getByRole('status').filter({ hasText: '再び有効にしました。' }).waitFor();
    await actions.getByRole('button', { name: 'パスワード再発行' }).click();
    await actions.getByRole('button', { name: '再発行する' }).click();
    await actions.getByRole('status').filter({ hasText: 'パスワードを再発行しました。' }).waitFor();
    const temporary = (await actions.locator('code.secret').textContent()) ?? '';
    expect(await logIn(user, u.user.loginId, temporary)).toBe(200);
    await user.getByRole('heading', { name: 'パスワードの変更' }).waitFor();

    // An admin's own account: what the service would refuse is not offered, and the row says why.
    const own = await openUserActions(page, admin.user.loginId);
    await own.getByText('自分自身のアカウントです。').waitFor();
    for (const name of ['無効化', 'パスワード再発行', '二要素認証リセット', 'ロック解除']) {
      expect(await own.getByRole('button', { name }).count()).toBe(0);
    }
    expect((await stored(admin.user.id)).active).toBe(true);
  });

  it('marks a ward officer as approver and back, and resets a second factor', async () => {
    t.clock.advance(30_000);
    const u = await aUser(t, ward, 'ward_officer', { mfa: true });
    const page = await adminPage();
    const actions = await openUserActions(page, u.user.loginId);
    await actions.getByRole('button', { name: '承認者に指定' }).click();
    await actions.getByRole('button', { name: '承認者の指定を外す' }).waitFor();
    expect(
      (await t.get(`/api/users?q=${u.user.loginId}`, admin.token)).body.items[0].approver,
    ).toBe(true);
    await actions.getByRole('button', { name: '承認者の指定を外す' }).click();
    await actions.getByRole('button', { name: '承認者に指定' }).waitFor();
    expect(
      (await t.get(`/api/users?q=${u.user.loginId}`, admin.token)).body.items[0].approver,
    ).toBe(false);

    await actions.getByRole('button', { name: '二要素認証リセット' }).click();
    await actions.getByRole('button', { name: 'リセットする' }).click();
    await actions
      .getByRole('status')
      .filter({ hasText: '二要素認証をリセットしました。' })
      .waitFor();
    expect((await stored(u.user.id)).totpSecret).toBeNull();
    // A second reset: nothing to reset, said in Japanese.
    await actions.getByRole('button', { name: '二要素認証リセット' }).click();
    await actions.getByRole('button', { name: 'リセットする' }).click();
    await actions
      .getByRole('alert')
      .filter({ hasText: '二要素認証が設定されていません。' })
      .waitFor();
  });

  it('lists and creates organizations, registers and revokes a contractor’s signing certificate, and sets a webhook', async () => {
    const page = await adminPage();
    await page.goto(`${t.baseUrl}/admin/organizations`);
    await page.getByRole('heading', { name: '組織', exact: true }).waitFor();
    const form = page.getByRole('form', { name: '組織の追加' });
    await form.getByRole('button', { name: '追加する' }).click();
    await form.getByText('名称を入力してください。').waitFor();
    await form.getByLabel('名称').fill('株式会社再委託');
    await form.getByLabel('種別').selectOption({ label: '委託先' });
    await form.getByRole('button', { name: '追加する' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: '株式会社再委託（委託先）を追加しました。' })
      .waitFor();
    await page.getByRole('row', { name: /株式会社再委託/ }).waitFor();
    await expectAccessible(page, '27-admin-organizations');
    const organizations = (await t.get('/api/organizations', admin.token)).body.items as Array<{
      name: string;
      kind: string;
    }>;
    expect(organizations).toContainEqual(
      expect.objectContaining({ name: '株式会社再委託', kind: 'contractor' }),
    );
    // The same name again is refused.
    await form.getByLabel('名称').fill('株式会社再委託');
    await form.getByLabel('種別').selectOption({ label: '委託先' });
    await form.getByRole('button', { name: '追加する' }).click();
    await page.getByRole('alert').filter({ hasText: '同じ名前の組織がすでにあります。' }).waitFor();

    // 署名証明書 of the contractor: a wrong paste, then a real certificate, then revoked.
    await page.getByRole('link', { name: '署名証明書' }).click();
    // Until the section has replaced the organizations', 「組織の追加」 answers to 組織 too.
    await page.getByRole('heading', { name: '署名証明書', exact: true }).waitFor();
    await page
      .getByLabel('組織', { exact: true })
      .selectOption({ label: '株式会社データ入力（委託先）' });
    await page.getByLabel('または PEM を貼り付け').fill('not a certificate');
    await page.getByRole('button', { name: '登録する' }).click();
    await page.getByText('PEM形式の証明書').waitFor();
    const signer = aTestSigner({ type: 'ec', curve: 'P-256' }, { cn: 'Data Nyuryoku signer' });
    await page.getByLabel('証明書ファイル（PEM）').setInputFiles({
      name: 'signer.pem',
      mimeType: 'application/x-pem-file',
      buffer: Buffer.from(signer.certPem),
    });
    await page.getByRole('button', { name: '登録する' }).click();
    await page.getByRole('status').filter({ hasText: '証明書を登録しました' }).waitFor();
    const row = page.getByRole('row', { name: /Data Nyuryoku signer/ });
    await row.waitFor();
    expect(await row.textContent()).toContain(signer.fingerprint256);
    await expectAccessible(page, '28-admin-certificates');
    const path = `/api/organizations/${contractor.id}/certificates`;
    const registered = (await t.get(path, admin.token)).body.items;
    expect(registered).toEqual([
      expect.objectContaining({ fingerprint256: signer.fingerprint256, revokedAt: null }),
    ]);
    await row.getByRole('button', { name: '失効させる' }).click();
    await row.getByRole('button', { name: '失効させる' }).click();
    await row.getByText(/失効 \d{4}\//).waitFor();
    expect((await t.get(path, admin.token)).body.items[0].revokedAt).not.toBeNull();

    // Webhook of the ward: a refused address, then one that is set, then removed.
    await page.getByRole('link', { name: 'Webhook' }).click();
    await page.getByRole('heading', { name: 'Webhook', exact: true }).waitFor();
    await page
      .getByLabel('組織', { exact: true })
      .selectOption({ label: '新宿区 区民課（区（所管課））' });
    await page.getByText('設定されていません。').waitFor();
    await page.getByLabel('送信先 URL').fill('https://10.1.2.3/hook');
    // A secret not in the Standard Webhooks form is refused next to its field.
    await page.getByLabel('署名用のシークレット（任意）').fill('s3cret-s3cret-s3cret');
    await page.getByRole('button', { name: '保存する' }).click();
    await page
      .getByText('シークレットは whsec_ で始まる Standard Webhooks 形式にしてください。')
      .waitFor();
    // Left empty, the service makes one.
    await page.getByLabel('署名用のシークレット（任意）').fill('');
    await page.getByRole('button', { name: '保存する' }).click();
    await page.getByRole('alert').filter({ hasText: 'この宛先の URL は使えません。' }).waitFor();
    await page.getByLabel('送信先 URL').fill('http://127.0.0.1:9/kanribo');
    await page.getByRole('button', { name: '保存する' }).click();
    await page.getByRole('status').filter({ hasText: 'Webhook を保存しました。' }).waitFor();
    // Shown once, outside the live region (not read aloud), with a copy button.
    const shown = (await page.locator('code.secret').textContent()) ?? '';
    expect(shown).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(await page.getByRole('status').locator('code.secret').count()).toBe(0);
    await page.getByRole('button', { name: '署名用のシークレットをコピー' }).waitFor();
    await page.getByText('http://127.0.0.1:9/kanribo').waitFor();
    await page.getByText('配信の記録はありません。').waitFor();
    await expectAccessible(page, '29-admin-webhook');
    const hook = await t.get(`/api/organizations/${ward.id}/webhook`, admin.token);
    expect(hook.body).toMatchObject({
      url: 'http://127.0.0.1:9/kanribo',
      updatedByUserId: admin.user.id,
    });
    expect(JSON.stringify(hook.body)).not.toContain(shown.slice('whsec_'.length));
    await page.getByRole('button', { name: 'Webhook を削除' }).click();
    await page.getByRole('button', { name: '削除する' }).click();
    await page.getByRole('status').filter({ hasText: 'Webhook を削除しました。' }).waitFor();
    await page.getByText('設定されていません。').waitFor();
    expect((await t.get(`/api/organizations/${ward.id}/webhook`, admin.token)).status).toBe(404);
  });

  it('lists the deliveries to an organization’s webhook with their outcome, and filters the failed ones', async () => {
    const c = await aCustodyWorld(t);
    const receiver = await WebhookReceiver.start();
    try {
      const hook = `/api/organizations/${c.w.wardA.id}/webhook`;
      const set = await t.request('PUT', hook, {
        token: admin.token,
        body: { url: receiver.url },
      });
      expect(set.status).toBe(200);
      // A broken seal at receipt raises an incident, sent to the ward's webhook.
      const brokenSeal = async () => {
        const sent = await c.provide([await c.dvd()]);
        const r = await c.receive(c.w.staffX.token, sent.body.id, { sealIntact: false });
        expect(r.status).toBe(201);
      };
      const settled = (count: number) =>
        t.eventually(
          async () => {
            const items = (await t.get(`${hook}/deliveries`, admin.token)).body.items as Array<{
              status: string;
            }>;
            return items.length === count && items.every((d) => d.status !== 'pending')
              ? items
              : null;
          },
          15_000,
          `${count} settled deliveries`,
        );
      await brokenSeal();
      await settled(1);
      receiver.status = 500;
      t.clock.advance(60_000); // newest first: the failed one comes later
      await brokenSeal();
      const items = await settled(2);
      expect(items.map((d) => d.status)).toEqual(['failed', 'delivered']);

      const page = await adminPage();
      await page.goto(`${t.baseUrl}/admin/webhooks?organization=${c.w.wardA.id}`);
      const table = page.getByRole('table', { name: /配信の記録/ });
      await table.waitFor();
      const rows = table.getByRole('row');
      expect(await rows.count()).toBe(3);
      expect(await rows.nth(1).textContent()).toContain('配信失敗');
      expect(await rows.nth(1).textContent()).toContain('HTTP 500');
      expect(await rows.nth(1).textContent()).toContain('2回');
      expect(await rows.nth(2).textContent()).toContain('配信済み');
      expect(await rows.nth(2).textContent()).toContain('事故');
      // The address comes from another request than the table's; waitFor
      // is strict, so it still says the address is shown exactly once.
      await page.getByText(receiver.url).waitFor();
      await expectAccessible(page, '29-admin-webhook-deliveries');

      await page.getByLabel('配信の状態で絞り込む').selectOption({ label: '配信失敗' });
      await table.getByRole('row').nth(2).waitFor({ state: 'detached' });
      expect(await table.getByRole('row').count()).toBe(2);
      expect(await table.getByRole('row').nth(1).textContent()).toContain('配信失敗');
    } finally {
      await receiver.close();
    }
  });
});

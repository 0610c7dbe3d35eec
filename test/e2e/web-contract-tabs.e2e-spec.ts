import type { Browser, BrowserContext, Page } from 'playwright-core';
import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { aUser, TEST_PASSWORD } from '../factories/identity.factory.js';
import { launchBrowser, screenshot, seriousViolations } from '../support/browser.js';
import { TestApp } from '../support/test-app.js';

/**
 * The contract's 名簿, 事故, 媒体 (保管場所), 立入調査 and 管理簿 tabs in a
 * real browser against the built service, each driven by the user whose work
 * it is, checking what the screen shows and what the API recorded, and a
 * refusal of each form in Japanese beside its field or action.
 */
describe('the contract tabs in a browser', () => {
  let t: TestApp;
  let c: CustodyWorld;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    t = await TestApp.start();
    // Training required: rostering needs a training on record (aCustodyWorld trains its staff).
    c = await aCustodyWorld(t, {
      title: '住民税課税資料のデータ入力業務委託',
      handlingPolicy: { requireTraining: true },
    });
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

  /** Signs in and opens one tab of a contract by its address. */
  async function openTab(
    loginId: string,
    tab: string,
    contractId = c.contractId,
    viewport?: {
      width: number;
      height: number;
    },
  ): Promise<Page> {
    const page = await newPage(viewport);
    await page.goto(`${t.baseUrl}/`);
    await page.getByRole('heading', { name: '管理簿 ログイン' }).waitFor();
    await page.getByLabel('ログインID').fill(loginId);
    await page.getByLabel('パスワード').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'ログイン' }).click();
    await page.getByRole('heading', { name: '今日の作業' }).waitFor();
    await page.goto(`${t.baseUrl}/contracts/${contractId}/${tab}`);
    return page;
  }

  /** A row's name for a person: "contractor_staff 1" and not "contractor_staff 12". */
  const named = (name: string, after = '') => new RegExp(`${name}(?!\\d)${after}`);

  async function expectAccessible(page: Page, name: string) {
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, name);
  }

  it('名簿: the officer adds a staff member with their training, records another training, and withdraws the entry', async () => {
    const newcomer = await aUser(t, c.w.contractorX, 'contractor_staff', { login: false });
    const page = await openTab(c.w.officerA.user.loginId, 'roster');
    await page.getByRole('heading', { name: '名簿', exact: true }).waitFor();
    await page
      .getByRole('table', { name: /取扱者名簿/ })
      .getByRole('row', { name: named(c.w.staffX.user.displayName) })
      .waitFor();
    // The roster and the trainings are two requests: the row says 確認中…
    // until the trainings have come.
    await page
      .getByRole('table', { name: /取扱者名簿/ })
      .getByRole('row', { name: named(c.w.staffX2.user.displayName) })
      .filter({ hasText: /取扱責任者.*有効.*受講済み（2027\/11\/24まで有効）/ })
      .waitFor();
    await expectAccessible(page, '40-roster');

    const form = page.getByRole('form', { name: '名簿に追加する' });
    // Refused on the screen: no login ID.
    await form.getByRole('button', { name: '名簿に追加する' }).click();
    await form.getByText('ログインIDを入力してください。').waitFor();
    expect(
      await form.getByLabel('ログインID（受託者・再委託先の担当者）').getAttribute('aria-invalid'),
    ).toBe('true');
    // Refused by the API: the contract requires a training and none is on record.
    const before = await t.count('ledger_entries');
    await form.getByLabel('ログインID（受託者・再委託先の担当者）').fill(newcomer.user.loginId);
    await form.getByRole('button', { name: '名簿に追加する' }).click();
    await form.getByRole('alert').filter({ hasText: '教育の記録がないか' }).waitFor();
    expect(await form.textContent()).not.toContain('TRAINING_REQUIRED');
    expect(await t.count('ledger_entries')).toBe(before);
    await expectAccessible(page, '41-roster-refused');

    // With the training given, the entry is made.
    await form.getByLabel('受講日').fill('2026-11-20');
    await form.getByLabel('研修名').fill('個人情報の適正な取扱いに関する研修');
    await form.getByLabel('実施者').fill('情報セキュリティ委員会');
    await form.getByRole('button', { name: '名簿に追加する' }).click();
    await form
      .getByRole('status')
      .filter({ hasText: `${newcomer.user.displayName} を名簿に追加しました。` })
      .waitFor();
    // The roster is read again before the trainings: wait for both.
    const row = page
      .getByRole('table', { name: /取扱者名簿/ })
      .getByRole('row', { name: named(newcomer.user.displayName) });
    await row
      .filter({ hasText: /受託者.*取扱者.*有効.*受講済み（2027\/11\/19まで有効）/ })
      .waitFor();
    const roster = await t.get(`${c.base}/roster`, c.w.officerA.token);
    const entry = roster.body.items.find((e: { userId: string }) => e.userId === newcomer.user.id);
    expect(entry).toMatchObject({ role: 'handler', validTo: null, removedAt: null });

    // A later training is recorded for them.
    const trainingForm = page.getByRole('form', { name: '教育の受講を記録する' });
    await trainingForm.getByRole('button', { name: '受講を記録する' }).click();
    await trainingForm.getByText('受講した人を選んでください。').waitFor();
    await trainingForm.getByLabel('受講した人').selectOption({ label: newcomer.user.displayName });
    await trainingForm.getByLabel('受講日').fill('2026-11-25');
    await trainingForm.getByLabel('研修名').fill('情報セキュリティ研修（追加）');
    await trainingForm.getByLabel('実施者').fill('総務課');
    await trainingForm.getByRole('button', { name: '受講を記録する' }).click();
    await trainingForm.getByRole('status').filter({ hasText: '受講を記録しました' }).waitFor();
    await page.getByRole('row', { name: /情報セキュリティ研修（追加）.*総務課/ }).waitFor();
    await page
      .getByRole('table', { name: /取扱者名簿/ })
      .getByRole('row', { name: named(newcomer.user.displayName, '.*2027/11/24まで有効') })
      .waitFor();
    const trainings = await t.get(`${c.base}/trainings`, c.w.officerA.token);
    const theirs = trainings.body.items.filter(
      (x: { userId: string }) => x.userId === newcomer.user.id,
    );
    expect(
      theirs.map((x: { trainedOn: string; trainer: string }) => [x.trainedOn, x.trainer]),
    ).toEqual([
      ['2026-11-20', '情報セキュリティ委員会'],
      ['2026-11-25', '総務課'],
    ]);

    // The entry is withdrawn and stays in the history.
    await row
      .getByRole('button', { name: `${newcomer.user.displayName}（取扱者）を名簿から外す` })
      .click();
    await page
      .getByRole('table', { name: /取扱者名簿/ })
      .getByRole('row', { name: named(newcomer.user.displayName, '.*取消') })
      .waitFor();
    const after = await t.get(`${c.base}/roster`, c.w.officerA.token);
    expect(
      after.body.items.find((e: { userId: string }) => e.userId === newcomer.user.id).removedAt,
    ).not.toBeNull();
  });

  it('名簿: the auditor reads the roster and the trainings, with no form and no button', async () => {
    const page = await openTab(c.w.auditor.user.loginId, 'roster');
    await page
      .getByRole('table', { name: /取扱者名簿/ })
      .getByRole('row', { name: named(c.w.staffX.user.displayName) })
      .waitFor();
    await page.getByRole('table', { name: /教育の記録/ }).waitFor();
    expect(await page.getByRole('form').count()).toBe(0);
    expect(await page.getByRole('button', { name: /名簿から外す/ }).count()).toBe(0);
    await expectAccessible(page, '42-roster-auditor');
  });

  it('事故 and 媒体: the handler reports an incident and records where the medium is locked away', async () => {
    const medium = await c.dvd('住民-101');
    const sent = await c.provide(['住民-101']);
    expect(sent.status).toBe(201);
    c.minutes(5);
    expect((await c.receive(c.w.staffX.token, sent.body.id)).status).toBe(201);
    c.minutes(5);

    const page = await openTab(c.w.staffX.user.loginId, 'incidents');
    const form = page.getByRole('form', { name: '事故を報告する' });
    await form.waitFor();
    // Refused on the screen: no medium, no description.
    await form.getByRole('button', { name: '報告する' }).click();
    await form.getByText('関係する媒体を選んでください。').waitFor();
    await form.getByText('何が起きたかを入力してください。').waitFor();
    await form.getByLabel('住民-101（保管中）').check();
    await form.getByLabel('何が起きたか').fill('作業室の施錠を忘れ、15分間無人のまま開いていた');
    // Refused by the API: a time after now.
    await form.getByLabel('発生日時（任意）').fill('2027-01-05T10:00');
    await form.getByRole('button', { name: '報告する' }).click();
    await form.getByRole('alert').filter({ hasText: '日時が正しくありません' }).waitFor();
    expect((await t.get(`${c.base}/incidents`, c.w.officerA.token)).body.items).toEqual([]);
    await expectAccessible(page, '43-incident-refused');

    await form.getByLabel('発生日時（任意）').fill('');
    await form.getByRole('button', { name: '報告する' }).click();
    await form.getByRole('status').filter({ hasText: '事故を報告しました' }).waitFor();
    const row = page.getByRole('row', { name: /作業室の施錠を忘れ/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('その他');
    expect(await row.textContent()).toContain('住民-101');
    const incidents = await t.get(`${c.base}/incidents`, c.w.officerA.token);
    expect(incidents.body.items).toEqual([
      expect.objectContaining({
        kind: 'other',
        mediumIds: [medium],
        reportedByUserId: c.w.staffX.user.id,
        description: '作業室の施錠を忘れ、15分間無人のまま開いていた',
      }),
    ]);
    await expectAccessible(page, '44-incidents');

    // 媒体: X holds it now, so X (not the ward) records where it is kept.
    await page.getByRole('link', { name: '媒体', exact: true }).click();
    const mediumRow = page.getByRole('row', { name: /住民-101/ });
    await mediumRow.getByRole('button', { name: '住民-101 の保管場所を記録する' }).click();
    const store = page.getByRole('form', { name: '住民-101 の保管場所' });
    // The keyboard goes on to the field the button opened.
    const location = store.getByLabel('保管場所（施錠できる金庫・キャビネット）');
    expect(await location.evaluate((el) => el.matches(':focus'))).toBe(true);
    await store.getByRole('button', { name: '記録する' }).click();
    await store.getByText('保管場所を入力してください。').waitFor();
    await expectAccessible(page, '45-media-store');
    await store.getByLabel('保管場所（施錠できる金庫・キャビネット）').fill('第2書庫 金庫A');
    await store.getByRole('button', { name: '記録する' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: '住民-101 を「第2書庫 金庫A」に保管したと記録しました。' })
      .waitFor();
    await page.getByRole('row', { name: /住民-101.*第2書庫 金庫A/ }).waitFor();
    expect((await c.medium(medium)).custody).toMatchObject({
      state: 'held',
      holderOrganizationId: c.w.contractorX.id,
      location: '第2書庫 金庫A',
    });
    const ledger = await t.get(`${c.base}/ledger?afterSeq=0&limit=1000`, c.w.officerA.token);
    expect(ledger.body.items.at(-1)).toMatchObject({
      type: 'medium_stored',
      actor: expect.objectContaining({ userId: c.w.staffX.user.id }),
      payload: expect.objectContaining({ mediumId: medium, location: '第2書庫 金庫A' }),
    });

    // The ward no longer holds it: no action for the officer on that medium.
    const officer = await openTab(c.w.officerA.user.loginId, 'media');
    await officer.getByRole('row', { name: /住民-101/ }).waitFor();
    expect(
      await officer.getByRole('button', { name: '住民-101 の保管場所を記録する' }).count(),
    ).toBe(0);
  });

  it('引渡し and 媒体: a broken seal is recorded only after a confirmation on the page; a closed contract offers no media form', async () => {
    await c.dvd('住民-301');
    const sent = await c.provide(['住民-301']);
    expect(sent.status).toBe(201);
    c.minutes(5);

    const page = await openTab(c.w.staffX.user.loginId, 'handovers');
    // Each row's buttons are named after what the handover carries.
    const row = page.getByRole('row', { name: /住民-301/ });
    await row
      .getByRole('button', { name: '住民-301 を受領する（封印異常なし）', exact: true })
      .waitFor();
    await row.getByRole('button', { name: '住民-301 の封印に異常あり', exact: true }).click();
    const confirm = row.getByRole('group', { name: '住民-301 の封印に異常ありの確認' });
    await confirm.getByText('事故として報告されます。').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    const handover = async () =>
      (await t.get(`${c.base}/handovers`, c.w.officerA.token)).body.items.find(
        (h: { id: string }) => h.id === sent.body.id,
      );
    expect((await handover()).status).toBe('dispatched');
    await confirm.getByRole('button', { name: '異常ありとして受領する' }).click();
    await row.getByRole('button', { name: /住民-301 を受領する/ }).waitFor({ state: 'detached' });
    expect(await handover()).toMatchObject({ status: 'received' });
    const ledger = await t.get(`${c.base}/ledger?afterSeq=0&limit=1000`, c.w.officerA.token);
    expect(
      ledger.body.items.find(
        (e: { type: string; payload: { handoverId?: string } }) =>
          e.type === 'handover_received' && e.payload.handoverId === sent.body.id,
      )?.payload,
    ).toMatchObject({ sealIntact: false });

    // A closed contract: its media are listed, with nothing to register or record.
    const done = await aCustodyWorld(t, { title: '終了した業務委託' });
    await done.dvd('終了-001');
    expect((await t.post(`${done.base}/close`, {}, done.w.officerA.token)).status).toBe(201);
    const officer = await openTab(done.w.officerA.user.loginId, 'media', done.contractId);
    await officer.getByRole('row', { name: /終了-001/ }).waitFor();
    await officer
      .getByText('この契約は終了しています。媒体の登録や保管場所の記録はできません。')
      .waitFor();
    expect(await officer.getByRole('form', { name: '媒体を登録する' }).count()).toBe(0);
    expect(await officer.getByRole('button', { name: /保管場所を記録/ }).count()).toBe(0);
    expect(await seriousViolations(officer)).toEqual([]);
  });

  it('立入調査: the officer sets the checklist and records an audit with a finding', async () => {
    const officer = await openTab(c.w.officerA.user.loginId, 'audits');
    const form = officer.getByRole('form', { name: '立入調査を記録する' });
    await form.waitFor();
    await expectAccessible(officer, '46-audits');

    // The officer adds an item to the contract's own checklist (an empty item is refused).
    await officer.getByRole('button', { name: 'チェックリストを編集する（第0版）' }).click();
    const editor = officer.getByRole('form', { name: 'チェックリストを編集する' });
    await editor.getByRole('button', { name: '運用上の対策に項目を追加' }).click();
    await editor.getByRole('button', { name: 'チェックリストを保存する' }).click();
    await editor.getByText('項目の内容を入力してください。').waitFor();
    expect(
      await editor.getByRole('textbox', { name: '運用上の対策 13' }).getAttribute('aria-invalid'),
    ).toBe('true');
    await editor
      .getByRole('textbox', { name: '運用上の対策 13' })
      .fill('私物の記録媒体を作業室に持ち込ませていない');
    await editor.getByRole('button', { name: 'チェックリストを保存する' }).click();
    await officer
      .getByRole('status')
      .filter({ hasText: 'チェックリストを第1版として保存しました。' })
      .waitFor();
    const set = await t.get(`${c.base}/audit-checklist`, c.w.officerA.token);
    expect(set.body.version).toBe(1);
    expect(set.body.sections[0].items.at(-1)).toMatchObject({
      number: 13,
      text: '私物の記録媒体を作業室に持ち込ませていない',
    });
    await form
      .getByRole('group', { name: '運用上の対策 13：私物の記録媒体を作業室に持ち込ませていない' })
      .waitFor();
    // Refused on the screen: items unanswered.
    await form.getByRole('button', { name: '調査を記録する' }).click();
    await form
      .getByRole('group', { name: /運用上の対策 1：/ })
      .getByText('○・×・−のどれかを選んでください。')
      .waitFor();
    await form.getByLabel('調査日').fill('2026-12-10'); // after the service's today
    await form.getByLabel('調査者').fill('区 監査一郎、区 監査二郎');
    await form.getByLabel('調査結果').selectOption({ label: '指摘事項あり' });
    const yes = form.getByRole('radio', { name: '○（できている）' });
    const items = await yes.count();
    expect(items).toBeGreaterThan(10);
    for (let n = 0; n < items; n += 1) await yes.nth(n).check();
    const item3 = form.getByRole('group', { name: /運用上の対策 3：/ });
    await item3.getByRole('radio', { name: '×（できていない）' }).check();
    await form.getByLabel('運用上の対策 3 の是正措置').fill('鍵の貸出簿を作り、毎日確認する');
    await form.getByLabel('運用上の対策 3 の是正期限').fill('2026-12-20');
    // Refused by the API: the audit day is in the future.
    await form.getByRole('button', { name: '調査を記録する' }).click();
    await form.getByRole('alert').filter({ hasText: '調査日が正しくありません。' }).waitFor();
    expect((await t.get(`${c.base}/audits`, c.w.officerA.token)).body.items).toEqual([]);

    await form.getByLabel('調査日').fill('2026-11-20');
    await form.getByRole('button', { name: '調査を記録する' }).click();
    await form.getByRole('status').filter({ hasText: '指摘事項 1件' }).waitFor();
    await officer
      .getByRole('row', { name: /2026\/11\/20.*指摘事項あり.*区 監査一郎、区 監査二郎/ })
      .waitFor();
    const findingRow = officer.getByRole('row', { name: /鍵の貸出簿を作り/ });
    await findingRow.filter({ hasText: '是正待ち' }).waitFor();
    const audits = await t.get(`${c.base}/audits`, c.w.officerA.token);
    expect(audits.body.items).toEqual([
      expect.objectContaining({
        performedOn: '2026-11-20',
        result: 'findings',
        auditors: ['区 監査一郎', '区 監査二郎'],
      }),
    ]);
    const answers = audits.body.items[0].checklist.answers as Array<{ answer: string }>;
    expect(answers).toHaveLength(items);
    expect(answers.filter((a) => a.answer === 'no')).toHaveLength(1);
    // The report PDF is where the link says.
    const href = await officer
      .getByRole('link', { name: '2026/11/20 の立入調査報告書（PDF）' })
      .getAttribute('href');
    const pdf = await officer.request.get(`${t.baseUrl}${href}`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toContain('application/pdf');
    // The officer cannot report it fixed: no such button on the ward's side.
    expect(await findingRow.getByRole('button', { name: '是正を報告する' }).count()).toBe(0);
  });

  it('立入調査: the contractor reports the finding fixed, the officer sends it back, then verifies it', async () => {
    const officer = await openTab(c.w.officerA.user.loginId, 'audits');
    await officer.getByRole('row', { name: /鍵の貸出簿を作り.*是正待ち/ }).waitFor();

    // X's rostered handler reports it fixed.
    const staff = await openTab(c.w.staffX.user.loginId, 'audits');
    const staffRow = staff.getByRole('row', { name: /鍵の貸出簿を作り/ });
    await staffRow
      .getByLabel('運用上の対策 3 の是正内容（任意）')
      .fill('貸出簿を作成し運用を開始した');
    expect(await staff.getByRole('form', { name: '立入調査を記録する' }).count()).toBe(0);
    await expectAccessible(staff, '47-audit-finding-contractor');
    await staffRow.getByRole('button', { name: '是正を報告する' }).click();
    await staff
      .getByRole('row', { name: /鍵の貸出簿を作り.*是正報告済み.*貸出簿を作成し運用を開始した/ })
      .waitFor();
    const reported = await t.get(`${c.base}/audit-findings`, c.w.officerA.token);
    expect(reported.body.items).toEqual([
      expect.objectContaining({
        state: 'reported_fixed',
        stateNote: '貸出簿を作成し運用を開始した',
      }),
    ]);

    // The officer: sending it back needs a reason; then verifies it.
    await officer.reload();
    const toVerify = officer.getByRole('row', { name: /鍵の貸出簿を作り/ });
    await toVerify.getByRole('button', { name: '差し戻す' }).click();
    await toVerify.getByText('差し戻す理由を入力してください。').waitFor();
    expect((await t.get(`${c.base}/audit-findings`, c.w.officerA.token)).body.items[0].state).toBe(
      'reported_fixed',
    );
    // Sent back with a reason: open again, for X to report once more.
    await toVerify
      .getByLabel('運用上の対策 3 の確認メモ・差戻し理由')
      .fill('貸出簿に返却時刻の欄がない');
    await toVerify.getByRole('button', { name: '差し戻す' }).click();
    await officer
      .getByRole('row', { name: /鍵の貸出簿を作り.*是正待ち.*返却時刻の欄がない/ })
      .waitFor();
    expect((await t.get(`${c.base}/audit-findings`, c.w.officerA.token)).body.items).toEqual([
      expect.objectContaining({ state: 'open', stateNote: '貸出簿に返却時刻の欄がない' }),
    ]);
    await staff.reload();
    await staffRow.getByLabel('運用上の対策 3 の是正内容（任意）').fill('返却時刻の欄を追加した');
    await staffRow.getByRole('button', { name: '是正を報告する' }).click();
    await staff.getByRole('row', { name: /是正報告済み.*返却時刻の欄を追加した/ }).waitFor();
    await officer.reload();
    await toVerify.getByLabel('運用上の対策 3 の確認メモ・差戻し理由').fill('現地で貸出簿を確認');
    await toVerify.getByRole('button', { name: '是正を確認する' }).click();
    await officer
      .getByRole('row', { name: /鍵の貸出簿を作り.*確認済み.*現地で貸出簿を確認/ })
      .waitFor();
    await expectAccessible(officer, '48-audit-verified');
    const verified = await t.get(`${c.base}/audit-findings`, c.w.officerA.token);
    expect(verified.body.items).toEqual([
      expect.objectContaining({ state: 'verified', stateNote: '現地で貸出簿を確認' }),
    ]);
  });

  it('管理簿 and 媒体: a contract of more than 50 entries pages forward and back, 50 at a time', async () => {
    const big = await aCustodyWorld(t, { title: '国民健康保険の通知書作成業務委託' });
    for (let n = 1; n <= 55; n += 1) {
      await big.dvd(`国保-${String(n).padStart(3, '0')}`);
    }
    const api = await t.get(`${big.base}/ledger?afterSeq=50&limit=50`, big.w.officerA.token);
    expect(api.body.length).toBe(59); // the contract, three roster entries and 55 media
    const page = await openTab(big.w.officerA.user.loginId, 'ledger', big.contractId, {
      width: 820,
      height: 1180,
    });
    await page.getByRole('status').filter({ hasText: '検証済み：改ざんなし（59件）' }).waitFor();
    const table = page.getByRole('table', { name: /管理簿/ });
    await page.getByText('全59件のうち 1〜50 番').waitFor();
    expect(await table.locator('tbody tr').count()).toBe(50);
    const pager = page.getByRole('navigation', { name: '管理簿のページ' });
    expect(await pager.getByRole('button', { name: '前へ' }).isDisabled()).toBe(true);
    await expectAccessible(page, '49-ledger-paged');
    await pager.getByRole('button', { name: '次へ' }).click();
    await page.getByText('全59件のうち 51〜59 番').waitFor();
    expect(await table.locator('tbody tr').count()).toBe(9);
    expect(await pager.textContent()).toContain('2 / 2 ページ');
    expect(await pager.getByRole('button', { name: '次へ' }).isDisabled()).toBe(true);
    // The rows are the API's entries 51–59, in order.
    const seqs = await table.locator('tbody tr td:first-child').allTextContents();
    expect(seqs).toEqual(api.body.items.map((e: { seq: number }) => String(e.seq)));
    await page.getByRole('link', { name: 'CSV でダウンロード' }).waitFor();
    const evidence = page.getByRole('link', { name: '証拠パッケージ（zip）' });
    expect(await evidence.getAttribute('href')).toMatch(
      /^\/api\/contracts\/[0-9a-f-]{36}\/evidence$/,
    );
    await page.getByRole('status').filter({ hasText: '検証済み：改ざんなし（59件）' }).waitFor();
    await pager.getByRole('button', { name: '前へ' }).click();
    await page.getByText('全59件のうち 1〜50 番').waitFor();
    expect(await table.locator('tbody tr td:first-child').first().textContent()).toBe('1');

    // 媒体 pages the 55 media the screen holds.
    await page.getByRole('link', { name: '媒体', exact: true }).click();
    const mediaPager = page.getByRole('navigation', { name: '媒体の一覧のページ' });
    await mediaPager.waitFor();
    const media = page.getByRole('table', { name: /媒体の一覧/ });
    const labels = media.locator('tbody tr td:first-child');
    const first = await labels.allTextContents();
    expect(first).toHaveLength(50);
    await mediaPager.getByRole('button', { name: '次へ' }).click();
    await mediaPager.getByText('2 / 2 ページ').waitFor();
    const second = await labels.allTextContents();
    expect(second).toHaveLength(5);
    // Every medium once, over the two pages.
    const expected = Array.from({ length: 55 }, (_, n) => `国保-${String(n + 1).padStart(3, '0')}`);
    expect([...first, ...second].sort()).toEqual(expected);

    // 引渡し pages its 51 handovers the same way.
    for (const label of expected.slice(0, 51)) {
      const sent = await big.provide([label]);
      expect(sent.status).toBe(201);
    }
    await page.getByRole('link', { name: '引渡し', exact: true }).click();
    const handoverPager = page.getByRole('navigation', { name: '引渡しの一覧のページ' });
    await handoverPager.waitFor();
    const handovers = page.getByRole('table', { name: /引渡しの一覧（51件）/ });
    expect(await handovers.locator('tbody tr').count()).toBe(50);
    await handoverPager.getByRole('button', { name: '次へ' }).click();
    await handoverPager.getByText('2 / 2 ページ').waitFor();
    expect(await handovers.locator('tbody tr').count()).toBe(1);
    await expectAccessible(page, '49-handovers-paged');
  });
});

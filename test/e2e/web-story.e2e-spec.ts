import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { aUser, TEST_PASSWORD } from '../factories/identity.factory.js';
import { launchBrowser, screenshot, seriousViolations } from '../support/browser.js';
import { TestApp } from '../support/test-app.js';
import { aTestSigner, opensslCmsSign } from '../support/x509-kit.js';

/** The cells of a CSV text (RFC 4180: quoted cells, doubled quotes, CRLF), without its BOM. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quoted) {
      if (ch === '"' && s[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && s[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

/**
 * The main story of a contract, through the screens only, each person in a
 * browser of their own: the take-out is approved, a DVD-R and its password
 * notice go to the contractor on separate occasions, come back, the
 * contractor's responsible person certifies the erasure of the working
 * copies, the ward checks the certificate beside its PDF, the contract
 * closes, and the 管理簿 CSV says what the ledger says.
 */
describe('the story of a contract in the browser', () => {
  let t: TestApp;
  let c: CustodyWorld;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  const contexts: BrowserContext[] = [];
  const TITLE = '国民健康保険資格データの入力業務委託';

  beforeAll(async () => {
    t = await TestApp.start({ at: '2026-11-25T01:00:00.000Z' });
    c = await aCustodyWorld(t, {
      title: TITLE,
      handoverPolicy: { requireTakeoutApproval: true },
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
    // A step that does not come fails here, naming the step, well before the test's limit.
    context.setDefaultTimeout(15_000);
    contexts.push(context);
    return context.newPage();
  }

  async function logIn(page: Page, loginId: string) {
    await page.goto(`${t.baseUrl}/`);
    await page.getByRole('heading', { name: '管理簿 ログイン' }).waitFor();
    await page.getByLabel('ログインID').fill(loginId);
    await page.getByLabel('パスワード').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'ログイン' }).click();
    await page.getByRole('heading', { name: '今日の作業' }).waitFor();
  }

  async function expectAccessible(page: Page, name: string) {
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, name);
  }

  const tab = (page: Page, name: string) =>
    page.goto(`${t.baseUrl}/contracts/${c.contractId}/${name}`);

  /** The row of a handover to the viewer still waiting for their receipt. */
  const waiting = (page: Page, label: string) =>
    page
      .getByRole('row', { name: new RegExp(label) })
      .filter({ has: page.getByRole('button', { name: '受領する（封印異常なし）' }) });

  async function receive(page: Page, label: string) {
    await tab(page, 'handovers');
    const row = waiting(page, label);
    await row.getByRole('button', { name: '受領する（封印異常なし）' }).click();
    await row.waitFor({ state: 'detached' });
  }

  async function dispatch(
    page: Page,
    label: string,
    to: { name: string } | { wardOfficer: string },
    bag: string,
    expectSent = true,
  ) {
    const form = page.getByRole('form', { name: '引き渡す' });
    await form.waitFor();
    await form.getByLabel(new RegExp(`^${label}`)).check();
    if ('name' in to) {
      await form.getByLabel('渡す相手').selectOption({ label: to.name });
    } else {
      await form.getByLabel('渡す相手').selectOption({ label: '区の職員' });
      await form
        .getByLabel('区の職員（この契約の引渡しの相手）')
        .selectOption({ label: to.wardOfficer });
    }
    await form.getByLabel('袋の番号').fill(bag);
    await form.getByLabel('封印番号').fill(`S-${bag}`);
    await form.getByRole('button', { name: '引き渡す' }).click();
    if (expectSent) {
      await page
        .getByRole('status')
        .filter({ hasText: `${label} を` })
        .waitFor();
    }
  }

  const types = async () =>
    (
      (await t.get(`${c.base}/ledger?limit=500`, c.w.officerA.token)).body.items as Array<{
        type: string;
      }>
    ).map((e) => e.type);

  it('goes from the take-out request to the closed contract and its 管理簿, through the screens', async () => {
    const chief = await aUser(t, c.w.wardA, 'ward_officer');
    const marked = await t.request('PUT', `/api/users/${chief.user.id}/approver`, {
      token: c.w.admin.token,
      body: { approver: true },
    });
    expect(marked.status).toBe(200);
    const handlerName = `${c.w.staffX.user.displayName}（取扱者）`;
    // The ward's officer as the return offers them: by name, with the ward's name.
    const officerName = `${c.w.officerA.user.displayName}（${c.w.wardA.name}）`;

    // 1. The officer applies for the take-out; the section head approves it.
    const officer = await newPage();
    await logIn(officer, c.w.officerA.user.loginId);
    await tab(officer, 'takeout');
    const takeout = officer.getByRole('form', { name: '持出しを申請する' });
    await takeout.getByLabel('氏名').check();
    await takeout.getByLabel('件数（1媒体あたりの上限）').fill('1200');
    await takeout.getByLabel('DVD-R').check();
    await takeout.getByLabel('持出し予定日').fill('2026-11-25');
    await takeout.getByLabel('書き出す端末').fill('KOKUHO-PC-03');
    await takeout.getByRole('button', { name: '申請する' }).click();
    await officer.getByRole('status').filter({ hasText: '申請しました' }).waitFor();

    const head = await newPage();
    await logIn(head, chief.user.loginId);
    await tab(head, 'takeout');
    await head.getByRole('button', { name: '承認する' }).click();
    await head.getByRole('cell', { name: /承認済み/ }).waitFor();

    // 2. The officer registers the DVD-R under it, and its password notice.
    await tab(officer, 'media');
    const mediumForm = officer.getByRole('form', { name: '媒体を登録する' });
    await mediumForm.getByLabel('名前（ラベル）').fill('国保-001');
    await mediumForm.getByLabel('情報の内容').fill('国民健康保険資格データ');
    await mediumForm.getByLabel('件数').fill('1200');
    await mediumForm.getByLabel('持出し申請（承認済み）').selectOption({ index: 1 });
    await mediumForm.getByRole('button', { name: '登録する' }).click();
    await officer.getByRole('status').filter({ hasText: '国保-001 を登録しました。' }).waitFor();
    await mediumForm.getByLabel('種類').selectOption({ label: 'パスワード通知書' });
    await mediumForm.getByLabel('名前（ラベル）').fill('PW-国保-001');
    await mediumForm.getByLabel('情報の内容').fill('パスワード通知書');
    await mediumForm.getByLabel('どの媒体のパスワードか').selectOption({ label: '国保-001' });
    await mediumForm.getByRole('button', { name: '登録する' }).click();
    await officer.getByRole('status').filter({ hasText: 'PW-国保-001 を登録しました。' }).waitFor();

    // 3. The DVD-R goes by hand in a locked bag; the handler signs for it.
    await tab(officer, 'handovers');
    await dispatch(officer, '国保-001', { name: handlerName }, 'BAG-1');
    const handler = await newPage({ width: 820, height: 1180 });
    await logIn(handler, c.w.staffX.user.loginId);
    await receive(handler, '国保-001');

    // 4. The notice at once is refused, with the time it may go (in Japan time).
    await dispatch(officer, 'PW-国保-001', { name: handlerName }, 'BAG-2', false);
    const refusal = officer
      .getByRole('alert')
      .filter({ hasText: 'パスワード通知書は媒体と別の機会に送ってください。' });
    await refusal.waitFor();
    // The DVD-R went at 10:00 in Tokyo; the notice may go an hour later.
    expect(await refusal.textContent()).toContain('送付できるのは 2026/11/25 11:00 以降です。');
    await expectAccessible(officer, '30-story-split-channel-refusal');
    expect((await types()).filter((x) => x === 'handover_dispatched')).toHaveLength(1);

    // 5. An hour later (the service's clock, not a real wait) it goes, in another bag.
    t.clock.advance(61 * 60_000);
    await officer
      .getByRole('form', { name: '引き渡す' })
      .getByRole('button', { name: '引き渡す' })
      .click();
    await officer.getByRole('status').filter({ hasText: 'PW-国保-001 を' }).waitFor();
    await receive(handler, 'PW-国保-001');

    // 6. The work done, the handler returns both to the ward, again on separate occasions.
    t.clock.advance(61 * 60_000);
    await tab(handler, 'handovers');
    await dispatch(handler, '国保-001', { wardOfficer: officerName }, 'BAG-3');
    await receive(officer, '国保-001');
    t.clock.advance(61 * 60_000);
    await tab(handler, 'handovers');
    await dispatch(handler, 'PW-国保-001', { wardOfficer: officerName }, 'BAG-4');
    await receive(officer, 'PW-国保-001');
    const media = await t.get(`${c.base}/media`, c.w.officerA.token);
    expect(
      (media.body.items as Array<{ label: string; custody: { state: string } }>)
        .map((m) => `${m.label}:${m.custody.state}`)
        .sort(),
    ).toEqual(['PW-国保-001:returned', '国保-001:returned']);

    // 7. The officer cannot close yet: X held the data and has certified no erasure.
    await tab(officer, 'outstanding');
    await officer
      .getByRole('row', { name: /委託先の消去証明書/ })
      .filter({ hasText: '消去証明書が未提出' })
      .waitFor();
    await officer.getByRole('button', { name: '契約を終了する' }).click();
    await officer.getByRole('button', { name: 'やめる' }).click();
    expect(await officer.getByRole('button', { name: '終了する', exact: true }).count()).toBe(0);
    await officer.getByRole('button', { name: '契約を終了する' }).click();
    await officer.getByRole('button', { name: '終了する', exact: true }).click();
    await officer
      .getByRole('alert')
      .filter({ hasText: '区の確認を受けていない消去証明書があるため、契約を終了できません。' })
      .waitFor();
    await officer.getByRole('table', { name: /終了できなかった理由（1件）/ }).waitFor();
    await expectAccessible(officer, '31-close-refused');
    expect(await types()).not.toContain('contract_closed');

    // 8. X's responsible person submits a certificate; the form first says what is missing.
    const responsible = await newPage();
    await logIn(responsible, c.w.staffX2.user.loginId);
    await tab(responsible, 'certificates');
    const form = responsible.getByRole('form', { name: '消去証明書を提出する' });
    await form.getByRole('button', { name: '提出する' }).click();
    await form.getByText('証明書番号を入力してください。').waitFor();
    await form.getByText('消去した情報項目を選んでください。').waitFor();
    expect((await t.get(`${c.base}/deletion-certificates`, c.w.officerA.token)).body.items).toEqual(
      [],
    );
    const fill = async (number: string, systems: string) => {
      await form.getByLabel('証明書番号').fill(number);
      await form.getByLabel('消去した日時').fill('2026-11-25T12:30');
      await form.getByLabel('氏名').check();
      await form.getByLabel('消去したシステム・機器（1行に1つ）').fill(systems);
      await form.getByLabel('消去した場所（1行に1つ）').fill('本社 3階 作業室');
      await form.getByLabel('消去方法（NIST SP 800-88）').selectOption('purge');
      await form.getByLabel('使用したツール・機器').fill('CryptoErase 2.1');
      await form
        .getByLabel('消去の検証方法と結果')
        .fill('暗号鍵の破棄後、全領域を読み出して復元できないことを確認した');
      await form.getByLabel('実施者').fill('作業 五郎');
      await form.getByLabel('立会者（任意）').fill('立会 六郎');
    };
    await fill('DC-2026-0001', '作業用PC PC-12');
    await expectAccessible(responsible, '32-certificate-form');
    await form.getByRole('button', { name: '提出する' }).click();
    await responsible
      .getByRole('status')
      .filter({ hasText: '消去証明書を提出しました。' })
      .waitFor();
    await responsible
      .getByRole('row', { name: /DC-2026-0001/ })
      .getByText('確認待ち')
      .waitFor();

    // 9. The officer reads it beside its PDF and sends it back: the backup is missing.
    await tab(officer, 'certificates');
    const csp: string[] = [];
    officer.on('console', (m) => {
      if (/Content Security Policy|Refused to (frame|display)/i.test(m.text())) csp.push(m.text());
    });
    const pdfAnswer = officer.waitForResponse((r) =>
      /deletion-certificates\/[^/]+\.pdf$/.test(r.url()),
    );
    await officer
      .getByRole('row', { name: /DC-2026-0001/ })
      .getByRole('button', { name: /確認・差戻し/ })
      .click();
    const review = officer.getByRole('region', { name: '消去証明書 DC-2026-0001 の確認' });
    await review.waitFor();
    const pdf = await pdfAnswer;
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect(pdf.frame().parentFrame()).toBe(officer.mainFrame());
    const frame = review.locator('iframe');
    expect(await frame.getAttribute('title')).toBe('消去証明書 DC-2026-0001 の PDF');
    await expectAccessible(officer, '33-certificate-review');
    expect(csp).toEqual([]);
    // No reason, no rejection.
    await review.getByRole('button', { name: '差し戻す' }).click();
    await review.getByText('差戻しの理由を入力してください。').waitFor();
    await review.getByLabel('差戻しの理由').fill('バックアップからの消去が記載されていない');
    await review.getByRole('button', { name: '差し戻す' }).click();
    await review.waitFor({ state: 'detached' });
    await officer
      .getByRole('status')
      .filter({ hasText: '消去証明書 DC-2026-0001 を差し戻しました。' })
      .waitFor();
    await officer
      .getByRole('row', { name: /DC-2026-0001/ })
      .getByText('差戻し', { exact: true })
      .waitFor();

    // 10. The responsible person sees why, and submits a new certificate, signed this time.
    await responsible.reload();
    const rejectedRow = responsible.getByRole('row', { name: /DC-2026-0001/ });
    await rejectedRow.getByText('理由：バックアップからの消去が記載されていない').waitFor();
    await expectAccessible(responsible, '34-certificate-rejected');
    const signer = aTestSigner(
      { type: 'ec', curve: 'P-256' },
      { cn: 'Contractor X responsible', keyUsage: ['digitalSignature'] },
    );
    const registered = await t.post(
      `/api/organizations/${c.w.contractorX.id}/certificates`,
      { pem: signer.certPem },
      c.w.staffX2.token,
    );
    expect(registered.status).toBe(201);
    await fill('DC-2026-0002', '作業用PC PC-12\nバックアップ BK-01');
    const download = responsible.waitForEvent('download');
    await form.getByRole('button', { name: '署名する内容をダウンロード' }).click();
    const content = readFileSync(await (await download).path());
    expect(JSON.parse(content.toString('utf8'))).toMatchObject({
      contractId: c.contractId,
      certificateNumber: 'DC-2026-0002',
      erasedAt: '2026-11-25T03:30:00.000Z',
      scope: { systems: ['作業用PC PC-12', 'バックアップ BK-01'] },
    });
    // Signed outside the browser (openssl cms), uploaded as binary DER (.p7s).
    const pem = opensslCmsSign(signer, content);
    const der = Buffer.from(
      /-----BEGIN CMS-----([\s\S]+?)-----END CMS-----/.exec(pem)![1]!.replace(/\s+/g, ''),
      'base64',
    );
    await form.getByLabel('署名ファイル（.p7s または PEM）').setInputFiles({
      name: 'DC-2026-0002.p7s',
      mimeType: 'application/pkcs7-signature',
      buffer: der,
    });
    await responsible
      .getByRole('status')
      .filter({ hasText: '署名ファイル DC-2026-0002.p7s を添付します。' })
      .waitFor();
    await form.getByRole('button', { name: '提出する' }).click();
    await responsible
      .getByRole('row', { name: /DC-2026-0002/ })
      .filter({ hasText: '電子署名あり' })
      .getByText('確認待ち')
      .waitFor();
    const listed = await t.get(`${c.base}/deletion-certificates`, c.w.officerA.token);
    const second = (
      listed.body.items as Array<{
        id: string;
        certificateNumber: string;
        signerFingerprint256: string | null;
        status: string;
      }>
    ).find((x) => x.certificateNumber === 'DC-2026-0002')!;
    expect(second.signerFingerprint256).toBe(signer.fingerprint256);

    // 11. The officer looks at the PDF and confirms it.
    await officer.reload();
    await officer
      .getByRole('row', { name: /DC-2026-0002/ })
      .getByRole('button', { name: /確認・差戻し/ })
      .click();
    const review2 = officer.getByRole('region', { name: '消去証明書 DC-2026-0002 の確認' });
    await review2.locator('iframe').waitFor();
    const pdfDownload = officer.waitForEvent('download');
    await review2.getByRole('link', { name: 'PDF をダウンロード' }).click();
    const pdfBytes = readFileSync(await (await pdfDownload).path());
    expect(pdfBytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await review2.getByLabel('所見（任意）').fill('バックアップを含め確認した');
    await review2.getByRole('button', { name: '確認する' }).click();
    await review2.waitFor({ state: 'detached' });
    await officer
      .getByRole('status')
      .filter({ hasText: '消去証明書 DC-2026-0002 を確認しました。' })
      .waitFor();
    await officer
      .getByRole('row', { name: /DC-2026-0002/ })
      .getByText('確認済み', { exact: true })
      .waitFor();
    const decided = await t.get(`${c.base}/deletion-certificates`, c.w.officerA.token);
    expect(
      (
        decided.body.items as Array<{
          certificateNumber: string;
          status: string;
          decisionNote: string;
        }>
      ).map((x) => [x.certificateNumber, x.status, x.decisionNote]),
    ).toEqual([
      ['DC-2026-0001', 'rejected', 'バックアップからの消去が記載されていない'],
      ['DC-2026-0002', 'confirmed', 'バックアップを含め確認した'],
    ]);

    // 12. Nothing is outstanding: the contract closes.
    await tab(officer, 'outstanding');
    await officer
      .getByRole('status')
      .filter({ hasText: '未返却・未消去のものはありません。契約を終了できます。' })
      .waitFor();
    await officer.getByRole('button', { name: '契約を終了する' }).click();
    await officer.getByRole('button', { name: '終了する', exact: true }).click();
    await officer.getByRole('status').filter({ hasText: '契約を終了しました' }).waitFor();
    await officer.getByText(/契約期間 .*・終了/).waitFor();
    await officer.getByRole('status').filter({ hasText: 'この契約は終了しています。' }).waitFor();
    await expectAccessible(officer, '35-contract-closed');
    const contract = await t.get(`/api/contracts/${c.contractId}`, c.w.officerA.token);
    expect(contract.body.status).toBe('closed');
    // A closed contract offers no more actions.
    expect(await officer.getByRole('button', { name: '契約を終了する' }).count()).toBe(0);

    // 13. The 管理簿 CSV downloads, and says what the ledger (and the screen) says.
    await tab(officer, 'ledger');
    await officer.getByRole('status').filter({ hasText: '検証済み：改ざんなし' }).waitFor();
    await expectAccessible(officer, '36-ledger-closed');
    const csvDownload = officer.waitForEvent('download');
    await officer.getByRole('link', { name: 'CSV でダウンロード' }).click();
    const csvText = readFileSync(await (await csvDownload).path(), 'utf8');
    expect(csvText.startsWith('\uFEFF')).toBe(true);
    const [header, ...rows] = parseCsv(csvText);
    const col = (name: string) => header!.indexOf(name);
    const ledger = (await t.get(`${c.base}/ledger?limit=500`, c.w.officerA.token)).body
      .items as Array<{ seq: number; type: string; hash: string }>;
    expect(ledger.at(-1)!.type).toBe('contract_closed');
    const handovers = ledger.filter(
      (e) => e.type === 'handover_dispatched' || e.type === 'handover_received',
    );
    // Four dispatches and their four receipts, in ledger order.
    expect(handovers).toHaveLength(8);
    expect(rows.map((r) => [Number(r[col('連番')]), r[col('区分')], r[col('ハッシュ')]])).toEqual(
      handovers.map((e) => [e.seq, e.type === 'handover_dispatched' ? '引渡' : '受領', e.hash]),
    );
    expect(rows.map((r) => r[col('鍵付きカバン番号')])).toEqual([
      'BAG-1',
      'BAG-1',
      'BAG-2',
      'BAG-2',
      'BAG-3',
      'BAG-3',
      'BAG-4',
      'BAG-4',
    ]);
    // The ledger on screen shows the same entries at the same times.
    for (const r of rows) {
      const shown = officer.getByRole('row', { name: new RegExp(`^${r[col('連番')]} `) });
      await shown.waitFor(); // the entries are another request than the verdict waited for
      expect(await shown.getByRole('cell').allTextContents()).toEqual([
        r[col('連番')],
        r[col('日時')],
        r[col('区分')],
        expect.any(String),
      ]);
    }
  }, 300_000);

  it('checks an encrypted file’s fingerprint at receipt in the browser: a match is recorded, a mismatch is said in Japanese and becomes an incident', async () => {
    const f = await aCustodyWorld(t, { title: '暗号化ファイルの受渡し' });
    const good = Buffer.from('暗号化済みの課税データ（正しいファイル）', 'utf8');
    const bad = Buffer.from('途中で差し替えられたファイル', 'utf8');
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    const sent: Record<string, { medium: string; handover: string }> = {};
    for (const label of ['kokuho-2026.zip', 'kokuho-2026-b.zip']) {
      const medium = await f.register(f.w.officerA.token, {
        kind: 'encrypted_file',
        label,
        description: '国保資格データ（暗号化）',
        recordCount: 5000,
        encrypted: true,
        sha256: sha(good),
      });
      expect(medium.status).toBe(201);
      const handover = await f.dispatch(f.w.officerA.token, {
        items: [medium.body.id],
        toUserId: f.w.staffX.user.id,
        method: 'lgwan',
        purpose: 'provide',
      });
      expect(handover.status).toBe(201);
      sent[label] = { medium: medium.body.id, handover: handover.body.id };
    }
    const receipt = async (label: string) => {
      const ledger = await t.get(`${f.base}/ledger?limit=500`, f.w.officerA.token);
      return (ledger.body.items as Array<{ type: string; payload: Record<string, any> }>).find(
        (e) => e.type === 'handover_received' && e.payload.handoverId === sent[label]!.handover,
      )?.payload;
    };

    const handler = await newPage({ width: 820, height: 1180 });
    await logIn(handler, f.w.staffX.user.loginId);
    await handler.goto(`${t.baseUrl}/contracts/${f.contractId}/handovers`);

    // The right file: its fingerprint, computed in the browser, is sent and matches.
    const first = waiting(handler, 'kokuho-2026.zip');
    await first
      .getByLabel('kokuho-2026.zip のファイル')
      .setInputFiles({ name: 'kokuho-2026.zip', mimeType: 'application/zip', buffer: good });
    await first
      .getByRole('status')
      .filter({ hasText: `SHA-256：${sha(good)}` })
      .waitFor();
    await expectAccessible(handler, '37-receive-fingerprint');
    await first.getByRole('button', { name: '受領する（封印異常なし）' }).click();
    await first.waitFor({ state: 'detached' });
    expect(await receipt('kokuho-2026.zip')).toMatchObject({
      sealIntact: true,
      sha256: { [sent['kokuho-2026.zip']!.medium]: sha(good) },
      fingerprintMismatches: [],
      compromisedMediumIds: [],
    });

    // Another file than the one registered: the receipt says so, in Japanese.
    const second = waiting(handler, 'kokuho-2026-b.zip');
    await second
      .getByLabel('kokuho-2026-b.zip のファイル')
      .setInputFiles({ name: 'kokuho-2026-b.zip', mimeType: 'application/zip', buffer: bad });
    await second
      .getByRole('status')
      .filter({ hasText: `SHA-256：${sha(bad)}` })
      .waitFor();
    await second.getByRole('button', { name: '受領する（封印異常なし）' }).click();
    const alert = handler.getByRole('alert').filter({
      hasText: 'kokuho-2026-b.zip のファイルの指紋（SHA-256）が、登録時のものと一致しません。',
    });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('事故（指紋の不一致）を記録しました。');
    await expectAccessible(handler, '38-fingerprint-mismatch');
    const id = sent['kokuho-2026-b.zip']!.medium;
    expect(await receipt('kokuho-2026-b.zip')).toMatchObject({
      sha256: { [id]: sha(bad) },
      fingerprintMismatches: [id],
      compromisedMediumIds: [id],
    });
    expect((await f.medium(id)).custody.state).toBe('compromised');
    const incidents = await t.get(`${f.base}/incidents`, f.w.officerA.token);
    expect(incidents.body.items).toHaveLength(1);
    // Acknowledged, the row becomes the receipt.
    await handler.getByRole('button', { name: '確認しました' }).click();
    await alert.waitFor({ state: 'detached' });
    expect(await waiting(handler, 'kokuho-2026-b.zip').count()).toBe(0);
  }, 120_000);
});

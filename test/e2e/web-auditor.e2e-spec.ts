import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { aContract } from '../factories/contract.factory.js';
import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { aUser, TEST_PASSWORD, type TestUser } from '../factories/identity.factory.js';
import { businessDateOf, addDays } from '../../src/common/time/business-date.js';
import { launchBrowser, screenshot, seriousViolations } from '../support/browser.js';
import { TestApp } from '../support/test-app.js';

/** A minimal reader of the access log's CSV (BOM, CRLF, quoted cells). */
function csvRows(text: string): string[][] {
  expect(text.charCodeAt(0)).toBe(0xfeff);
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 1; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}

/**
 * The auditor's screens (アクセスログ, 立入調査の状況, a contract's 管理簿) and a
 * ward officer's 今日の作業 in a real browser against the built service,
 * every screen checked with axe. The service's clock is the real time, so
 * that the page's "this fiscal year" and "today" agree with the service's.
 */
describe('the auditor screens and 今日の作業 in a browser', () => {
  let t: TestApp;
  let c: CustodyWorld;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  const contexts: BrowserContext[] = [];
  let today: string;
  let overdueId: string;
  let dueId: string;

  beforeAll(async () => {
    t = await TestApp.start({ at: new Date().toISOString() });
    today = businessDateOf(t.clock.now(), 'Asia/Tokyo');
    const fy =
      Number(today.slice(5, 7)) >= 4 ? Number(today.slice(0, 4)) : Number(today.slice(0, 4)) - 1;
    c = await aCustodyWorld(t, {
      title: '介護保険認定調査の委託業務',
      startsOn: `${fy}-04-01`,
      endsOn: `${fy + 1}-03-31`,
    });
    // Ended before today in this fiscal year, never audited: overdue.
    const ended = addDays(today, -1) < `${fy}-04-02` ? `${fy}-04-01` : addDays(today, -1);
    overdueId = (
      await aContract(t, c.w, {
        title: '国民健康保険の通知書発送業務',
        startsOn: `${fy}-04-01`,
        endsOn: ended,
      })
    ).id;
    dueId = (
      await aContract(t, c.w, {
        title: '児童手当の現況届入力業務',
        startsOn: `${fy}-04-01`,
        endsOn: `${fy + 1}-03-31`,
      })
    ).id;
    ({ browser, close: closeBrowser } = await launchBrowser());
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await closeBrowser?.();
    await t?.close();
  });

  async function newPage(viewport = { width: 1280, height: 800 }): Promise<Page> {
    const context = await browser.newContext({ viewport, locale: 'ja-JP', acceptDownloads: true });
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

  const nav = (page: Page) => page.getByRole('navigation', { name: 'メインメニュー' });

  async function expectAccessible(page: Page, name: string) {
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, name);
  }

  /** The body rows of the page's one table, as text, once `ok` holds for them. */
  async function rowsWhen(page: Page, ok: (rows: string[]) => boolean): Promise<string[]> {
    return t.eventually(
      async () => {
        const rows = await page.locator('table tbody tr').allTextContents();
        return ok(rows) ? rows : null;
      },
      10_000,
      'the table rows',
    );
  }

  const auditorLog = (query: string) =>
    t.get(`/api/access-log?${query}`, c.w.auditor.token).then((r) => {
      expect(r.status).toBe(200);
      return r.body.items as Array<{ seq: number; userId: string; action: string }>;
    });

  it('lets an auditor read, filter and download the access log, with the chain verified', async () => {
    const officer = c.w.officerA.user;
    // What the auditor will look for: the officer exported the 管理簿 twice;
    // a handler read the media list (another user, another action).
    for (let i = 0; i < 2; i++) {
      expect((await t.get(`${c.base}/ledger/export.csv`, c.w.officerA.token)).status).toBe(200);
    }
    expect((await t.get(`${c.base}/media`, c.w.staffX.token)).status).toBe(200);
    const wanted = await t.eventually(
      async () => {
        const items = await auditorLog(`userId=${officer.id}&action=ledger.export`);
        return items.length === 2 ? items : null;
      },
      5_000,
      'the exports in the access log',
    );

    const page = await newPage();
    await logIn(page, c.w.auditor.user.loginId);
    await nav(page).getByRole('link', { name: 'アクセスログ' }).click();
    await page.getByRole('heading', { name: 'アクセスログ', level: 1 }).waitFor();
    await page.getByRole('status').filter({ hasText: '検証済み：改ざんなし' }).waitFor();
    // Unfiltered: the handler's read is there, in Japanese.
    await rowsWhen(page, (rows) => rows.some((r) => r.includes('媒体一覧の参照')));
    await expectAccessible(page, '50-access-log');

    await page
      .getByLabel('利用者', { exact: true })
      .selectOption({ label: `${officer.displayName}（${officer.loginId}）` });
    await page
      .getByLabel('操作', { exact: true })
      .selectOption({ label: '管理簿のCSV出力（ledger.export）' });
    await page.getByRole('button', { name: '絞り込む' }).click();
    const rows = await rowsWhen(
      page,
      (rows) =>
        rows.length === 2 &&
        rows.every((r) => r.includes('管理簿のCSV出力') && r.includes(officer.displayName)),
    );
    expect(rows.join('\n')).not.toContain('媒体一覧の参照');
    expect(rows.every((r) => r.includes('区職員') && r.includes('成功（200）'))).toBe(true);
    const seqs = await page.locator('table tbody tr td:first-child').allTextContents();
    expect(seqs.map(Number)).toEqual(wanted.map((e) => e.seq));
    expect(new URL(page.url()).searchParams.get('action')).toBe('ledger.export');
    // A reload keeps the filter (it lives in the address).
    await page.reload();
    await rowsWhen(page, (rows) => rows.length === 2);
    expect(await page.getByLabel('利用者', { exact: true }).inputValue()).toBe(officer.id);
    await expectAccessible(page, '51-access-log-filtered');

    // The CSV carries the same filter: the same two entries, no others.
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'この条件で CSV をダウンロード' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('access-log.csv');
    const csv = csvRows(readFileSync(await file.path(), 'utf8'));
    const [header, ...body] = csv;
    expect(header!.slice(0, 8)).toEqual([
      '連番',
      '日時',
      '利用者',
      '利用者ID',
      'ログインID',
      '組織ID',
      '役割',
      '操作',
    ]);
    expect(body.map((r) => Number(r[0]))).toEqual(wanted.map((e) => e.seq));
    expect(body.every((r) => r[3] === officer.id && r[7] === 'ledger.export')).toBe(true);
    // …and the service recorded that the auditor took it.
    await t.eventually(
      async () => {
        const taken = await auditorLog(`userId=${c.w.auditor.user.id}&action=accessLog.export`);
        return taken.length === 1;
      },
      5_000,
      'the export in the access log',
    );

    // A range that ends before it starts is refused next to the field, nothing asked.
    await page.getByLabel('期間の開始日').fill(today);
    await page.getByLabel('期間の終了日').fill(addDays(today, -1));
    await page.getByRole('button', { name: '絞り込む' }).click();
    await page.getByText('終了日は開始日以降の日付にしてください。').waitFor();
    expect(new URL(page.url()).searchParams.get('fromDate')).toBeNull();
  });

  it('pages the access log 50 entries at a time, after the last seq of the page', async () => {
    const reader = c.w.staffX2;
    for (let i = 0; i < 55; i++) {
      expect((await t.get('/api/contracts', reader.token)).status).toBe(200);
    }
    const query = `userId=${reader.user.id}&action=contracts.list`;
    const all = await t.eventually(
      async () => {
        const first = await auditorLog(`${query}&limit=1000`);
        return first.length === 55 ? first : null;
      },
      5_000,
      'the reads in the access log',
    );
    const page = await newPage();
    await logIn(page, c.w.auditor.user.loginId);
    await page.goto(`${t.baseUrl}/access-log?${query}`);
    const pager = page.getByRole('navigation', { name: 'アクセスログのページ' });
    const firstPage = await rowsWhen(page, (rows) => rows.length === 50);
    expect(firstPage.every((r) => r.includes('契約一覧の参照'))).toBe(true);
    expect(await pager.textContent()).toContain('1 ページ目');
    await pager.getByRole('button', { name: '次へ' }).click();
    await rowsWhen(page, (rows) => rows.length === 5);
    const seqs = await page.locator('table tbody tr td:first-child').allTextContents();
    expect(seqs.map(Number)).toEqual(all.slice(50).map((e) => e.seq));
    expect(await pager.getByRole('button', { name: '次へ' }).isDisabled()).toBe(true);
    await expectAccessible(page, '59-access-log-page-2');
    await pager.getByRole('button', { name: '前へ' }).click();
    await rowsWhen(page, (rows) => rows.length === 50);
    expect(
      (await page.locator('table tbody tr td:first-child').allTextContents()).map(Number),
    ).toEqual(all.slice(0, 50).map((e) => e.seq));
  });

  it('refuses the access log to a ward officer, and offers them no link to it', async () => {
    const page = await newPage();
    await logIn(page, c.w.officerA.user.loginId);
    expect(await nav(page).getByRole('link', { name: 'アクセスログ' }).count()).toBe(0);
    await page.goto(`${t.baseUrl}/access-log`);
    await page
      .getByRole('alert')
      .filter({ hasText: 'この操作を行う権限がありません。' })
      .first()
      .waitFor();
    expect(await page.locator('table').count()).toBe(0);
  });

  it('shows an auditor each contract’s audit for the fiscal year, and leads to its tabs read-only', async () => {
    const recorded = await t.post(
      `${c.base}/audits`,
      { performedOn: today, result: 'satisfactory', auditors: ['監査 一郎'] },
      c.w.officerA.token,
    );
    expect(recorded.status).toBe(201);
    const page = await newPage();
    await logIn(page, c.w.auditor.user.loginId);
    await nav(page).getByRole('link', { name: '立入調査の状況' }).click();
    const fy = Number(await page.getByLabel('年度').inputValue());
    const expected = (await t.get('/api/audits/status', c.w.auditor.token)).body;
    expect(fy).toBe(expected.fiscalYear);
    const rows = await rowsWhen(page, (rows) => rows.length === 3);
    // Overdue first, then due, then done.
    expect(rows[0]).toContain('国民健康保険の通知書発送業務');
    expect(rows[0]).toContain('期限超過');
    expect(rows[1]).toContain('児童手当の現況届入力業務');
    expect(rows[1]).toContain('未実施');
    expect(rows[2]).toContain('介護保険認定調査の委託業務');
    expect(rows[2]).toContain('実施済み');
    expect(rows[2]).toContain('良好');
    await page
      .getByRole('status')
      .filter({ hasText: '期限超過 1件・未実施 1件・実施済み 1件' })
      .waitFor();
    await expectAccessible(page, '52-audit-status-auditor');

    // Another fiscal year: the address keeps it, the service answers for it.
    await page.getByLabel('年度').selectOption(String(fy - 1));
    await page.getByRole('table', { name: `${fy - 1}年度の立入調査（契約3件）` }).waitFor();
    expect(new URL(page.url()).searchParams.get('fiscalYear')).toBe(String(fy - 1));
    await page.getByLabel('年度').selectOption(String(fy));

    // The contract's 立入調査 tab, and its 管理簿 with the chain verified.
    await page.getByRole('link', { name: '国民健康保険の通知書発送業務', exact: true }).click();
    await page.waitForURL(`**/contracts/${overdueId}/audits`);
    await page.getByRole('heading', { name: '国民健康保険の通知書発送業務', level: 1 }).waitFor();
    expect(
      await page.getByRole('link', { name: '立入調査', exact: true }).getAttribute('aria-current'),
    ).toBe('page');
    await page.getByRole('link', { name: '管理簿', exact: true }).click();
    await page.getByRole('status').filter({ hasText: '検証済み：改ざんなし' }).waitFor();
    await expectAccessible(page, '53-contract-ledger-auditor');
    // The contracts list works for the auditor, without a button to change anything.
    await page.getByRole('link', { name: '契約', exact: true }).click();
    await page.getByRole('table', { name: '契約の一覧（3件）' }).waitFor();
    expect(await page.getByRole('button').filter({ hasNotText: 'ログアウト' }).count()).toBe(0);
    await expectAccessible(page, '54-contracts-auditor');
  });

  it('shows a ward officer the same status at tablet width, each contract a link to its audits', async () => {
    const page = await newPage({ width: 820, height: 1180 });
    await logIn(page, c.w.officerA.user.loginId);
    await nav(page).getByRole('link', { name: '立入調査の状況' }).click();
    await rowsWhen(page, (rows) => rows.length === 3);
    await expectAccessible(page, '55-audit-status-officer-tablet');
    await page.getByRole('link', { name: '児童手当の現況届入力業務', exact: true }).click();
    await page.waitForURL(`**/contracts/${dueId}/audits`);
  });

  it('gives an approving officer 今日の作業: a take-out to approve, a certificate to confirm, a notice to send', async () => {
    const approver: TestUser = await aUser(t, c.w.wardA, 'ward_officer');
    const marked = await t.put(
      `/api/users/${approver.user.id}/approver`,
      { approver: true },
      c.w.admin.token,
    );
    expect(marked.status).toBe(200);
    // A colleague asks to take data out.
    const applied = await t.post(
      `${c.base}/takeout-requests`,
      {
        dataItems: ['氏名', '住所'],
        recordCount: 300,
        mediaKinds: ['dvd_r'],
        mediaCount: 1,
        purpose: 'provide',
        plannedOn: addDays(today, 1),
        terminalId: 'KAIGO-PC-03',
      },
      c.w.officerA.token,
    );
    expect(applied.status).toBe(201);
    // The contractor's responsible person submits a deletion certificate.
    const submitted = await t.post(
      `${c.base}/deletion-certificates`,
      {
        certificateNumber: 'DC-2026-0042',
        erasedAt: new Date(t.clock.now().getTime() - 3_600_000).toISOString(),
        scope: { dataItems: ['氏名'], systems: ['作業用PC PC-12'], places: ['本社 3階 作業室'] },
        mediaIds: [],
        method: 'clear',
        tool: 'DiskWipe Pro 5.2',
        verification: '全領域を読み出して確認',
        performedBy: '作業 五郎',
      },
      c.w.staffX2.token,
    );
    expect(submitted.status).toBe(201);
    // The approver sends a DVD-R to the contractor; its password notice stays behind.
    const dvd = await c.dvd('介護-DVD-01', approver.token);
    const notice = await c.notice(dvd, approver.token);
    const sent = await c.dispatch(approver.token, {
      items: [dvd],
      toUserId: c.w.staffX.user.id,
      method: 'hand',
      bagId: 'BAG-K-1',
      sealNumber: 'S-9',
      purpose: 'provide',
    });
    expect(sent.status).toBe(201);
    const noticeLabel = (await c.medium(notice)).label as string;

    const page = await newPage();
    await logIn(page, approver.user.loginId);
    const idle = () =>
      t.eventually(async () => (await page.locator('[aria-busy="true"]').count()) === 0);
    await page.getByRole('heading', { name: '承認待ちの持出し申請（1件）' }).waitFor();
    await idle();
    // What the screen asks for, from a fresh load of 今日の作業: what the page
    // before the reload still asked for does not count (the list starts again
    // when the new document commits).
    const asked: string[] = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) asked.length = 0;
    });
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/api/')) asked.push(`${r.method()} ${r.url()}`);
    });
    await page.reload();
    await page.getByRole('heading', { name: '承認待ちの持出し申請（1件）' }).waitFor();
    await page.getByRole('heading', { name: '確認待ちの消去証明書（1件）' }).waitFor();
    await page.getByRole('heading', { name: '未送付のパスワード通知書（1件）' }).waitFor();
    await page.getByRole('heading', { name: '今年度に未実施の立入調査（2件）' }).waitFor();
    await page.getByRole('heading', { name: '手元で保管中の媒体（1件）' }).waitFor();
    await idle();
    await expectAccessible(page, '56-home-approver');
    // A fixed handful of requests, whatever the number of contracts (3 here),
    // each once: me, the second factor's state, the work across every
    // contract, the inbox, this fiscal year's audits. No list per contract.
    const gets = asked.filter((a) => a.startsWith('GET '));
    expect(new Set(gets).size).toBe(gets.length);
    expect(gets.map((g) => new URL(g.slice(4)).pathname).sort()).toEqual([
      '/api/audits/status',
      '/api/auth/me',
      '/api/auth/mfa',
      '/api/notifications',
      '/api/work',
    ]);

    // Each item leads to the tab where the approver acts.
    await page.getByRole('link', { name: /KAIGO|氏名、住所/ }).click();
    await page.waitForURL(`**/contracts/${c.contractId}/takeout`);
    await page.getByRole('button', { name: '承認する' }).waitFor();
    await page.goBack();
    await page.getByRole('link', { name: /DC-2026-0042/ }).click();
    await page.waitForURL(`**/contracts/${c.contractId}/certificates`);
    expect(
      await page
        .getByRole('link', { name: '消去証明書', exact: true })
        .getAttribute('aria-current'),
    ).toBe('page');
    await page.goBack();
    await page.getByRole('link', { name: new RegExp(`${noticeLabel}.*介護-DVD-01`) }).click();
    await page.waitForURL(`**/contracts/${c.contractId}/handovers`);
    await page.goBack();
    await page.getByRole('link', { name: /国民健康保険の通知書発送業務：期限超過/ }).click();
    await page.waitForURL(`**/contracts/${overdueId}/audits`);

    // Once approved, the applicant's 今日の作業 offers the request to use.
    const approved = await t.post(
      `${c.base}/takeout-requests/${applied.body.id}/approve`,
      {},
      approver.token,
    );
    expect(approved.status).toBe(200);
    const applicant = await newPage();
    await logIn(applicant, c.w.officerA.user.loginId);
    await applicant.getByRole('heading', { name: '承認済みの持出し申請（1件）' }).waitFor();
    // Not an approver: no list of requests to decide.
    expect(await applicant.getByRole('heading', { name: /承認待ちの持出し申請/ }).count()).toBe(0);
    await expectAccessible(applicant, '57-home-applicant');
    await applicant.getByRole('link', { name: /残り1媒体/ }).click();
    await applicant.waitForURL(`**/contracts/${c.contractId}/media`);
  });

  it('gives the auditor a 今日の作業 with nothing to act on, only what to review', async () => {
    const page = await newPage();
    await logIn(page, c.w.auditor.user.loginId);
    await page.getByRole('heading', { name: '確認する記録' }).waitFor();
    for (const heading of ['承認待ち', '確認待ち', '未送付', '手元で保管中', '受領待ち']) {
      expect(await page.getByRole('heading', { name: new RegExp(heading) }).count()).toBe(0);
    }
    await expectAccessible(page, '58-home-auditor');
  });
});

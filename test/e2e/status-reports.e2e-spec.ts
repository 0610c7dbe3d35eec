import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LedgerService } from '../../src/modules/ledger/ledger.service.js';
import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { snapshotProjections } from '../support/ledger-kit.js';
import { TestApp } from '../support/test-app.js';

/**
 * 業務に関する報告 (特記事項 14): the ward requests a report on the handling
 * of the contract's data; the contractor's responsible person answers with
 * the holdings the ledger's projections show (frozen in the answer's entry)
 * and a statement; unanswered after 5 business days, it is reminded.
 */
describe('status reports', () => {
  let t: TestApp;
  let c: CustodyWorld;
  let held: string;
  let receivedAt: string;
  let reportId: string;

  beforeAll(async () => {
    // Wednesday 25 November 2026, 10:00 in Tokyo.
    t = await TestApp.start({ at: '2026-11-25T01:00:00.000Z' });
    c = await aCustodyWorld(t);
    held = await c.dvd('DVD-課税-01');
    await c.dvd('DVD-区で保管');
    c.minutes(5);
    const sent = await c.provide([held]);
    c.minutes(30);
    const received = await c.receive(c.w.staffX.token, sent.body.id);
    expect(received.status).toBe(201);
    receivedAt = t.clock.now().toISOString();
    c.minutes(10);
    const stored = await t.post(
      `${c.base}/media/${held}/store`,
      { location: '本社 施錠キャビネット3' },
      c.w.staffX.token,
    );
    expect(stored.status).toBe(201);
    c.minutes(10);
  });
  afterAll(() => t.close());

  const expectRefused = (r: { status: number; body: any }, status: number, code: string) =>
    expect({ status: r.status, code: r.body.code }).toEqual({ status, code });
  const request = (body: Record<string, unknown>, token = c.w.officerA.token) =>
    t.post(`${c.base}/status-reports`, body, token);
  const answer = (id: string, body: Record<string, unknown>, token = c.w.staffX2.token) =>
    t.post(`${c.base}/status-reports/${id}/answer`, body, token);
  const lastEntry = async () => {
    const length = await c.ledgerLength();
    const page = await t.get(`${c.base}/ledger?afterSeq=${length - 1}&limit=1`, c.w.auditor.token);
    return page.body.items[0];
  };

  it('is requested by a ward officer of the contract only, as a ledger entry', async () => {
    const ledger = await c.ledgerLength();
    expectRefused(await request({}, c.w.staffX.token), 403, 'FORBIDDEN_ROLE');
    expectRefused(await request({}, c.w.auditor.token), 403, 'FORBIDDEN_ROLE');
    expectRefused(await request({}, c.w.officerB.token), 404, 'CONTRACT_NOT_FOUND');
    expectRefused(await request({ note: 'x'.repeat(2001) }), 400, 'VALIDATION_FAILED');
    expectRefused(await request({ urgent: true }), 400, 'VALIDATION_FAILED');
    expect(await c.ledgerLength()).toBe(ledger);

    const r = await request({ note: '年度途中の取扱い状況を報告してください' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      state: 'requested',
      requestNote: '年度途中の取扱い状況を報告してください',
      requestedByUserId: c.w.officerA.user.id,
      holdings: null,
    });
    reportId = r.body.id;
    expect(await lastEntry()).toMatchObject({
      type: 'status_report_requested',
      seq: r.body.requestedSeq,
      payload: { statusReportId: reportId, note: '年度途中の取扱い状況を報告してください' },
    });
    const list = await t.get(`${c.base}/status-reports`, c.w.staffX.token);
    expect(list.body.items.map((x: any) => x.id)).toEqual([reportId]);
  });

  it('reminds the responsible person and the ward after 5 business days unanswered, once', async () => {
    const scan = async (asOf: string) =>
      expect(
        (await t.post('/api/admin/jobs/reminder-scan', { asOf }, c.w.admin.token)).status,
      ).toBe(200);
    const inboxOf = async (token: string) =>
      (await t.get('/api/notifications?limit=200', token)).body.items.filter(
        (n: any) => n.kind === 'status_report_unanswered' && n.subjectId === reportId,
      );
    // Requested Wednesday 25 November: due by the 5th business day, Wednesday 2 December.
    await scan('2026-12-02');
    expect(await inboxOf(c.w.staffX2.token)).toHaveLength(0);
    await scan('2026-12-03');
    const [notice] = await inboxOf(c.w.staffX2.token);
    expect(notice).toMatchObject({ contractId: c.contractId, data: { dueOn: '2026-12-02' } });
    expect(notice.message).toContain('2026年11月25日 10:55');
    expect(await inboxOf(c.w.officerA.token)).toHaveLength(1);
    expect(await inboxOf(c.w.staffX.token)).toHaveLength(0);
    await scan('2026-12-04');
    expect(await inboxOf(c.w.staffX2.token)).toHaveLength(1);
  });

  it('is answered by the contractor’s responsible person only, writing nothing otherwise', async () => {
    const ledger = await c.ledgerLength();
    const body = { statement: '媒体は施錠キャビネットで保管している。' };
    expectRefused(await answer(reportId, body, c.w.staffX.token), 403, 'NOT_RESPONSIBLE');
    expectRefused(await answer(reportId, body, c.w.staffZ.token), 403, 'NOT_RESPONSIBLE');
    expectRefused(await answer(reportId, body, c.w.officerA.token), 403, 'FORBIDDEN_ROLE');
    expectRefused(await answer(reportId, body, c.w.staffY.token), 404, 'CONTRACT_NOT_FOUND');
    expectRefused(await answer(reportId, {}), 400, 'VALIDATION_FAILED');
    expectRefused(
      await answer('00000000-0000-4000-8000-00000000dead', body),
      404,
      'STATUS_REPORT_NOT_FOUND',
    );
    expect(await c.ledgerLength()).toBe(ledger);
  });

  it('answers with the holdings generated from the ledger, frozen in the answer’s entry', async () => {
    const r = await answer(reportId, { statement: '媒体は施錠キャビネットで保管している。' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      state: 'answered',
      answeredByUserId: c.w.staffX2.user.id,
      statement: '媒体は施錠キャビネットで保管している。',
    });
    const holdings = r.body.holdings;
    expect(holdings.media).toEqual([
      expect.objectContaining({
        mediumId: held,
        label: 'DVD-課税-01',
        holderOrganizationId: c.w.contractorX.id,
        location: '本社 施錠キャビネット3',
        since: receivedAt,
        state: 'held',
      }),
    ]);
    expect(holdings.outstanding).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ reason: 'not_returned', mediumId: held }),
        { reason: 'certificate_missing', organizationId: c.w.contractorX.id },
      ]),
    );
    expect(await lastEntry()).toMatchObject({
      type: 'status_report_answered',
      seq: r.body.answeredSeq,
      payload: { statusReportId: reportId, holdings },
    });
    const ledger = await c.ledgerLength();
    expectRefused(await answer(reportId, { statement: 'again' }), 409, 'STATUS_REPORT_ANSWERED');
    expect(await c.ledgerLength()).toBe(ledger);

    // What was answered stays as answered when custody moves on.
    c.minutes(10);
    await t.post(`${c.base}/media/${held}/store`, { location: '別室 金庫' }, c.w.staffX.token);
    const again = await t.get(`${c.base}/status-reports/${reportId}`, c.w.auditor.token);
    expect(again.body.holdings.media[0].location).toBe('本社 施錠キャビネット3');
  });

  const pdfText = async (id: string) => {
    const r = await fetch(`${t.baseUrl}${c.base}/status-reports/${id}/report.pdf`, {
      headers: { authorization: `Bearer ${c.w.officerA.token}` },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/pdf');
    const dir = mkdtempSync(join(tmpdir(), 'kanribo-status-pdf-'));
    writeFileSync(join(dir, 'r.pdf'), Buffer.from(await r.arrayBuffer()));
    return execFileSync('pdftotext', ['-layout', join(dir, 'r.pdf'), '-']).toString('utf8');
  };

  it('prints as a PDF with the frozen holdings, the statement and the ledger hashes', async () => {
    const report = (await t.get(`${c.base}/status-reports/${reportId}`, c.w.officerA.token)).body;
    const hashOf = async (seq: number) =>
      (await t.get(`${c.base}/ledger?afterSeq=${seq - 1}&limit=1`, c.w.auditor.token)).body.items[0]
        .hash;
    const text = await pdfText(reportId);
    for (const expected of [
      '個人情報の取扱い状況報告書',
      '住民税課税資料のデータ入力業務委託',
      '年度途中の取扱い状況を報告してください',
      'DVD-R DVD-課税-01',
      '本社 施錠キャビネット3',
      '保管中',
      '未返却',
      '消去証明書の未提出',
      '媒体は施錠キャビネットで保管している。',
      '2026/11/25',
      await hashOf(report.requestedSeq),
      await hashOf(report.answeredSeq),
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain('別室 金庫');
    expect(text).not.toContain('DVD-区で保管');

    const pending = await request({});
    expect(await pdfText(pending.body.id)).toContain('未回答');
    const strangers = await t.get(
      `${c.base}/status-reports/${reportId}/report.pdf`,
      c.w.officerB.token,
    );
    expect([strangers.status, strangers.body.code]).toEqual([404, 'CONTRACT_NOT_FOUND']);
  });

  it('rebuilds the requests and answers from the ledger alone', async () => {
    const tables = { status_reports: 'id' };
    const live = await snapshotProjections(t, tables);
    expect(live.status_reports).toHaveLength(2);
    await t.dataSource.query(`UPDATE status_reports SET state = 'requested', holdings = NULL`);
    const replayed = await t.app.get(LedgerService).rebuildProjections();
    expect(replayed).toBe(await t.count('ledger_entries'));
    expect(await snapshotProjections(t, tables)).toEqual(live);
  });
});

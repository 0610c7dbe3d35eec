import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LedgerService } from '../../src/modules/ledger/ledger.service.js';
import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { snapshotProjections } from '../support/ledger-kit.js';
import { TestApp } from '../support/test-app.js';

/**
 * The on-site audit as seed 000's checklist (立入調査, 特記事項 15–17): the
 * contract's checklist, answers ○ / × / −, every × a finding with its
 * corrective action (是正措置) that its owner reports fixed and the auditing
 * side verifies or reopens; the contractor's audits of its subcontractors.
 */
describe('audit checklists and findings', () => {
  let t: TestApp;
  let c: CustodyWorld; // 1 September 2026 – 31 March 2027

  beforeAll(async () => {
    t = await TestApp.start({ at: '2027-01-15T01:00:00.000Z' });
    c = await aCustodyWorld(t, { startsOn: '2026-09-01', endsOn: '2027-03-31' });
  });
  afterAll(() => t.close());

  const expectRefused = (r: { status: number; body: any }, status: number, code: string) =>
    expect({ status: r.status, code: r.body.code }).toEqual({ status, code });
  const checklistOf = async (token = c.w.officerA.token) => {
    const r = await t.get(`${c.base}/audit-checklist`, token);
    expect(r.status).toBe(200);
    return r.body;
  };
  const itemsOf = (checklist: any): any[] => checklist.sections.flatMap((s: any) => s.items);
  /** ○ for every item, but × (with a corrective action) for those given. */
  const answersFor = (checklist: any, crosses: Record<string, string> = {}) =>
    itemsOf(checklist).map((i: any) =>
      crosses[i.id]
        ? { itemId: i.id, answer: 'no', correctiveAction: crosses[i.id], dueOn: '2027-02-15' }
        : { itemId: i.id, answer: i.id === 'sys-11' ? 'na' : 'yes' },
    );
  const audit = (body: Record<string, unknown>, token = c.w.officerA.token) =>
    t.post(
      `${c.base}/audits`,
      { performedOn: '2027-01-14', result: 'findings', auditors: ['監査 一郎'], ...body },
      token,
    );
  const lastEntry = async () => {
    const length = await c.ledgerLength();
    const page = await t.get(`${c.base}/ledger?afterSeq=${length - 1}&limit=1`, c.w.auditor.token);
    return page.body.items[0];
  };
  const finding = (id: string, step: string, body: Record<string, unknown>, token: string) =>
    t.post(`${c.base}/audit-findings/${id}/${step}`, body, token);
  const statusItem = async () => {
    const r = await t.get('/api/audits/status', c.w.auditor.token);
    return r.body.items.find((i: any) => i.contractId === c.contractId);
  };

  it('is seed 000’s contractor checklist (12 + 11 items, version 0) until the ward sets one', async () => {
    const checklist = await checklistOf();
    expect(checklist).toMatchObject({ contractId: c.contractId, version: 0, seq: null });
    expect(checklist.sections.map((s: any) => [s.title, s.items.length])).toEqual([
      ['運用上の対策', 12],
      ['システム上の対策', 11],
    ]);
    expect(itemsOf(checklist)[9].text).toBe(
      '個人情報は、施錠できる金庫又はキャビネット等に保管させる。',
    );
    // Content: rostered handlers and the ward's auditor read it; others do not.
    expect((await checklistOf(c.w.staffZ.token)).version).toBe(0);
    expect((await checklistOf(c.w.auditor.token)).version).toBe(0);
    expectRefused(
      await t.get(`${c.base}/audit-checklist`, c.w.officerB.token),
      404,
      'CONTRACT_NOT_FOUND',
    );
    expectRefused(await t.get(`${c.base}/audit-checklist`, c.w.admin.token), 403, 'FORBIDDEN_ROLE');
  });

  it('refuses a checklist that is not the ward’s to set, or not a checklist, writing nothing', async () => {
    const base = await checklistOf();
    const body = { title: base.title, sections: base.sections };
    const ledger = await c.ledgerLength();
    const put = (b: unknown, token = c.w.officerA.token) =>
      t.put(`${c.base}/audit-checklist`, b, token);
    expectRefused(await put(body, c.w.staffX.token), 403, 'FORBIDDEN_ROLE');
    expectRefused(await put(body, c.w.auditor.token), 403, 'FORBIDDEN_ROLE');
    expectRefused(await put(body, c.w.officerB.token), 404, 'CONTRACT_NOT_FOUND');
    const twice = structuredClone(body);
    twice.sections[1].items[0].id = 'op-1';
    expectRefused(await put(twice), 422, 'CHECKLIST_INVALID');
    const badId = structuredClone(body);
    badId.sections[0].items[0].id = 'op 1';
    expectRefused(await put(badId), 400, 'VALIDATION_FAILED');
    expectRefused(await put({ ...body, sections: [] }), 400, 'VALIDATION_FAILED');
    expectRefused(await put({ ...body, sections: ['運用上の対策'] }), 400, 'VALIDATION_FAILED');
    expect(await c.ledgerLength()).toBe(ledger);
    expect(await t.count('audit_checklists')).toBe(0);
  });

  it('is copied and edited by a ward officer: a ledger entry with the whole list and its version', async () => {
    const base = await checklistOf();
    // The contract has no system of the contractor's own: the ward drops sys-11 and adds one.
    const sections = structuredClone(base.sections);
    sections[1].items = sections[1].items.filter((i: any) => i.id !== 'sys-10');
    sections[0].items.push({ id: 'op-13', number: 13, text: '持出し記録を毎月区に提出させる。' });
    const r = await t.put(
      `${c.base}/audit-checklist`,
      { title: '区の調査項目（令和8年度）', sections },
      c.w.officerA.token,
    );
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ version: 1, title: '区の調査項目（令和8年度）' });
    const entry = await lastEntry();
    expect(entry).toMatchObject({
      type: 'audit_checklist_set',
      seq: r.body.seq,
      payload: { version: 1, title: '区の調査項目（令和8年度）' },
    });
    expect(entry.payload.sections[0].items).toHaveLength(13);
    expect(itemsOf(await checklistOf(c.w.staffX.token)).map((i: any) => i.id)).not.toContain(
      'sys-10',
    );
  });

  it('refuses answers that do not fit the checklist in force, writing nothing', async () => {
    const checklist = await checklistOf();
    const fine = answersFor(checklist, { 'op-10': 'キャビネットを施錠させる' });
    const ledger = await c.ledgerLength();
    // sys-10 was dropped from the contract's checklist.
    expectRefused(
      await audit({ answers: [...fine, { itemId: 'sys-10', answer: 'yes' }] }),
      422,
      'UNKNOWN_CHECKLIST_ITEM',
    );
    expectRefused(await audit({ answers: [...fine, fine[0]] }), 422, 'UNKNOWN_CHECKLIST_ITEM');
    expectRefused(await audit({ answers: fine.slice(1) }), 422, 'CHECKLIST_INCOMPLETE');
    const noAction = fine.map((a: any) =>
      a.itemId === 'op-10' ? { itemId: 'op-10', answer: 'no', dueOn: '2027-02-15' } : a,
    );
    expectRefused(await audit({ answers: noAction }), 422, 'FINDING_INCOMPLETE');
    const early = fine.map((a: any) => (a.itemId === 'op-10' ? { ...a, dueOn: '2027-01-13' } : a));
    expectRefused(await audit({ answers: early }), 422, 'FINDING_INCOMPLETE');
    expectRefused(
      await audit({ answers: fine, result: 'satisfactory' }),
      422,
      'AUDIT_RESULT_MISMATCH',
    );
    expectRefused(
      await audit({ answers: fine.map((a: any) => ({ ...a, answer: '○' })) }),
      400,
      'VALIDATION_FAILED',
    );
    expectRefused(await audit({ answers: ['op-1'] }), 400, 'VALIDATION_FAILED');
    expect(await c.ledgerLength()).toBe(ledger);
    expect(await t.count('audits')).toBe(0);
    expect(await t.count('audit_findings')).toBe(0);
  });

  let findingIds: string[];
  let auditId: string;

  it('records the answered checklist in the ledger, every × a finding owned by the contractor', async () => {
    const checklist = await checklistOf();
    const r = await audit({
      answers: answersFor(checklist, {
        'op-10': 'キャビネットを施錠し、鍵の管理簿を付けさせる',
        'sys-8': 'アクセスログを月1回分析させる',
      }).map((a: any) => (a.itemId === 'op-2' ? { ...a, note: '報告は口頭のみ' } : a)),
    });
    expect(r.status).toBe(201);
    findingIds = r.body.findingIds;
    auditId = r.body.id;
    expect(findingIds).toHaveLength(2);
    const entry = await lastEntry();
    expect(entry).toMatchObject({
      type: 'audit_recorded',
      hash: r.body.hash,
      payload: {
        checklist: { version: 1, title: '区の調査項目（令和8年度）' },
        audited: { organizationId: c.w.contractorX.id },
        auditing: { organizationId: c.w.wardA.id },
        subcontractorOrganizationId: null,
        correctiveActions: [
          { itemId: 'op-10', itemLabel: '運用上の対策 10', dueOn: '2027-02-15' },
          { itemId: 'sys-8', itemLabel: 'システム上の対策 8' },
        ],
      },
    });
    expect(entry.payload.checklist.answers).toHaveLength(13 + 10);
    expect(entry.payload.checklist.answers[1]).toMatchObject({
      itemId: 'op-2',
      answer: 'yes',
      note: '報告は口頭のみ',
    });
    const list = await t.get(`${c.base}/audit-findings`, c.w.staffX.token);
    const byItem = (a: any, b: any) => (a.itemId < b.itemId ? -1 : 1);
    expect([...list.body.items].sort(byItem)).toEqual([
      expect.objectContaining({
        itemId: 'op-10',
        state: 'open',
        ownerOrganizationId: c.w.contractorX.id,
        auditorOrganizationId: c.w.wardA.id,
        correctiveAction: 'キャビネットを施錠し、鍵の管理簿を付けさせる',
      }),
      expect.objectContaining({ itemId: 'sys-8', state: 'open' }),
    ]);
    expect(await statusItem()).toMatchObject({ done: true, openFindings: 2 });
    const audits = await t.get(`${c.base}/audits`, c.w.auditor.token);
    expect(audits.body.items[0].checklist.answers[9]).toMatchObject({
      itemId: 'op-10',
      answer: 'no',
    });
  });

  it('takes a finding from open through reported fixed to verified, refusing every wrong step', async () => {
    const [first, second] = findingIds as [string, string];
    const ledger = await c.ledgerLength();
    expectRefused(await finding(first, 'verify', {}, c.w.officerA.token), 409, 'FINDING_STATE');
    expectRefused(
      await finding(first, 'reopen', { reason: 'x' }, c.w.officerA.token),
      409,
      'FINDING_STATE',
    );
    expectRefused(
      await finding(first, 'report-fixed', {}, c.w.officerA.token),
      403,
      'FORBIDDEN_ROLE',
    );
    expectRefused(
      await finding(first, 'report-fixed', {}, c.w.staffZ.token),
      403,
      'NOT_FINDING_OWNER',
    );
    expectRefused(
      await finding(first, 'report-fixed', {}, c.w.staffY.token),
      404,
      'CONTRACT_NOT_FOUND',
    );
    expectRefused(
      await finding(first, 'report-fixed', {}, c.w.auditor.token),
      403,
      'FORBIDDEN_ROLE',
    );
    expectRefused(
      await finding('00000000-0000-4000-8000-00000000dead', 'report-fixed', {}, c.w.staffX.token),
      404,
      'FINDING_NOT_FOUND',
    );
    expect(await c.ledgerLength()).toBe(ledger);

    const fixed = await finding(
      first,
      'report-fixed',
      { note: '鍵管理簿を作成した' },
      c.w.staffX.token,
    );
    expect(fixed.status).toBe(200);
    expect(fixed.body).toMatchObject({ state: 'reported_fixed', stateNote: '鍵管理簿を作成した' });
    expect(await lastEntry()).toMatchObject({
      type: 'audit_finding_reported_fixed',
      payload: { findingId: first, note: '鍵管理簿を作成した' },
    });
    const after = await c.ledgerLength();
    expectRefused(
      await finding(first, 'report-fixed', {}, c.w.staffX2.token),
      409,
      'FINDING_STATE',
    );
    expectRefused(await finding(first, 'verify', {}, c.w.staffX.token), 403, 'NOT_FINDING_AUDITOR');
    expectRefused(
      await finding(first, 'verify', {}, c.w.officerB.token),
      404,
      'CONTRACT_NOT_FOUND',
    );
    expectRefused(await finding(first, 'reopen', {}, c.w.officerA.token), 400, 'VALIDATION_FAILED');
    expect(await c.ledgerLength()).toBe(after);

    const reopened = await finding(
      first,
      'reopen',
      { reason: '鍵の保管場所が未記載' },
      c.w.officerA.token,
    );
    expect(reopened.body).toMatchObject({ state: 'open', stateNote: '鍵の保管場所が未記載' });
    expect((await lastEntry()).type).toBe('audit_finding_reopened');
    await finding(first, 'report-fixed', { note: '保管場所を追記した' }, c.w.staffX2.token);
    const verified = await finding(first, 'verify', { note: '現地で確認' }, c.w.officerA.token);
    expect(verified.body).toMatchObject({ state: 'verified' });
    expect((await lastEntry()).type).toBe('audit_finding_verified');
    expectRefused(
      await finding(first, 'reopen', { reason: 'x' }, c.w.officerA.token),
      409,
      'FINDING_STATE',
    );
    expect(await statusItem()).toMatchObject({ openFindings: 1 });
    const open = await t.get(`${c.base}/audit-findings?state=open`, c.w.officerA.token);
    expect(open.body.items.map((f: any) => f.id)).toEqual([second]);
  });

  it('records the contractor’s audit of its approved subcontractor, which the ward’s year does not count', async () => {
    const other = await aCustodyWorld(t, { startsOn: '2026-09-01', endsOn: '2027-03-31' });
    const checklist = (await t.get(`${other.base}/audit-checklist`, other.w.staffX.token)).body;
    const body = {
      performedOn: '2027-01-12',
      result: 'findings',
      auditors: ['委託先 監査担当'],
      answers: answersFor(checklist, { 'op-9': '管理簿への記載を徹底させる' }),
    };
    const post = (b: Record<string, unknown>, token: string) =>
      t.post(`${other.base}/audits`, b, token);
    const ledger = await t.count('ledger_entries');
    expectRefused(await post(body, other.w.staffX.token), 400, 'VALIDATION_FAILED');
    const of = (organizationId: string, token: string) =>
      post({ ...body, subcontractorOrganizationId: organizationId }, token);
    const z = other.w.subcontractorZ.id;
    expectRefused(
      await of(other.w.contractorY.id, other.w.staffX.token),
      403,
      'SUBCONTRACTING_NOT_APPROVED',
    );
    expectRefused(await of(z, other.w.staffZ.token), 403, 'NOT_CONTRACTOR');
    expectRefused(await of(z, other.w.officerA.token), 422, 'INVALID_REFERENCE');
    expect(await t.count('ledger_entries')).toBe(ledger);

    const r = await of(z, other.w.staffX.token);
    expect(r.status).toBe(201);
    const [id] = r.body.findingIds;
    const list = await t.get(`${other.base}/audit-findings`, other.w.officerA.token);
    expect(list.body.items).toEqual([
      expect.objectContaining({
        id,
        ownerOrganizationId: other.w.subcontractorZ.id,
        auditorOrganizationId: other.w.contractorX.id,
      }),
    ]);
    expectRefused(
      await t.post(`${other.base}/audit-findings/${id}/report-fixed`, {}, other.w.staffX.token),
      403,
      'NOT_FINDING_OWNER',
    );
    expect(
      (await t.post(`${other.base}/audit-findings/${id}/report-fixed`, {}, other.w.staffZ.token))
        .status,
    ).toBe(200);
    expectRefused(
      await t.post(`${other.base}/audit-findings/${id}/verify`, {}, other.w.officerA.token),
      403,
      'NOT_FINDING_AUDITOR',
    );
    expect(
      (await t.post(`${other.base}/audit-findings/${id}/verify`, {}, other.w.staffX2.token)).body
        .state,
    ).toBe('verified');

    const status = await t.get('/api/audits/status', other.w.officerA.token);
    expect(status.body.items.find((i: any) => i.contractId === other.contractId)).toMatchObject({
      done: false,
      lastAudit: null,
      openFindings: 0,
    });
    const audits = await t.get(`${other.base}/audits`, other.w.auditor.token);
    expect(audits.body.items).toEqual([
      expect.objectContaining({ subcontractorOrganizationId: other.w.subcontractorZ.id }),
    ]);
  });

  it('reminds the owner from a week before the due date, then the ward of a fix awaiting verification, until verified', async () => {
    const second = findingIds[1]!;
    const scan = async (asOf: string) =>
      expect(
        (await t.post('/api/admin/jobs/reminder-scan', { asOf }, c.w.admin.token)).status,
      ).toBe(200);
    const inboxOf = async (token: string, kind: string) =>
      (await t.get('/api/notifications?limit=200', token)).body.items.filter(
        (n: any) => n.kind === kind && n.subjectId === second,
      );
    // Due Monday 15 February 2027; REMINDER_OVERDUE_REPEAT_DAYS is 7.
    await scan('2027-02-07');
    expect(await inboxOf(c.w.staffX.token, 'audit_finding_open')).toHaveLength(0);
    await scan('2027-02-08');
    const [first] = await inboxOf(c.w.staffX.token, 'audit_finding_open');
    expect(first).toMatchObject({
      contractId: c.contractId,
      data: { itemLabel: 'システム上の対策 8' },
    });
    expect(first.message).toContain('2027年2月15日（令和9年）');
    expect(await inboxOf(c.w.staffX2.token, 'audit_finding_open')).toHaveLength(1);
    expect(await inboxOf(c.w.staffZ.token, 'audit_finding_open')).toHaveLength(0);
    expect(await inboxOf(c.w.officerA.token, 'audit_finding_open')).toHaveLength(0);
    await scan('2027-02-14');
    expect(await inboxOf(c.w.staffX.token, 'audit_finding_open')).toHaveLength(1);
    await scan('2027-02-15');
    await scan('2027-02-22');
    const open = await inboxOf(c.w.staffX.token, 'audit_finding_open');
    expect(open).toHaveLength(3);
    expect(open.some((n: any) => n.title.includes('期限超過'))).toBe(true);

    // Reported fixed on 15 January: the ward hears after 7 days of waiting, not before.
    await finding(second, 'report-fixed', { note: '分析手順を定めた' }, c.w.staffX.token);
    await scan('2027-01-21');
    expect(await inboxOf(c.w.officerA.token, 'audit_finding_unverified')).toHaveLength(0);
    await scan('2027-01-22');
    expect(await inboxOf(c.w.officerA.token, 'audit_finding_unverified')).toHaveLength(1);
    expect(await inboxOf(c.w.staffX.token, 'audit_finding_unverified')).toHaveLength(0);
    await scan('2027-01-28');
    expect(await inboxOf(c.w.officerA.token, 'audit_finding_unverified')).toHaveLength(1);
    // Reported fixed, it is no longer the owner's to hear of.
    await scan('2027-03-01');
    expect(await inboxOf(c.w.staffX.token, 'audit_finding_open')).toHaveLength(3);
    expect(await inboxOf(c.w.officerA.token, 'audit_finding_unverified')).toHaveLength(2);
    await finding(second, 'verify', {}, c.w.officerA.token);
    await scan('2027-03-08');
    expect(await inboxOf(c.w.officerA.token, 'audit_finding_unverified')).toHaveLength(2);
    expect(await inboxOf(c.w.staffX.token, 'audit_finding_open')).toHaveLength(3);
  });

  it('prints the audit as a PDF report: the answered checklist, the findings and the ledger hash', async () => {
    const path = `${c.base}/audits/${auditId}/report.pdf`;
    const r = await fetch(`${t.baseUrl}${path}`, {
      headers: { authorization: `Bearer ${c.w.staffX.token}` },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await r.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const dir = mkdtempSync(join(tmpdir(), 'kanribo-audit-pdf-'));
    writeFileSync(join(dir, 'a.pdf'), pdf);
    const text = execFileSync('pdftotext', ['-layout', join(dir, 'a.pdf'), '-']).toString('utf8');
    const hash = (await t.get(`${c.base}/audits`, c.w.auditor.token)).body.items.find(
      (a: any) => a.id === auditId,
    ).seq;
    const entry = (await t.get(`${c.base}/ledger?afterSeq=${hash - 1}&limit=1`, c.w.auditor.token))
      .body.items[0];
    for (const expected of [
      '立入調査報告書',
      '住民税課税資料のデータ入力業務委託',
      '2027年1月14日（令和9年）',
      '指摘事項あり',
      '区の調査項目（令和8年度）、第1版',
      '【運用上の対策】',
      '【システム上の対策】',
      '報告は口頭のみ',
      '持出し記録を毎月区に提出させる。',
      'キャビネットを施錠し、鍵の管理簿を付けさせる',
      '是正確認済',
      '運用上の対策 10',
      entry.hash,
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).toMatch(/10\s+×\s+個人情報は、施錠できる金庫/);
    expect(text).toMatch(/11\s+−\s+システムを提供するサーバ/);

    const refused = async (token: string, at = path) => {
      const x = await t.get(at, token);
      return { status: x.status, code: x.body.code };
    };
    expect(await refused(c.w.officerB.token)).toEqual({ status: 404, code: 'CONTRACT_NOT_FOUND' });
    expect(await refused(c.w.admin.token)).toEqual({ status: 403, code: 'FORBIDDEN_ROLE' });
    expect(
      await refused(
        c.w.officerA.token,
        `${c.base}/audits/00000000-0000-4000-8000-00000000dead/report.pdf`,
      ),
    ).toEqual({ status: 404, code: 'AUDIT_NOT_FOUND' });
  });

  it('rebuilds checklists, audits and findings from the ledger alone', async () => {
    const tables = { audits: 'id', audit_findings: 'id', audit_checklists: 'contract_id' };
    const live = await snapshotProjections(t, tables);
    expect(live.audit_findings).toHaveLength(3);
    await t.dataSource.query(`UPDATE audit_findings SET state = 'open'`);
    await t.dataSource.query('DELETE FROM audit_checklists');
    const replayed = await t.app.get(LedgerService).rebuildProjections();
    expect(replayed).toBe(await t.count('ledger_entries'));
    expect(await snapshotProjections(t, tables)).toEqual(live);
  });
});

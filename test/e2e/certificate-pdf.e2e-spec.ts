import { parse } from 'content-disposition';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId as mainThreadId } from 'node:worker_threads';
import { type PdfEvent, PdfRenderer } from '../../src/modules/pdf/pdf.renderer.js';
import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { TestApp } from '../support/test-app.js';

/**
 * The printable 消去証明書. The PDF is rendered to text and to a PNG with
 * poppler (pdftotext, pdftoppm; .ci/run installs them) to prove the Japanese
 * text is really there and the page is drawn. PDFs render on worker threads
 * (the compiled worker under dist/: `npm test` builds first) and are kept per
 * state of the certificate: what a read got is observed through the
 * renderer's events, never timed.
 */
describe('the deletion certificate as PDF', () => {
  let t: TestApp;
  let c: CustodyWorld;
  let certId: string;
  const dir = mkdtempSync(join(tmpdir(), 'kanribo-pdf-'));

  beforeAll(async () => {
    t = await TestApp.start({ at: '2026-11-25T01:00:00.000Z' });
    c = await aCustodyWorld(t);
    const file = await c.register(c.w.staffX.token, {
      kind: 'encrypted_file',
      label: '作業用複製-01',
      description: '住民税課税資料の作業用複製',
      recordCount: 12000,
      encrypted: true,
    });
    const cert = await t.post(
      `${c.base}/deletion-certificates`,
      {
        certificateNumber: 'DC-2026-0042',
        erasedAt: '2026-11-25T09:30:00+09:00',
        scope: {
          dataItems: ['氏名', '住所'],
          systems: ['作業用PC PC-12'],
          places: ['本社 3階 作業室'],
        },
        mediaIds: [file.body.id],
        method: 'purge',
        tool: 'CryptoErase 2.1',
        verification: '暗号鍵の破棄と復号不能を確認した',
        performedBy: '作業 五郎',
        witnessedBy: '立会 六郎',
      },
      c.w.staffX2.token,
    );
    certId = cert.body.id;
    expect(cert.status).toBe(201);
    await t.post(
      `${c.base}/deletion-certificates/${certId}/confirm`,
      { remarks: '内容を確認した' },
      c.w.officerA.token,
    );
  });
  afterAll(() => t.close());

  /** The events of the renderer while `action` runs. */
  async function observed(action: () => Promise<unknown>): Promise<PdfEvent[]> {
    const events: PdfEvent[] = [];
    const stop = t.app.get(PdfRenderer).observe((e) => events.push(e));
    try {
      await action();
    } finally {
      stop();
    }
    return events;
  }
  const answers = (events: PdfEvent[]) =>
    events.flatMap((e) => (e.phase === 'answered' ? [e] : []));

  async function readPdf(id: string): Promise<{ pdf: Buffer; text: string }> {
    const response = await fetch(`${t.baseUrl}${c.base}/deletion-certificates/${id}.pdf`, {
      headers: { authorization: `Bearer ${c.w.officerA.token}` },
    });
    expect(response.status).toBe(200);
    const pdf = Buffer.from(await response.arrayBuffer());
    const path = join(dir, `${id}-${Math.random().toString(36).slice(2)}.pdf`);
    writeFileSync(path, pdf);
    return { pdf, text: execFileSync('pdftotext', ['-layout', path, '-']).toString('utf8') };
  }

  async function submit(number: string, extra: Record<string, unknown> = {}): Promise<string> {
    const r = await t.post(
      `${c.base}/deletion-certificates`,
      {
        certificateNumber: number,
        erasedAt: '2026-11-25T09:30:00+09:00',
        scope: { dataItems: ['氏名'], systems: ['作業用PC PC-12'], places: ['本社 3階 作業室'] },
        mediaIds: [],
        method: 'clear',
        tool: 'DiskWipe Pro 5.2',
        verification: '全セクタを読み出して確認した',
        performedBy: '作業 五郎',
        ...extra,
      },
      c.w.staffX2.token,
    );
    if (r.status !== 201) throw new Error(`submit: ${r.text}`);
    return r.body.id as string;
  }

  it('renders the certificate and its confirmation in Japanese', async () => {
    const response = await fetch(`${t.baseUrl}${c.base}/deletion-certificates/${certId}.pdf`, {
      headers: { authorization: `Bearer ${c.w.officerA.token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    // The Japanese name as RFC 8187 percent-encodes it, and an ASCII one for old clients.
    const header = response.headers.get('content-disposition') ?? '';
    expect(header).toMatch(/^inline; filename=deletion-certificate-DC-2026-0042\.pdf; filename\*=/);
    const disposition = parse(header);
    expect(disposition.type).toBe('inline');
    expect(disposition.parameters.filename).toBe('消去証明書-DC-2026-0042.pdf');
    const pdf = Buffer.from(await response.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const path = join(dir, 'certificate.pdf');
    writeFileSync(path, pdf);

    const text = execFileSync('pdftotext', ['-layout', path, '-']).toString('utf8');
    for (const expected of [
      '消去証明書',
      'DC-2026-0042',
      '確認済',
      '作業用複製-01',
      '暗号鍵の破棄と復号不能を確認した',
      '内容を確認した',
      '2026/11/25 09:30（令和8年）',
    ]) {
      expect(text).toContain(expected);
    }
    execFileSync('pdftoppm', ['-png', '-r', '60', '-singlefile', path, join(dir, 'page')]);
    const png = readFileSync(join(dir, 'page.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(statSync(join(dir, 'page.png')).size).toBeGreaterThan(10_000);
  });

  /** Each page's text (pdftotext) and that it draws (pdftoppm), of a PDF read as the officer. */
  async function pagesOf(id: string): Promise<string[]> {
    const { pdf } = await readPdf(id);
    const path = join(dir, `${id}-pages.pdf`);
    writeFileSync(path, pdf);
    const info = execFileSync('pdfinfo', [path]).toString('utf8');
    const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
    expect(pages).toBeGreaterThan(0);
    return Array.from({ length: pages }, (_, i) => {
      const n = String(i + 1);
      execFileSync('pdftoppm', [
        '-png',
        '-r',
        '40',
        '-f',
        n,
        '-l',
        n,
        '-singlefile',
        path,
        join(dir, `p${n}`),
      ]);
      expect(statSync(join(dir, `p${n}.png`)).size).toBeGreaterThan(5_000);
      return execFileSync('pdftotext', ['-f', n, '-l', n, path, '-']).toString('utf8');
    });
  }

  it('is a document a ward files as is: addressee, declaration, seal and approval boxes, era date, number and page on every page', async () => {
    const addressee = await t.request('PATCH', `/api/organizations/${c.w.wardA.id}`, {
      token: c.w.admin.token,
      body: { documentAddressee: '新宿区長 殿' },
    });
    expect(addressee.status).toBe(200);
    const pages = await pagesOf(certId);
    const all = pages.join('\n');
    for (const expected of [
      '新宿区長 殿',
      '下記のとおり、委託業務で取り扱った個人情報を消去したことを証明します。',
      '令和8年11月25日',
      '署名',
      '印',
      '担当',
      '係長',
      '課長',
      '確認 (連番',
    ]) {
      expect(all).toContain(expected);
    }
    pages.forEach((text, i) => {
      expect(text).toContain('消去証明書 DC-2026-0042');
      expect(text).toContain(`${i + 1} / ${pages.length} ページ`);
    });
    // Confirmed: no watermark.
    expect(all).not.toContain('未確定');
    expect(all).not.toContain('無効');
  });

  it('marks every page of a certificate not confirmed, and names a rejection 差戻し', async () => {
    const pending = await submit('DC-2026-0110');
    for (const text of await pagesOf(pending)) expect(text).toContain('確認待ち（未確定）');

    const rejected = await submit('DC-2026-0111');
    expect(
      (
        await t.post(
          `${c.base}/deletion-certificates/${rejected}/reject`,
          { reason: '消去ツールの版が記載されていない' },
          c.w.officerA.token,
        )
      ).status,
    ).toBe(201);
    const pages = await pagesOf(rejected);
    for (const text of pages) expect(text).toContain('差戻し（無効）');
    const all = pages.join('\n');
    expect(all).toContain('差戻し (連番');
    expect(all).not.toContain('確認 (連番');
  });

  it('is need-to-know, and 404 for an unknown certificate', async () => {
    const get = (token: string, id = certId) =>
      t.request('GET', `${c.base}/deletion-certificates/${id}.pdf`, { token });
    expect((await get(c.w.auditor.token)).status).toBe(200);
    expect((await get(c.w.officerB.token)).status).toBe(404);
    const foreignAuditor = await get(c.w.auditorB.token);
    expect([foreignAuditor.status, foreignAuditor.body.code]).toEqual([404, 'CONTRACT_NOT_FOUND']);
    const admin = await get(c.w.admin.token);
    expect([admin.status, admin.body.code]).toEqual([403, 'FORBIDDEN_ROLE']);
    const unknown = await get(c.w.officerA.token, '00000000-0000-4000-8000-000000000000');
    expect([unknown.status, unknown.body.code]).toEqual([404, 'CERTIFICATE_NOT_FOUND']);
  });

  it('renders on a worker thread, and a repeat read comes from memory, byte for byte', async () => {
    const id = await submit('DC-2026-0100');
    let first: Buffer | undefined;
    const rendered = answers(await observed(async () => (first = (await readPdf(id)).pdf)));
    expect(rendered.map((e) => e.source)).toEqual(['render']);
    expect(rendered[0]?.threadId).toEqual(expect.any(Number));
    expect(rendered[0]?.threadId).not.toBe(mainThreadId);
    let again: Buffer | undefined;
    const repeat = answers(await observed(async () => (again = (await readPdf(id)).pdf)));
    expect(repeat.map((e) => e.source)).toEqual(['cache']);
    expect(again?.equals(first!)).toBe(true);
  });

  it('concurrent reads of a PDF not yet rendered share one render', async () => {
    const id = await submit('DC-2026-0101');
    const events = await observed(() =>
      Promise.all(
        [1, 2, 3, 4].map(async () => {
          const r = await t.request('GET', `${c.base}/deletion-certificates/${id}.pdf`, {
            token: c.w.officerA.token,
          });
          expect(r.status).toBe(200);
        }),
      ),
    );
    const sources = answers(events).map((e) => e.source);
    expect(sources).toHaveLength(4);
    // One render; the others waited for it or (if they came after) read it from memory.
    expect(sources.filter((s) => s === 'render')).toHaveLength(1);
    expect(events.filter((e) => e.phase === 'started')).toHaveLength(1);
  });

  it('a confirmation or a rejection is a new PDF, never the one kept from before', async () => {
    const toConfirm = await submit('DC-2026-0102');
    const toReject = await submit('DC-2026-0103');
    const before = await readPdf(toConfirm);
    const rejectedBefore = await readPdf(toReject);
    expect(before.text).toContain('確認待ち');
    expect(rejectedBefore.text).toContain('確認待ち');
    // Both are now kept: the next read of the same state is a memory hit.
    expect(
      answers(await observed(() => readPdf(toConfirm))).every((e) => e.source === 'cache'),
    ).toBe(true);

    const confirmed = await t.post(
      `${c.base}/deletion-certificates/${toConfirm}/confirm`,
      { remarks: '消去記録を照合した' },
      c.w.officerA.token,
    );
    expect(confirmed.status).toBe(201);
    const rejected = await t.post(
      `${c.base}/deletion-certificates/${toReject}/reject`,
      { reason: 'バックアップからの消去が記載されていない' },
      c.w.officerA.token,
    );
    expect(rejected.status).toBe(201);

    let after: { pdf: Buffer; text: string } | undefined;
    const afterEvents = answers(await observed(async () => (after = await readPdf(toConfirm))));
    expect(afterEvents[0]?.source).toBe('render');
    expect(after!.pdf.equals(before.pdf)).toBe(false);
    expect(after!.text).toContain('確認済');
    expect(after!.text).toContain('消去記録を照合した');
    expect(after!.text).not.toContain('確認待ち');

    const rejectedAfter = await readPdf(toReject);
    expect(rejectedAfter.pdf.equals(rejectedBefore.pdf)).toBe(false);
    expect(rejectedAfter.text).toContain('差戻し');
    expect(rejectedAfter.text).toContain('バックアップからの消去が記載されていない');
  });

  it('answers other requests while a certificate of maximum size renders', async () => {
    // Every field at its longest, in kanji that are (nearly) all different:
    // seconds of shaping and font subsetting, which on the main thread would
    // hold back every other request until the PDF is done.
    let next = 0x4e00;
    const kanji = (length: number) =>
      Array.from({ length }, () => {
        next = next >= 0x9fa0 ? 0x4e00 : next + 1;
        return String.fromCodePoint(next);
      }).join('');
    const id = await submit('DC-2026-0199', {
      scope: {
        dataItems: Array.from({ length: 100 }, () => kanji(200)),
        systems: Array.from({ length: 100 }, () => kanji(300)),
        places: Array.from({ length: 100 }, () => kanji(300)),
      },
      tool: kanji(300),
      verification: kanji(2000),
      performedBy: kanji(200),
      witnessedBy: kanji(200),
    });
    const order: string[] = [];
    const health: Array<Promise<void>> = [];
    const stop = t.app.get(PdfRenderer).observe((e) => {
      // The render is being handed over: ask for the health at once. Were the
      // render on the main thread, the server would not even read that request
      // before the PDF was done.
      if (e.phase === 'started')
        health.push(
          t.get('/api/health').then((r) => {
            order.push(`health ${r.status}`);
          }),
        );
      if (e.phase === 'answered') order.push(`rendered (${e.source})`);
    });
    try {
      const pdf = await t.request('GET', `${c.base}/deletion-certificates/${id}.pdf`, {
        token: c.w.officerA.token,
      });
      expect(pdf.status).toBe(200);
      await Promise.all(health);
    } finally {
      stop();
    }
    expect(health).toHaveLength(1);
    expect(order).toEqual(['health 200', 'rendered (render)']);
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { TestApp } from '../support/test-app.js';

/**
 * The printable 消去証明書. The PDF is rendered to text and to a PNG with
 * poppler (pdftotext, pdftoppm; .ci/run installs them) to prove the Japanese
 * text is really there and the page is drawn.
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
    await t.post(
      `${c.base}/deletion-certificates/${certId}/confirm`,
      { remarks: '内容を確認した' },
      c.w.officerA.token,
    );
  });
  afterAll(() => t.close());

  it('renders the certificate and its confirmation in Japanese', async () => {
    const response = await fetch(`${t.baseUrl}${c.base}/deletion-certificates/${certId}.pdf`, {
      headers: { authorization: `Bearer ${c.w.officerA.token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
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
      '2026/11/25 09:30',
    ]) {
      expect(text).toContain(expected);
    }
    execFileSync('pdftoppm', ['-png', '-r', '60', '-singlefile', path, join(dir, 'page')]);
    const png = readFileSync(join(dir, 'page.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(statSync(join(dir, 'page.png')).size).toBeGreaterThan(10_000);
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
});

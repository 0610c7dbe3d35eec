import ExcelJS from 'exceljs';
import { aUser } from '../factories/identity.factory.js';
import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { readLedger, type ServedEntry } from '../support/ledger-kit.js';
import { TestApp } from '../support/test-app.js';

/**
 * GET …/ledger/export.xlsx (issue 10): the 管理簿 as a workbook whose cells
 * keep their types, so that Japanese Excel shows bag `3-1` and seal `000123`
 * as they were written (opening the CSV, it reads 3月1日 and 123).
 */

/** 23:59 on 31 March in Tokyo: the last minute of the fiscal year. */
const START = '2026-03-31T14:59:00.000Z';
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const HEADER = [
  '連番',
  '日時',
  '区分',
  '取扱者',
  '相手方',
  '情報の内容',
  '数量',
  '件数',
  '媒体',
  '方法',
  '袋・封印番号',
  '承認者',
  '承認日時',
  '備考',
  'ハッシュ',
];

/** The Date exceljs reads for an Excel date showing `text` (its UTC fields are the wall clock). */
const wall = (text: string) => new Date(`${text}Z`);

/** The Tokyo wall clock of an instant, as exceljs reads it back from a cell. */
const tokyoWall = (iso: string) => new Date(new Date(iso).getTime() + 9 * 3_600_000);

describe('the 管理簿 workbook (GET …/ledger/export.xlsx)', () => {
  let t: TestApp;
  let c: CustodyWorld;
  let entries: ServedEntry[];
  let handovers: ServedEntry[];
  let response: Response;
  let workbook: ExcelJS.Workbook;
  let exportedAt: Date;
  const ids = {} as Record<'dvd' | 'notice' | 'file' | 'dDvd' | 'dNotice' | 'dFile', string>;

  async function ok(pending: Promise<{ status: number; text: string; body: any }>, status = 201) {
    const r = await pending;
    if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${r.text}`);
    return r.body;
  }

  const xlsx = (token?: string) =>
    fetch(`${t.baseUrl}${c.base}/ledger/export.xlsx`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });

  beforeAll(async () => {
    t = await TestApp.start({ at: START, env: { TOKEN_TTL_MINUTES: '43200' } });
    c = await aCustodyWorld(t, { startsOn: '2026-01-01', endsOn: '2027-03-31' });
    const { officerA, staffX } = c.w;

    ids.dvd = await c.dvd('DVD-A');
    ids.notice = await c.notice(ids.dvd);
    ids.file = (
      await ok(
        c.register(officerA.token, {
          kind: 'encrypted_file',
          label: '2026-04.zip',
          description: '課税データ',
          recordCount: 300,
          encrypted: true,
        }),
      )
    ).id;

    // 23:59 in Tokyo: the DVD leaves in bag 3-1 under seal 000123 (Excel's favourite victims).
    ids.dDvd = (
      await ok(c.provide([ids.dvd], { bagId: '3-1', sealNumber: '000123', note: '=1+1' }))
    ).id;
    c.minutes(1); // 00:00 on 1 April
    await ok(c.receive(staffX.token, ids.dDvd));

    c.minutes(61);
    // A bag number with leading zeros, a seal that reads as a number in scientific notation.
    ids.dNotice = (await ok(c.provide([ids.notice], { bagId: '0012', sealNumber: '1E5' }))).id;
    c.minutes(5);
    await ok(c.receive(staffX.token, ids.dNotice, { sealIntact: false }));

    c.minutes(10);
    // Over LGWAN: no bag, no seal.
    ids.dFile = (
      await ok(c.provide([ids.file], { method: 'lgwan', bagId: undefined, sealNumber: undefined }))
    ).id;

    c.minutes(30);
    exportedAt = t.clock.now();
    response = await xlsx(c.w.auditor.token);
    expect(response.status).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);

    entries = await readLedger(t, c.contractId, officerA.token);
    handovers = entries.filter(
      (e) => e.type === 'handover_dispatched' || e.type === 'handover_received',
    );
  });

  afterAll(async () => {
    await t?.close();
  });

  const sheet = () => workbook.getWorksheet('管理簿')!;
  /** A data row as header → cell. */
  const row = (n: number) => {
    const r = sheet().getRow(n + 1);
    return Object.fromEntries(HEADER.map((h, i) => [h, r.getCell(i + 1)]));
  };

  it('is an xlsx attachment named after the contract, never cached', () => {
    expect(response.headers.get('content-type')).toBe(XLSX_TYPE);
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="kanribo-${c.contractId}.xlsx"`,
    );
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('has the sheets 管理簿 and 検証', () => {
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['管理簿', '検証']);
  });

  it('has one row per dispatch and receipt, in ledger order, as the CSV does', async () => {
    expect(handovers).toHaveLength(5);
    expect(sheet().rowCount).toBe(handovers.length + 1);
    expect(sheet().getRow(1).values).toEqual([undefined, ...HEADER]);
    handovers.forEach((entry, i) => {
      const r = row(i + 1);
      expect(r['連番']!.value).toBe(entry.seq);
      expect(r['ハッシュ']!.value).toBe(entry.hash);
      expect(r['日時']!.value).toEqual(tokyoWall(entry.occurredAt));
    });
    const csv = await t.get(`${c.base}/ledger/export.csv`, c.w.auditor.token);
    const csvSeqs = csv.text
      .split('\r\n')
      .slice(1, -1)
      .map((line) => Number(line.split(',')[0]));
    expect(csvSeqs).toEqual(handovers.map((e) => e.seq));
  });

  it('writes the first dispatch cell by cell, each with its type', () => {
    const dispatch = handovers[0]!;
    const r = row(1);
    const { wardA, contractorX, officerA, staffX } = c.w;
    const expected: Record<string, [ExcelJS.ValueType, unknown]> = {
      連番: [ExcelJS.ValueType.Number, dispatch.seq],
      日時: [ExcelJS.ValueType.Date, wall('2026-03-31T23:59:00')],
      区分: [ExcelJS.ValueType.String, '引渡'],
      取扱者: [ExcelJS.ValueType.String, `${wardA.name} ${officerA.user.displayName}`],
      相手方: [ExcelJS.ValueType.String, `${contractorX.name} ${staffX.user.displayName}`],
      情報の内容: [ExcelJS.ValueType.String, '住民税課税資料'],
      数量: [ExcelJS.ValueType.Number, 1],
      件数: [ExcelJS.ValueType.Number, 1200],
      媒体: [ExcelJS.ValueType.String, 'DVD-R DVD-A'],
      方法: [ExcelJS.ValueType.String, '手渡し'],
      '袋・封印番号': [ExcelJS.ValueType.String, '3-1 / 000123'],
      承認者: [ExcelJS.ValueType.Null, null],
      承認日時: [ExcelJS.ValueType.Null, null],
      // Text, never a formula: no apostrophe is needed in a workbook.
      備考: [ExcelJS.ValueType.String, '目的: 提供; =1+1'],
      ハッシュ: [ExcelJS.ValueType.String, dispatch.hash],
    };
    for (const [header, [type, value]] of Object.entries(expected)) {
      expect({ header, type: r[header]!.type, value: r[header]!.value }).toEqual({
        header,
        type,
        value,
      });
    }
    expect(r['日時']!.numFmt).toBe('yyyy/mm/dd hh:mm');
    expect(r['承認日時']!.numFmt).toBe('yyyy/mm/dd hh:mm');
  });

  it('writes the receipt with the addressee as 取扱者, at midnight of 1 April in Tokyo', () => {
    const r = row(2);
    const { wardA, contractorX, officerA, staffX } = c.w;
    expect(r['区分']!.value).toBe('受領');
    expect(r['日時']!.value).toEqual(wall('2026-04-01T00:00:00'));
    expect(r['取扱者']!.value).toBe(`${contractorX.name} ${staffX.user.displayName}`);
    expect(r['相手方']!.value).toBe(`${wardA.name} ${officerA.user.displayName}`);
    expect(r['備考']!.value).toBe('目的: 提供; 封印異常なし');
    expect(r['袋・封印番号']).toMatchObject({
      type: ExcelJS.ValueType.String,
      value: '3-1 / 000123',
    });
  });

  it('keeps numeric-looking identifiers as text', () => {
    const notice = row(3);
    expect(notice['日時']!.value).toEqual(wall('2026-04-01T01:01:00'));
    expect(notice['媒体']!.value).toBe(`パスワード通知書 PW-${ids.dvd.slice(0, 6)}`);
    expect(notice['袋・封印番号']).toMatchObject({
      type: ExcelJS.ValueType.String,
      value: '0012 / 1E5',
    });
    expect(row(4)['備考']!.value).toBe('目的: 提供; 封印破損; 事故報告あり');
    const file = row(5);
    expect(file['方法']!.value).toBe('LGWAN');
    expect(file['袋・封印番号']!.value).toBeNull();
    expect(file['件数']).toMatchObject({ type: ExcelJS.ValueType.Number, value: 300 });
  });

  it('freezes, filters and styles the header row', () => {
    const s = sheet();
    expect(s.views[0]).toMatchObject({ state: 'frozen', ySplit: 1, topLeftCell: 'A2' });
    expect(s.autoFilter).toBe(`A1:O${handovers.length + 1}`);
    const header = s.getRow(1);
    for (let i = 1; i <= HEADER.length; i++) {
      const cell = header.getCell(i);
      expect(cell.font?.bold).toBe(true);
      expect(cell.fill).toMatchObject({ type: 'pattern', pattern: 'solid' });
      expect(cell.border?.bottom).toEqual({ style: 'thin' });
    }
    for (const column of s.columns) expect(column.width).toBeGreaterThan(0);
  });

  it('prints A4 landscape, one page wide, header row on every page, title and page numbers', () => {
    const s = sheet();
    expect(s.pageSetup).toMatchObject({
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: '1:1',
    });
    expect(s.headerFooter.oddHeader).toContain(`&C住民税課税資料のデータ入力業務委託`);
    expect(s.headerFooter.oddFooter).toBe('&C&P / &N');
  });

  it('states on sheet 検証 the chain as verify finds it, and when the workbook was made', async () => {
    const verdict = await t.get(`${c.base}/ledger/verify`, c.w.auditor.token);
    expect(verdict.body.valid).toBe(true);
    const values: Record<string, unknown> = {};
    workbook.getWorksheet('検証')!.eachRow((r) => {
      values[r.getCell(1).text] = r.getCell(2).value;
    });
    expect(values).toMatchObject({
      業務委託: '住民税課税資料のデータ入力業務委託',
      契約ID: c.contractId,
      出力日時: tokyoWall(exportedAt.toISOString()),
      時間帯: 'Asia/Tokyo',
      チェーン長: verdict.body.length,
      先頭ハッシュ: verdict.body.head,
      管理簿の行数: handovers.length,
    });
    expect(values['出力日時']).toEqual(wall('2026-04-01T01:46:00'));
    expect(values['チェーン長']).toBe(entries.length);
    expect(values['先頭ハッシュ']).toBe(entries[entries.length - 1]!.hash);
    expect(values['検証結果']).toMatch(/^正常/);
  });

  describe("who may download it: the CSV route's rules", () => {
    const both = ['export.csv', 'export.xlsx'];

    it.each(['officerA', 'staffX', 'staffZ', 'auditor'] as const)('%s may', async (who) => {
      const r = await xlsx(c.w[who].token);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe(XLSX_TYPE);
      await r.arrayBuffer();
    });

    it.each(['officerB', 'staffY', 'auditorB'] as const)(
      '%s (another tenant) is answered 404 without data',
      async (who) => {
        for (const path of both) {
          const r = await t.get(`${c.base}/ledger/${path}`, c.w[who].token);
          expect({ path, status: r.status, code: r.body.code }).toEqual({
            path,
            status: 404,
            code: 'CONTRACT_NOT_FOUND',
          });
          expect(r.text).not.toContain(entries[1]!.hash);
        }
      },
    );

    it('contractor staff not on the roster get 403 NOT_ROSTERED', async () => {
      const unnamed = await aUser(t, c.w.contractorX, 'contractor_staff');
      for (const path of both) {
        const r = await t.get(`${c.base}/ledger/${path}`, unnamed.token);
        expect({ path, status: r.status, code: r.body.code }).toEqual({
          path,
          status: 403,
          code: 'NOT_ROSTERED',
        });
      }
    });

    it('an admin is refused by role (403), and nobody without a token (401)', async () => {
      for (const path of both) {
        const admin = await t.get(`${c.base}/ledger/${path}`, c.w.admin.token);
        expect({ path, status: admin.status, code: admin.body.code }).toEqual({
          path,
          status: 403,
          code: 'FORBIDDEN_ROLE',
        });
        const anonymous = await t.get(`${c.base}/ledger/${path}`);
        expect({ path, status: anonymous.status }).toEqual({ path, status: 401 });
      }
    });

    it('an unknown contract is 404', async () => {
      const r = await t.get(
        '/api/contracts/00000000-0000-4000-8000-000000000000/ledger/export.xlsx',
        c.w.auditor.token,
      );
      expect(r.status).toBe(404);
    });
  });
});

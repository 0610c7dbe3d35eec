import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import type { ChainVerdict } from './hash-chain.js';
import type { KanriboRow } from './kanribo-row.js';
import {
  bagAndSeal,
  DATE_FORMAT,
  KANRIBO_SHEET,
  KANRIBO_XLSX_HEADER,
  kanriboXlsxCells,
  MAX_CELL_TEXT,
  VERIFICATION_SHEET,
  WorkbookReaderGone,
  writeKanriboWorkbook,
} from './kanribo-xlsx.js';

const TZ = 'Asia/Tokyo';
const HASH = 'ab'.repeat(32);
const HEAD = 'cd'.repeat(32);

const dispatch: KanriboRow = {
  seq: 7,
  occurredAt: '2026-03-31T14:59:00.000Z', // 23:59 in Tokyo
  kind: 'dispatch',
  kindLabel: '引渡',
  sender: '練馬区 戸籍住民課 山田 太郎',
  receiver: '株式会社データ処理 佐藤 花子',
  contents: '住民記録データ',
  media: 'DVD-R 住民-001 / DVD-R 住民-002',
  quantity: 2,
  records: 2000,
  method: '手渡し',
  bagId: '3-1',
  sealNumber: '000123',
  approvers: '課長 鈴木 / 部長 田中',
  approvedAt: '2026-03-30T23:30:00.000Z', // 08:30 on the 31st in Tokyo
  place: null,
  remarks: '目的: 提供; =SUM(A1)',
  hash: HASH,
};

const receipt: KanriboRow = {
  ...dispatch,
  seq: 8,
  occurredAt: '2026-03-31T15:00:00.000Z', // midnight, 1 April in Tokyo
  kind: 'receipt',
  kindLabel: '受領',
  bagId: '3-1',
  sealNumber: null,
  approvers: null,
  approvedAt: null,
  remarks: '目的: 提供; 封印異常なし',
  hash: HEAD,
};

/** The Date exceljs reads back for a wall-clock time: its UTC fields are the wall clock. */
const wall = (text: string) => new Date(`${text}Z`);

describe('the columns of sheet 管理簿', () => {
  it('are those of a 外部記録媒体管理簿', () => {
    expect(KANRIBO_XLSX_HEADER).toEqual([
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
    ]);
  });
});

describe('bagAndSeal', () => {
  it.each([
    ['3-1', '000123', '3-1 / 000123'],
    ['3-1', null, '3-1'],
    [null, '000123', '— / 000123'],
    [null, null, null],
    ['', '', null],
  ])('%p and %p give %p', (bag, seal, expected) => {
    expect(bagAndSeal(bag, seal)).toBe(expected);
  });
});

describe('kanriboXlsxCells', () => {
  it('maps a dispatch: the sender handled it, numbers and dates typed, identifiers as text', () => {
    expect(kanriboXlsxCells(dispatch, TZ)).toEqual([
      7,
      wall('2026-03-31T23:59:00'),
      '引渡',
      '練馬区 戸籍住民課 山田 太郎',
      '株式会社データ処理 佐藤 花子',
      '住民記録データ',
      2,
      2000,
      'DVD-R 住民-001 / DVD-R 住民-002',
      '手渡し',
      '3-1 / 000123',
      '課長 鈴木 / 部長 田中',
      wall('2026-03-31T08:30:00'),
      '目的: 提供; =SUM(A1)', // text, never a formula: no apostrophe needed
      HASH,
    ]);
  });

  it('maps a receipt: the addressee handled it, the sender is the other side', () => {
    const cells = kanriboXlsxCells(receipt, TZ);
    expect(cells[1]).toEqual(wall('2026-04-01T00:00:00'));
    expect(cells[2]).toBe('受領');
    expect(cells[3]).toBe(receipt.receiver);
    expect(cells[4]).toBe(receipt.sender);
    expect(cells[10]).toBe('3-1');
    expect(cells[11]).toBeNull();
    expect(cells[12]).toBeNull();
  });

  it('writes the wall clock of the configured zone', () => {
    expect(kanriboXlsxCells(dispatch, 'UTC')[1]).toEqual(wall('2026-03-31T14:59:00'));
  });

  it("cuts text at Excel's limit of 32,767 characters", () => {
    const cells = kanriboXlsxCells({ ...dispatch, remarks: 'あ'.repeat(40_000) }, TZ);
    const remarks = cells[13] as string;
    expect(remarks).toHaveLength(MAX_CELL_TEXT);
    expect(remarks.endsWith('…')).toBe(true);
  });
});

const VALID: ChainVerdict = { valid: true, length: 9, head: HEAD };

async function written(
  rows: Iterable<KanriboRow>,
  verdict: ChainVerdict = VALID,
  title = '住民税 & 課税資料の作成業務',
): Promise<{ count: number; workbook: ExcelJS.Workbook; bytes: Buffer }> {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));
  const count = await writeKanriboWorkbook(output, {
    contract: { id: 'c-1', title },
    timeZone: TZ,
    exportedAt: new Date('2026-04-01T01:02:03.000Z'),
    verdict,
    rows,
  });
  const bytes = Buffer.concat(chunks);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  return { count, workbook, bytes };
}

/** Sheet 検証 as label → value. */
function verification(workbook: ExcelJS.Workbook): Record<string, unknown> {
  const sheet = workbook.getWorksheet(VERIFICATION_SHEET)!;
  const values: Record<string, unknown> = {};
  sheet.eachRow((row) => {
    values[row.getCell(1).text] = row.getCell(2).value;
  });
  return values;
}

describe('writeKanriboWorkbook', () => {
  let workbook: ExcelJS.Workbook;
  let count: number;

  beforeAll(async () => {
    ({ workbook, count } = await written([dispatch, receipt]));
  });

  it('writes the sheets 管理簿 and 検証, in that order', () => {
    expect(count).toBe(2);
    expect(workbook.worksheets.map((s) => s.name)).toEqual([KANRIBO_SHEET, VERIFICATION_SHEET]);
  });

  it('puts a styled header row on top, frozen', () => {
    const sheet = workbook.getWorksheet(KANRIBO_SHEET)!;
    expect(sheet.getRow(1).values).toEqual([undefined, ...KANRIBO_XLSX_HEADER]);
    for (let c = 1; c <= KANRIBO_XLSX_HEADER.length; c++) {
      const cell = sheet.getRow(1).getCell(c);
      expect(cell.font?.bold).toBe(true);
      expect(cell.fill).toMatchObject({ type: 'pattern', pattern: 'solid' });
      expect(cell.border).toMatchObject({
        top: { style: 'thin' },
        left: { style: 'thin' },
        bottom: { style: 'thin' },
        right: { style: 'thin' },
      });
    }
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1, topLeftCell: 'A2' });
    expect(sheet.autoFilter).toBe('A1:O3');
    expect(sheet.columns.map((c) => c.width)).toEqual([
      7, 16, 6, 20, 20, 20, 6, 8, 24, 8, 16, 14, 16, 28, 56,
    ]);
  });

  it('types every cell: text identifiers, numeric counts, dates at the Tokyo wall clock', () => {
    const sheet = workbook.getWorksheet(KANRIBO_SHEET)!;
    const row = sheet.getRow(2);
    const cell = (header: string) => row.getCell(KANRIBO_XLSX_HEADER.indexOf(header) + 1);
    expect(cell('連番')).toMatchObject({ type: ExcelJS.ValueType.Number, value: 7 });
    expect(cell('日時').type).toBe(ExcelJS.ValueType.Date);
    expect(cell('日時').value).toEqual(wall('2026-03-31T23:59:00'));
    expect(cell('日時').numFmt).toBe(DATE_FORMAT);
    expect(cell('数量')).toMatchObject({ type: ExcelJS.ValueType.Number, value: 2 });
    expect(cell('件数')).toMatchObject({ type: ExcelJS.ValueType.Number, value: 2000 });
    expect(cell('袋・封印番号')).toMatchObject({
      type: ExcelJS.ValueType.String,
      value: '3-1 / 000123',
    });
    expect(cell('承認日時').value).toEqual(wall('2026-03-31T08:30:00'));
    expect(cell('承認日時').numFmt).toBe(DATE_FORMAT);
    expect(cell('備考')).toMatchObject({ type: ExcelJS.ValueType.String });
    expect(cell('ハッシュ')).toMatchObject({ type: ExcelJS.ValueType.String, value: HASH });
    const next = sheet.getRow(3);
    expect(next.getCell(11)).toMatchObject({ type: ExcelJS.ValueType.String, value: '3-1' });
    expect(next.getCell(12).value).toBeNull();
    expect(next.getCell(2).value).toEqual(wall('2026-04-01T00:00:00'));
  });

  it('prints on A4 landscape, one page wide, the header row on every page', () => {
    const sheet = workbook.getWorksheet(KANRIBO_SHEET)!;
    expect(sheet.pageSetup).toMatchObject({
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: '1:1',
    });
    // The title's & doubled: a single one would start a header code.
    expect(sheet.headerFooter.oddHeader).toBe(
      '&L外部記録媒体管理簿&C住民税 && 課税資料の作成業務&Rc-1',
    );
    expect(sheet.headerFooter.oddFooter).toBe('&C&P / &N');
  });

  it("keeps a long title's page header within Excel's 255 characters, escapes whole", async () => {
    const { workbook: book } = await written([dispatch], VALID, 'A&'.repeat(200));
    const header = book.getWorksheet(KANRIBO_SHEET)!.headerFooter.oddHeader!;
    expect(header.length).toBeLessThanOrEqual(255);
    const centre = header.slice(header.indexOf('&C') + 2, header.indexOf('&R'));
    expect(centre).toBe(`${'A&&'.repeat(39)}A…`);
    // The full title stays on sheet 検証.
    expect(verification(book)['業務委託']).toBe('A&'.repeat(200));
  });

  it('states the chain at the export on sheet 検証', () => {
    const values = verification(workbook);
    expect(values).toMatchObject({
      業務委託: '住民税 & 課税資料の作成業務',
      契約ID: 'c-1',
      出力日時: wall('2026-04-01T10:02:03'),
      時間帯: TZ,
      チェーン長: 9,
      先頭ハッシュ: HEAD,
      管理簿の行数: 2,
    });
    expect(values['検証結果']).toMatch(/^正常/);
    expect(values['最初の不正な連番']).toBeNull();
  });

  it('says where a broken chain breaks, without a head', async () => {
    const broken: ChainVerdict = {
      valid: false,
      length: 4,
      firstInvalidSeq: 5,
      reason: 'hash does not match the entry',
    };
    const { workbook: book } = await written([dispatch], broken);
    const values = verification(book);
    expect(values['検証結果']).toBe(
      '異常: 連番 5 が記録どおりではない (hash does not match the entry)',
    );
    expect(values['最初の不正な連番']).toBe(5);
    expect(values['チェーン長']).toBe(4);
    expect(values['先頭ハッシュ']).toBeNull();
  });

  it('writes a workbook without rows as a header and its filter', async () => {
    const { count: none, workbook: book } = await written([]);
    expect(none).toBe(0);
    const sheet = book.getWorksheet(KANRIBO_SHEET)!;
    expect(sheet.rowCount).toBe(1);
    expect(sheet.autoFilter).toBe('A1:O1');
    expect(verification(book)['管理簿の行数']).toBe(0);
  });

  it('stops reading rows while nobody reads the workbook, and goes on when they do', async () => {
    const total = 6_000;
    let pulled = 0;
    function* many(): Generator<KanriboRow> {
      for (let i = 1; i <= total; i++) {
        pulled++;
        yield { ...dispatch, seq: i, remarks: `往復 ${i}` };
      }
    }
    const output = new PassThrough({ highWaterMark: 16 * 1024 });
    const done = writeKanriboWorkbook(output, {
      contract: { id: 'c-1', title: 't' },
      timeZone: TZ,
      exportedAt: new Date('2026-04-01T00:00:00Z'),
      verdict: VALID,
      rows: many(),
    });
    // Wait until the output is full and the writer stands still. (A pause of
    // the machine alone, before the output fills, is not standing still.)
    const deadline = Date.now() + 20_000;
    let before = -1;
    while ((pulled !== before || !output.writableNeedDrain) && Date.now() < deadline) {
      before = pulled;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(output.writableNeedDrain).toBe(true);
    expect(pulled).toBeLessThan(total);
    const chunks: Buffer[] = [];
    output.on('data', (chunk: Buffer) => chunks.push(chunk));
    expect(await done).toBe(total);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.concat(chunks) as unknown as ExcelJS.Buffer);
    const sheet = book.getWorksheet(KANRIBO_SHEET)!;
    expect(sheet.rowCount).toBe(total + 1);
    expect(sheet.getRow(total + 1).getCell(1).value).toBe(total);
  });

  it('gives up, closing the rows, when the reader goes away', async () => {
    let closed = false;
    function* endless(): Generator<KanriboRow> {
      try {
        for (let i = 1; ; i++) yield { ...dispatch, seq: i };
      } finally {
        closed = true;
      }
    }
    const output = new PassThrough({ highWaterMark: 16 * 1024 });
    let received = 0;
    output.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > 64 * 1024) output.destroy();
    });
    await expect(
      writeKanriboWorkbook(output, {
        contract: { id: 'c-1', title: 't' },
        timeZone: TZ,
        exportedAt: new Date('2026-04-01T00:00:00Z'),
        verdict: VALID,
        rows: endless(),
      }),
    ).rejects.toBeInstanceOf(WorkbookReaderGone);
    expect(closed).toBe(true);
  });
});

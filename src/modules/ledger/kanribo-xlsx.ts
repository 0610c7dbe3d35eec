import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { businessWallClock } from './business-time.js';
import type { ChainVerdict } from './hash-chain.js';
import type { KanriboRow } from './kanribo-row.js';

/**
 * The 管理簿 as an Excel workbook, in the shape of a municipal 外部記録媒体管理簿.
 *
 * Why a workbook beside the CSV: Excel opening a CSV guesses every cell's
 * type, so a bag `3-1` becomes 3月1日 and a seal `000123` becomes 123. In a
 * workbook each cell carries its type: identifiers and hashes are text,
 * quantities are numbers, times are dates. Text cells are never formulas
 * either, so nothing needs escaping here (the CSV's apostrophes are a CSV
 * matter).
 *
 * Written with exceljs's streaming writer: each row is committed (turned into
 * XML and handed to the zip) as soon as it is read from the ledger, so memory
 * stays flat whatever the ledger's length. Sheet 1 「管理簿」 has a row per
 * dispatch and receipt; sheet 2 「検証」 the state of the hash chain at the
 * export.
 */

export const KANRIBO_SHEET = '管理簿';
export const VERIFICATION_SHEET = '検証';

/** How a time shows: the wall clock of BUSINESS_TIMEZONE. */
export const DATE_FORMAT = 'yyyy/mm/dd hh:mm';
const DATE_SECONDS_FORMAT = 'yyyy/mm/dd hh:mm:ss';

/** A4 paper (exceljs's PaperSize.A4, a const enum that isolated modules cannot read). */
const PAPER_A4 = 9;

/** Excel refuses a cell of more than 32,767 characters. */
export const MAX_CELL_TEXT = 32_767;

interface ColumnSpec {
  header: string;
  width: number;
  style?: Partial<ExcelJS.Style>;
}

const wrap: Partial<ExcelJS.Style> = { alignment: { vertical: 'top', wrapText: true } };
const top: Partial<ExcelJS.Style> = { alignment: { vertical: 'top' } };
const date: Partial<ExcelJS.Style> = { numFmt: DATE_FORMAT, alignment: { vertical: 'top' } };

/** Sheet 1's columns, in order. */
export const KANRIBO_XLSX_COLUMNS: readonly ColumnSpec[] = [
  { header: '連番', width: 7, style: top },
  { header: '日時', width: 16, style: date },
  { header: '区分', width: 6, style: top },
  { header: '取扱者', width: 20, style: wrap },
  { header: '相手方', width: 20, style: wrap },
  { header: '情報の内容', width: 20, style: wrap },
  { header: '数量', width: 6, style: top },
  { header: '件数', width: 8, style: top },
  { header: '媒体', width: 24, style: wrap },
  { header: '方法', width: 8, style: top },
  { header: '袋・封印番号', width: 16, style: wrap },
  { header: '承認者', width: 14, style: wrap },
  { header: '承認日時', width: 16, style: date },
  { header: '備考', width: 28, style: wrap },
  {
    header: 'ハッシュ',
    width: 56,
    style: { font: { name: 'Consolas', size: 9 }, alignment: { vertical: 'top' } },
  },
];

export const KANRIBO_XLSX_HEADER: readonly string[] = KANRIBO_XLSX_COLUMNS.map((c) => c.header);

export type XlsxCell = string | number | Date | null;

/** Text as a cell takes it: null for nothing, cut at Excel's limit. */
function text(value: string | null): string | null {
  if (value === null || value === '') return null;
  return value.length > MAX_CELL_TEXT ? `${value.slice(0, MAX_CELL_TEXT - 1)}…` : value;
}

/**
 * 袋・封印番号 in one cell: `3-1 / 000123`, the bag alone (`3-1`), or the
 * seal behind a dash where there is no bag (`— / 000123`), so that the
 * position always says which is which.
 */
export function bagAndSeal(bagId: string | null, sealNumber: string | null): string | null {
  if (!bagId && !sealNumber) return null;
  if (!sealNumber) return bagId;
  return `${bagId || '—'} / ${sealNumber}`;
}

/**
 * The cells of a 管理簿 row, in the order of {@link KANRIBO_XLSX_COLUMNS}.
 * 取扱者 is who acted (the sender of a dispatch, the addressee who received
 * it), 相手方 the other side. Times are the business wall clock (see
 * {@link businessWallClock}); identifiers are text, exactly as recorded.
 */
export function kanriboXlsxCells(row: KanriboRow, timeZone: string): XlsxCell[] {
  const dispatch = row.kind === 'dispatch';
  return [
    row.seq,
    businessWallClock(row.occurredAt, timeZone),
    row.kindLabel,
    text(dispatch ? row.sender : row.receiver),
    text(dispatch ? row.receiver : row.sender),
    text(row.contents),
    row.quantity,
    row.records,
    text(row.media),
    text(row.method),
    text(bagAndSeal(row.bagId, row.sealNumber)),
    text(row.approvers),
    row.approvedAt === null ? null : businessWallClock(row.approvedAt, timeZone),
    text(row.remarks),
    row.hash,
  ];
}

/**
 * Text for a header or footer, at most `max` characters before escaping:
 * `&` is Excel's code character, so it is doubled.
 */
function headerFooterText(value: string, max: number): string {
  const clipped = value.length > max ? `${value.slice(0, max - 1)}…` : value;
  return clipped.replace(/&/g, '&&');
}

export interface KanriboWorkbookInput {
  contract: { id: string; title: string };
  timeZone: string;
  /** The instant of the export (the server's clock). */
  exportedAt: Date;
  /** The verify result at the export. */
  verdict: ChainVerdict;
  /** The rows, in ledger order. */
  rows: AsyncIterable<KanriboRow> | Iterable<KanriboRow>;
}

/** Thrown when the reader of the workbook went away: nothing more is written. */
export class WorkbookReaderGone extends Error {
  constructor() {
    super('the reader of the workbook went away');
  }
}

interface Emitter {
  on(event: string, listener: () => void): unknown;
  off(event: string, listener: () => void): unknown;
}

/** Resolves when `stream` emits `event`, or `output` closes (the reader went away). */
function whicheverFirst(stream: Emitter, event: string, output: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off(event, done);
      output.off('close', done);
      resolve();
    };
    stream.on(event, done);
    output.on('close', done);
  });
}

function closed(output: Writable): Promise<void> {
  return new Promise((resolve) => {
    if (output.closed) resolve();
    else output.once('close', () => resolve());
  });
}

/**
 * Where exceljs puts a sheet's XML: the zip's intake for the sheet (a
 * PassThrough of archiver's, readable-stream 2), which the sheet's buffer
 * writes 64 KB chunks into without heeding write()'s answer. What it holds
 * is what the deflater has not taken yet: left alone, a fast producer piles
 * the whole sheet up there. Read through exceljs 4.4's internals, hence the
 * duck typing; null if they are not as expected (then only the output's
 * backpressure and the turns of the event loop pace the writer).
 */
interface ZipIntake extends Emitter {
  _writableState: { length: number };
}

function zipIntake(sheet: ExcelJS.Worksheet): ZipIntake | null {
  const stream = (sheet as unknown as { stream?: { pipes?: unknown[] } }).stream;
  const intake = stream?.pipes?.[0] as Partial<ZipIntake> | undefined;
  return intake &&
    typeof intake._writableState?.length === 'number' &&
    typeof intake.on === 'function' &&
    typeof intake.off === 'function'
    ? (intake as ZipIntake)
    : null;
}

/** XML the zip may hold undeflated before the writer waits for it. */
const INTAKE_LIMIT = 1024 * 1024;

/** Rows written between two turns of the event loop (other requests, zlib and the socket run meanwhile). */
const ROWS_PER_TURN = 100;

/**
 * Writes the workbook to `output` and resolves with the number of rows on
 * sheet 1 once the zip is complete. Pauses while the zip has a megabyte of
 * XML to deflate or `output` is full (a slow reader slows the export
 * instead of filling memory), and gives the event loop a turn every hundred
 * rows. Rejects with {@link WorkbookReaderGone} if `output` is destroyed on
 * the way (the rows are closed then: a database cursor is let go).
 */
export async function writeKanriboWorkbook(
  output: Writable,
  input: KanriboWorkbookInput,
): Promise<number> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: output,
    useStyles: true,
    // Inline strings: a shared-string table would hold every distinct text
    // (every hash) in memory until the end.
    useSharedStrings: false,
  });
  workbook.creator = 'kanribo';
  workbook.created = input.exportedAt;
  workbook.modified = input.exportedAt;

  const title = input.contract.title;
  const sheet = workbook.addWorksheet(KANRIBO_SHEET, {
    views: [{ state: 'frozen', xSplit: 0, ySplit: 1, topLeftCell: 'A2', activeCell: 'A2' }],
    pageSetup: {
      paperSize: PAPER_A4 as ExcelJS.PaperSize,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: '1:1',
      showGridLines: true,
      margins: { left: 0.4, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
    },
    headerFooter: {
      // At most 13 + 2 × 80 + 2 + 2 × 40 = 255 characters, Excel's limit.
      oddHeader: `&L外部記録媒体管理簿&C${headerFooterText(title, 80)}&R${headerFooterText(input.contract.id, 40)}`,
      oddFooter: '&C&P / &N',
    },
  });
  const columnStyles = KANRIBO_XLSX_COLUMNS.map((c) => c.style ?? {});
  sheet.columns = KANRIBO_XLSX_COLUMNS.map((c, i) => ({ width: c.width, style: columnStyles[i] }));

  const header = sheet.addRow([...KANRIBO_XLSX_HEADER]);
  header.height = 20;
  header.eachCell((cell) => {
    cell.style = {
      font: { bold: true },
      fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } },
      border: {
        top: { style: 'thin' },
        left: { style: 'thin' },
        bottom: { style: 'thin' },
        right: { style: 'thin' },
      },
      alignment: { vertical: 'middle', horizontal: 'center', wrapText: true },
    };
  });
  header.commit();

  const intake = zipIntake(sheet);
  let count = 0;
  for await (const row of input.rows) {
    if (output.destroyed) throw new WorkbookReaderGone();
    const added = sheet.addRow(kanriboXlsxCells(row, input.timeZone));
    // The column's own style object on every cell: exceljs remembers the id
    // of a style object it has seen, where the copy each new cell gets would
    // be looked up afresh (a third of the time of a row).
    added.eachCell({ includeEmpty: true }, (cell, column) => {
      cell.style = columnStyles[column - 1] ?? {};
    });
    added.commit();
    count++;
    if (intake && intake._writableState.length > INTAKE_LIMIT) {
      await whicheverFirst(intake, 'drain', output);
    } else if (output.writableNeedDrain) {
      await whicheverFirst(output, 'drain', output);
    } else if (count % ROWS_PER_TURN === 0) {
      await new Promise<void>((r) => setImmediate(r));
    }
  }
  if (output.destroyed) throw new WorkbookReaderGone();
  sheet.autoFilter = {
    from: { row: 1, column: 1 },
    to: { row: count + 1, column: KANRIBO_XLSX_COLUMNS.length },
  };
  sheet.commit();

  addVerificationSheet(workbook, input, count);
  // The commit resolves when `output` has taken the last byte; a reader
  // that goes away before then closes it without finishing it.
  const committed = workbook.commit();
  committed.catch(() => undefined); // settled below, or moot once the reader is gone
  await Promise.race([committed, closed(output)]);
  if (!output.writableFinished) throw new WorkbookReaderGone();
  return count;
}

/** Sheet 2 「検証」: what the chain was when the rows were read. */
function addVerificationSheet(
  workbook: ExcelJS.Workbook,
  input: KanriboWorkbookInput,
  rows: number,
): void {
  const { verdict } = input;
  const sheet = workbook.addWorksheet(VERIFICATION_SHEET, {
    pageSetup: {
      paperSize: PAPER_A4 as ExcelJS.PaperSize,
      orientation: 'portrait',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
    },
  });
  sheet.columns = [
    { width: 24, style: { alignment: { vertical: 'top' } } },
    { width: 72, style: { alignment: { vertical: 'top', wrapText: true } } },
  ];
  const lines: Array<[string, XlsxCell, Partial<ExcelJS.Style>?]> = [
    ['項目', '値'],
    ['業務委託', input.contract.title],
    ['契約ID', input.contract.id],
    [
      '出力日時',
      businessWallClock(input.exportedAt.toISOString(), input.timeZone),
      { numFmt: DATE_SECONDS_FORMAT, alignment: { vertical: 'top', horizontal: 'left' } },
    ],
    ['時間帯', input.timeZone],
    [
      '検証結果',
      verdict.valid
        ? '正常: すべての記録のハッシュと連結が記録どおり'
        : `異常: 連番 ${verdict.firstInvalidSeq} が記録どおりではない (${verdict.reason})`,
    ],
    ['チェーン長', verdict.length],
    ['先頭ハッシュ', verdict.valid ? verdict.head : null],
    ['最初の不正な連番', verdict.valid ? null : verdict.firstInvalidSeq],
    ['管理簿の行数', rows],
    [
      '再計算の方法',
      '各記録の hash は、hash を除いた記録の RFC 8785 正規化 JSON (UTF-8) の SHA-256 (16進小文字)。' +
        'prevHash は一つ前の記録の hash (連番 1 は 0 が 64 個)。記録は GET /api/contracts/{id}/ledger で取得できる。',
    ],
  ];
  lines.forEach(([label, value, style], i) => {
    const row = sheet.addRow([label, value]);
    if (i === 0) row.font = { bold: true };
    else row.getCell(1).font = { bold: true };
    if (style) row.getCell(2).style = style;
    row.commit();
  });
  sheet.commit();
}

import { formatBusinessTime } from './business-time.js';
import type { LedgerEntry } from './hash-chain.js';
import { type KanriboRow, kanriboRow } from './kanribo-row.js';

// The business-time helpers lived here first; their importers still find them here.
export { formatBusinessTime } from './business-time.js';

/** UTF-8 byte-order mark, so that Excel opens the file as UTF-8 (Japanese). */
export const BOM = '\uFEFF';
export const CRLF = '\r\n';

export const KANRIBO_HEADER = [
  '連番',
  '日時',
  '区分',
  '引渡者',
  '受領者',
  '情報の内容',
  '媒体',
  '数量',
  '件数',
  '運搬方法',
  '鍵付きカバン番号',
  '封印番号',
  '承認者',
  '承認日時',
  '備考',
  'ハッシュ',
];

/**
 * One CSV cell. A cell a spreadsheet would run as a formula (starting with
 * = + - @, or a tab or carriage return) gets a leading apostrophe; a cell
 * with a comma, quote or line break is quoted, quotes doubled.
 */
export function csvCell(value: string | number | null | undefined): string {
  if (typeof value === 'number') return String(value);
  let text = value === null || value === undefined ? '' : value;
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  if (/[",\r\n]/.test(text)) text = `"${text.replace(/"/g, '""')}"`;
  return text;
}

export function csvLine(cells: Array<string | number | null | undefined>): string {
  return cells.map(csvCell).join(',') + CRLF;
}

/** The CSV line of a 管理簿 row, in the order of {@link KANRIBO_HEADER}. */
export function kanriboCsvLine(row: KanriboRow, timeZone: string): string {
  return csvLine([
    row.seq,
    formatBusinessTime(row.occurredAt, timeZone),
    row.kindLabel,
    row.sender,
    row.receiver,
    row.contents,
    row.media,
    row.quantity,
    row.records,
    row.method,
    row.bagId,
    row.sealNumber,
    row.approvers,
    row.approvedAt === null ? null : formatBusinessTime(row.approvedAt, timeZone),
    row.remarks,
    row.hash,
  ]);
}

/**
 * The CSV line of a dispatch or receipt entry, or null for other entries.
 * Both kinds of row name the sender (引渡者) and the addressee (受領者).
 */
export function kanriboLine(entry: LedgerEntry, timeZone: string): string | null {
  const row = kanriboRow(entry);
  return row && kanriboCsvLine(row, timeZone);
}

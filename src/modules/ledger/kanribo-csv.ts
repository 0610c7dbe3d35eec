import type { LedgerEntry } from './hash-chain.js';
import type {
  HandoverDispatchedPayload,
  HandoverItemRef,
  HandoverReceivedPayload,
  PartyRef,
} from './ledger-payloads.js';

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
  '備考',
  'ハッシュ',
];

const KIND_LABELS: Record<string, string> = {
  dvd_r: 'DVD-R',
  cd_r: 'CD-R',
  usb: 'USBメモリ',
  encrypted_file: '暗号化ファイル',
  paper: '紙',
  password_notice: 'パスワード通知書',
};

const METHOD_LABELS: Record<string, string> = { hand: '手渡し', lgwan: 'LGWAN' };

const PURPOSE_LABELS: Record<string, string> = {
  provide: '提供',
  return: '返却',
  subcontract: '再委託',
  internal: '内部',
};

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

/** Building a formatter costs far more than using one: one per zone and precision. */
const timeFormatters = new Map<string, Intl.DateTimeFormat>();

/**
 * `YYYY/MM/DD HH:mm` of an instant in the business time zone, or
 * `YYYY/MM/DD HH:mm:ss` with `seconds` (the access log's CSV).
 */
export function formatBusinessTime(iso: string, timeZone: string, seconds = false): string {
  const key = `${timeZone}|${seconds ? 's' : 'm'}`;
  let formatter = timeFormatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      ...(seconds ? { second: '2-digit' as const } : {}),
      hourCycle: 'h23',
    });
    timeFormatters.set(key, formatter);
  }
  const parts = formatter.formatToParts(new Date(iso));
  const get = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? '';
  const minute = `${get('year')}/${get('month')}/${get('day')} ${get('hour')}:${get('minute')}`;
  return seconds ? `${minute}:${get('second')}` : minute;
}

const party = (p: PartyRef): string => `${p.organizationName} ${p.displayName}`;
const contents = (items: HandoverItemRef[]): string =>
  [...new Set(items.map((i) => i.description))].join(' / ');
const media = (items: HandoverItemRef[]): string =>
  items.map((i) => `${KIND_LABELS[i.kind] ?? i.kind} ${i.label}`).join(' / ');
const records = (items: HandoverItemRef[]): number =>
  items.reduce((sum, i) => sum + i.recordCount, 0);

/**
 * The CSV line of a dispatch or receipt entry, or null for other entries.
 * Both kinds of row name the sender (引渡者) and the addressee (受領者).
 */
export function kanriboLine(entry: LedgerEntry, timeZone: string): string | null {
  if (entry.type !== 'handover_dispatched' && entry.type !== 'handover_received') return null;
  const dispatched = entry.type === 'handover_dispatched';
  const p = entry.payload as unknown as HandoverDispatchedPayload &
    Partial<HandoverReceivedPayload>;
  const remarks: string[] = [`目的: ${PURPOSE_LABELS[p.purpose] ?? p.purpose}`];
  if (dispatched) {
    if (p.note) remarks.push(p.note);
  } else {
    remarks.push(p.sealIntact ? '封印異常なし' : '封印破損');
    const checked = Object.keys(p.sha256 ?? {}).length;
    if (checked > 0) remarks.push(`指紋照合 ${checked}件`);
    if ((p.fingerprintMismatches ?? []).length > 0) {
      remarks.push(`指紋不一致 ${p.fingerprintMismatches!.length}件`);
    }
    if ((p.compromisedMediumIds ?? []).length > 0) remarks.push('事故報告あり');
  }
  return csvLine([
    entry.seq,
    formatBusinessTime(entry.occurredAt, timeZone),
    dispatched ? '引渡' : '受領',
    party(p.from),
    party(p.to),
    contents(p.items),
    media(p.items),
    p.items.length,
    records(p.items),
    METHOD_LABELS[p.method] ?? p.method,
    p.bagId,
    p.sealNumber,
    remarks.join('; '),
    entry.hash,
  ]);
}

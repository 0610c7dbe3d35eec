import type { LedgerEntry } from './hash-chain.js';
import type { LedgerEventType } from './ledger-events.js';
import type {
  HandoverDispatchedPayload,
  HandoverItemRef,
  HandoverReceivedPayload,
  PartyRef,
  PlaceRef,
} from './ledger-payloads.js';

/**
 * One row of the 管理簿: a dispatch (引渡) or a receipt (受領), read from its
 * ledger entry alone. Both exports (CSV and workbook) format this model, so
 * what a row says is decided once, here; how a cell is written (escaped
 * text, a number, a date) is the format's business.
 */
export interface KanriboRow {
  seq: number;
  /** When it happened: ISO 8601 instant, as recorded. */
  occurredAt: string;
  kind: 'dispatch' | 'receipt';
  /** 引渡 or 受領. */
  kindLabel: string;
  /** 引渡者: organization and person. */
  sender: string;
  /** 受領者: organization and person. */
  receiver: string;
  /** 情報の内容: the distinct descriptions of the items. */
  contents: string;
  /** 媒体: kind and label of each item. */
  media: string;
  /** 数量: items. */
  quantity: number;
  /** 件数: records, summed over the items. */
  records: number;
  /** 運搬方法. */
  method: string;
  /** 鍵付きカバン番号, exactly as given (`3-1` stays `3-1`). */
  bagId: string | null;
  /** 封印番号, exactly as given (`000123` keeps its zeros). */
  sealNumber: string | null;
  /** 承認者: the distinct approvers of the items' take-out approvals, or null. */
  approvers: string | null;
  /** 承認日時: the latest approval of the items, ISO 8601 instant, or null. */
  approvedAt: string | null;
  /**
   * 場所 (持出しの禁止): on a receipt where it was received, on a dispatch the
   * places the items left from; null where no place was named. Also in 備考.
   */
  place: string | null;
  /** 備考: purpose, place, note, and on a receipt the checks made. */
  remarks: string;
  hash: string;
}

export const KIND_LABELS: Readonly<Record<string, string>> = {
  dvd_r: 'DVD-R',
  cd_r: 'CD-R',
  usb: 'USBメモリ',
  encrypted_file: '暗号化ファイル',
  paper: '紙',
  password_notice: 'パスワード通知書',
};

export const METHOD_LABELS: Readonly<Record<string, string>> = { hand: '手渡し', lgwan: 'LGWAN' };

export const PURPOSE_LABELS: Readonly<Record<string, string>> = {
  provide: '提供',
  return: '返却',
  subcontract: '再委託',
  internal: '内部',
};

/** The ledger entry types that are rows of the 管理簿. */
export const KANRIBO_ENTRY_TYPES: readonly LedgerEventType[] = [
  'handover_dispatched',
  'handover_received',
];

const party = (p: PartyRef): string => `${p.organizationName} ${p.displayName}`;
const contents = (items: HandoverItemRef[]): string =>
  [...new Set(items.map((i) => i.description))].join(' / ');
const media = (items: HandoverItemRef[]): string =>
  items.map((i) => `${KIND_LABELS[i.kind] ?? i.kind} ${i.label}`).join(' / ');
const records = (items: HandoverItemRef[]): number =>
  items.reduce((sum, i) => sum + i.recordCount, 0);

/**
 * Who approved the take-out of the items: their distinct names in item
 * order, joined by ' / ', and the latest approval instant (compared as
 * instants, whatever offset each was written with); nulls when no item was
 * taken out under an approval.
 */
export function takeoutApproval(items: HandoverItemRef[]): {
  approvers: string | null;
  approvedAt: string | null;
} {
  const names: string[] = [];
  let latest: { at: string; ms: number } | null = null;
  for (const item of items) {
    const takeout = item.takeout;
    if (!takeout) continue;
    if (!names.includes(takeout.approvedByName)) names.push(takeout.approvedByName);
    const ms = Date.parse(takeout.approvedAt);
    if (!Number.isNaN(ms) && (latest === null || ms > latest.ms)) {
      latest = { at: takeout.approvedAt, ms };
    }
  }
  return { approvers: names.length ? names.join(' / ') : null, approvedAt: latest?.at ?? null };
}

const placeText = (p: PlaceRef): string =>
  `${p.name}（${p.address}）${p.consentIds?.length ? ' 承諾による' : ''}`;

/** The distinct places of a step, in order, joined by ' / '; null when none. */
export function stepPlace(places: Array<PlaceRef | undefined>): string | null {
  const texts = [...new Set(places.flatMap((p) => (p ? [placeText(p)] : [])))];
  return texts.length > 0 ? texts.join(' / ') : null;
}

/** The row of a dispatch or receipt entry, or null for any other entry. */
export function kanriboRow(entry: LedgerEntry): KanriboRow | null {
  if (entry.type !== 'handover_dispatched' && entry.type !== 'handover_received') return null;
  const dispatched = entry.type === 'handover_dispatched';
  const p = entry.payload as unknown as HandoverDispatchedPayload &
    Partial<HandoverReceivedPayload>;
  const remarks: string[] = [`目的: ${PURPOSE_LABELS[p.purpose] ?? p.purpose}`];
  const place = dispatched ? stepPlace(p.items.map((i) => i.place)) : stepPlace([p.place]);
  if (place) remarks.push(`場所: ${place}`);
  if (dispatched) {
    if (p.note) remarks.push(p.note);
  } else {
    remarks.push(p.sealIntact ? '封印異常なし' : '封印破損');
    const checked = Object.keys(p.sha256 ?? {}).length;
    if (checked > 0) remarks.push(`指紋照合 ${checked}件`);
    const mismatches = p.fingerprintMismatches ?? [];
    if (mismatches.length > 0) remarks.push(`指紋不一致 ${mismatches.length}件`);
    if ((p.compromisedMediumIds ?? []).length > 0) remarks.push('事故報告あり');
  }
  return {
    seq: entry.seq,
    occurredAt: entry.occurredAt,
    kind: dispatched ? 'dispatch' : 'receipt',
    kindLabel: dispatched ? '引渡' : '受領',
    sender: party(p.from),
    receiver: party(p.to),
    contents: contents(p.items),
    media: media(p.items),
    quantity: p.items.length,
    records: records(p.items),
    method: METHOD_LABELS[p.method] ?? p.method,
    bagId: p.bagId ?? null,
    sealNumber: p.sealNumber ?? null,
    ...takeoutApproval(p.items),
    place,
    remarks: remarks.join('; '),
    hash: entry.hash,
  };
}

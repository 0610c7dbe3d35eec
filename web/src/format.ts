import type { components } from './api/schema';
// The service's own names of the ledger's entry types (one list for exports and screens).
import { LEDGER_EVENT_LABELS } from '../../src/modules/ledger/ledger-events';

type Schemas = components['schemas'];

/** Every date on screen is shown in the ward's time zone, Japanese style. */
export const BUSINESS_TIMEZONE = 'Asia/Tokyo';

const DATE_TIME = new Intl.DateTimeFormat('ja-JP', {
  timeZone: BUSINESS_TIMEZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

const DATE = new Intl.DateTimeFormat('ja-JP', {
  timeZone: BUSINESS_TIMEZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** 2026/12/03 15:42 for an instant. */
export function dateTime(iso: string | null | undefined): string {
  return iso ? DATE_TIME.format(new Date(iso)) : '—';
}

/** 2026/12/03 for an instant or a calendar date (YYYY-MM-DD, taken as that day in Tokyo). */
export function date(value: string | null | undefined): string {
  if (!value) return '—';
  const instant = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00+09:00` : value;
  return DATE.format(new Date(instant));
}

export const MEDIUM_KINDS = {
  dvd_r: 'DVD-R',
  cd_r: 'CD-R',
  usb: 'USBメモリ',
  encrypted_file: '暗号化ファイル',
  paper: '紙',
  password_notice: 'パスワード通知書',
} satisfies Record<Schemas['MediumResponse']['kind'], string>;

export const CUSTODY_STATES = {
  held: '保管中',
  in_transit: '引渡し中',
  returned: '返却済み',
  erased: '消去済み',
  destroyed: '破壊済み',
  lost: '亡失',
  compromised: '要確認（封印破損等）',
} satisfies Record<Schemas['CustodyResponse']['state'], string>;

export const ROLES = {
  ward_officer: '区職員',
  contractor_staff: '委託先取扱者',
  auditor: '監査担当',
  admin: 'システム管理者',
} satisfies Record<Schemas['UserResponse']['role'], string>;

export const HANDOVER_METHODS = {
  hand: '手渡し',
  lgwan: 'LGWAN',
} satisfies Record<Schemas['HandoverResponse']['method'], string>;

export const HANDOVER_PURPOSES = {
  provide: '提供',
  return: '返却',
  subcontract: '再委託先へ',
  internal: '組織内',
} satisfies Record<Schemas['HandoverResponse']['purpose'], string>;

/** 媒体登録, 引渡, 受領… for a ledger entry's type; the type itself for one this build does not know. */
export function entryTypeLabel(type: string): string {
  return (LEDGER_EVENT_LABELS as Record<string, string>)[type] ?? type;
}

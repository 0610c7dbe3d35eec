/** Every kind of ledger entry. The payload of each is described beside its producer. */
export const LEDGER_EVENT_TYPES = [
  'contract_registered',
  'roster_entry_added',
  'roster_entry_removed',
  'medium_registered',
  'handover_dispatched',
  'handover_received',
  'medium_stored',
  'incident_reported',
  'deletion_certificate_submitted',
  'deletion_certificate_confirmed',
  'deletion_certificate_rejected',
  'contract_closed',
  'audit_recorded',
  'takeout_requested',
  'takeout_approved',
  'takeout_rejected',
  'takeout_withdrawn',
] as const;
export type LedgerEventType = (typeof LEDGER_EVENT_TYPES)[number];

/** Japanese names of the entry types, for people reading an export. */
export const LEDGER_EVENT_LABELS: Record<LedgerEventType, string> = {
  contract_registered: '契約登録',
  roster_entry_added: '名簿登録',
  roster_entry_removed: '名簿削除',
  medium_registered: '媒体登録',
  handover_dispatched: '引渡',
  handover_received: '受領',
  medium_stored: '保管',
  incident_reported: '事故報告',
  deletion_certificate_submitted: '消去証明書提出',
  deletion_certificate_confirmed: '消去証明書確認',
  deletion_certificate_rejected: '消去証明書差戻し',
  contract_closed: '契約終了',
  audit_recorded: '立入調査',
  takeout_requested: '持出し申請',
  takeout_approved: '持出し承認',
  takeout_rejected: '持出し却下',
  takeout_withdrawn: '持出し取下げ',
};

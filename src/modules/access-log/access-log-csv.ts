import { BOM, csvLine, formatBusinessTime } from '../ledger/kanribo-csv.js';
import type { AccessLogExportRow } from './access-log.service.js';

export { BOM };

/** The columns of the access log's CSV, in the 管理簿's Excel conventions (UTF-8 BOM, CRLF). */
export const ACCESS_LOG_HEADER = [
  '連番',
  '日時',
  '利用者',
  '利用者ID',
  'ログインID',
  '組織ID',
  '役割',
  '操作',
  'メソッド',
  '経路',
  '契約ID',
  '対象ID',
  '結果',
  '接続元',
  'ユーザーエージェント',
  '要求ID',
  'ハッシュ',
];

const ROLE_LABELS: Record<string, string> = {
  admin: 'システム管理者',
  ward_officer: '区職員',
  contractor_staff: '受託者',
  auditor: '監査担当',
};

/** `YYYY/MM/DD HH:mm:ss` of an instant in the business time zone. */
export function formatBusinessSecond(iso: string, timeZone: string): string {
  return formatBusinessTime(iso, timeZone, true);
}

/** One CSV line of an entry (cells a spreadsheet would run as formulas are escaped by csvLine). */
export function accessLogLine(row: AccessLogExportRow, timeZone: string): string {
  return csvLine([
    row.seq,
    formatBusinessSecond(row.recordedAt, timeZone),
    row.userDisplayName,
    row.userId,
    row.loginId,
    row.organizationId,
    row.role === null ? null : (ROLE_LABELS[row.role] ?? row.role),
    row.action,
    row.method,
    row.route,
    row.contractId,
    row.resourceId,
    row.statusCode,
    row.clientAddress,
    row.userAgent,
    row.requestId,
    row.hash,
  ]);
}

import type { AccessLogRecord } from './access-log-chain.rule.js';

/**
 * The columns of an {@link AccessLogRecord} as the database returns them, in
 * `access_log_entries` and in `access_log_pending` alike (PostgreSQL may
 * return an integer as a string).
 */
export interface AccessLogRecordRow {
  recorded_at: string;
  user_id: string | null;
  organization_id: string | null;
  role: string | null;
  login_id: string | null;
  action: string;
  method: string;
  route: string;
  contract_id: string | null;
  resource_id: string | null;
  status_code: number | string;
  client_address: string;
  user_agent: string | null;
  request_id: string;
}

/** Those columns, in that order. */
export const RECORD_COLUMNS =
  'recorded_at, user_id, organization_id, role, login_id, action, method, route, contract_id, ' +
  'resource_id, status_code, client_address, user_agent, request_id';

export function recordFromRow(row: AccessLogRecordRow): AccessLogRecord {
  return {
    recordedAt: row.recorded_at,
    userId: row.user_id,
    organizationId: row.organization_id,
    role: row.role,
    loginId: row.login_id,
    action: row.action,
    method: row.method,
    route: row.route,
    contractId: row.contract_id,
    resourceId: row.resource_id,
    statusCode: Number(row.status_code),
    clientAddress: row.client_address,
    userAgent: row.user_agent,
    requestId: row.request_id,
  };
}
